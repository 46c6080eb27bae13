"""Reading users' gene lists (config `lists:`): a folder of list files, or one file.

Formats, chosen by suffix (case-insensitive):
- `.txt`: one gene a line. `#` starts a comment (whole line or trailing); blank lines and
  surrounding spaces are ignored; a header word (`gene`, `symbol`, `entrez`, ...) as the first
  non-comment line is ignored. The list is named after the file (its stem).
- `.tsv` / `.csv`: a header row with a `gene` column (any case). With a `list` column one file
  holds many lists, named by its values in order of first appearance; without it the list is
  named after the file. Empty gene cells are skipped. An optional `species` column names the
  list's species (`Mus musculus`), one value a list; an optional `type` column what the list
  holds: `genes` (the default), `chemicals` or `diseases` (lists of names such as ATP, which
  cannot be told from gene symbols, say so here or in config `list_types`).
- `.gmt`: one list a line, `name<TAB>description<TAB>gene...`, read by the one GMT reader
  (`pfocr_enrich.gmt`), which drops genes repeated within a line.

A folder is read non-recursively, files sorted by name; hidden files and other suffixes are
ignored (`ignored_files` names them, for the console). Genes are kept as given (order, repeats):
ID mapping and its report come later.

List names become file names downstream, so they must be unique (ignoring case, for macOS
and Windows file systems) and use only letters, digits, `_`, `-`, `+` and `.`, not starting
with `.`. A bad name is an error with a suggested rename, never silently rewritten.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from pfocr_enrich.entities import ENTITIES
from pfocr_enrich.errors import InputError
from pfocr_enrich.gmt import read_gmt
from pfocr_enrich.user_text import read_user_text

LIST_SUFFIXES = (".txt", ".tsv", ".csv", ".gmt")
# First line of a .txt list that is a column title, not a gene.
TXT_HEADER_WORDS = frozenset(
    "gene genes gene_id geneid gene_symbol gene_name symbol symbols "
    "entrez entrez_id entrezid entrezgene ncbigene_id ncbigene_symbol".split()
)
LIST_NAME_OK = re.compile(r"[A-Za-z0-9_+-][A-Za-z0-9_.+-]*")
_NAME_RULE = "letters, digits, '_', '-', '+' and '.', not starting with '.'"
# A .txt line holding more than one field: a table saved as .txt, or several genes a line.
_FIELD_SEPARATOR = re.compile(r"[\s,;]")


@dataclass(frozen=True)
class GeneList:
    name: str
    genes: tuple[str, ...]  # as given: stripped, file order, repeats kept
    source: str  # the file, and the line where the list starts (gmt, list column)
    species: str | None = None  # from a table's `species` column; None: the run's default
    type: str | None = None  # from a table's `type` column (entities.ENTITIES); None: not said


def read_gene_lists(path: Path, names: Collection[str] | None = None) -> list[GeneList]:
    """Every gene list in `path` (a folder or one list file), in reading order; only those in
    `names` if given (an enrichment job's lists: a table's other rows are skipped unparsed)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(
            (p for p in path.iterdir() if p.is_file() and not p.name.startswith(".") and _is_list_file(p)),
            key=lambda p: p.name,
        )
        if not files:
            raise InputError(
                f"Gene lists folder {path}: no list files in it (looked for {', '.join(LIST_SUFFIXES)}; "
                "sub-folders and hidden files are not read). Put your lists there or point 'lists' at a file."
            )
    elif path.is_file():
        if not _is_list_file(path):
            raise InputError(
                f"Gene list {path}: unknown file type {path.suffix!r}. "
                f"Use one of {', '.join(LIST_SUFFIXES)} (see README, 'Gene lists')."
            )
        files = [path]
    else:
        raise InputError(f"Gene lists {path}: no such file or folder. Set 'lists' in config.yaml to your lists.")

    lists: list[GeneList] = []
    for file in files:
        lists.extend(_read_list_file(file, names))
    if names is not None:
        wanted = set(names)
        return [gene_list for gene_list in lists if gene_list.name in wanted]
    if not lists:
        raise InputError(f"Gene lists {path}: no gene lists found (tables with a 'list' column but no rows?).")
    _check_names(lists)
    return lists


