"""Column orders of every table the workflow writes, and the one TSV writer.

Column names here are contracts (issues pin them): add columns, never rename.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pfocr_enrich.text import fold_text

if TYPE_CHECKING:  # importing pandas costs each record-parsing job 0.4 s; only write_frame takes frames
    import pandas as pd

FIGURES_COLUMNS = (
    "figid",
    "species",
    "n_genes",
    "pmcid",
    "year",
    "title",
    "papertitle",
    "figlink",
    "record_file",
    "set_id",
)
# Appended to FIGURES_COLUMNS when gmt.entities has chemicals or diseases: the distinct chemicals
# and diseases a figure mentions with an ID (by MeSH ID, or its ChEBI/DOID ID where it has none).
FIGURES_ENTITY_COLUMNS = ("n_chemicals", "n_diseases")
SKIPPED_COLUMNS = ("file", "figid", "species", "reason", "detail")
# Every name the records give a chemical or disease ID (records.entitysets.entity_name_rows):
# entity (chemicals, diseases), id_type (chebi, mesh, doid), id (chebi:15422), name, source
# (name, match or word: records.entitysets.NAME_SOURCES).
ENTITY_NAMES_COLUMNS = ("entity", "id_type", "id", "name", "source")
ID_MAP_COLUMNS = ("symbol", "entrez", "kind", "species")
RESULT_COLUMNS = (
    "set_id",
    "set_name",
    "set_size",
    "overlap",
    "query_size",
    "universe_size",
    "pvalue",
    "padj",
    "odds_ratio",
    "fold_enrichment",
    "gene_ratio",
    "bg_ratio",
    "combined_score",
    "overlap_genes",
    "overlap_symbols",
    "pmcid",
    "year",
    "link",
    "cluster",
)
SUMMARY_COLUMNS = (
    "list",
    "library",
    "n_input",
    "n_mapped",
    "n_in_universe",
    "universe_size",
    "n_tests",
    "n_significant",
    "n_unmapped",
    "n_duplicates",
    "note",
    "species",  # the list's and so the library's (lists are tested against libraries of their species)
)
UNMAPPED_COLUMNS = ("list", "library", "gene", "reason", "candidates")
# The ID tables fetched for one species (enrich.idsources): which id_map entry, what was read, and its checksum.
ID_TABLES_COLUMNS = ("source", "species", "url", "path", "sha256", "status")
# Sets of a library renamed because an earlier line has their name (enrichment.duplicate_sets: rename).
RENAMED_SETS_COLUMNS = ("library", "line", "old_name", "new_name")
# A list's covering sets in the order picked: the genes each covers first (library IDs, `/`-joined)
# and the share of the significant sets' overlap genes covered so far.
COVER_COLUMNS = ("list", "set_id", "set_name", "padj", "n_new_genes", "new_genes", "coverage")


def clean_cell(value: object) -> str:
    """A TSV cell on one line: tabs and newlines in record text would shift columns."""
    if value is None:
        return ""
    return fold_text(value) if isinstance(value, str) else str(value)


def write_tsv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a header and rows as UTF-8 TSV with `\\n` endings; returns the row count."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(columns)
        for row in rows:
            if len(row) != len(columns):
                raise ValueError(f"{path}: row has {len(row)} cells, header {len(columns)}")
            writer.writerow([clean_cell(v) for v in row])
            count += 1
    return count


def _cell_texts(values) -> list[str]:
    """One column as TSV cells: floats in shortest round-trip form (repr), text quoted only
    where a tab, newline or quote would break the row (as csv.QUOTE_MINIMAL)."""
    if values.dtype.kind in "fiub":
        # Numbers repeat a lot (p depends only on overlap and set size): format each once.
        distinct, positions = np.unique(values, return_inverse=True)
        if values.dtype.kind == "f":
            texts = ["" if v != v else repr(v) for v in distinct.tolist()]  # NaN -> empty, as pandas
        else:
            texts = [str(v) for v in distinct.tolist()]
        return np.array(texts, dtype=object)[positions.ravel()].tolist()
    texts = [v if type(v) is str else "" if v is None else str(v) for v in values.tolist()]
    whole = "\0".join(texts)
    if not ('"' in whole or "\t" in whole or "\n" in whole or "\r" in whole):
        return texts  # nothing to quote: the common case, checked in one pass
    return [
        f'"{t.replace(chr(34), chr(34) * 2)}"' if ('"' in t or "\t" in t or "\n" in t or "\r" in t) else t
        for t in texts
    ]


def write_frame(path: Path, table: pd.DataFrame | Mapping[str, np.ndarray], append: bool = False) -> None:
    """Write a DataFrame, or columns as {name: array}, as TSV ~10x faster than to_csv (which
    formats floats slowly).

    The text is what `to_csv(sep="\\t", index=False)` writes for our tables: header, `\\n`
    endings, floats that read back to the same double. `append`: rows added to the file, no header.
    """
    arrays = table if isinstance(table, Mapping) else {name: table[name].to_numpy() for name in table.columns}
    columns = [_cell_texts(np.asarray(values)) for values in arrays.values()]
    with open(path, "a" if append else "w", encoding="utf-8", newline="") as handle:
        if not append:
            handle.write("\t".join(map(str, arrays)) + "\n")
        if columns and len(columns[0]):
            handle.write("\n".join(map("\t".join, zip(*columns, strict=True))) + "\n")
