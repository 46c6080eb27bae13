"""The one GMT reader and the one GMT writer.

GMT: one set a line, `name<TAB>description<TAB>gene<TAB>gene...`. Real files are dirty, so
the reader is lenient where nothing is ambiguous (blank fields, trailing tabs, CRLF, a BOM,
duplicate genes in a line). Duplicate set names are ambiguous but real: PFOCR's own mouse
library of 2026-02-15 names 93 sets `NA_unmapped`. By default every set is kept under a unique
name and each renaming is reported (`GmtLibrary.renamed`); `duplicate_sets="error"` refuses them.
"""

from __future__ import annotations

from collections import Counter
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


@dataclass(frozen=True)
class RenamedSet:
    """A set whose name an earlier line of the file already used, and the name it got."""

    line: int
    old_name: str
    new_name: str


# What read_gmt does with a set name used before in the file.
DUPLICATE_SETS = ("rename", "error")
RENAME_MARK = "~"  # NA_unmapped, NA_unmapped~2, NA_unmapped~3, ...


@dataclass
class GmtLibrary:
    path: Path
    sets: list[GmtSet]
    notes: list[str] = field(default_factory=list)  # what the reader forgave, for the log
    empty_sets: list[GmtSet] = field(default_factory=list)
    renamed: list[RenamedSet] = field(default_factory=list)  # in line order


def gene_sort_key(gene: str) -> tuple[int, str]:
    """Genes in numeric order (Entrez IDs), then any other names in text order.

    A stray symbol in an Entrez library sorts after the numbers instead of failing int()."""
    return (int(gene), "") if gene.isascii() and gene.isdigit() else (1 << 62, gene)


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


def unique_name(name: str, taken: set[str], next_number: dict[str, int]) -> str:
    """`name~2`, `name~3`, ...: the first not in `taken`. `next_number` remembers where each
    name's search stopped, so a name repeated thousands of times is not searched from ~2 again."""
    number = next_number.get(name, 2)
    while f"{name}{RENAME_MARK}{number}" in taken:
        number += 1
    next_number[name] = number + 1
    return f"{name}{RENAME_MARK}{number}"


def read_gmt(path: Path, duplicate_sets: str = "rename") -> GmtLibrary:
    """Read any GMT (PFOCR, WikiPathways, MSigDB, Enrichr).

    duplicate_sets: "rename" (a set named like an earlier one is kept as `name~2`, `name~3`, ...,
    skipping names the file uses anywhere; listed in `renamed`) or "error" (InputError naming
    both lines).
    """
    if duplicate_sets not in DUPLICATE_SETS:
        raise ValueError(f"duplicate_sets must be one of {DUPLICATE_SETS}, not {duplicate_sets!r}")
    text = read_user_text(path, "GMT", "Check the path in config.yaml (enrichment.libraries).")

    library = GmtLibrary(path=path, sets=[])
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        name = fields[0].strip()
        if not name:
            raise InputError(
                f"GMT {path} line {number}: the set has no name (first field empty). Name it or delete the line."
            )
        lines.append((number, name, fields))

    # Every name in the file is taken before any renaming: `S~2` written on a later line keeps its name.
    taken = {name for _, name, _ in lines}
    first_line: dict[str, int] = {}
    next_number: dict[str, int] = {}
    n_repeated_genes = 0
    for number, name, fields in lines:
        if name in first_line:
            if duplicate_sets == "error":
                raise InputError(
                    f"GMT {path}: set name {name!r} appears on line {first_line[name]} and line {number}. "
                    "Set names must be unique: rename or remove one of them."
                )
            new_name = unique_name(name, taken, next_number)
            taken.add(new_name)
            library.renamed.append(RenamedSet(number, name, new_name))
            name = new_name
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
    if library.renamed:
        library.notes.append(renamed_note(library.renamed))
    if not library.sets:
        raise InputError(f"GMT {path}: no gene sets found. Is it a GMT file (name<TAB>description<TAB>genes)?")
    return library


def renamed_note(renamed: list[RenamedSet]) -> str:
    """One log line: how many sets were renamed, and the names most repeated."""
    counts = Counter(r.old_name for r in renamed)
    most = ", ".join(f"{name!r} x{count + 1}" for name, count in counts.most_common(3))
    more = f" and {len(counts) - 3} more names" if len(counts) > 3 else ""
    return (
        f"{len(renamed)} set(s) renamed: their names appear on earlier lines ({most}{more}); "
        f"kept as name{RENAME_MARK}2, name{RENAME_MARK}3, ... (enrichment.duplicate_sets: error refuses such a file)"
    )
