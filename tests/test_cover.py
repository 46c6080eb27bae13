"""Covering sets: WebGestalt's weighted set cover, by hand and on the real human library."""

import numpy as np
import pytest
from builders import SHARED

from pfocr_enrich.enrichment.batch import covering_rows
from pfocr_enrich.enrichment.cover import weighted_set_cover
from pfocr_enrich.enrichment.engine import Settings, enrich_batch, load_library, make_universe

HUMAN_GMT = SHARED / "pfocr/gmt/pfocr_hs_3sets_20210426.gmt"


def csr(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    return np.cumsum([0, *(len(r) for r in rows)]), np.array([g for r in rows for g in r], dtype=np.int64)


def test_hand_computed_cover_picks_by_genes_times_minus_log10_p():
    # gain = newly covered genes x -log10 p: B (2 x 10) before A (3 x 3) before C (4 x 1.40)
    starts, genes = csr([[1, 2, 3], [3, 4], [1, 2, 3, 4]])
    steps = weighted_set_cover(starts, genes, np.array([1e-3, 1e-10, 0.04]), top_n=5)
    assert [s.row for s in steps] == [1, 0]
    assert [s.new_genes.tolist() for s in steps] == [[3, 4], [1, 2]]
    assert [s.coverage for s in steps] == [0.5, 1.0]


def test_cover_stops_at_top_n_caps_p_zero_and_breaks_ties_by_row_order():
    starts, genes = csr([[1], [2], [2], [3, 4, 5]])
    steps = weighted_set_cover(starts, genes, np.array([0.0, 1e-5, 1e-5, 1e-1]), top_n=2)
    # p = 0 counts as -log10 p = 300: row 0 first; then rows 1 and 2 tie (1 x 5, over 3 x 1): row 1
    assert [s.row for s in steps] == [0, 1]
    assert steps[-1].coverage == pytest.approx(2 / 5)
    assert weighted_set_cover(*csr([]), np.zeros(0), top_n=3) == []


@pytest.mark.skipif(not HUMAN_GMT.exists(), reason=f"real PFOCR GMT not found: {HUMAN_GMT} (../shared absent)")
def test_covering_sets_of_lists_from_real_figures_cover_most_of_their_genes():
    library = load_library(HUMAN_GMT)
    rng = np.random.default_rng(5)
    members = library.membership.tocsr()
    sets = [library.genes[members[i].indices] for i in rng.choice(len(library.set_ids), 30)]
    lists = {}
    for number in range(10):
        genes = list(dict.fromkeys(g for s in sets[3 * number : 3 * number + 3] for g in s))[:200]
        lists[f"l{number}"] = (genes, len(genes))
    settings = Settings(covering_sets=20)
    result = enrich_batch(library, lists, settings, make_universe(library, settings, None))
    assert sum(counts.n_significant > 0 for counts in result.lists) >= 8
    for index, counts in enumerate(result.lists):
        rows = covering_rows(result, index, settings)
        if counts.n_significant:
            coverage = [row[-1] for row in rows]
            assert rows and coverage == sorted(coverage) and coverage[-1] <= 1.0
            assert len(rows) <= min(20, counts.n_significant)
            # each set is significant and its new genes are its own overlap genes
            assert all(row[3] <= settings.alpha and row[4] == len(row[5].split("/")) for row in rows)
