"""Over-representation analysis of many gene lists against one gene set library.

Counts (pinned), per list and library:
- universe_size N: the library's genes (`universe: annotated`), or the background genes
  that are in the library (a background file), as clusterProfiler, WebGestalt and
  g:Profiler's `custom_annotated` do;
- set_size m: a set's genes in the universe; sets outside [min_set_size, max_set_size]
  after that reduction are not tested;
- query_size n: the list's unique genes in the universe;
- overlap k: list genes in the set.
Every tested set counts in the multiple-testing correction, overlapping or not
(`count_tests: all`), unless `count_tests: overlapping` asks for GSEApy's/clusterProfiler's way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from pfocr_enrich.gmt import read_gmt
from pfocr_enrich.redundancy import figure_clusters
from pfocr_enrich.stats import (
    adjust_pvalues,
    bg_ratio,
    combined_score,
    fold_enrichment,
    gene_ratio,
    hypergeom_pvalues,
    odds_ratio,
)
from pfocr_enrich.tables import RESULT_COLUMNS


@dataclass(frozen=True)
class Library:
    """A GMT as a sparse set x gene membership matrix."""

    name: str  # the GMT file stem: results/enrichment/{library}/
    set_ids: np.ndarray
    set_names: np.ndarray
    genes: np.ndarray  # gene IDs as the library writes them (symbols upper-cased)
    membership: sparse.csc_matrix  # sets x genes, 1 where the gene is in the set
    id_type: str  # "entrez" or "symbol"
    notes: tuple[str, ...] = ()

    @property
    def gene_index(self) -> dict[str, int]:
        return {gene: i for i, gene in enumerate(self.genes)}


@dataclass(frozen=True)
class Settings:
    min_set_size: int = 3
    max_set_size: int = 500
    correction: str = "fdr_bh"
    count_tests: str = "all"  # or "overlapping"
    alpha: float = 0.05
    cluster_jaccard: float = 0.5  # redundancy rule for the `cluster` column (report.cluster_jaccard)


@dataclass
class ListResult:
    """One list against one library: the table of sets with overlap and every count used."""

    name: str
    n_input: int
    n_mapped: int
    n_in_universe: int
    universe_size: int
    n_tests: int
    n_significant: int
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def detect_id_type(genes: Sequence[str]) -> str:
    """Entrez if (nearly) every gene is a number: a few stray symbols don't make a symbol GMT."""
    numeric = sum(gene.isdigit() for gene in genes)
    return "entrez" if genes and numeric >= 0.95 * len(genes) else "symbol"


def load_library(path: Path) -> Library:
    gmt = read_gmt(path)
    all_genes = [gene for gene_set in gmt.sets for gene in gene_set.genes]
    id_type = detect_id_type(all_genes)
    normalise = (lambda g: g) if id_type == "entrez" else str.upper
    index: dict[str, int] = {}
    rows, cols = [], []
    for row, gene_set in enumerate(gmt.sets):
        for gene in dict.fromkeys(normalise(g) for g in gene_set.genes):
            rows.append(row)
            cols.append(index.setdefault(gene, len(index)))
    membership = sparse.csc_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(gmt.sets), len(index))
    )
    return Library(
        name=path.name.removesuffix(".gmt"),
        set_ids=np.array([s.name for s in gmt.sets], dtype=object),
        set_names=np.array([s.description or s.name for s in gmt.sets], dtype=object),
        genes=np.array(list(index), dtype=object),
        membership=membership,
        id_type=id_type,
        notes=tuple(gmt.notes),
    )


@dataclass(frozen=True)
class Universe:
    in_universe: np.ndarray  # bool over library genes
    set_sizes: np.ndarray  # m per set
    tested: np.ndarray  # bool per set: passes the size filter
    size: int


def make_universe(library: Library, settings: Settings, background: Sequence[str] | None) -> Universe:
    if background is None:
        in_universe = np.ones(len(library.genes), dtype=bool)
    else:
        in_universe = np.zeros(len(library.genes), dtype=bool)
        index = library.gene_index
        in_universe[[index[g] for g in set(background) if g in index]] = True
    set_sizes = np.asarray(library.membership[:, in_universe].sum(axis=1)).ravel()
    tested = (set_sizes >= settings.min_set_size) & (set_sizes <= settings.max_set_size)
    return Universe(in_universe, set_sizes, tested, int(in_universe.sum()))


@dataclass(frozen=True)
class _ListOverlaps:
    """One list's genes in the universe and, per tested set, which of them the set holds."""

    name: str
    n_input: int
    n_mapped: int
    query: np.ndarray  # library gene indices of the list's genes in the universe
    hits: sparse.csr_matrix  # tested sets x query genes

    @property
    def overlap(self) -> np.ndarray:
        return np.diff(self.hits.indptr)


@dataclass(frozen=True)
class _Context:
    library: Library
    universe: Universe
    tested_rows: np.ndarray  # library row of each tested set
    settings: Settings
    symbols: dict[str, str] | None
    figures: pd.DataFrame | None


