"""The statistics: exact hypergeometric tails, p-value adjustment, effect sizes.

Letters as in pfocr_enrich.enrichment.stats: universe N, set_size m, query_size n, overlap k.
"""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import hypergeom
from statsmodels.stats.multitest import multipletests

from pfocr_enrich.enrichment.stats import (
    ADJUST_METHODS,
    adjust_pvalues,
    bg_ratio,
    combined_score,
    fold_enrichment,
    gene_ratio,
    hypergeom_pvalues,
    odds_ratio,
    pvalues_given_overlap,
    storey_pi0,
)


def exact_upper_tail(k: int, m: int, n: int, N: int) -> Fraction:
    """P(X >= k) by counting: sum of C(m, i) C(N - m, n - i) over C(N, n)."""
    ways = sum(math.comb(m, i) * math.comb(N - m, n - i) for i in range(k, min(m, n) + 1))
    return Fraction(ways, math.comb(N, n))


def relative_error(value: float, exact: Fraction) -> float:
    return float(abs(Fraction(value) - exact) / exact)


@st.composite
def tables(draw, max_universe: int = 3000) -> tuple[int, int, int, int]:
    """A possible (k, m, n, N): overlap within what the set and list sizes allow."""
    N = draw(st.integers(1, max_universe))
    m = draw(st.integers(0, N))
    n = draw(st.integers(0, N))
    k = draw(st.integers(max(0, m + n - N), min(m, n)))
    return k, m, n, N


pvalue_lists = st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=60)


# --- hypergeometric p-values -------------------------------------------------------------


def test_pvalue_of_small_table_equals_hand_count():
    # N=10, m=4, n=3: P(X >= 2) = (C(4,2) C(6,1) + C(4,3) C(6,0)) / C(10,3) = (36 + 4) / 120
    assert hypergeom_pvalues(2, 4, 3, 10) == pytest.approx(1 / 3, rel=1e-14)


def test_zero_overlap_gives_one():
    assert hypergeom_pvalues([0, 0], [4, 500], [3, 200], 12000).tolist() == [1.0, 1.0]


def test_full_overlap_gives_the_single_term():
    # k = min(m, n) = 3: only i = 3 counts, C(4,3) C(6,0) / C(10,3) = 4 / 120
    assert hypergeom_pvalues(3, 4, 3, 10) == pytest.approx(1 / 30, rel=1e-14)


def test_least_possible_overlap_gives_one():
    # m + n - N = 3 list genes must fall in the set, so X >= 3 is certain.
    assert hypergeom_pvalues(3, 8, 5, 10) == 1.0


def test_every_small_table_matches_exact_fractions():
    cases = [
        (k, m, n, N)
        for N in range(1, 13)
        for m in range(N + 1)
        for n in range(N + 1)
        for k in range(max(0, m + n - N), min(m, n) + 1)
    ]
    k, m, n, N = np.array(cases).T
    pvalues = hypergeom_pvalues(k, m, n, N)
    errors = [relative_error(p, exact_upper_tail(*case)) for p, case in zip(pvalues, cases, strict=True)]
    assert max(errors) <= 1e-12


def test_random_tables_match_scipy_up_to_universe_of_30000():
    rng = np.random.default_rng(7)
    size = 4000
    N = rng.integers(1, 30_001, size)
    m = np.minimum(rng.integers(0, N + 1), rng.integers(0, 3000, size))
    n = np.minimum(rng.integers(0, N + 1), rng.integers(0, 3000, size))
    low, high = np.maximum(0, m + n - N), np.minimum(m, n)
    k = low + (rng.random(size) * (high - low + 1)).astype(int)
    # Half pushed into the far upper tail, where p is tiny and relative precision is hard.
    far = rng.random(size) < 0.5
    k[far] = np.clip((n * m / N * rng.uniform(1, 8, size)).astype(int), low, high)[far]
    ours = hypergeom_pvalues(k, m, n, N)
    theirs = hypergeom.sf(k - 1, N, m, n)
    normal = theirs > 1e-300
    assert normal.sum() > 2500
    assert np.max(np.abs(ours[normal] - theirs[normal]) / theirs[normal]) <= 1e-9


@pytest.mark.parametrize("k", [132, 133, 134])
def test_pvalue_near_1e_300_matches_exact_fractions(k: int):
    exact = exact_upper_tail(k, 150, 150, 20_000)  # 2e-298, 2e-302, 3e-306
    assert relative_error(float(hypergeom_pvalues(k, 150, 150, 20_000)), exact) <= 1e-11


