"""Outputs left from an earlier run. Per-list files live in one folder per library, which Snakemake
empties before the library's job reruns; folders of whole libraries no longer in the run are
named on the console, not deleted (they may be a user's earlier results worth keeping). GMTs built
for a species a new build no longer yields are removed by the build that decides it."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from pfocr_enrich.species import species_token

LIBRARY_FILE_SUFFIXES = (".html", ".parquet", ".cover.tsv", ".tsv", ".txt")
RUN_TABLES = frozenset({"summary.tsv", "significant.tsv", "unmapped.tsv", "renamed_sets.tsv"})


def stale_library_outputs(roots: Iterable[Path], libraries: Iterable[str]) -> list[Path]:
    """Folders and files (`.html` pages, `.parquet`, `.cover.tsv`, compareCluster `.tsv` tables and
    EnrichmentMap `.txt` files)
    under `roots` named after a library the run does not have; the run-wide tables (summary.tsv, ...) aside."""
    current = set(libraries)
    ours = {f"{library}{suffix}" for library in current for suffix in LIBRARY_FILE_SUFFIXES}
    stale = []
    for root in map(Path, roots):
        if not root.is_dir():
            continue
        for entry in sorted(root.iterdir()):
            if entry.is_dir():
                if entry.name not in current:
                    stale.append(entry)
            elif entry.name.endswith(LIBRARY_FILE_SUFFIXES) and entry.name not in RUN_TABLES | ours:
                stale.append(entry)
    return stale


def remove_stale_gmts(gmt_file: str, species: Iterable[str], id_types: Iterable[str]) -> list[Path]:
    """Delete the built GMTs (`gmt_file` with `{species}` and `{id_type}` fields) of species not in
    `species`; returns what was deleted."""
    id_types = list(id_types)
    current = {Path(gmt_file.format(species=species_token(s), id_type=t)) for s in species for t in id_types}
    # One ID type at a time: `*_*` would match the chemical and disease libraries
    # (pfocr_{release}_chemicals_chebi.gmt), which are no species'.
    patterns = [Path(gmt_file.format(species="*", id_type=id_type)) for id_type in id_types]
    found = {path for pattern in patterns for path in pattern.parent.glob(pattern.name)}
    stale = sorted(path for path in found if path not in current)
    for path in stale:
        path.unlink()
    return stale


def remove_outputs(paths: Iterable[str | Path]) -> list[Path]:
    """Delete files or folders an earlier run wrote that this run's settings do not (e.g. per-list
    tables after enrichment.tables became `combined`): left in place they would contradict the
    settings. Returns what was deleted."""
    removed = []
    for path in map(Path, paths):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        removed.append(path)
    return removed
