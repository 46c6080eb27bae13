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

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from pfocr_enrich.enrichment.redundancy import cluster_lists
from pfocr_enrich.enrichment.stats import (
    adjust_pvalues,
    bg_ratio,
    combined_score,
    distinct_pvalues,
    fold_enrichment,
    gene_ratio,
    odds_ratio,
    storey_pi0,
)
from pfocr_enrich.entities import id_type_of, normalise_id
from pfocr_enrich.gmt import RenamedSet, gene_sort_key, read_gmt
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
    id_type: str  # "entrez" or "symbol"; "chebi", "mesh" or "doid" for chemical and disease libraries
    notes: tuple[str, ...] = ()
    renamed: tuple[RenamedSet, ...] = ()  # sets whose name an earlier line used (read_gmt)
    # pmcid, year, link per figure (batch.figure_links) of a library built from records.
    figures: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    @cached_property
    def gene_index(self) -> dict[str, int]:
        return {gene: i for i, gene in enumerate(self.genes)}

    @cached_property
    def gene_lookup(self) -> pd.Index:
        return pd.Index(self.genes, dtype=object)

    @cached_property
    def set_row(self) -> dict[str, int]:
        return {set_id: i for i, set_id in enumerate(self.set_ids)}


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
    # Covering sets per list (report.top_n): at most this many, by weighted set cover (cover.py).
    covering_sets: int = 20
    # Which rows the tables hold (ROW_CHOICES): sets sharing a gene with the list, those with
    # padj <= alpha, or every tested set. Counts and padj are the same whichever is written.
    rows: str = "overlapping"

    @classmethod
    def from_config(cls, enrichment: Mapping, report: Mapping) -> Settings:
        """The settings a config's `enrichment:` and `report:` sections ask for."""
        return cls(
            **{
                key: enrichment[key]
                for key in (
                    "min_set_size",
                    "max_set_size",
                    "correction",
                    "count_tests",
                    "alpha",
                    "duplicate_sets",
                    "rows",
                )
            },
            cluster_jaccard=report["cluster_jaccard"],
            covering_sets=report["top_n"],
        )


@dataclass(frozen=True)
class ListCounts:
    """One list against one library: the counts its summary row reports."""

    name: str
    n_input: int
    n_mapped: int
    n_in_universe: int
    universe_size: int
    n_tests: int
    n_significant: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListResult(ListCounts):
    """One list against one library: every count used, and the table of its sets."""

    # The table as one array per column, RESULT_COLUMNS in order, rows sorted by p then set_id.
    # The workflow writes these directly; a DataFrame (`table`) costs ~3 ms a list to build.
    columns: dict[str, np.ndarray] = field(default_factory=dict)

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
    """Entrez if (nearly) every member is a number: a few stray symbols don't make a symbol GMT.
    chebi, mesh or doid if (nearly) every member is such an ID (PFOCR's chemical and disease
    libraries, entities.normalise_id), judged on the first 1,000; else symbol."""
    numeric = sum(gene.isdigit() for gene in genes)
    if genes and numeric >= 0.95 * len(genes):
        return "entrez"
    sample = genes[:1000]
    types = Counter(id_type_of(entity_id) for gene in sample if (entity_id := normalise_id(gene)) is not None)
    if types:
        id_type, count = types.most_common(1)[0]
        if count >= 0.95 * len(sample):
            return id_type
    return "symbol"


def load_library(path: Path, duplicate_sets: str = "rename") -> Library:
    gmt = read_gmt(path, duplicate_sets)
    gmt_sets = sorted(gmt.sets, key=lambda gene_set: gene_set.name)  # names are unique (read_gmt)
    all_genes = [gene for gene_set in gmt_sets for gene in gene_set.genes]
    id_type = detect_id_type(all_genes)
    if id_type == "entrez":
        normalise = str
    elif id_type == "symbol":
        normalise = str.upper
    else:  # chemical or disease IDs, spelled one way (chebi:15422)

        def normalise(member: str) -> str:
            return normalise_id(member) or member

    members = [list(dict.fromkeys(normalise(g) for g in gene_set.genes)) for gene_set in gmt_sets]
    order_key = gene_sort_key if id_type == "entrez" else str
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