def test_pvalue_underflows_to_zero_only_past_the_double_range():
    assert exact_upper_tail(140, 150, 150, 20_000) < 1e-323
    assert hypergeom_pvalues(140, 150, 150, 20_000) == 0.0


def test_universe_size_broadcasts_as_a_scalar():
    pvalues = hypergeom_pvalues(np.array([[1, 2], [2, 3]]), 4, 3, 10)
    assert pvalues.shape == (2, 2)
    assert pvalues[0, 1] == pvalues[1, 0] == pytest.approx(1 / 3, rel=1e-14)


def test_no_tables_give_no_pvalues():
    empty = np.zeros(0, dtype=int)
    assert hypergeom_pvalues(empty, empty, empty, 100).shape == (0,)


def test_overlap_larger_than_set_is_rejected_with_its_counts():
    with pytest.raises(ValueError, match=r"overlap > set_size: \(overlap=5, set_size=3, query_size=10"):
        hypergeom_pvalues([1, 5], [3, 3], [10, 10], 100)


def test_set_larger_than_universe_is_rejected():
    with pytest.raises(ValueError, match="set_size > universe_size"):
        hypergeom_pvalues(1, 101, 10, 100)


def test_fractional_counts_are_rejected():
    with pytest.raises(ValueError, match="whole-number"):
        hypergeom_pvalues(1.5, 4, 3, 10)


@settings(max_examples=100, deadline=None)
@given(tables())
def test_pvalues_lie_in_unit_interval(table):
    assert 0.0 <= hypergeom_pvalues(*table) <= 1.0


@settings(max_examples=40, deadline=None)
@given(tables(max_universe=500))
def test_pvalue_does_not_grow_with_overlap(table):
    _, m, n, N = table
    overlaps = np.arange(max(0, m + n - N), min(m, n) + 1)
    assert np.all(np.diff(hypergeom_pvalues(overlaps, m, n, N)) <= 0)


@settings(max_examples=50, deadline=None)
@given(st.lists(tables(), min_size=1, max_size=30), st.randoms())
def test_pvalues_follow_their_tables_when_reordered(table_list, random):
    order = list(range(len(table_list)))
    random.shuffle(order)
    k, m, n, N = np.array(table_list).T
    pvalues = hypergeom_pvalues(k, m, n, N)
    assert np.array_equal(hypergeom_pvalues(k[order], m[order], n[order], N[order]), pvalues[order])


# --- adjusted p-values -------------------------------------------------------------------

# R: p <- c(0.01, 0.04, 0.03, 0.005, 0.2); p.adjust(p, method) -- worked by hand:
# sorted 0.005 0.01 0.03 0.04 0.2; BH = cummin from the top of p * 5 / rank; BY = BH * (1 + 1/2 + ... + 1/5);
# Holm = cummax of p * (5, 4, 3, 2, 1); Bonferroni = min(1, 5 p).
R_P = [0.01, 0.04, 0.03, 0.005, 0.2]
R_ADJUSTED = {
    "fdr_bh": [0.025, 0.05, 0.05, 0.025, 0.2],
    "fdr_by": [0.025 * 137 / 60, 0.05 * 137 / 60, 0.05 * 137 / 60, 0.025 * 137 / 60, 0.2 * 137 / 60],
    "holm": [0.04, 0.09, 0.09, 0.025, 0.2],
    "bonferroni": [0.05, 0.2, 0.15, 0.025, 1.0],
}


@pytest.mark.parametrize("method", sorted(R_ADJUSTED))
def test_adjustment_matches_r_p_adjust_by_hand(method: str):
    np.testing.assert_allclose(adjust_pvalues(R_P, method), R_ADJUSTED[method], rtol=1e-12)


def test_bh_of_evenly_spaced_pvalues_is_flat():
    # R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "BH") gives 0.05 five times.
    np.testing.assert_allclose(adjust_pvalues([0.01, 0.02, 0.03, 0.04, 0.05]), [0.05] * 5, rtol=1e-12)


@pytest.mark.parametrize("method", ["fdr_bh", "fdr_by", "bonferroni", "holm"])
def test_adjustment_agrees_with_statsmodels(method: str):
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(size=300), rng.uniform(0, 1e-4, size=30), np.ones(50)])
    np.testing.assert_array_equal(adjust_pvalues(p, method), multipletests(p, method=method)[1])


