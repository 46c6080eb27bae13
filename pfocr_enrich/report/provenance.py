"""What a run was made from: package versions, the config as run, SHA-256 of every input.

A records folder gets one digest over its sorted (relative path, file SHA-256) listing, so a
renamed, added or changed record changes it while file-system order does not.
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

PACKAGES = ("pfocr-enrich", "snakemake", "numpy", "scipy", "pandas", "statsmodels", "pyyaml", "matplotlib")
CHUNK_BYTES = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def folder_sha256(folder: Path) -> dict[str, object]:
    """SHA-256 over the `relative/path<TAB>file sha256` lines of every file, sorted by path."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    listing = "".join(f"{p.relative_to(folder).as_posix()}\t{file_sha256(p)}\n" for p in files)
    return {"sha256": hashlib.sha256(listing.encode("utf-8")).hexdigest(), "files": len(files)}


def input_digest(path: Path) -> dict[str, object]:
    """{path, sha256} for a file; {path, sha256, files} for a folder (see folder_sha256)."""
    if path.is_dir():
        return {"path": str(path), "kind": "folder", **folder_sha256(path)}
    return {"path": str(path), "kind": "file", "sha256": file_sha256(path)}


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_provenance(config: Mapping, inputs: Mapping[str, Iterable[Path]]) -> dict[str, object]:
    """The provenance record: {packages, config, inputs: {role: [digest, ...]}}."""
    return {
        "packages": package_versions(),
        "config": dict(config),
        "inputs": {role: [input_digest(Path(p)) for p in paths] for role, paths in inputs.items()},
    }


def provenance_rows(provenance: Mapping) -> list[tuple[str, str, str]]:
    """(section, item, value) rows of a provenance record, for a table a person reads."""
    rows = [("package", name, version) for name, version in provenance["packages"].items()]
    rows += [("config", key, value) for key, value in _flatten(provenance["config"])]
    for role, digests in provenance["inputs"].items():
        for digest in digests:
            files = f" over {digest['files']} files" if digest.get("kind") == "folder" else ""
            rows.append((f"input: {role}", str(digest["path"]), f"sha256 {digest['sha256']}{files}"))
    return rows


def _flatten(value: object, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, Mapping) and value:
        return [pair for key, item in value.items() for pair in _flatten(item, f"{prefix}{key}.")]
    return [(prefix.rstrip("."), "null" if value is None else str(value))]
