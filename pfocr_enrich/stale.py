"""Outputs left from an earlier run. Per-list files live in one folder per library, which Snakemake
empties before the library's job reruns; folders of whole libraries no longer in the run are
named on the console, not deleted (they may be a user's earlier results worth keeping)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


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
