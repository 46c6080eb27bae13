"""Redundant figures: group a list's significant figures that report nearly the same genes.

PFOCR holds many figures with (nearly) the same genes: reviews redraw the same pathway, and
the official human library has 1,466 exact duplicate sets. A list hitting one of them hits
them all, and a top-20 plot becomes 20 copies of one answer. The rule, applied per list:

- the similarity of two significant figures is the Jaccard index of their *overlap genes* (the
  list's genes in each figure, not the figures' whole gene sets); identical overlap genes are
  always one cluster;
- clusters are built by average linkage (UPGMA): the two clusters whose members' pairwise
  similarities have the largest mean merge, while that mean is >= the threshold
  (`report.cluster_jaccard`, default 0.5), i.e. their average Jaccard distance <= 1 - threshold.
  Single linkage (any one similar pair joins two clusters) chained: 7,017 of a list's 7,234
  significant figures in one cluster; a mean over all pairs cannot chain like that;
- ties (equal means, compared to 12 decimals) go to the pair of clusters whose first members
  come first when overlaps are ordered by size, then by their genes' column numbers, so the
  clusters do not depend on row order;
- a cluster is named after its representative: the member with the lowest p-value, ties
  broken by the smaller set_id.

The search: identical overlaps become one weighted row; the connected groups of pairs with
Jaccard >= threshold (single linkage, found without comparing every pair) hold every average
linkage cluster (a mean >= threshold needs one pair >= threshold), so each group is clustered
on its own, as a dense matrix, merging every pair of mutual nearest clusters at once (average
linkage is reducible, so that gives the same merges as one pair at a time) and setting aside
clusters whose nearest is below the threshold (merges elsewhere never bring it closer).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from pfocr_enrich.gmt import gene_sort_key

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

    The gene names, sorted (gmt.gene_sort_key), number the columns of cluster_members' matrix.
    """
    _check_threshold(threshold)
    n_rows = len(set_ids)
    if not n_rows == len(overlap_genes) == len(pvalues):
        raise ValueError(
            f"set_ids, overlap_genes and pvalues differ in length: {n_rows}, {len(overlap_genes)}, {len(pvalues)}"
        )
    # Genes numbered in the libraries' order (enrichment.engine): ties between equal means are broken
    # by these numbers, so the clusters do not depend on the order of rows or of genes in them.
    held = sorted({gene for genes in overlap_genes for gene in genes}, key=gene_sort_key)
    gene_index = {gene: number for number, gene in enumerate(held)}
    columns = [gene_index[gene] for genes in overlap_genes for gene in genes]
    indptr = np.concatenate([[0], np.cumsum([len(genes) for genes in overlap_genes], dtype=np.int64)])
    members = sparse.csr_matrix(
        (np.ones(len(columns), dtype=bool), columns, indptr), shape=(n_rows, max(len(gene_index), 1))
    )
    return cluster_members(members, pvalues, set_ids, threshold)


def cluster_members(
    members: sparse.spmatrix, pvalues: Sequence[float], set_ids: Sequence[str], threshold: float = 0.5
) -> list[str]:
    """cluster_figures for rows given as a sparse row x gene matrix of overlap genes (what the
    enrichment has at hand), without going through gene names. A stored nonzero is a member."""
    rows = cluster_lists(members, np.zeros(members.shape[0], dtype=np.intp), pvalues, set_ids, threshold)
    return np.asarray(set_ids, dtype=object)[rows].tolist()


