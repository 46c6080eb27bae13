"""Redundant figures: group a list's significant figures that report nearly the same genes.

PFOCR holds many figures with (nearly) the same genes: reviews redraw the same pathway, and
the official human library has 1,466 exact duplicate sets. A list hitting one of them hits
them all, and a top-20 plot becomes 20 copies of one answer. The rule, applied per list:

- two significant figures are similar when the Jaccard index of their *overlap genes* (the
  list's genes in each figure, not the figures' whole gene sets) is >= the threshold
  (`report.cluster_jaccard`, default 0.5); identical overlap genes are always similar;
- clusters are the connected groups of that relation (single linkage): A~B and B~C put A, B
  and C in one cluster even when A and C are not similar;
- a cluster is named after its representative: the member with the lowest p-value, ties
  broken by the smaller set_id, so the name does not depend on row order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

# From SAMPLE_FROM candidate pairs on, every SAMPLE_EVERY-th is checked first (_similar_components).
SAMPLE_EVERY = 8
SAMPLE_FROM = 8192
# Candidate pairs held at once (some 50 bytes each while checked): bounds memory when many rows
# share genes.
MAX_PAIRS = 2**21


def cluster_figures(
    set_ids: Sequence[str],
    overlap_genes: Sequence[set[str] | frozenset[str]],
    pvalues: Sequence[float],
    threshold: float = 0.5,
) -> list[str]:
    """For each row, the set_id of its cluster's representative (see the module docstring).

    The gene names only number the columns of cluster_members' row x gene matrix.
    """
    _check_threshold(threshold)
    n_rows = len(set_ids)
    if not n_rows == len(overlap_genes) == len(pvalues):
        raise ValueError(
            f"set_ids, overlap_genes and pvalues differ in length: {n_rows}, {len(overlap_genes)}, {len(pvalues)}"
        )
    gene_index: dict[str, int] = {}
    columns = [gene_index.setdefault(gene, len(gene_index)) for genes in overlap_genes for gene in genes]
    indptr = np.concatenate([[0], np.cumsum([len(genes) for genes in overlap_genes], dtype=np.int64)])
    members = sparse.csr_matrix(
        (np.ones(len(columns), dtype=bool), columns, indptr), shape=(n_rows, max(len(gene_index), 1))
    )
    return cluster_members(members, pvalues, set_ids, threshold)


def cluster_members(
    members: sparse.spmatrix, pvalues: Sequence[float], set_ids: Sequence[str], threshold: float = 0.5
) -> list[str]:
    """cluster_figures for rows given as a sparse row x gene matrix of overlap genes (what the
    enrichment has at hand), without going through gene names. A stored nonzero is a member.

    Rows with identical overlap genes are merged first (common in PFOCR); the similar pairs of
    the distinct rows are then searched gene by gene, pairing only rows that could still reach
    the threshold, never comparing every row with every other.
    """
    _check_threshold(threshold)
    if members.shape[0] == 0:
        return []
    members = sparse.csr_matrix(members)
    if not (members.has_canonical_format and members.data.all()):
        members = sparse.csr_matrix(members, dtype=bool, copy=True)
        members.eliminate_zeros()
        members.sum_duplicates()  # sorted, unique columns in each row
    return _representatives(_membership_components(members, threshold), set_ids, pvalues)


def _check_threshold(threshold: float) -> None:
    if not 0 < threshold <= 1:
        raise ValueError(f"cluster threshold must be in (0, 1], got {threshold}")


def _representatives(labels: np.ndarray, set_ids: Sequence[str], pvalues: Sequence[float]) -> list[str]:
    """Each row's cluster representative: lowest p, then smallest set_id."""
    ids = np.asarray(set_ids, dtype=object)
    pvalues = np.asarray(pvalues, dtype=float)
    # The lowest p of each cluster (NaN last, as a sort puts it), then the smallest set_id among
    # the rows that have it: only those few set_ids are compared as strings.
    order = np.lexsort((pvalues, labels))  # lexsort's last key is the primary one
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = labels[order][1:] != labels[order][:-1]
    lowest = np.empty(labels.max() + 1)
    lowest[labels[order][starts]] = pvalues[order][starts]
    best_p = lowest[labels]
    tied = np.flatnonzero((pvalues == best_p) | (np.isnan(pvalues) & np.isnan(best_p)))
    tied = tied[np.lexsort((ids[tied].astype(str), labels[tied]))]
    first = np.ones(len(tied), dtype=bool)
    first[1:] = labels[tied][1:] != labels[tied][:-1]
    representative_row = np.empty(len(lowest), dtype=np.intp)
    representative_row[labels[tied][first]] = tied[first]
    return ids[representative_row[labels]].tolist()