def ignored_files(folder: Path) -> list[Path]:
    """Files in a lists folder that are not read as lists (wrong suffix), hidden ones aside."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and not _is_list_file(p))


def _is_list_file(path: Path) -> bool:
    return path.suffix.lower() in LIST_SUFFIXES


def _read_list_file(path: Path, names: Collection[str] | None = None) -> list[GeneList]:
    suffix = path.suffix.lower()
    if suffix == ".gmt":
        return _read_gmt_lists(path)
    text = _read_text(path)
    if suffix == ".txt":
        return [_read_txt_list(path, text)]
    delimiter = "\t" if suffix == ".tsv" else ","
    if names is not None and (picked := _rows_of_lists(text, delimiter, set(names))) is not None:
        kept_text, line_numbers = picked
        try:
            lists = _read_table_lists(path, kept_text, delimiter)
        except InputError:  # cannot happen for a file the workflow read whole; say it with true lines
            return _read_table_lists(path, text, delimiter)
        return [_with_line(gene_list, line_numbers) for gene_list in lists]
    return _read_table_lists(path, text, delimiter)


def _rows_of_lists(text: str, delimiter: str, names: set[str]) -> tuple[str, list[int]] | None:
    """The header and the rows of the lists in `names`, and each kept line's number in `text`;
    None when the table cannot be cut by lines (quotes, no list column in the first line).

    A table of 10,000 lists holds 2 million rows and each enrichment job wants 250 lists: its
    `list` column is read by pandas' C parser and only the wanted rows go through the careful reader.
    """
    first, _, _ = text.partition("\n")
    columns = [cell.strip().lower() for cell in first.rstrip("\r").split(delimiter)]
    if '"' in text or columns.count("list") != 1:
        return None
    import pandas as pd  # here: importing pandas costs every Snakemake start ~0.4 s

    lines = text.split("\n")
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            usecols=[columns.index("list")],
            header=None,
            skiprows=1,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_NONE,
            engine="c",
        ).iloc[:, 0]
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    body = len(lines) - 1 - (lines[-1] == "")  # rows after the header, a final newline aside
    if len(cells) != body:
        return None
    kept = [0, *(np.flatnonzero(cells.str.strip().isin(names).to_numpy()) + 1).tolist()]
    return "\n".join(lines[i] for i in kept) + "\n", [i + 1 for i in kept]


def _with_line(gene_list: GeneList, line_numbers: list[int]) -> GeneList:
    """A list read from the picked rows, its source naming the line in the whole file."""
    where, _, line = gene_list.source.rpartition(" line ")
    if not line.isdigit():
        return gene_list
    return replace(gene_list, source=f"{where} line {line_numbers[int(line) - 1]}")


def _read_text(path: Path) -> str:
    return read_user_text(path, "Gene list", "Check the path and permissions.")


def _read_txt_list(path: Path, text: str) -> GeneList:
    genes: list[str] = []
    first_line = True
    for number, raw in enumerate(text.split("\n"), start=1):
        gene = raw.split("#", 1)[0].strip()
        if not gene:
            continue
        if first_line:
            first_line = False
            if gene.lower() in TXT_HEADER_WORDS:
                continue
        if _FIELD_SEPARATOR.search(gene):
            raise InputError(
                f"Gene list {path} line {number}: {gene!r} is more than one field; a .txt list has one gene "
                "a line. Put one gene on each line, or save a table as .tsv/.csv with a 'gene' column."
            )
        genes.append(gene)
    return GeneList(_checked_name(path.stem, str(path), "rename the file"), tuple(genes), str(path))


def _read_table_lists(path: Path, text: str, delimiter: str) -> list[GeneList]:
    try:
        return _parse_table_lists(path, text, delimiter)
    except csv.Error as err:
        raise InputError(f"Gene list {path}: not a readable table ({err}). Check quotes and separators.") from err


def _parse_table_lists(path: Path, text: str, delimiter: str) -> list[GeneList]:
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next((row for row in rows if any(cell.strip() for cell in row)), None)
    columns = [cell.strip().lower() for cell in (header or [])]
    kind = "TSV (tab-separated)" if delimiter == "\t" else "CSV (comma-separated)"
    if columns.count("gene") != 1 or any(columns.count(name) > 1 for name in ("list", "species", "type")):
        found = ", ".join(repr(c) for c in (header or [])) or "none"
        problem = (
            "has no 'gene' column"
            if "gene" not in columns
            else "has more than one 'gene', 'list', 'species' or 'type' column"
        )
        raise InputError(
            f"Gene list {path}: the {kind} header {problem} (columns found: {found}). "
            "Name the gene column 'gene' (and, for many lists in one file, a 'list' column)."
        )
    gene_at = columns.index("gene")
    list_at = columns.index("list") if "list" in columns else None
    # Columns with one value a list: list -> (value, line where first given).
    given_at = {name: columns.index(name) for name in ("species", "type") if name in columns}
    given_of: dict[str, dict[str, tuple[str, int]]] = {name: {} for name in given_at}

    genes_by_list: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    for row in rows:
        gene = row[gene_at].strip() if gene_at < len(row) else ""
        if not gene:
            continue
        if list_at is None:
            name = path.stem
        else:
            name = row[list_at].strip() if list_at < len(row) else ""
            if not name:
                raise InputError(
                    f"Gene list {path} line {rows.line_num}: gene {gene!r} has an empty 'list' cell. "
                    "Fill in the list it belongs to."
                )
        if name not in genes_by_list:
            genes_by_list[name] = []
            first_line[name] = rows.line_num
        genes_by_list[name].append(gene)
        for column, at in given_at.items():
            value = row[at].strip() if at < len(row) else ""
            if column == "type":
                value = _checked_type(value, path, rows.line_num)
            if value:
                given, line = given_of[column].setdefault(name, (value, rows.line_num))
                if value != given:
                    raise InputError(
                        f"Gene list {path} line {rows.line_num}: list {name!r} is {value!r} here but {given!r} on "
                        f"line {line}. A list has one {column}: fix the {column!r} cell, or split the list."
                    )

    def given(column: str, name: str) -> str | None:
        return given_of.get(column, {}).get(name, (None,))[0]

    if list_at is None:
        name = _checked_name(path.stem, str(path), "rename the file")
        genes = tuple(genes_by_list.get(path.stem, ()))
        return [GeneList(name, genes, str(path), given("species", path.stem), given("type", path.stem))]
    lists = []
    for name, genes in genes_by_list.items():
        source = f"{path} line {first_line[name]}"
        checked = _checked_name(name, source, "change its 'list' value")
        lists.append(GeneList(checked, tuple(genes), source, given("species", name), given("type", name)))
    return lists


def _checked_type(value: str, path: Path, line: int) -> str:
    """A `type` cell as one of ENTITIES (any case; "" stays ""), or an error naming the line."""
    if not value or value.lower() in ENTITIES:
        return value.lower()
    raise InputError(
        f"Gene list {path} line {line}: type {value!r} is not one of {', '.join(ENTITIES)}. "
        "Say what the list holds, or leave the cell empty for genes."
    )


def _read_gmt_lists(path: Path) -> list[GeneList]:
    # A list name is an output file name: two lists of one name are an error, never renamed.
    library = read_gmt(path, duplicate_sets="error")
    lists = []
    for gene_set in sorted([*library.sets, *library.empty_sets], key=lambda s: s.line):
        source = f"{path} line {gene_set.line}"
        name = _checked_name(gene_set.name, source, "change the first field of that line")
        lists.append(GeneList(name, gene_set.genes, source))
    return lists


def _checked_name(name: str, source: str, how: str) -> str:
    if LIST_NAME_OK.fullmatch(name):
        return name
    suggestion = re.sub(r"[^A-Za-z0-9_.+-]+", "_", name).lstrip(".") or "my_list"
    raise InputError(
        f"Gene list {source}: the list name {name!r} can't be used in output file names. "
        f"Names use only {_NAME_RULE}: {how}, e.g. to {suggestion!r}."
    )


def _check_names(lists: list[GeneList]) -> None:
    seen: dict[str, GeneList] = {}
    for gene_list in lists:
        key = gene_list.name.lower()
        if key in seen:
            first = seen[key]
            raise InputError(
                f"Gene lists: the name {gene_list.name!r} ({gene_list.source}) is also used by {first.name!r} "
                f"({first.source}). List names must be unique, ignoring case (they become file names): "
                "rename one of them."
            )
        seen[key] = gene_list
