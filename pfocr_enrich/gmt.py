"""The one GMT reader and the one GMT writer.

GMT: one set a line, `name<TAB>description<TAB>gene<TAB>gene...`. Real files are dirty, so
the reader is lenient where nothing is ambiguous (blank fields, trailing tabs, CRLF, a BOM,
duplicate genes in a line) and strict where it is (duplicate set names: which one is meant?).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pfocr_enrich.errors import InputError
from pfocr_enrich.text import fold_text
from pfocr_enrich.user_text import read_user_text


@dataclass(frozen=True)
class GmtSet:
    name: str
    description: str
    genes: tuple[str, ...]  # unique, in file order
    line: int


@dataclass
class GmtLibrary:
    path: Path
    sets: list[GmtSet]
    notes: list[str] = field(default_factory=list)  # what the reader forgave, for the log
    empty_sets: list[GmtSet] = field(default_factory=list)


def write_gmt(path: Path, lines: Iterable[tuple[str, str, Iterable[str]]]) -> int:
    """Write `(name, description, genes)` lines: UTF-8, `\\n` endings, one line a set.

    Names and descriptions are folded to one line (a tab or newline would shift the
    columns); an empty description becomes the name. Returns the number of lines.
    """
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for name, description, genes in lines:
            name = fold_text(name)
            gene_list = list(genes)
            gene_cells = "\t".join(gene_list)
            # Genes are IDs and symbols without white space: check the joined cells at once and
            # fold gene by gene only when some gene has white space (fold_text is then not a no-op).
            no_space = " " not in gene_cells and gene_cells.replace("\t", "").isprintable()
            if not no_space or gene_cells.count("\t") != len(gene_list) - 1:
                gene_list = [fold_text(g) for g in gene_list]
                gene_cells = "\t".join(gene_list)
            if not name or not gene_list or not all(gene_list):
                raise ValueError(f"GMT line {count + 1} for {path}: empty name or gene")
            handle.write(f"{name}\t{fold_text(description) or name}\t{gene_cells}\n")
            count += 1
    return count


def read_gmt(path: Path) -> GmtLibrary:
    """Read any GMT (PFOCR, WikiPathways, MSigDB, Enrichr)."""
    text = read_user_text(path, "GMT", "Check the path in config.yaml (enrichment.libraries).")

    library = GmtLibrary(path=path, sets=[])
    first_line: dict[str, int] = {}
    n_repeated_genes = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        name = fields[0].strip()
        if not name:
            raise InputError(
                f"GMT {path} line {number}: the set has no name (first field empty). Name it or delete the line."
            )
        if name in first_line:
            raise InputError(
                f"GMT {path}: set name {name!r} appears on line {first_line[name]} and line {number}. "
                "Set names must be unique: rename or remove one of them."
            )
        first_line[name] = number
        genes_given = [g.strip() for g in fields[2:] if g.strip()]
        genes = tuple(dict.fromkeys(genes_given))
        n_repeated_genes += len(genes_given) - len(genes)
        gene_set = GmtSet(name, fields[1].strip() if len(fields) > 1 else "", genes, number)
        if genes:
            library.sets.append(gene_set)
        else:
            library.empty_sets.append(gene_set)
    if n_repeated_genes:
        library.notes.append(f"{n_repeated_genes} repeated gene(s) within lines ignored")
    if library.empty_sets:
        library.notes.append(f"{len(library.empty_sets)} set(s) with no genes left out")
    if not library.sets:
        raise InputError(f"GMT {path}: no gene sets found. Is it a GMT file (name<TAB>description<TAB>genes)?")
    return library
