"""Redundant figures are grouped by the Jaccard index of their overlap genes, single linkage."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from pfocr_enrich.enrich.redundancy import cluster_figures, figure_clusters


def test_chain_of_similar_figures_is_one_cluster_even_when_its_ends_differ():
    a, b, c = {"1", "2", "3"}, {"2", "3", "4"}, {"3", "4", "5"}  # J(a,b) = J(b,c) = 0.5, J(a,c) = 0.2
    assert cluster_figures(["A", "B", "C"], [a, b, c], [0.01, 0.02, 0.03], 0.5) == ["A", "A", "A"]


def test_representative_is_the_lowest_p_then_the_smaller_set_id():
    genes = [{"1", "2"}] * 3
    assert cluster_figures(["B", "A", "C"], genes, [0.2, 0.01, 0.3], 0.5) == ["A", "A", "A"]
    assert cluster_figures(["B", "A", "C"], genes, [0.01, 0.01, 0.3], 0.5) == ["A", "A", "A"]


def test_figures_below_the_threshold_stay_apart():
    sets = [{"1", "2", "3"}, {"3", "4", "5"}, {"9"}]
    assert cluster_figures(["A", "B", "C"], sets, [0.1, 0.2, 0.3], 0.5) == ["A", "B", "C"]


def test_identical_overlaps_cluster_at_any_threshold():
    sets = [{"1", "2"}, {"1", "2"}, {"1", "2", "3"}]
    assert cluster_figures(["A", "B", "C"], sets, [0.3, 0.2, 0.1], 1.0) == ["B", "B", "C"]


def test_threshold_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        cluster_figures(["A"], [{"1"}], [0.1], 0)


def test_clusters_match_a_pairwise_union_find():
    rng = np.random.default_rng(3)
    genes = [set(map(str, rng.choice(30, size=rng.integers(1, 6), replace=False))) for _ in range(300)]
    ids = [f"F{i:03d}" for i in range(len(genes))]
    pvalues = rng.random(len(genes))
    parent = list(range(len(genes)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(genes)):
        for j in range(i + 1, len(genes)):
            if len(genes[i] & genes[j]) >= 0.6 * len(genes[i] | genes[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(genes)):
        groups.setdefault(root(i), []).append(i)
    expected = [""] * len(genes)
    for members in groups.values():
        best = ids[min(members, key=lambda i: (pvalues[i], ids[i]))]
        for i in members:
            expected[i] = best
    assert cluster_figures(ids, genes, pvalues, 0.6) == expected


def test_two_thousand_rows_take_well_under_a_second():
    rng = np.random.default_rng(4)
    genes = [set(map(str, rng.choice(200, size=rng.integers(1, 12), replace=False))) for _ in range(2000)]
    started = time.perf_counter()
    clusters = cluster_figures([f"F{i}" for i in range(2000)], genes, rng.random(2000), 0.5)
    assert len(clusters) == 2000 and time.perf_counter() - started < 5


def test_cluster_column_covers_significant_rows_only():
    table = pd.DataFrame(
        {
            "set_id": ["A", "B", "C"],
            "overlap_genes": ["1/2/3", "1/2/3", "1/2/3"],
            "pvalue": [0.001, 0.002, 0.5],
            "padj": [0.01, 0.02, 0.9],
        }
    )
    assert figure_clusters(table, alpha=0.05, threshold=0.5).tolist() == ["A", "A", ""]


def test_sparse_members_give_the_same_clusters_as_gene_names():
    from scipy import sparse

    from pfocr_enrich.enrich.redundancy import cluster_members

    rng = np.random.default_rng(3)
    dense = rng.random((60, 12)) < 0.25
    dense[dense.sum(axis=1) == 0, 0] = True  # every row shares at least one gene with the list
    set_ids = [f"S{i:02d}" for i in range(60)]
    pvalues = rng.random(60)
    names = [{f"g{j}" for j in np.flatnonzero(row)} for row in dense]
    assert cluster_members(sparse.csr_matrix(dense), pvalues, set_ids, 0.5) == cluster_figures(
        set_ids, names, pvalues, 0.5
    )
