"""Outputs left from an earlier run. A library job removes the per-list files of lists no longer in
the run from its own folder; folders of whole libraries no longer in the run are named, not deleted
(they may be a user's earlier results worth keeping)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def remove_stale_files(folder: Path, patterns: Iterable[str], keep: Iterable[Path]) -> list[Path]:
    """Delete the files in `folder` (not below it) matching `patterns` that are not in `keep`."""
    kept = {Path(p).resolve() for p in keep}
    found = {path for pattern in patterns for path in Path(folder).glob(pattern) if path.is_file()}
    stale = sorted(path for path in found if path.resolve() not in kept)
    for path in stale:
        path.unlink()
    return stale


def stale_library_outputs(roots: Iterable[Path], libraries: Iterable[str]) -> list[Path]:
    """Folders (and `.html` pages) under `roots` named after a library the run does not have."""
    current = set(libraries)
    stale = []
    for root in map(Path, roots):
        if not root.is_dir():
            continue
        for entry in sorted(root.iterdir()):
            name = entry.name if entry.is_dir() else entry.stem if entry.suffix == ".html" else None
            if name is not None and name not in current:
                stale.append(entry)
    return stale


def describe_removed(paths: list[Path], what: str) -> str | None:
    """One log line naming removed files, or None when there were none."""
    if not paths:
        return None
    shown = ", ".join(p.name for p in paths[:10]) + (f" and {len(paths) - 10} more" if len(paths) > 10 else "")
    return f"removed {len(paths)} {what} of lists no longer in the run: {shown}"
