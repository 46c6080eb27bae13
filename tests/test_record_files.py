"""Finding records: folders, archives, and archives that try to escape."""

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from pfocr_enrich.errors import InputError
from pfocr_enrich.records.files import list_record_files, unpack_archive


def test_folder_is_searched_recursively_and_sorted(tmp_path: Path):
    for name in ["b/z.md", "a.md", "b/_data/z-genes.tsv", ".hidden/x.md", "notes.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert list_record_files(tmp_path) == ["a.md", "b/z.md"]


def test_empty_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(InputError, match="no record files"):
        list_record_files(tmp_path)


def test_tar_gz_unpacks(tmp_path: Path):
    archive = tmp_path / "records.tar.gz"
    with tarfile.open(archive, "w:gz") as bundle:
        data = b"---\nfigid: X\n---\n"
        info = tarfile.TarInfo("_figures/X.md")
        info.size = len(data)
        bundle.addfile(info, io.BytesIO(data))
    unpack_archive(archive, tmp_path / "out")
    assert list_record_files(tmp_path / "out") == ["_figures/X.md"]


def test_tar_member_outside_the_archive_is_refused(tmp_path: Path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as bundle:
        info = tarfile.TarInfo("../escaped.md")
        info.size = 1
        bundle.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(InputError, match="outside the archive"):
        unpack_archive(archive, tmp_path / "out")
    assert not (tmp_path / "escaped.md").exists()


def test_zip_member_outside_the_archive_is_refused(tmp_path: Path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../../escaped.md", "x")
    with pytest.raises(InputError, match="outside the archive"):
        unpack_archive(archive, tmp_path / "out")


def test_corrupt_archive_is_a_clear_error(tmp_path: Path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="cannot unpack"):
        unpack_archive(archive, tmp_path / "out")