def cluster_lists(
    members: sparse.spmatrix,
    lists: np.ndarray,
    pvalues: Sequence[float],
    set_ids: Sequence[str],
    threshold: float = 0.5,
) -> np.ndarray:
    """For each row, the row of its cluster's representative; rows of different `lists` (any
    integer labels) are never clustered together. All lists are clustered at once: the work of
    each step is shared by every list of an enrichment batch.

    `members`: rows x genes, a stored nonzero is a member. Rows with identical overlap genes are
    merged first (common in PFOCR); the pairs with Jaccard >= threshold are then searched gene by
    gene, pairing only rows that could still reach it, and every other mean is summed over member
    pairs only where a merge needs it: no list's rows are all compared with each other.
    """
    _check_threshold(threshold)
    if members.shape[0] == 0:
        return np.zeros(0, dtype=np.intp)
    members = sparse.csr_matrix(members)
    if not (members.has_canonical_format and members.data.all()):
        members = sparse.csr_matrix(members, dtype=bool, copy=True)
        members.eliminate_zeros()
        members.sum_duplicates()  # sorted, unique columns in each row
    labels = _membership_clusters(members, np.asarray(lists), threshold)
    return _representative_rows(labels, set_ids, pvalues)


def _check_threshold(threshold: float) -> None:
    if not 0 < threshold <= 1:
        raise ValueError(f"cluster threshold must be in (0, 1], got {threshold}")


def _representative_rows(labels: np.ndarray, set_ids: Sequence[str], pvalues: Sequence[float]) -> np.ndarray:
    """Each row's cluster representative (its row): lowest p, then smallest set_id."""
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
    return representative_row[labels]


