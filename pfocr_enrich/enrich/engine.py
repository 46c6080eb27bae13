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
(`count_tests: all`), unless `count_tests: overlapping` asks for GSEApy's/clusterProfiler's way;
Storey's pi0 (`correction: qvalue`) counts every tested set in either mode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from pfocr_enrich.enrich.redundancy import cluster_members
from pfocr_enrich.enrich.stats import (
    adjust_pvalues,
    bg_ratio,
    combined_score,
    fold_enrichment,
    gene_ratio,
    hypergeom_pvalues,
    odds_ratio,
    storey_pi0,
)
from pfocr_enrich.gmt import RenamedSet, read_gmt
from pfocr_enrich.tables import RESULT_COLUMNS


@dataclass(frozen=True)
class Library:
    """A GMT as a sparse set x gene membership matrix."""

    name: str  # the GMT file stem: results/enrichment/{library}/
    # Sets in set_id order (not the file's): a stable sort by p then leaves ties in set_id order.
    set_ids: np.ndarray
    set_names: np.ndarray
    # Gene IDs as the library writes them (symbols upper-cased), in output order: Entrez IDs
    # numerically, symbols alphabetically. Overlap genes then come out sorted for free.
    genes: np.ndarray
    membership: sparse.csc_matrix  # sets x genes, 1 where the gene is in the set
    id_type: str  # "entrez" or "symbol"
    notes: tuple[str, ...] = ()
    renamed: tuple[RenamedSet, ...] = ()  # sets whose name an earlier line used (read_gmt)

    @cached_property
    def gene_index(self) -> dict[str, int]:
        return {gene: i for i, gene in enumerate(self.genes)}


@dataclass(frozen=True)
class Settings:
    min_set_size: int = 3
    max_set_size: int = 500
    correction: str = "fdr_bh"
    count_tests: str = "all"  # or "overlapping"
    alpha: float = 0.05
    # A library's set named like an earlier one: "rename" (kept as name~2, ...) or "error" (stop).
    duplicate_sets: str = "rename"
    # Redundancy rule for the `cluster` column (report.cluster_jaccard); None: no clustering.
    cluster_jaccard: float | None = 0.5

    @classmethod
    def from_config(cls, enrichment: Mapping, report: Mapping) -> Settings:
        """The settings a config's `enrichment:` and `report:` sections ask for."""
        return cls(
            **{
                key: enrichment[key]
                for key in ("min_set_size", "max_set_size", "correction", "count_tests", "alpha", "duplicate_sets")
            },
            cluster_jaccard=report["cluster_jaccard"],
        )


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
    # The table as one array per column, RESULT_COLUMNS in order, rows sorted by p then set_id.
    # The workflow writes these directly; a DataFrame (`table`) costs ~3 ms a list to build.
    columns: dict[str, np.ndarray]
    notes: list[str] = field(default_factory=list)

    @cached_property
    def table(self) -> pd.DataFrame:
        # Text stays in object columns: pandas' inference of its string dtype is slow.
        return pd.DataFrame(
            {
                name: pd.Series(values, dtype=object, copy=False) if name in TEXT_COLUMNS else values
                for name, values in self.columns.items()
            },
            copy=False,
        )


def detect_id_type(genes: Sequence[str]) -> str:
    """Entrez if (nearly) every gene is a number: a few stray symbols don't make a symbol GMT."""
    numeric = sum(gene.isdigit() for gene in genes)
    return "entrez" if genes and numeric >= 0.95 * len(genes) else "symbol"


def _entrez_key(gene: str) -> tuple[int, str]:
    # A stray symbol in an Entrez library sorts after the numbers instead of failing int().
    return (int(gene), "") if gene.isdigit() else (1 << 62, gene)