def _membership_components(members: sparse.csr_matrix, threshold: float) -> np.ndarray:
    """Connected-component label of each row (a gene set) under Jaccard >= threshold.

    `members` is canonical: sorted column indices, no duplicates.
    """
    n_rows = members.shape[0]
    if _similar(np.zeros(1), np.zeros(1), np.ones(1), threshold)[0]:
        # A threshold that is 0 as a float32 (below 1e-45) makes every pair similar, disjoint
        # ones too; the search below only pairs rows that share a gene.
        return np.zeros(n_rows, dtype=np.intp)
    genes, n_genes = members.indices, members.shape[1]
    if n_genes > len(genes):  # a bit for each column: only the columns some row holds
        held, genes = np.unique(genes, return_inverse=True)
        n_genes = len(held)
    bits = _bit_rows(members.indptr, genes, n_genes)
    distinct, distinct_of_row = _distinct_rows(bits, np.diff(members.indptr))
    indptr, genes = _take_rows(members.indptr, genes, distinct)
    return _similar_components(indptr, genes, bits[:, distinct], threshold)[distinct_of_row]


def _similar(shared, size_a, size_b, threshold: float) -> np.ndarray:
    """The rule, Jaccard(a, b) >= threshold, as |a & b| >= threshold * |a | b| without dividing.

    Counts are float32 so that borderline pairs (shared exactly threshold * union, as 1 of 2 at
    0.5) decide as they always have here: for a Python float threshold (as the config gives),
    threshold * union is rounded as a float32 product.
    """
    shared = np.asarray(shared, dtype=np.float32)
    union = np.asarray(size_a, dtype=np.float32) + np.asarray(size_b, dtype=np.float32) - shared
    return shared >= threshold * union


