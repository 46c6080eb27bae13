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

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

BLOCK_ROWS = 1024  # rows per Jaccard block: a block x unique-sets float32 matrix stays ~10s of MB


def cluster_figures(
    set_ids: Sequence[str],
    overlap_genes: Sequence[set[str] | frozenset[str]],
    pvalues: Sequence[float],
    threshold: float = 0.5,
) -> list[str]:
    """For each row, the set_id of its cluster's representative (see the module docstring).

    Pure and vectorised: rows with identical overlap genes are merged first (common in PFOCR),
    then Jaccard indices of the distinct gene sets are computed in blocks of matrix products.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"cluster threshold must be in (0, 1], got {threshold}")
    n_rows = len(set_ids)
    if not n_rows == len(overlap_genes) == len(pvalues):
        raise ValueError(
            f"set_ids, overlap_genes and pvalues differ in length: {n_rows}, {len(overlap_genes)}, {len(pvalues)}"
        )
    if n_rows == 0:
        return []
    distinct: dict[frozenset[str], int] = {}
    row_to_distinct = np.array([distinct.setdefault(frozenset(g), len(distinct)) for g in overlap_genes])
    labels = _jaccard_components(list(distinct), threshold)[row_to_distinct]
    return _representatives(labels, set_ids, pvalues)


def cluster_members(
    members: sparse.spmatrix, pvalues: Sequence[float], set_ids: Sequence[str], threshold: float = 0.5
) -> list[str]:
    """cluster_figures for rows given as a sparse row x gene matrix of overlap genes (what the
    enrichment has at hand), without going through gene names."""
    if not 0 < threshold <= 1:
        raise ValueError(f"cluster threshold must be in (0, 1], got {threshold}")
    if members.shape[0] == 0:
        return []
    members = sparse.csr_matrix(members, dtype=np.float32)
    members.sort_indices()
    # Identical overlaps are common (one list gene hits hundreds of sets): cluster each once.
    distinct: dict[bytes, int] = {}
    indptr, indices = members.indptr, members.indices
    row_to_distinct = np.array(
        [
            distinct.setdefault(indices[indptr[i] : indptr[i + 1]].tobytes(), len(distinct))
            for i in range(len(indptr) - 1)
        ]
    )
    first_row = np.unique(row_to_distinct, return_index=True)[1]
    labels = _membership_components(members[first_row], threshold)[row_to_distinct]
    return _representatives(labels, set_ids, pvalues)


def _representatives(labels: np.ndarray, set_ids: Sequence[str], pvalues: Sequence[float]) -> list[str]:
    """Each row's cluster representative: lowest p, then smallest set_id."""
    n_rows = len(labels)
    # lexsort's last key is the primary one.
    ids = np.asarray(set_ids, dtype=object)
    order = np.lexsort((ids.astype(str), np.asarray(pvalues, dtype=float), labels))
    first = np.ones(n_rows, dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    representative_of_label = dict(zip(labels[order][first].tolist(), ids[order][first].tolist(), strict=True))
    return [representative_of_label[label] for label in labels.tolist()]


def _jaccard_components(gene_sets: list[frozenset[str]], threshold: float) -> np.ndarray:
    """Connected-component label of each distinct gene set under Jaccard >= threshold."""
    gene_index: dict[str, int] = {}
    rows, cols = [], []
    for row, genes in enumerate(gene_sets):
        for gene in genes:
            rows.append(row)
            cols.append(gene_index.setdefault(gene, len(gene_index)))
    n_sets = len(gene_sets)
    members = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_sets, max(len(gene_index), 1))
    )
    return _membership_components(members, threshold)


def _membership_components(members: sparse.csr_matrix, threshold: float) -> np.ndarray:
    """Connected-component label of each row (a gene set) under Jaccard >= threshold."""
    n_sets = members.shape[0]
    sizes = np.asarray(members.sum(axis=1)).ravel()
    members_t = members.T.tocsc()
    edge_rows, edge_cols = [], []
    for start in range(0, n_sets, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, n_sets)
        shared = (members[start:stop] @ members_t).toarray()  # |A & B|
        union = sizes[start:stop, None] + sizes[None, :] - shared
        with np.errstate(divide="ignore", invalid="ignore"):
            similar = shared >= threshold * union  # avoids dividing; 0/0 (two empty sets) is not similar
        similar &= union > 0
        block_rows, block_cols = np.nonzero(similar)
        keep = block_cols > block_rows + start  # each pair once; self-pairs add nothing
        edge_rows.append(block_rows[keep] + start)
        edge_cols.append(block_cols[keep])
    edges_from = np.concatenate(edge_rows) if edge_rows else np.zeros(0, int)
    edges_to = np.concatenate(edge_cols) if edge_cols else np.zeros(0, int)
    graph = sparse.coo_matrix((np.ones(len(edges_from), dtype=np.int8), (edges_from, edges_to)), shape=(n_sets, n_sets))
    _, labels = connected_components(graph, directed=False)
    return labels


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