def load_library(path: Path, duplicate_sets: str = "rename") -> Library:
    gmt = read_gmt(path, duplicate_sets)
    gmt_sets = sorted(gmt.sets, key=lambda gene_set: gene_set.name)  # names are unique (read_gmt)
    all_genes = [gene for gene_set in gmt_sets for gene in gene_set.genes]
    id_type = detect_id_type(all_genes)
    normalise = (lambda g: g) if id_type == "entrez" else str.upper
    members = [list(dict.fromkeys(normalise(g) for g in gene_set.genes)) for gene_set in gmt_sets]
    order_key = _entrez_key if id_type == "entrez" else str
    genes = sorted({gene for genes_of_set in members for gene in genes_of_set}, key=order_key)
    index = {gene: i for i, gene in enumerate(genes)}
    rows = [row for row, genes_of_set in enumerate(members) for _ in genes_of_set]
    cols = [index[gene] for genes_of_set in members for gene in genes_of_set]
    membership = sparse.csc_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(gmt_sets), len(index))
    )
    return Library(
        name=path.name.removesuffix(".gmt"),
        set_ids=np.array([s.name for s in gmt_sets], dtype=object),
        set_names=np.array([s.description or s.name for s in gmt_sets], dtype=object),
        genes=np.array(genes, dtype=object),
        membership=membership,
        id_type=id_type,
        notes=tuple(gmt.notes),
        renamed=tuple(gmt.renamed),
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
    overlap: np.ndarray  # per tested set: k, the list genes it holds


TEXT_COLUMNS = frozenset({"set_id", "set_name", "overlap_genes", "overlap_symbols", "pmcid", "year", "link", "cluster"})


@dataclass(frozen=True)
class Annotations:
    """What the tables add to the statistics, looked up once per library rather than per row."""

    gene_symbols: np.ndarray  # per library gene: its symbol (or the ID itself)
    set_columns: dict[str, np.ndarray | None]  # pmcid, year, link per library set (None: unknown)


def annotate(
    library: Library, symbols: dict[str, str] | None = None, figures: pd.DataFrame | None = None
) -> Annotations:
    """`symbols`: Entrez -> symbol; `figures` (indexed by figid): pmcid, year, link of libraries built here."""
    gene_symbols = library.genes
    if symbols is not None:
        gene_symbols = np.array([symbols.get(g, g) for g in library.genes], dtype=object)
    set_columns: dict[str, np.ndarray | None] = {column: None for column in ("pmcid", "year", "link")}
    if figures is not None:
        first_figid = pd.Series(library.set_ids).astype(str).str.split(";").str[0]  # collapsed sets: first member
        for column in set_columns:
            if column in figures:
                set_columns[column] = first_figid.map(figures[column]).fillna("").to_numpy(dtype=object)
    return Annotations(gene_symbols, set_columns)


@dataclass(frozen=True)
class _Context:
    library: Library
    universe: Universe
    tested_rows: np.ndarray  # library row of each tested set
    settings: Settings
    annotations: Annotations


def _joined_genes(names: np.ndarray, indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`/`-joined names of each CSR row in `rows` (rows hold at least one gene), as an object array.

    Rows of one gene (most rows, for lists of a few hundred genes) take the name itself. The
    others go through one str.join over every token, with NUL after each row's last gene, then
    one split: a Python-level join per row costs several times more for thousands of rows.
    """
    joined = np.empty(len(rows), dtype=object)
    if not len(rows):
        return joined
    starts, lengths = indptr[rows], indptr[rows + 1] - indptr[rows]
    single = lengths == 1
    joined[single] = names[indices[starts[single]]]
    several = np.flatnonzero(~single)
    if len(several):
        starts, lengths = starts[several], lengths[several]
        ends = np.cumsum(lengths)
        positions = np.arange(ends[-1]) + np.repeat(starts - (ends - lengths), lengths)
        pieces = np.empty(2 * len(positions), dtype=object)
        pieces[0::2] = names[indices[positions]]
        pieces[1::2] = "/"
        pieces[2 * ends - 1] = "\0"
        joined[several] = "".join(pieces.tolist()).split("\0")[:-1]
    return joined


def enrich_lists(
    library: Library,
    lists: dict[str, tuple[list[str], int]],
    settings: Settings,
    universe: Universe,
    annotations: Annotations | None = None,
) -> list[ListResult]:
    """Test every list against every set at once.

    `lists` maps a list name to (its genes in the library's ID type, unique, and the number
    of names the user gave); `annotations` (from `annotate`) adds symbols and figure links.
    """
    context = _Context(library, universe, np.flatnonzero(universe.tested), settings, annotations or annotate(library))
    index = library.gene_index
    membership = library.membership[universe.tested]  # only tested sets can be reported
    overlaps = []
    for name, (genes, n_input) in lists.items():
        query = np.array(sorted({index[g] for g in genes if g in index and universe.in_universe[index[g]]}), dtype=int)
        hits = membership[:, query].tocsr()
        overlaps.append(_ListOverlaps(name, n_input, len(genes), query, hits, np.diff(hits.indptr)))

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
    order = np.argsort(pvalues, kind="stable")  # by p, then set_id (rows are in set_id order)
    has, pvalues = has[order], pvalues[order]
    # Sets without overlap have p = 1; they still count as tests under count_tests: all.
    # Storey's pi0 counts them whatever count_tests says: the overlapping sets alone hold almost
    # no null p above lambda (sharing a gene already makes p small), so pi0 would collapse and
    # with it the q-values (nearly every null list got a "significant" set on the human library).
    pi0 = storey_pi0(pvalues, n_pvalues=n_tests_all) if settings.correction == "qvalue" and n_tests else None
    padj = adjust_pvalues(pvalues, settings.correction, n_tests=n_tests, pi0=pi0) if n_tests else np.zeros(0)
    rows = context.tested_rows[has]
    k = item.overlap[has]
    m = universe.set_sizes[rows]
    size = universe.size
    odds = odds_ratio(k, m, query_size, size)
    # The query is in library gene order and CSR rows keep their indices sorted, so each
    # set's overlap genes come out in output order (numeric Entrez IDs) without sorting.
    item.hits.sort_indices()
    indptr, indices = item.hits.indptr, item.query[item.hits.indices]
    overlap_genes = _joined_genes(library.genes, indptr, indices, has)
    blank = np.full(len(has), "", dtype=object)
    gene_symbols = context.annotations.gene_symbols
    same_names = gene_symbols is library.genes
    columns = {
        "set_id": library.set_ids[rows],
        "set_name": library.set_names[rows],
        "set_size": m,
        "overlap": k,
        "query_size": np.full(len(has), query_size),
        "universe_size": np.full(len(has), size),
        "pvalue": pvalues,
        "padj": padj,
        "odds_ratio": odds,
        "fold_enrichment": fold_enrichment(k, m, query_size, size),
        "gene_ratio": gene_ratio(k, query_size),
        "bg_ratio": bg_ratio(m, size),
        "combined_score": combined_score(pvalues, odds),
        "overlap_genes": overlap_genes,
        "overlap_symbols": overlap_genes if same_names else _joined_genes(gene_symbols, indptr, indices, has),
        # Figure links only where the library was built from records; else one shared blank column.
        **{
            column: values[rows] if values is not None else blank
            for column, values in context.annotations.set_columns.items()
        },
        "cluster": blank.copy(),
    }
    significant = np.flatnonzero(padj <= settings.alpha)  # only significant figures are grouped
    if len(significant) and settings.cluster_jaccard is not None:
        members = item.hits[has[significant]]
        columns["cluster"][significant] = cluster_members(
            members, pvalues[significant], library.set_ids[rows[significant]], settings.cluster_jaccard
        )
    return ListResult(
        name=item.name,
        n_input=item.n_input,
        n_mapped=item.n_mapped,
        n_in_universe=query_size,
        universe_size=size,
        n_tests=n_tests,
        n_significant=len(significant),
        columns={column: columns[column] for column in RESULT_COLUMNS},
        notes=notes,
    )
