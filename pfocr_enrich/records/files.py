"""Finding record files: a folder searched recursively, or a .tar.gz/.zip unpacked safely."""

from __future__ import annotations

import os
import shutil
import tarfile
import zipfile
from pathlib import Path

from pfocr_enrich.errors import InputError

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def list_record_files(folder: Path) -> list[str]:
    """Every `*.md` below `folder` (recursively), as sorted POSIX paths relative to it.

    The sort fixes which of two records with the same figid counts as "first", so output
    never depends on the file system's listing order.
    """
    if not folder.is_dir():
        raise InputError(
            f"records: {folder} is not a folder or a .tar.gz/.zip archive. "
            "Set 'records:' in config.yaml to a folder of PFOCR records or an archive of them."
        )
    found = []
    for directory, subdirs, files in os.walk(folder):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for name in files:
            if name.lower().endswith(".md") and not name.startswith("."):
                found.append(Path(directory, name).relative_to(folder).as_posix())
    if not found:
        raise InputError(
            f"records: no record files (*.md) found in {folder}. Point 'records:' at the "
            "folder holding PFOCR's _figures/*.md (and _data/*-genes.tsv), or at an archive."
        )
    return sorted(found)


def _safe_target(root: Path, member_name: str, archive: Path) -> Path:
    target = (root / member_name).resolve()
    if not target.is_relative_to(root.resolve()) or os.path.isabs(member_name):
        raise InputError(
            f"records: archive {archive} holds {member_name!r}, a path outside the archive. "
            "Refusing to unpack it; unpack it yourself and check its contents."
        )
    return target


def unpack_archive(archive: Path, destination: Path) -> None:
    """Unpack a records archive, refusing members that would land outside `destination`."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    try:
        if archive.name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as bundle:
                for info in bundle.infolist():
                    _safe_target(destination, info.filename, archive)
                bundle.extractall(destination)  # noqa: S202 - every member checked above
        else:
            with tarfile.open(archive) as bundle:
                members = bundle.getmembers()
                for member in members:
                    _safe_target(destination, member.name, archive)
                    if member.issym() or member.islnk():
                        raise InputError(
                            f"records: archive {archive} holds a link {member.name!r}; "
                            "links are refused. Repack it without links."
                        )
                bundle.extractall(destination, members=[m for m in members if m.isreg() or m.isdir()], filter="data")
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as err:
        raise InputError(f"records: cannot unpack {archive}: {err}. Is it a complete archive?") from err