@pytest.mark.parametrize("method", ["fdr_bh", "fdr_by", "bonferroni", "holm", "qvalue"])
def test_n_tests_counts_the_missing_tests_as_p_one_exactly(method: str):
    # Only the overlapping sets' p are passed; the other tests are sets without overlap (p = 1).
    rng = np.random.default_rng(5)
    given = np.concatenate([rng.uniform(size=200), rng.uniform(0, 1e-6, size=20), [0.3, 0.3, 1.0]])
    rng.shuffle(given)
    padded = np.concatenate([given, np.ones(5000)])
    np.testing.assert_array_equal(
        adjust_pvalues(given, method, n_tests=len(padded)), adjust_pvalues(padded, method)[: len(given)]
    )
    if method != "qvalue":
        np.testing.assert_array_equal(
            adjust_pvalues(given, method, n_tests=len(padded)), multipletests(padded, method=method)[1][: len(given)]
        )


def test_n_tests_smaller_than_the_pvalues_given_is_an_error():
    with pytest.raises(ValueError, match="n_tests"):
        adjust_pvalues([0.1, 0.2], n_tests=1)


def test_qvalue_with_pi0_one_equals_bh():
    p = np.random.default_rng(4).uniform(size=200)
    np.testing.assert_array_equal(adjust_pvalues(p, "qvalue", pi0=1.0), adjust_pvalues(p, "fdr_bh"))


def test_qvalue_scales_bh_by_storeys_pi0():
    # 39 of 100 p-values above lambda = 0.5: pi0 = (1 + 39) / (100 * 0.5) = 0.8
    p = np.concatenate([np.full(61, 0.001), np.linspace(0.51, 1.0, 39)])
    assert storey_pi0(p) == pytest.approx(0.8)
    np.testing.assert_allclose(adjust_pvalues(p, "qvalue"), 0.8 * adjust_pvalues(p, "fdr_bh"), rtol=1e-15)


def test_storey_pi0_stays_positive_when_every_p_is_tiny():
    assert storey_pi0(np.full(10, 1e-8)) == pytest.approx(1 / 5)


def test_storey_pi0_is_capped_at_one():
    assert storey_pi0(np.ones(10)) == 1.0


def test_storey_pi0_counts_the_pvalues_not_given_as_one():
    given = np.concatenate([np.full(70, 0.01), np.full(10, 0.7)])
    padded = np.concatenate([given, np.ones(20)])
    assert storey_pi0(given, n_pvalues=len(padded)) == storey_pi0(padded) == pytest.approx((1 + 10 + 20) / 50)
    with pytest.raises(ValueError, match="n_pvalues"):
        storey_pi0(given, n_pvalues=10)


def test_pvalues_given_overlap_divide_by_the_chance_of_any_overlap():
    k, m, n, big_n = np.array([1, 2, 3, 5]), np.array([4, 10, 10, 30]), 200, 12000
    p = hypergeom_pvalues(k, m, n, big_n)
    expected = hypergeom.sf(k - 1, big_n, m, n) / hypergeom.sf(0, big_n, m, n)
    np.testing.assert_allclose(pvalues_given_overlap(p, m, n, big_n), expected, rtol=1e-9)
    assert pvalues_given_overlap(p, m, n, big_n)[0] == 1.0  # one shared gene is all overlap can be


@pytest.mark.parametrize(("m", "n", "big_n"), [(5, 200, 12000), (8, 12, 60), (40, 30, 3000)])
def test_pvalues_given_overlap_are_uniform_or_larger_among_overlapping_null_sets(m: int, n: int, big_n: int):
    # Exactly, over every possible overlap k >= 1: P(p / P(X >= 1) <= u | X >= 1) <= u. The raw p
    # of those sets lie below P(X >= 1), far below 0.5 here, which is what broke Storey's pi0.
    k = np.arange(1, min(m, n) + 1)
    given_overlap = pvalues_given_overlap(hypergeom_pvalues(k, m, n, big_n), m, n, big_n)
    chance = hypergeom.pmf(k, big_n, m, n) / hypergeom.sf(0, big_n, m, n)
    cdf = np.array([chance[given_overlap <= u].sum() for u in given_overlap])
    assert np.all(cdf <= given_overlap * (1 + 1e-9))