def _membership_clusters(members: sparse.csr_matrix, lists: np.ndarray, threshold: float) -> np.ndarray:
    """Average linkage cluster label of each row (a gene set); see the module docstring.

    `members` is canonical: sorted column indices, no duplicates.
    """
    sizes = np.diff(members.indptr)
    row_list = np.unique(lists, return_inverse=True)[1].reshape(-1)
    # Genes numbered list by list: apart across lists for the pair search (no pair of rows from
    # two lists shares a gene), and from 0 within each list for the bits (as narrow as one list).
    entry_list = np.repeat(row_list, sizes)
    n_columns = members.shape[1]
    held, genes = np.unique(entry_list * n_columns + members.indices, return_inverse=True)
    genes = genes.reshape(-1)
    local = genes - np.searchsorted(held // n_columns, np.arange(row_list.max() + 1))[entry_list]
    bits = _bit_rows(members.indptr, local, int(local.max(initial=-1)) + 1)
    # Distinct rows of each list, ordered by size, then list, then genes (the tie order).
    distinct, distinct_of_row = _distinct_rows(np.vstack([bits, row_list.astype(np.uint64)]), sizes)
    bits, weights = bits[:, distinct], np.bincount(distinct_of_row, minlength=len(distinct))
    indptr, genes = _take_rows(members.indptr, genes, distinct)
    if round(threshold, MEAN_DECIMALS) == 0:
        # Every mean is >= 0: each list's rows form one cluster.
        labels = np.unique(row_list[distinct], return_inverse=True)[1].reshape(-1)
    else:
        # Slightly below the threshold, so that no pair the float64 means take as similar (up to
        # their rounding) is left out by the float32 rule of _similar.
        pair_a, pair_b = _similar_pairs(indptr, genes, bits, threshold * (1 - 1e-6))
        labels = _average_linkage(bits, np.diff(indptr), weights, pair_a, pair_b, threshold)
    return labels[distinct_of_row]


# Means are compared to this many decimals: equal means reached by different sums are ties.
MEAN_DECIMALS = 12


def _jaccard_pairs(bits: np.ndarray, sizes: np.ndarray, row_a: np.ndarray, row_b: np.ndarray) -> np.ndarray:
    """Jaccard index of each pair of rows (row_a[i], row_b[i]) (bits as _bit_rows), float64."""
    shared = np.zeros(len(row_a), dtype=np.int64)
    for word in bits:
        shared += _count_bits(word[row_a] & word[row_b])
    union = sizes[row_a] + sizes[row_b] - shared
    return shared / np.maximum(union, 1)


def _average_linkage(
    bits: np.ndarray, sizes: np.ndarray, weights: np.ndarray, pair_a: np.ndarray, pair_b: np.ndarray, threshold: float
) -> np.ndarray:
    """Each distinct row's average linkage cluster, named by its first row.

    `pair_a` < `pair_b`: every pair of rows with Jaccard >= threshold (more do no harm). Two
    clusters can merge only when a pair of their members is such a pair (a mean >= threshold
    needs one), so only the cluster pairs holding one are followed ("links"), each with the sum
    of its members' pairwise Jaccard, weighted. Each round merges every pair of clusters that
    are each other's nearest (the first of equal means) with a mean >= threshold; a cluster
    without such a link is final (merges elsewhere never raise a mean to it: a merged pair's
    mean lies between its parts'). A merged pair's links sum their parts' sums; a part's sum to
    a cluster it had no link to is summed over member pairs then.
    """
    n_rows = len(sizes)
    threshold = round(threshold, MEAN_DECIMALS)
    size = weights.astype(np.float64)
    cluster = np.arange(n_rows)
    link_a, link_b = pair_a, pair_b
    link_sum = _jaccard_pairs(bits, sizes, link_a, link_b) * size[link_a] * size[link_b]
    while len(link_a):
        mean = np.round(link_sum / (size[link_a] * size[link_b]), MEAN_DECIMALS)
        live = mean >= threshold
        if not live.any():
            break
        nearest = _nearest(link_a[live], link_b[live], mean[live], n_rows)
        candidates = np.flatnonzero(nearest >= 0)
        first = candidates[(nearest[candidates] > candidates) & (nearest[nearest[candidates]] == candidates)]
        second = nearest[first]
        is_open = nearest >= 0  # clusters without a live link are final: their links go
        keep = is_open[link_a] & is_open[link_b]
        link_a, link_b, link_sum = link_a[keep], link_b[keep], link_sum[keep]
        link_a, link_b, link_sum = _merge_links(
            bits, sizes, weights, cluster, link_a, link_b, link_sum, first, second, n_rows
        )
        size[first] += size[second]
        renamed = np.arange(n_rows)
        renamed[second] = first
        cluster = renamed[cluster]
    return cluster


def _nearest(link_a: np.ndarray, link_b: np.ndarray, mean: np.ndarray, n_rows: int) -> np.ndarray:
    """Each cluster's nearest over the given links (-1: none): the largest mean, then the first."""
    node = np.concatenate([link_a, link_b])
    order = np.argsort(node.astype(np.min_scalar_type(n_rows)), kind="stable")  # a radix sort
    node, partner = node[order], np.concatenate([link_b, link_a])[order]
    mean = np.concatenate([mean, mean])[order]
    starts = np.flatnonzero(np.r_[True, node[1:] != node[:-1]])
    counts = np.diff(np.append(starts, len(node)))
    best = np.maximum.reduceat(mean, starts)
    tied = np.where(mean == np.repeat(best, counts), partner, n_rows)
    nearest = np.full(n_rows, -1)
    nearest[node[starts]] = np.minimum.reduceat(tied, starts)
    return nearest


def _merge_links(bits, sizes, weights, cluster, link_a, link_b, link_sum, first, second, n_rows):
    """The links after merging each cluster `second[i]` into `first[i]` (see _average_linkage)."""
    renamed = np.arange(n_rows)
    renamed[second] = first
    new_a, new_b = renamed[link_a], renamed[link_b]
    inside = new_a == new_b
    merged = np.zeros(n_rows, dtype=bool)
    merged[first] = True
    low, high = np.minimum(new_a, new_b), np.maximum(new_a, new_b)
    touched = (merged[low] | merged[high]) & ~inside
    untouched = ~touched & ~inside
    # New links: the sum of the old links they take in, plus their parts' missing sums.
    key, inverse = np.unique(low[touched] * n_rows + high[touched], return_inverse=True)
    known = np.bincount(inverse.reshape(-1), weights=link_sum[touched], minlength=len(key))
    new_low, new_high = key // n_rows, key % n_rows
    partner_of = np.full(n_rows, -1)
    partner_of[first] = second
    part_a, part_b, owner = [], [], []
    for low_part in (new_low, partner_of[new_low]):
        for high_part in (new_high, partner_of[new_high]):
            exists = (low_part >= 0) & (high_part >= 0)
            part_a.append(low_part[exists])
            part_b.append(high_part[exists])
            owner.append(np.flatnonzero(exists))
    part_a, part_b, owner = np.concatenate(part_a), np.concatenate(part_b), np.concatenate(owner)
    lo, hi = np.minimum(part_a, part_b), np.maximum(part_a, part_b)
    old_keys = link_a * n_rows + link_b  # sorted (links are kept in key order)
    found = np.searchsorted(old_keys, lo * n_rows + hi)
    missing = (found == len(old_keys)) | (old_keys[np.minimum(found, len(old_keys) - 1)] != lo * n_rows + hi)
    missing_sum = _cluster_pair_sums(bits, sizes, weights, cluster, lo[missing], hi[missing])
    total = known + np.bincount(owner[missing], weights=missing_sum, minlength=len(key))
    # Two sorted runs: a stable sort merges them in linear time.
    order = np.argsort(np.concatenate([old_keys[untouched], key]), kind="stable")
    return (
        np.concatenate([link_a[untouched], new_low])[order],
        np.concatenate([link_b[untouched], new_high])[order],
        np.concatenate([link_sum[untouched], total])[order],
    )


def _cluster_pair_sums(bits, sizes, weights, cluster, cluster_a, cluster_b) -> np.ndarray:
    """For each pair of clusters (cluster_a[i], cluster_b[i]), the weighted sum of their members'
    pairwise Jaccard."""
    if len(cluster_a) == 0:
        return np.zeros(0)
    order = np.argsort(cluster, kind="stable")
    starts = np.searchsorted(cluster[order], np.arange(len(cluster) + 1))
    count_a = starts[cluster_a + 1] - starts[cluster_a]
    count_b = starts[cluster_b + 1] - starts[cluster_b]
    # Every member of a with every member of b, pair by pair.
    n_pairs = count_a * count_b
    pair = np.repeat(np.arange(len(cluster_a)), n_pairs)
    within = np.arange(n_pairs.sum()) - np.repeat(np.cumsum(n_pairs) - n_pairs, n_pairs)
    member_a = order[starts[cluster_a][pair] + within // count_b[pair]]
    member_b = order[starts[cluster_b][pair] + within % count_b[pair]]
    jaccard = _jaccard_pairs(bits, sizes, member_a, member_b) * weights[member_a] * weights[member_b]
    return np.bincount(pair, weights=jaccard, minlength=len(cluster_a))


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


def _similar_pairs(
    indptr: np.ndarray, genes: np.ndarray, bits: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (a < b) of distinct rows, sorted by size, that _similar takes as similar
    (CSR `indptr`, `genes`; `bits` as _bit_rows)."""
    sizes = np.diff(indptr)
    entry_row, partners = _gene_entries(indptr, genes, threshold)
    found = [np.zeros(0, dtype=np.int64)]
    for row_a, row_b in _candidate_pairs(entry_row, partners):
        shared = np.zeros(len(row_a), dtype=np.intp)
        for word in bits:
            shared += _count_bits(word[row_a] & word[row_b])
        similar = _similar(shared, sizes[row_a], sizes[row_b], threshold)
        found.append(row_a[similar].astype(np.int64) * len(sizes) + row_b[similar])
    # A pair sharing several genes may be found more than once: hashed away (faster than a sort
    # of all), then the fewer distinct pairs sorted.
    pairs = np.sort(pd.unique(np.concatenate(found)))
    return pairs // len(sizes), pairs % len(sizes)


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
