"""Outputs left from an earlier run. Per-list files live in one folder per library, which Snakemake
empties before the library's job reruns; folders of whole libraries no longer in the run are
named on the console, not deleted (they may be a user's earlier results worth keeping). GMTs built
for a species a new build no longer yields are removed by the build that decides it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pfocr_enrich.species import species_token


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


def remove_stale_gmts(gmt_file: str, species: Iterable[str], id_types: Iterable[str]) -> list[Path]:
    """Delete the built GMTs (`gmt_file` with `{species}` and `{id_type}` fields) of species not in
    `species`; returns what was deleted."""
    id_types = list(id_types)
    current = {Path(gmt_file.format(species=species_token(s), id_type=t)) for s in species for t in id_types}
    pattern = Path(gmt_file.format(species="*", id_type="*"))
    stale = sorted(path for path in pattern.parent.glob(pattern.name) if path not in current)
    for path in stale:
        path.unlink()
    return stale