def enrich_lists(
    library: Library,
    lists: dict[str, tuple[list[str], int]],
    settings: Settings,
    universe: Universe,
    symbols: dict[str, str] | None = None,
    figures: pd.DataFrame | None = None,
) -> list[ListResult]:
    """Test every list against every set at once.

    `lists` maps a list name to (its genes in the library's ID type, unique, and the number
    of names the user gave); `symbols` gives Entrez -> symbol for overlap_symbols;
    `figures` (indexed by figid) gives pmcid, year, link for libraries built from records.
    """
    context = _Context(library, universe, np.flatnonzero(universe.tested), settings, symbols, figures)
    index = library.gene_index
    membership = library.membership[universe.tested]  # only tested sets can be reported
    overlaps = []
    for name, (genes, n_input) in lists.items():
        query = np.array(sorted({index[g] for g in genes if g in index and universe.in_universe[index[g]]}), dtype=int)
        overlaps.append(_ListOverlaps(name, n_input, len(genes), query, membership[:, query].tocsr()))

    # One p-value call for the whole batch: distinct (k, m, n) triples are computed once.
    k = [item.overlap[item.overlap > 0] for item in overlaps]
    m = [universe.set_sizes[context.tested_rows[item.overlap > 0]] for item in overlaps]
    n = [np.full(len(ks), len(item.query)) for ks, item in zip(k, overlaps, strict=True)]
    empty = [np.zeros(0, dtype=int)]
    pvalues = hypergeom_pvalues(
        np.concatenate(k or empty), np.concatenate(m or empty), np.concatenate(n or empty), universe.size
    )
    ends = np.cumsum([0, *(len(ks) for ks in k)])
    return [_list_result(item, pvalues[ends[i] : ends[i + 1]], context) for i, item in enumerate(overlaps)]


def _list_result(item: _ListOverlaps, pvalues: np.ndarray, context: _Context) -> ListResult:
    library, universe, settings = context.library, context.universe, context.settings
    has = np.flatnonzero(item.overlap > 0)
    query_size = len(item.query)
    n_tests_all = len(context.tested_rows)
    n_tests = n_tests_all if settings.count_tests == "all" else len(has)
    notes = []
    if n_tests_all == 0:
        notes.append(
            f"no set of {library.name} has {settings.min_set_size}..{settings.max_set_size} genes "
            "in the universe: nothing tested"
        )
    elif query_size == 0:
        notes.append("no gene of the list is in the universe")
    # Sets without overlap have p = 1; they still count as tests under count_tests: all.
    padded = np.ones(n_tests)
    padded[: len(has)] = pvalues
    padj = adjust_pvalues(padded, settings.correction)[: len(has)] if n_tests else np.zeros(0)

    rows = context.tested_rows[has]
    k = item.overlap[has]
    m = universe.set_sizes[rows]
    size = universe.size
    odds = odds_ratio(k, m, query_size, size)
    # Overlap genes in a fixed order (numeric for Entrez IDs), whatever the GMT's gene order.
    gene_order = int if library.id_type == "entrez" else str
    hits = item.hits
    overlap_ids = [
        "/".join(sorted(library.genes[item.query[hits.indices[hits.indptr[i] : hits.indptr[i + 1]]]], key=gene_order))
        for i in has
    ]
    table = pd.DataFrame(
        {
            "set_id": library.set_ids[rows],
            "set_name": library.set_names[rows],
            "set_size": m,
            "overlap": k,
            "query_size": query_size,
            "universe_size": size,
            "pvalue": pvalues,
            "padj": padj,
            "odds_ratio": odds,
            "fold_enrichment": fold_enrichment(k, m, query_size, size),
            "gene_ratio": gene_ratio(k, query_size),
            "bg_ratio": bg_ratio(m, size),
            "combined_score": combined_score(pvalues, odds),
            "overlap_genes": overlap_ids,
        }
    )
    symbols = context.symbols
    if symbols is not None:
        table["overlap_symbols"] = ["/".join(symbols.get(g, g) for g in ids.split("/")) for ids in overlap_ids]
    else:
        table["overlap_symbols"] = overlap_ids
    figures = context.figures
    for column in ("pmcid", "year", "link"):
        if figures is not None and column in figures:
            first_figid = table["set_id"].str.split(";").str[0]
            table[column] = first_figid.map(figures[column]).fillna("").to_numpy()
        else:
            table[column] = ""
    table = table.sort_values(["pvalue", "set_id"], kind="mergesort").reset_index(drop=True)
    table["cluster"] = figure_clusters(table, settings.alpha, settings.cluster_jaccard)
    table = table[list(RESULT_COLUMNS)]
    return ListResult(
        name=item.name,
        n_input=item.n_input,
        n_mapped=item.n_mapped,
        n_in_universe=query_size,
        universe_size=size,
        n_tests=n_tests,
        n_significant=int((table["padj"] <= settings.alpha).sum()),
        table=table,
        notes=notes,
    )