@pytest.mark.parametrize("method", ADJUST_METHODS)
def test_adjusting_nothing_gives_nothing(method: str):
    assert adjust_pvalues([], method).shape == (0,)


def test_nan_pvalue_is_rejected():
    with pytest.raises(ValueError, match="NaN at index"):
        adjust_pvalues([0.1, float("nan")])


def test_unknown_adjustment_lists_the_valid_ones():
    with pytest.raises(ValueError, match="fdr_bh, fdr_by, bonferroni, holm, qvalue"):
        adjust_pvalues([0.1], "BH")


def test_pi0_is_rejected_for_methods_other_than_qvalue():
    with pytest.raises(ValueError, match="pi0 applies only"):
        adjust_pvalues([0.1], "fdr_bh", pi0=0.5)


@settings(max_examples=40, deadline=None)
@given(pvalue_lists, st.sampled_from(ADJUST_METHODS))
def test_adjusted_pvalues_lie_in_unit_interval_and_not_below_raw_for_fwer_and_bh(p, method):
    adjusted = adjust_pvalues(p, method)
    assert np.all((adjusted >= 0) & (adjusted <= 1))
    if method != "qvalue":  # q = pi0 * BH may fall below p when pi0 < 1
        assert np.all(adjusted >= np.asarray(p) - 1e-15)


@settings(max_examples=40, deadline=None)
@given(pvalue_lists, st.sampled_from(ADJUST_METHODS))
def test_adjusted_pvalues_do_not_decrease_with_p(p, method):
    p = np.asarray(p)
    adjusted = adjust_pvalues(p, method)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(adjusted[order]) >= 0)


@settings(max_examples=40, deadline=None)
@given(pvalue_lists, st.sampled_from(ADJUST_METHODS), st.randoms())
def test_adjusted_pvalues_follow_their_pvalues_when_reordered(p, method, random):
    p = np.asarray(p)
    order = list(range(len(p)))
    random.shuffle(order)
    np.testing.assert_allclose(adjust_pvalues(p[order], method), adjust_pvalues(p, method)[order], rtol=1e-14)


# --- effect sizes ------------------------------------------------------------------------


def test_odds_ratio_adds_half_to_each_cell():
    # k=2, m=4, n=3, N=10: a=2, b=n-k=1, c=m-k=2, d=N-m-n+k=5
    assert odds_ratio(2, 4, 3, 10) == pytest.approx((2.5 * 5.5) / (1.5 * 2.5))


def test_odds_ratio_is_finite_when_a_cell_is_empty():
    assert np.isfinite(odds_ratio(3, 3, 3, 10))


def test_odds_ratio_and_pvalue_match_gseapy():
    gseapy_stats = pytest.importorskip("gseapy.stats")
    rng = np.random.default_rng(5)
    universe = 2000
    query = set(rng.choice(universe, 150, replace=False).tolist())
    gene_sets = {f"S{i}": rng.choice(universe, rng.integers(3, 300), replace=False).tolist() for i in range(200)}
    gene_sets |= {"S_hot": sorted(query)[:40] + [g for g in range(universe) if g not in query][:10]}
    _, pvalues, odds, overlap, set_size, _ = gseapy_stats.calc_pvalues(query, gene_sets, background=universe)
    k, m = np.array(overlap), np.array(set_size)
    np.testing.assert_allclose(odds_ratio(k, m, len(query), universe), odds, rtol=1e-14)
    np.testing.assert_allclose(hypergeom_pvalues(k, m, len(query), universe), pvalues, rtol=1e-9)


def test_fold_enrichment_is_list_share_over_universe_share():
    assert fold_enrichment(10, 100, 200, 12_000) == pytest.approx((10 / 200) / (100 / 12_000))


def test_gene_ratio_and_bg_ratio_are_shares():
    assert gene_ratio(10, 200) == pytest.approx(0.05)
    assert bg_ratio(100, 12_000) == pytest.approx(100 / 12_000)


def test_combined_score_is_minus_ln_p_times_odds_ratio():
    assert combined_score(1e-5, 4.0) == pytest.approx(-math.log(1e-5) * 4.0)


def test_combined_score_of_underflowed_pvalue_is_infinite_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert combined_score(np.array([0.0, 1.0]), np.array([3.0, 3.0])).tolist() == [math.inf, 0.0]