def _bit_rows(indptr: np.ndarray, genes: np.ndarray, n_genes: int) -> np.ndarray:
    """Each row's genes as the bits of uint64 words: ceil(genes / 64) words x rows (word by word,
    as the checks of many pairs read them)."""
    n_rows = len(indptr) - 1
    n_words = max((n_genes + 63) // 64, 1)
    rows = np.repeat(np.arange(n_rows), np.diff(indptr))
    bits = np.zeros(n_words * n_rows, dtype=np.uint64)
    np.bitwise_or.at(bits, genes // 64 * n_rows + rows, np.left_shift(np.uint64(1), (genes % 64).astype(np.uint64)))
    return bits.reshape(n_words, n_rows)


def _take_rows(indptr: np.ndarray, genes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CSR (indptr, genes) of the given rows."""
    sizes = np.diff(indptr)[rows]
    taken = np.zeros(len(rows) + 1, dtype=np.intp)
    np.cumsum(sizes, out=taken[1:])
    return taken, genes[np.arange(taken[-1]) + np.repeat(indptr[rows] - taken[:-1], sizes)]


def _distinct_rows(bits: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One row of each distinct gene set, smallest sets first, and each row's index among them."""
    order = np.lexsort((*bits, sizes))
    new = np.ones(len(order), dtype=bool)
    new[1:] = np.any(bits[:, order[1:]] != bits[:, order[:-1]], axis=0)
    distinct_of_row = np.empty(len(order), dtype=np.intp)
    distinct_of_row[order] = np.cumsum(new) - 1
    return order[new], distinct_of_row


def _similar_components(indptr: np.ndarray, genes: np.ndarray, bits: np.ndarray, threshold: float) -> np.ndarray:
    """Component labels of distinct rows, sorted by size (CSR `indptr`, `genes`; `bits` as _bit_rows)."""
    sizes = np.diff(indptr)
    entry_row, partners = _gene_entries(indptr, genes, threshold)
    labels = np.arange(len(sizes))
    for row_a, row_b in _candidate_pairs(entry_row, partners):
        if len(row_a) >= SAMPLE_FROM:
            # A sample first: its similar pairs join most rows of a big cluster, and pairs then
            # in one cluster need no check.
            sample = slice(None, None, SAMPLE_EVERY)
            labels = _join_similar(labels, row_a[sample], row_b[sample], sizes, bits, threshold)
            apart = labels[row_a] != labels[row_b]
            row_a, row_b = row_a[apart], row_b[apart]
        labels = _join_similar(labels, row_a, row_b, sizes, bits, threshold)
    return labels


def _candidate_pairs(entry_row: np.ndarray, partners: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The rows of the pairs of entries (i, i + 1), ..., (i, i + partners[i]) for every entry i,
    as arrays (row_a, row_b), in chunks of about MAX_PAIRS pairs."""
    # A chunk starts at the entry holding each MAX_PAIRS-th pair.
    starts = np.searchsorted(np.cumsum(partners), np.arange(MAX_PAIRS, partners.sum(), MAX_PAIRS))
    bounds = np.unique(np.r_[0, starts, len(partners)])
    for low, high in zip(bounds[:-1], bounds[1:], strict=True):
        count = partners[low:high]
        offset = np.arange(low + 1, high + 1) - (np.cumsum(count) - count)
        second = np.arange(count.sum()) + np.repeat(offset, count)
        yield np.repeat(entry_row[low:high], count), entry_row[second]


def _join_similar(
    labels: np.ndarray, row_a: np.ndarray, row_b: np.ndarray, sizes: np.ndarray, bits: np.ndarray, threshold: float
) -> np.ndarray:
    """`labels` after merging the clusters of each similar pair of rows (row_a[i], row_b[i])."""
    shared = np.zeros(len(row_a), dtype=np.intp)
    for word in bits:
        shared += _count_bits(word[row_a] & word[row_b])
    similar = _similar(shared, sizes[row_a], sizes[row_b], threshold)
    return _join(labels, row_a[similar], row_b[similar])


def _join(labels: np.ndarray, row_a: np.ndarray, row_b: np.ndarray) -> np.ndarray:
    """`labels` after merging the clusters of each pair of rows (row_a[i], row_b[i])."""
    if len(row_a) == 0:
        return labels
    n_labels = len(labels)
    source, target = labels[row_a], labels[row_b]
    # A CSR graph built here, not from COO: scipy's conversion sorts and sums duplicate pairs.
    indptr = np.zeros(n_labels + 1, dtype=np.intp)
    np.cumsum(np.bincount(source, minlength=n_labels), out=indptr[1:])
    graph = sparse.csr_matrix(
        (np.ones(len(source)), target[np.argsort(source.astype(np.min_scalar_type(n_labels)), kind="stable")], indptr),
        shape=(n_labels, n_labels),
    )
    return connected_components(graph, directed=False)[1][labels]


def _gene_entries(indptr: np.ndarray, genes: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Which pairs of distinct rows (sorted by size) may be similar, found gene by gene.

    Returns the row of each (row, gene) entry, entries listed gene by gene and each gene's rows
    in row order, and each entry's `partners`: every similar pair of rows is a pair of entries
    (i, j) with i < j <= i + partners[i].

    The prefix and positional filters of PPJoin (Xiao et al. 2008, "Efficient similarity joins
    for near duplicate detection"): number each row's genes rarest first; at the first gene a
    pair shares, the pair can share at most that gene and the ones after it in each row, its
    `rest` there. So an entry's partners are its gene's next rows up to the largest size that
    its rest could make similar; a gene that many rows hold comes last in them, with small rests
    and few partners.
    """
    n_rows = len(indptr) - 1
    sizes = np.diff(indptr)
    row = np.repeat(np.arange(n_rows), sizes)
    holders = np.bincount(genes)
    rarity = np.empty(len(holders), dtype=np.intp)
    rarity[np.argsort(holders, kind="stable")] = np.arange(len(holders))
    gene = rarity[genes]
    # Stable sorts (radix sorts, on small integer types): each gene's rows in row order, that is
    # by size; and, sorting that by row, each row's genes rarest first.
    by_gene = np.argsort(gene.astype(np.min_scalar_type(len(holders))), kind="stable")
    gene, row = gene[by_gene], row[by_gene]
    in_row_order = np.argsort(row.astype(np.min_scalar_type(n_rows)), kind="stable")
    rest = np.empty(len(gene), dtype=np.intp)
    rest[in_row_order] = np.repeat(indptr[1:], sizes) - np.arange(len(gene))  # entries to the row's end
    # The largest partner size: a partner sharing all the rest has a union of size + its size - rest.
    largest = _largest_unions(int(sizes[-1]), threshold)[rest] + rest - sizes[row]
    position = gene * n_rows + row  # sorted: gene, then row
    stop = np.searchsorted(position, gene * n_rows + np.searchsorted(sizes, largest, side="right"))
    partners = np.maximum(stop - np.arange(1, len(position) + 1), 0)
    return row, partners


def _largest_unions(max_size: int, threshold: float) -> np.ndarray:
    """For each overlap 0..max_size, the largest union, up to 2 * max_size, that it makes similar.

    A binary search per overlap: similarity only falls as the union grows.
    """
    shared = np.arange(max_size + 1)
    low, high = shared.copy(), np.full(max_size + 1, 2 * max_size)  # the answer is in [low, high]
    while np.any(low < high):
        middle = (low + high + 1) // 2
        similar = _similar(shared, shared, middle, threshold)  # sets of sizes shared and middle
        low, high = np.where(similar, middle, low), np.where(similar, high, middle - 1)
    return low


def _count_bits(words: np.ndarray) -> np.ndarray:
    """Set bits of each uint64, as uint8."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(words)
    # numpy 1.26 (still supported): the classic bit-twiddling popcount, vectorised.
    words = words - ((words >> np.uint64(1)) & np.uint64(0x5555555555555555))
    words = (words & np.uint64(0x3333333333333333)) + ((words >> np.uint64(2)) & np.uint64(0x3333333333333333))
    words = (words + (words >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return ((words * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.uint8)


def figure_clusters(table: pd.DataFrame, alpha: float, threshold: float) -> pd.Series:
    """The `cluster` column of one list's result table (tables.RESULT_COLUMNS order).

    Significant rows (padj <= alpha) get their representative's set_id; other rows get ""
    (they are not grouped: the rule is about the figures that answer the list).
    """
    cluster = pd.Series("", index=table.index, dtype=object)
    significant = table.index[table["padj"].astype(float) <= alpha]
    if len(significant):
        rows = table.loc[significant]
        cluster.loc[significant] = cluster_figures(
            rows["set_id"].astype(str).tolist(),
            [set(str(genes).split("/")) if genes else set() for genes in rows["overlap_genes"].fillna("")],
            rows["pvalue"].astype(float).tolist(),
            threshold,
        )
    return cluster


def table_clusters(table: pd.DataFrame, alpha: float, threshold: float) -> pd.Series:
    """The table's `cluster` column, or figure_clusters' when the table was written without one."""
    if "cluster" in table:
        return table["cluster"].fillna("").astype(str)
    return figure_clusters(table, alpha, threshold)


def block_clusters(rows: pd.DataFrame, alpha: float, threshold: float) -> pd.Series:
    """table_clusters for a block of several lists' rows (a `list` column): clustered list by list."""
    if "cluster" in rows:
        return rows["cluster"].fillna("").astype(str)
    parts = [table_clusters(part, alpha, threshold) for _, part in rows.groupby("list")]
    return pd.concat(parts).reindex(rows.index) if parts else pd.Series("", index=rows.index, dtype=object)