def _joined_genes(names: np.ndarray, indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`/`-joined names of each CSR row in `rows` ("" for a row without genes), as an object array.

    Rows of one gene (most rows, for lists of a few hundred genes) take the name itself. The
    others go through one str.join over every token, with NUL after each row's last gene, then
    one split: a Python-level join per row costs several times more for thousands of rows.
    """
    joined = np.full(len(rows), "", dtype=object)
    if not len(rows):
        return joined
    starts, lengths = indptr[rows], indptr[rows + 1] - indptr[rows]
    single = lengths == 1
    joined[single] = names[indices[starts[single]]]
    several = np.flatnonzero(lengths > 1)
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


ROW_CHOICES = ("overlapping", "significant", "all")  # enrichment.rows
NUMBER_COLUMNS = tuple(c for c in RESULT_COLUMNS if c not in TEXT_COLUMNS)


@dataclass
class BatchResult:
    """A batch of lists against one library: every list's rows, one list after another.

    List i's rows are row_starts[i]:row_starts[i + 1], sorted by p then set_id; which rows
    (`enrichment.rows`) is the Settings' choice. Sets and genes stay integer indices into the
    library until a writer needs text: row r's overlap genes are
    library.genes[genes[gene_starts[r]:gene_starts[r + 1]]], in library (numeric) order.
    """

    library: Library
    annotations: Annotations
    lists: list[ListCounts]
    row_starts: np.ndarray
    set_rows: np.ndarray  # each row's set, as its library row
    numbers: dict[str, np.ndarray]  # NUMBER_COLUMNS
    cluster_rows: np.ndarray  # library row of the row's cluster representative; -1: not clustered
    gene_starts: np.ndarray
    genes: np.ndarray

    @property
    def n_rows(self) -> int:
        return len(self.set_rows)

    def columns(self, start: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
        """Rows start:stop as RESULT_COLUMNS, text included (what a TSV writer takes)."""
        rows = np.arange(start, self.n_rows if stop is None else stop)
        library, annotations = self.library, self.annotations
        set_rows = self.set_rows[rows]
        overlap_genes = _joined_genes(library.genes, self.gene_starts, self.genes, rows)
        same_names = annotations.gene_symbols is library.genes
        blank = np.full(len(rows), "", dtype=object)
        clusters = self.cluster_rows[rows]
        cluster = blank.copy()
        cluster[clusters >= 0] = library.set_ids[clusters[clusters >= 0]]
        text = {
            "set_id": library.set_ids[set_rows],
            "set_name": library.set_names[set_rows],
            "overlap_genes": overlap_genes,
            "overlap_symbols": overlap_genes
            if same_names
            else _joined_genes(annotations.gene_symbols, self.gene_starts, self.genes, rows),
            # Figure links only where the library was built from records; else one shared blank column.
            **{
                column: values[set_rows] if values is not None else blank
                for column, values in annotations.set_columns.items()
            },
            "cluster": cluster,
        }
        return {column: text[column] if column in text else self.numbers[column][rows] for column in RESULT_COLUMNS}

    def list_results(self) -> list[ListResult]:
        return [
            ListResult(**vars(counts), columns=self.columns(self.row_starts[i], self.row_starts[i + 1]))
            for i, counts in enumerate(self.lists)
        ]


def enrich_lists(
    library: Library,
    lists: dict[str, tuple[list[str], int]],
    settings: Settings,
    universe: Universe,
    annotations: Annotations | None = None,
) -> list[ListResult]:
    """enrich_batch, one ListResult (a table with text columns) per list."""
    return enrich_batch(library, lists, settings, universe, annotations).list_results()


def _queries(library: Library, universe: Universe, lists: Mapping[str, tuple[list[str], int]]) -> list[np.ndarray]:
    """Each list's genes in the universe, as sorted library gene indices (one hash lookup for the batch)."""
    given = [genes for genes, _ in lists.values()]
    found = library.gene_lookup.get_indexer(pd.Index([gene for genes in given for gene in genes], dtype=object))
    ends = np.cumsum([len(genes) for genes in given])
    queries = []
    for part in np.split(found, ends[:-1]) if len(given) else []:
        part = part[part >= 0]
        queries.append(np.unique(part[universe.in_universe[part]]))
    return queries


def _stable_order(keys: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Positions that sort keys[starts[i]:starts[i + 1]] within each segment, stably.

    Keys below 2**16 go through numpy's radix sort (uint16), ~15x faster than a merge sort of
    int64 keys: a batch sorts hundreds of thousands of rows, segment by segment.
    """
    small = len(keys) == 0 or keys.max() < 1 << 16
    keys = keys.astype(np.uint16) if small else keys
    parts = [np.argsort(keys[a:b], kind="stable") + a for a, b in zip(starts[:-1], starts[1:], strict=True)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def csr_positions(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Positions starts[0]..+lengths[0], starts[1]..+lengths[1], ...: CSR rows taken in a new order."""
    ends = np.cumsum(lengths)
    if not len(ends) or ends[-1] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(ends[-1]) + np.repeat(starts - (ends - lengths), lengths)


def enrich_batch(
    library: Library,
    lists: dict[str, tuple[list[str], int]],
    settings: Settings,
    universe: Universe,
    annotations: Annotations | None = None,
) -> BatchResult:
    """Test every list against every set at once.

    `lists` maps a list name to (its genes in the library's ID type, unique, and the number
    of names the user gave); `annotations` (from `annotate`) adds symbols and figure links.
    Overlaps come from one pass over (list gene, set) pairs, p-values from each distinct
    (k, m, n) table once, and only the p-value adjustment and clustering go list by list.
    """
    annotations = annotations or annotate(library)
    tested_rows = np.flatnonzero(universe.tested)
    n_sets = len(tested_rows)
    # genes x tested sets: each gene's sets in set_id order
    sets_of_gene = library.membership[tested_rows].T.tocsr()
    queries = _queries(library, universe, lists)
    query_sizes = np.array([len(q) for q in queries], dtype=np.int64)

    # (list, gene, set) for every list gene in every tested set, in list then gene order;
    # sorting each list's part by set (stable) groups them into rows with genes in order.
    query_genes = np.concatenate(queries) if queries else np.zeros(0, dtype=np.int64)
    query_list = np.repeat(np.arange(len(queries)), query_sizes)
    degree = sets_of_gene.indptr[query_genes + 1] - sets_of_gene.indptr[query_genes]
    pairs = csr_positions(sets_of_gene.indptr[query_genes], degree)
    pair_set = sets_of_gene.indices[pairs]
    pair_list = np.repeat(query_list, degree)
    pair_gene = np.repeat(query_genes, degree)
    list_pair_starts = np.searchsorted(pair_list, np.arange(len(queries) + 1))
    order = _stable_order(pair_set, list_pair_starts)
    pair_set, pair_gene = pair_set[order], pair_gene[order]
    is_first = np.ones(len(order), dtype=bool)
    is_first[1:] = (pair_set[1:] != pair_set[:-1]) | (pair_list[1:] != pair_list[:-1])
    first = np.flatnonzero(is_first)
    gene_starts = np.append(first, len(order))
    row_list, row_set = pair_list[first], pair_set[first]
    k = np.diff(gene_starts)

    m = universe.set_sizes[tested_rows][row_set]
    n = query_sizes[row_list]
    # counts made here are valid tables by construction: no per-row checks
    distinct_p, inverse, (dk, dm, dn, _) = distinct_pvalues(k, m, n, np.int64(universe.size), checked=False)
    _, p_rank = np.unique(distinct_p, return_inverse=True)  # equal p, equal rank
    row_starts = np.searchsorted(row_list, np.arange(len(queries) + 1))
    # By p, ties in set_id order (rows are in set_id order within each list).
    order = _stable_order(p_rank[inverse], row_starts)
    row_set, k, m, n = row_set[order], k[order], m[order], n[order]
    pvalues = distinct_p[inverse[order]]
    genes = pair_gene[csr_positions(gene_starts[:-1][order], np.diff(gene_starts)[order])]
    gene_starts = np.append(0, np.cumsum(k))

    padj = np.empty(len(pvalues))
    cluster_rows = np.full(len(pvalues), -1, dtype=np.int64)
    counts = []
    for i, (name, (genes_given, n_input)) in enumerate(lists.items()):
        a, b = row_starts[i], row_starts[i + 1]
        p = pvalues[a:b]
        n_tests = n_sets if settings.count_tests == "all" else b - a
        # Storey's pi0 counts every tested set whatever count_tests says: the overlapping sets
        # alone hold almost no null p above lambda (sharing a gene already makes p small), so
        # pi0 would collapse and with it the q-values.
        pi0 = storey_pi0(p, n_pvalues=n_sets) if settings.correction == "qvalue" and n_tests else None
        padj[a:b] = adjust_pvalues(p, settings.correction, n_tests=n_tests, pi0=pi0) if n_tests else 0.0
        significant = np.flatnonzero(padj[a:b] <= settings.alpha) + a
        notes = []
        if n_sets == 0:
            notes.append(
                f"no set of {library.name} has {settings.min_set_size}..{settings.max_set_size} genes "
                "in the universe: nothing tested"
            )
        elif query_sizes[i] == 0:
            member = "gene" if library.id_type in ("entrez", "symbol") else "ID"
            notes.append(f"no {member} of the list is in the universe")
        counts.append(
            ListCounts(
                name,
                n_input,
                len(genes_given),
                int(query_sizes[i]),
                universe.size,
                n_tests,
                len(significant),
                tuple(notes),
            )
        )

    set_rows = tested_rows[row_set]
    if settings.cluster_jaccard is not None:
        significant = np.flatnonzero(padj <= settings.alpha)
        cluster_rows[significant] = _cluster(
            library, set_rows, row_starts, gene_starts, genes, significant, pvalues, settings.cluster_jaccard
        )
    # Every ratio is a function of the (k, m, n) table: computed once per distinct table.
    table = inverse[order]
    odds = odds_ratio(dk, dm, dn, universe.size)
    numbers = {
        "set_size": m,
        "overlap": k,
        "query_size": n,
        "universe_size": np.full(len(k), universe.size),
        "pvalue": pvalues,
        "padj": padj,
        "odds_ratio": odds[table],
        "fold_enrichment": fold_enrichment(dk, dm, dn, universe.size)[table],
        "gene_ratio": gene_ratio(dk, dn)[table],
        "bg_ratio": bg_ratio(dm, universe.size)[table],
        "combined_score": combined_score(distinct_p, odds)[table],
    }
    result = BatchResult(library, annotations, counts, row_starts, set_rows, numbers, cluster_rows, gene_starts, genes)
    if settings.rows == "significant":
        return _keep_rows(result, padj <= settings.alpha)
    if settings.rows == "all":
        return _with_untested_sets(result, tested_rows, universe, settings)
    return result


def _cluster(library, set_rows, row_starts, gene_starts, genes, rows, pvalues, threshold) -> np.ndarray:
    """Library row of each given (significant) row's cluster representative, every list of the
    batch at once (redundancy.cluster_lists)."""
    starts = gene_starts[rows]
    lengths = gene_starts[rows + 1] - starts
    members = sparse.csr_matrix(
        (
            np.ones(lengths.sum(), dtype=np.float32),
            genes[csr_positions(starts, lengths)],
            np.append(0, np.cumsum(lengths)),
        ),
        shape=(len(rows), len(library.genes)),
    )
    lists = np.searchsorted(row_starts, rows, side="right")
    representatives = cluster_lists(members, lists, pvalues[rows], library.set_ids[set_rows[rows]], threshold)
    return set_rows[rows][representatives]


def _keep_rows(result: BatchResult, keep: np.ndarray) -> BatchResult:
    """The result with only the rows where `keep` is true (order kept)."""
    rows = np.flatnonzero(keep)
    lengths = np.diff(result.gene_starts)[rows]
    row_list = np.repeat(np.arange(len(result.lists)), np.diff(result.row_starts))[rows]
    return replace(
        result,
        row_starts=np.searchsorted(row_list, np.arange(len(result.lists) + 1)),
        set_rows=result.set_rows[rows],
        numbers={column: values[rows] for column, values in result.numbers.items()},
        cluster_rows=result.cluster_rows[rows],
        gene_starts=np.append(0, np.cumsum(lengths)),
        genes=result.genes[csr_positions(result.gene_starts[rows], lengths)],
    )


def _with_untested_sets(
    result: BatchResult, tested_rows: np.ndarray, universe: Universe, settings: Settings
) -> BatchResult:
    """`rows: all`: every tested set in every list's table, those sharing no gene with p = 1.

    Their padj is what a p = 1 test gets (1; pi0 under `qvalue`, as Storey's q of p = 1) when
    they count as tests (`count_tests: all`), else 1. Rows stay sorted by p, then set_id.
    """
    n_lists, n_sets = len(result.lists), len(tested_rows)
    row_list = np.repeat(np.arange(n_lists), np.diff(result.row_starts))
    shared = np.zeros((n_lists, n_sets), dtype=bool)
    shared[row_list, np.searchsorted(tested_rows, result.set_rows)] = True
    extra_list, extra_set = np.nonzero(~shared)
    extra_rows = tested_rows[extra_set]
    query_size = np.array([counts.n_in_universe for counts in result.lists], dtype=np.int64)[extra_list]
    n_extra = len(extra_rows)
    padj = np.ones(n_extra)
    if settings.correction == "qvalue" and settings.count_tests == "all":
        pi0 = {}
        for i in range(n_lists):
            a, b = result.row_starts[i], result.row_starts[i + 1]
            pi0[i] = storey_pi0(result.numbers["pvalue"][a:b], n_pvalues=n_sets) if n_sets else 1.0
        padj = np.array([pi0[i] for i in extra_list.tolist()], dtype=float)
    m = universe.set_sizes[extra_rows]
    k = np.zeros(n_extra, dtype=np.int64)
    odds = odds_ratio(k, m, query_size, universe.size)
    extra = {
        "set_size": m,
        "overlap": k,
        "query_size": query_size,
        "universe_size": np.full(n_extra, universe.size),
        "pvalue": np.ones(n_extra),
        "padj": padj,
        "odds_ratio": odds,
        "fold_enrichment": fold_enrichment(k, m, query_size, universe.size),
        "gene_ratio": gene_ratio(k, query_size),
        "bg_ratio": bg_ratio(m, universe.size),
        "combined_score": combined_score(np.ones(n_extra), odds),
    }
    numbers = {column: np.concatenate([values, extra[column]]) for column, values in result.numbers.items()}
    all_lists = np.concatenate([row_list, extra_list])
    set_rows = np.concatenate([result.set_rows, extra_rows])
    order = np.lexsort((set_rows, numbers["pvalue"], all_lists))
    lengths = np.concatenate([np.diff(result.gene_starts), k])[order]
    gene_starts = np.concatenate([result.gene_starts[:-1], np.full(n_extra, result.gene_starts[-1])])[order]
    return replace(
        result,
        row_starts=np.searchsorted(all_lists[order], np.arange(n_lists + 1)),
        set_rows=set_rows[order],
        numbers={column: values[order] for column, values in numbers.items()},
        cluster_rows=np.concatenate([result.cluster_rows, np.full(n_extra, -1)])[order],
        gene_starts=np.append(0, np.cumsum(lengths)),
        genes=result.genes[csr_positions(gene_starts, lengths)],
    )
