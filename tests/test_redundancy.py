"""Redundant figures are grouped by the Jaccard index of their overlap genes, average linkage."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from pfocr_enrich.enrichment import redundancy
from pfocr_enrich.enrichment.redundancy import cluster_figures, cluster_members, figure_clusters
from pfocr_enrich.gmt import read_gmt


def reference_clusters(
    set_ids: list[str], gene_sets: list[set[int]], pvalues: list[float], threshold: float
) -> list[str]:
    """The rule written out: identical overlaps are one cluster; then, one merge at a time, the
    pair of clusters with the largest mean pairwise Jaccard (exact fractions) merges while that
    mean is >= threshold, both compared to 12 decimals, ties to the pair whose first members
    come first in the order (size, genes as bits); representative by (p, set_id)."""
    distinct = sorted({frozenset(genes) for genes in gene_sets}, key=lambda s: (len(s), sum(1 << g for g in s)))
    weight = [sum(frozenset(genes) == overlap for genes in gene_sets) for overlap in distinct]

    def jaccard(a: frozenset, b: frozenset) -> Fraction:
        return Fraction(len(a & b), len(a | b)) if a | b else Fraction(1)

    clusters = [[i] for i in range(len(distinct))]  # in the order of their first members
    # Sum of weighted pairwise Jaccards between two clusters (by position in `clusters`).
    pair_sum = {
        (i, j): weight[i] * weight[j] * jaccard(distinct[i], distinct[j])
        for i in range(len(distinct))
        for j in range(i + 1, len(distinct))
    }
    sizes = list(weight)
    limit = round(threshold, 12)
    while len(clusters) > 1:
        best = None
        for (i, j), total in sorted(pair_sum.items()):
            mean = round(float(total / (sizes[i] * sizes[j])), 12)
            if best is None or mean > best[0]:
                best = (mean, i, j)
        if best[0] < limit:
            break
        _, i, j = best
        clusters[i] += clusters[j]
        sizes[i] += sizes[j]
        merged = {}
        for (a, b), total in pair_sum.items():
            if j in (a, b) and i not in (a, b):
                other = b if a == j else a
                key = (min(i, other), max(i, other))
                merged[key] = merged.get(key, 0) + total
        pair_sum = {key: total for key, total in pair_sum.items() if j not in key}
        for key, total in merged.items():
            pair_sum[key] = pair_sum[key] + total
        # Renumber the positions after j.
        del clusters[j], sizes[j]
        pair_sum = {(a - (a > j), b - (b > j)): total for (a, b), total in pair_sum.items()}
    cluster_of = {distinct[i]: number for number, members in enumerate(clusters) for i in members}
    labels = [cluster_of[frozenset(genes)] for genes in gene_sets]
    representative = {}
    for row, label in enumerate(labels):
        key = (pvalues[row], set_ids[row])
        if label not in representative or key < representative[label][0]:
            representative[label] = (key, set_ids[row])
    return [representative[label][1] for label in labels]


def membership_matrix(gene_sets: list[set[int]], n_genes: int) -> sparse.csr_matrix:
    rows = [i for i, genes in enumerate(gene_sets) for _ in genes]
    columns = [gene for genes in gene_sets for gene in sorted(genes)]
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, columns)), shape=(len(gene_sets), n_genes))


@st.composite
def overlap_tables(draw) -> tuple[list[str], list[set[int]], list[float], int]:
    """Rows of overlap genes as PFOCR gives them: small sets over a few genes, many repeated, some
    empty; p-values with ties; set_ids in no particular order."""
    n_genes = draw(st.integers(1, 12))
    pool = draw(st.lists(st.sets(st.integers(0, n_genes - 1), max_size=n_genes), min_size=1, max_size=12))
    gene_sets = draw(st.lists(st.sampled_from(pool), max_size=40))
    pvalues = draw(
        st.lists(
            st.sampled_from([1e-8, 1e-4, 0.001, 0.01, 0.01, 0.04]), min_size=len(gene_sets), max_size=len(gene_sets)
        )
    )
    numbers = draw(st.permutations(range(len(gene_sets))))
    return [f"S{number:03d}" for number in numbers], gene_sets, pvalues, n_genes


thresholds = st.sampled_from([0.5, 1 / 3, 1.0, 0.7, 0.25, 2 / 3, 0.6, 0.1]) | st.floats(0, 1, exclude_min=True)


def test_a_chain_of_similar_figures_does_not_join_its_ends():
    a, b, c = {"1", "2", "3"}, {"2", "3", "4"}, {"3", "4", "5"}  # J(a,b) = J(b,c) = 0.5, J(a,c) = 0.2
    # a and b merge first (the tie goes to the first pair); c's mean to them is (0.5 + 0.2) / 2.
    assert cluster_figures(["A", "B", "C"], [a, b, c], [0.01, 0.02, 0.03], 0.5) == ["A", "A", "C"]
    assert cluster_figures(["A", "B", "C"], [a, b, c], [0.01, 0.02, 0.03], 0.35) == ["A", "A", "A"]


def test_a_figure_joins_the_cluster_whose_mean_is_highest_not_its_nearest_member():
    core = [{"1", "2", "3", "4"}, {"1", "2", "3", "5"}, {"1", "2", "3", "6"}]  # pairwise 3/5
    near_one = {"4", "7", "8"}  # 1/6 to the first, 0 to the others
    sets = [*core, near_one]
    assert cluster_figures(["A", "B", "C", "D"], sets, [0.1, 0.2, 0.3, 0.4], 0.15) == ["A", "A", "A", "D"]


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


def test_no_rows_give_no_clusters():
    assert cluster_figures([], [], [], 0.5) == []
    assert cluster_members(sparse.csr_matrix((0, 5)), [], [], 0.5) == []


def test_threshold_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        cluster_figures(["A"], [{"1"}], [0.1], 0)


def test_clusters_match_the_rule_on_a_hundred_random_overlaps():
    rng = np.random.default_rng(3)
    genes = [set(map(int, rng.choice(30, size=rng.integers(1, 6), replace=False))) for _ in range(100)]
    ids = [f"F{i:03d}" for i in range(len(genes))]
    pvalues = rng.random(len(genes)).tolist()
    expected = reference_clusters(ids, genes, pvalues, 0.6)
    assert cluster_figures(ids, [set(map(str, g)) for g in genes], pvalues, 0.6) == expected


@settings(max_examples=300, deadline=None)
@given(overlap_tables(), thresholds)
def test_clusters_match_the_rule_written_out(table, threshold):
    set_ids, gene_sets, pvalues, n_genes = table
    expected = reference_clusters(set_ids, gene_sets, pvalues, threshold)
    assert cluster_members(membership_matrix(gene_sets, n_genes), pvalues, set_ids, threshold) == expected
    assert cluster_figures(set_ids, [{f"g{gene}" for gene in genes} for genes in gene_sets], pvalues, threshold) == (
        expected
    )


@pytest.mark.parametrize(
    ("threshold", "a", "b"),
    [
        (0.5, {1}, {1, 2}),  # 1 of 2
        (1 / 3, {1}, {1, 2, 3}),  # 1 of 3
        (0.7, set(range(7)), set(range(10))),  # 7 of 10 (in float64, 0.7 * 10 is a hair above 7)
        (0.25, {1}, {1, 2, 3, 4}),  # 1 of 4
    ],
)
def test_jaccard_exactly_at_the_threshold_is_similar(threshold, a, b):
    assert cluster_figures(["A", "B"], [{str(g) for g in a}, {str(g) for g in b}], [0.1, 0.2], threshold) == ["A", "A"]


def test_just_below_the_threshold_stays_apart():
    assert cluster_figures(["A", "B"], [{"1"}, {"1", "2", "3"}], [0.1, 0.2], 0.34) == ["A", "B"]


def test_empty_overlaps_form_one_cluster_apart_from_the_rest():
    sets = [set(), {"1"}, set(), {"1", "2"}]
    assert cluster_figures(["A", "B", "C", "D"], sets, [0.3, 0.2, 0.1, 0.4], 0.5) == ["C", "B", "C", "B"]


def test_many_pairs_in_chunks_give_the_same_clusters(monkeypatch):
    # Real lists reach these paths with thousands of rows; small limits reach them here.
    monkeypatch.setattr(redundancy, "MAX_PAIRS", 64)
    rng = np.random.default_rng(5)
    gene_sets = [set(map(int, rng.choice(25, size=rng.integers(0, 7), replace=False))) for _ in range(150)]
    set_ids = [f"F{i:03d}" for i in range(len(gene_sets))]
    pvalues = rng.choice([0.001, 0.01, 0.02], size=len(gene_sets)).tolist()
    for threshold in (0.5, 1 / 3, 0.8):
        expected = reference_clusters(set_ids, gene_sets, pvalues, threshold)
        assert cluster_members(membership_matrix(gene_sets, 25), pvalues, set_ids, threshold) == expected


def test_gene_columns_may_be_numbered_up_to_a_billion():
    # Entrez IDs as column numbers: the work follows the genes rows hold, not the columns.
    members = sparse.csr_matrix(([1, 1, 1, 1], ([0, 1, 1, 2], [7, 7, 10**9 - 1, 10**9 - 1])), shape=(3, 10**9))
    assert cluster_members(members, [0.1, 0.2, 0.3], ["A", "B", "C"], 0.5) == ["A", "A", "C"]
    assert cluster_members(members, [0.1, 0.2, 0.3], ["A", "B", "C"], 0.25) == ["A", "A", "A"]


def test_bit_count_without_numpy_2(monkeypatch):
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    words = np.random.default_rng(6).integers(0, 2**64, size=1000, dtype=np.uint64)
    words[:3] = [0, 2**64 - 1, 2**63]
    counts = redundancy._count_bits(words)
    assert counts.dtype == np.uint8 and counts.tolist() == [int(word).bit_count() for word in words.tolist()]


def test_clusters_of_real_pfocr_overlaps_match_the_rule_written_out(shared_dir: Path):
    sets = [gene_set.genes for gene_set in read_gmt(shared_dir / "pfocr/gmt/pfocr_hs_3sets_20210426.gmt").sets]
    rng = np.random.default_rng(7)
    # A list as the benchmark draws one: genes of 3 figures, then others.
    query = {gene for i in rng.choice(len(sets), 3, replace=False) for gene in sets[i]}
    query |= set(rng.choice(sorted({gene for genes in sets for gene in genes}), 100, replace=False))
    overlaps = [set(genes) & query for genes in sets]
    rows = [i for i, overlap in enumerate(overlaps) if overlap][:120]
    gene_sets = [{int(gene) for gene in overlaps[i]} for i in rows]
    set_ids = [f"F{i:05d}" for i in rows]
    pvalues = rng.choice([1e-6, 1e-4, 1e-3], size=len(rows)).tolist()
    n_genes = max(max(genes, default=0) for genes in gene_sets) + 1
    for threshold in (0.5, 1 / 3):
        expected = reference_clusters(set_ids, gene_sets, pvalues, threshold)
        assert cluster_members(membership_matrix(gene_sets, n_genes), pvalues, set_ids, threshold) == expected


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
    rng = np.random.default_rng(3)
    dense = rng.random((60, 12)) < 0.25
    dense[dense.sum(axis=1) == 0, 0] = True  # every row shares at least one gene with the list
    set_ids = [f"S{i:02d}" for i in range(60)]
    pvalues = rng.random(60)
    names = [{f"g{j:02d}" for j in np.flatnonzero(row)} for row in dense]  # sorted as the columns
    assert cluster_members(sparse.csr_matrix(dense), pvalues, set_ids, 0.5) == cluster_figures(
        set_ids, names, pvalues, 0.5
    )


def test_clusters_match_scipy_average_linkage_cut_at_one_minus_the_threshold():
    # An independent implementation: scipy's UPGMA on every row (identical ones too), cut with
    # fcluster. Sets of 20-80 of 300 genes; no merge height lies at a cut, where float rounding
    # would decide (heights equal to a cut are common with Jaccard's small fractions).
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    rng = np.random.default_rng(7)
    dense = np.zeros((250, 300), dtype=bool)
    for row in dense:
        row[rng.choice(300, size=rng.integers(20, 80), replace=False)] = True
    dense[200:] = dense[rng.integers(0, 200, size=50)]  # some identical overlaps
    tree = linkage(pdist(dense, "jaccard"), "average")
    for threshold in (0.15, 0.2, 0.25):
        assert np.abs(tree[:, 2] - (1 - threshold)).min() > 1e-4
        expected = fcluster(tree, 1 - threshold, "distance")
        ours = cluster_members(sparse.csr_matrix(dense), np.zeros(250), [f"S{i:03d}" for i in range(250)], threshold)
        assert 1 < len(set(ours)) < 200
        assert {frozenset(np.flatnonzero(expected == label)) for label in set(expected)} == {
            frozenset(i for i, name in enumerate(ours) if name == label) for label in set(ours)
        }


def test_lists_clustered_together_are_clustered_apart():
    rng = np.random.default_rng(8)
    dense = rng.random((120, 15)) < 0.3
    lists = np.repeat([3, 1, 2], 40)
    pvalues = rng.random(120)
    set_ids = [f"S{i:03d}" for i in range(120)]
    together = redundancy.cluster_lists(sparse.csr_matrix(dense), lists, pvalues, set_ids, 0.4)
    for label in (1, 2, 3):
        rows = np.flatnonzero(lists == label)
        alone = cluster_members(sparse.csr_matrix(dense[rows]), pvalues[rows], [set_ids[i] for i in rows], 0.4)
        assert [set_ids[i] for i in together[rows]] == alone
