"""Over-representation analysis: counts, statistics and bad input, against independent references."""

from dataclasses import replace
from fractions import Fraction
from math import comb
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import hypergeom
from statsmodels.stats.multitest import multipletests

from pfocr_enrich.enrichment.engine import Settings, detect_id_type, enrich_lists, load_library, make_universe
from pfocr_enrich.enrichment.stats import adjust_pvalues
from pfocr_enrich.gmt import write_gmt

GENES = [str(g) for g in range(1, 11)]  # a 10-gene universe
SETS = {"A": ["1", "2", "3", "4"], "B": ["5", "6", "7"], "C": ["8", "9", "10"], "D": ["1", "5", "8", "9"]}
ALL = Settings(min_set_size=1, max_set_size=500)


def library(tmp_path: Path, sets: dict[str, list[str]] = SETS, name: str = "lib"):
    path = tmp_path / f"{name}.gmt"
    write_gmt(path, ((set_id, f"title {set_id}", genes) for set_id, genes in sets.items()))
    return load_library(path)


def run(lib, lists, settings=ALL, background=None):
    universe = make_universe(lib, settings, background)
    prepared = {name: (genes, len(genes)) for name, genes in lists.items()}
    return {r.name: r for r in enrich_lists(lib, prepared, settings, universe)}


def row(result, set_id):
    return result.table.set_index("set_id").loc[set_id]


def test_hand_computed_case(tmp_path: Path):
    # N=10 genes, set A m=4, list {1,2,5} n=3, overlap k=2: P(X>=2) = (C(4,2)C(6,1) + C(4,3)) / C(10,3) = 40/120
    result = run(library(tmp_path), {"L": ["1", "2", "5"]})["L"]
    a = row(result, "A")
    assert (a.set_size, a.overlap, a.query_size, a.universe_size) == (4, 2, 3, 10)
    assert a.pvalue == pytest.approx(float(Fraction(40, 120)), rel=1e-12)
    expected = Fraction(comb(4, 2) * comb(6, 1) + comb(4, 3), comb(10, 3))
    assert abs(a.pvalue - float(expected)) <= 1e-12


def test_rows_are_sets_with_overlap_sorted_by_p_then_id(tmp_path: Path):
    result = run(library(tmp_path), {"L": ["1", "2", "5"]})["L"]
    assert set(result.table["set_id"]) == {"A", "B", "D"}  # C shares no gene
    ordered = result.table[["pvalue", "set_id"]].to_records(index=False).tolist()
    assert ordered == sorted(ordered)


def test_every_tested_set_counts_in_fdr_including_non_overlapping(tmp_path: Path):
    result = run(library(tmp_path), {"L": ["1", "2", "5"]})["L"]
    assert result.n_tests == 4
    padded = np.ones(4)
    padded[:3] = result.table["pvalue"]
    expected = multipletests(padded, method="fdr_bh")[1][:3]
    np.testing.assert_allclose(result.table["padj"], expected, rtol=1e-12)


def test_count_tests_overlapping_reproduces_gseapy_style(tmp_path: Path):
    settings = Settings(min_set_size=1, count_tests="overlapping")
    result = run(library(tmp_path), {"L": ["1", "2", "5"]}, settings)["L"]
    assert result.n_tests == 3
    np.testing.assert_allclose(result.table["padj"], multipletests(result.table["pvalue"], method="fdr_bh")[1])


# Ten disjoint 4-gene sets; the list shares one gene with three of them, p = P(X >= 1) = 0.28 each.
DISJOINT_SETS = {f"S{i}": [str(g) for g in range(4 * i + 1, 4 * i + 5)] for i in range(10)}
ONE_GENE_IN_THREE_SETS = ["1", "5", "9"]


def test_qvalue_pi0_counts_every_tested_set_under_count_tests_overlapping(tmp_path: Path):
    # Over the three overlapping sets alone pi0 = (1 + 0) / 1.5; over all ten it is capped at 1,
    # so the q-values are the BH values of the same three tests.
    lib = library(tmp_path, DISJOINT_SETS)
    lists = {"L": ONE_GENE_IN_THREE_SETS}
    qvalue = run(lib, lists, Settings(min_set_size=1, correction="qvalue", count_tests="overlapping"))["L"]
    bh = run(lib, lists, Settings(min_set_size=1, correction="fdr_bh", count_tests="overlapping"))["L"]
    assert qvalue.n_tests == 3 and qvalue.table["pvalue"].max() < 0.5
    np.testing.assert_array_equal(qvalue.table["padj"], bh.table["padj"])


def test_qvalue_under_count_tests_all_is_storeys_q_over_every_tested_set(tmp_path: Path):
    lib = library(tmp_path, DISJOINT_SETS)
    many = [str(g) for g in range(1, 41, 3)]  # 14 genes, sharing genes with every set
    result = run(lib, {"L": many}, Settings(min_set_size=1, correction="qvalue"))["L"]
    padded = np.ones(result.n_tests)
    padded[: len(result.table)] = result.table["pvalue"]
    np.testing.assert_array_equal(result.table["padj"], adjust_pvalues(padded, "qvalue")[: len(result.table)])


def test_gene_outside_universe_changes_nothing(tmp_path: Path):
    lib = library(tmp_path)
    base = run(lib, {"L": ["1", "2", "5"]})["L"]
    more = run(lib, {"L": ["1", "2", "5", "99999"]})["L"]
    assert base.table.equals(more.table)
    assert more.n_mapped == 4 and more.n_in_universe == 3


def test_background_reduces_universe_and_sets(tmp_path: Path):
    # Background {1..6}: N=6; A -> {1,2,3,4} m=4; B -> {5,6} m=2; C -> {} not tested; D -> {1,5} m=2
    result = run(library(tmp_path), {"L": ["1", "2", "5", "9"]}, background=["1", "2", "3", "4", "5", "6", "77"])["L"]
    assert result.universe_size == 6 and result.n_in_universe == 3  # gene 9 is outside the background
    a = row(result, "A")
    assert a.set_size == 4 and a.pvalue == pytest.approx(hypergeom.sf(1, 6, 4, 3), rel=1e-12)
    assert result.n_tests == 3  # C has no gene left in the universe


def test_size_filter_applies_after_universe_reduction(tmp_path: Path):
    settings = Settings(min_set_size=3, max_set_size=3)
    result = run(library(tmp_path), {"L": ["1", "5", "8"]}, settings)["L"]
    assert set(result.table["set_id"]) == {"B", "C"} and result.n_tests == 2


def test_empty_list_gives_a_note_not_a_crash(tmp_path: Path):
    result = run(library(tmp_path), {"E": []})["E"]
    assert len(result.table) == 0 and "no gene" in result.notes[0]


def test_list_larger_than_universe(tmp_path: Path):
    result = run(library(tmp_path), {"BIG": [str(g) for g in range(1, 500)]})["BIG"]
    assert result.n_in_universe == 10
    assert (result.table["pvalue"] == 1.0).all()  # every gene drawn: no evidence


def test_library_with_no_set_passing_size_filter(tmp_path: Path):
    result = run(library(tmp_path), {"L": ["1", "2"]}, Settings(min_set_size=50))["L"]
    assert result.n_tests == 0 and len(result.table) == 0 and "nothing tested" in result.notes[0]


def test_results_do_not_depend_on_order_of_lists_sets_or_genes(tmp_path: Path):
    forward = run(library(tmp_path, SETS, "a"), {"L1": ["1", "2", "5"], "L2": ["8", "9", "3"]})
    reversed_sets = {k: list(reversed(v)) for k, v in reversed(SETS.items())}
    backward = run(library(tmp_path, reversed_sets, "b"), {"L2": ["3", "9", "8"], "L1": ["5", "2", "1"]})
    for name in ("L1", "L2"):
        f, b = forward[name].table, backward[name].table
        assert f.drop(columns="overlap_genes").equals(b.drop(columns="overlap_genes"))
        assert [set(x.split("/")) for x in f["overlap_genes"]] == [set(x.split("/")) for x in b["overlap_genes"]]


def test_symbol_library_is_detected_and_case_folded(tmp_path: Path):
    lib = library(tmp_path, {"S": ["tp53", "Akt1", "MTOR"], "T": ["EGFR", "KRAS", "BRAF"]})
    assert lib.id_type == "symbol" and "TP53" in set(lib.genes)
    assert detect_id_type(["1", "2", "x"]) == "symbol" and detect_id_type(["1"] * 99 + ["x"]) == "entrez"


def test_pvalues_match_scipy_on_the_real_library(shared_dir: Path):
    lib = load_library(shared_dir / "pfocr/gmt/pfocr_hs_3sets_20210426.gmt")
    rng = np.random.default_rng(7)
    lists = {f"L{i}": list(rng.choice(lib.genes, 200, replace=False)) for i in range(3)}
    for result in run(lib, lists, Settings(min_set_size=1, max_set_size=10_000)).values():
        t = result.table
        reference = hypergeom.sf(t["overlap"] - 1, t["universe_size"], t["set_size"], t["query_size"])
        np.testing.assert_allclose(t["pvalue"], reference, rtol=1e-9, atol=0)
        assert result.n_tests == 27164


def test_gseapy_enrich_agrees_under_count_tests_overlapping(shared_dir: Path, tmp_path: Path):
    gseapy = pytest.importorskip("gseapy", reason="gseapy (test extra) not installed")
    lines = (shared_dir / "pfocr/gmt/pfocr_hs_3sets_20210426.gmt").read_text().splitlines()[:1500]
    sets = {line.split("\t")[0]: line.split("\t")[2:] for line in lines}
    lib = library(tmp_path, sets)
    rng = np.random.default_rng(11)
    genes = sorted({g for members in sets.values() for g in members})
    query = list(rng.choice(genes, 150, replace=False))
    ours = run(lib, {"Q": query}, Settings(min_set_size=1, max_set_size=100_000, count_tests="overlapping"))["Q"]
    theirs = gseapy.enrich(gene_list=query, gene_sets=sets, background=None, outdir=None, no_plot=True).results
    merged = ours.table.merge(theirs, left_on="set_id", right_on="Term", validate="one_to_one")
    assert len(merged) == len(theirs) == len(ours.table) > 50
    np.testing.assert_allclose(merged["pvalue"], merged["P-value"], rtol=1e-9, atol=0)
    np.testing.assert_allclose(merged["padj"], merged["Adjusted P-value"], rtol=1e-9, atol=0)
    np.testing.assert_allclose(merged["odds_ratio"], merged["Odds Ratio"], rtol=1e-9)
    np.testing.assert_allclose(merged["combined_score"], merged["Combined Score"], rtol=1e-9)


@st.composite
def libraries_and_lists(draw):
    n_genes = draw(st.integers(5, 40))
    genes = [str(g) for g in range(1, n_genes + 1)]
    sets = draw(
        st.lists(st.lists(st.sampled_from(genes), min_size=1, max_size=n_genes, unique=True), min_size=1, max_size=12)
    )
    lists = draw(st.lists(st.lists(st.sampled_from(genes), max_size=n_genes, unique=True), min_size=1, max_size=4))
    return {f"S{i}": s for i, s in enumerate(sets)}, {f"L{i}": g for i, g in enumerate(lists)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(libraries_and_lists())
def test_properties_hold_on_random_libraries(tmp_path_factory, case):
    sets, lists = case
    tmp = tmp_path_factory.mktemp("prop")
    lib = library(tmp, sets)
    results = run(lib, lists, ALL)
    for name, result in results.items():
        p, padj = result.table["pvalue"].to_numpy(), result.table["padj"].to_numpy()
        assert ((p >= 0) & (p <= 1)).all() and ((padj >= p - 1e-15) & (padj <= 1)).all()
        order = np.argsort(p, kind="stable")
        assert (np.diff(padj[order]) >= -1e-15).all()  # adjusted p never decreases as p grows
        outside = run(lib, {name: [*lists[name], "999999"]}, ALL)[name]
        assert outside.table.equals(result.table)
    shuffled = run(lib, dict(reversed(list(lists.items()))), ALL)
    assert all(shuffled[name].table.equals(results[name].table) for name in lists)


def test_library_with_a_duplicate_set_name_is_enriched_under_unique_names_and_the_renaming_listed(tmp_path: Path):
    from pfocr_enrich.enrichment.batch import ChunkJob, merge_library, merge_run, run_chunk
    from pfocr_enrich.errors import InputError
    from pfocr_enrich.tables import ID_MAP_COLUMNS, write_tsv

    gmt = tmp_path / "dup.gmt"
    gmt.write_text("NA_unmapped\tfirst\t1\t2\t3\nB\tb\t4\t5\t6\nNA_unmapped\tsecond\t1\t2\t4\n")
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists/L.txt").write_text("1\n2\n4\n")
    write_tsv(tmp_path / "id_map.tsv", ID_MAP_COLUMNS, [])
    job = ChunkJob(gmt, tmp_path / "lists", ("L",), (tmp_path / "id_map.tsv",), "Homo sapiens", None, None, ALL)
    run_chunk(job, tmp_path / "chunk")
    table = (tmp_path / "chunk/L.tsv").read_text()
    assert "NA_unmapped\tfirst" in table and "NA_unmapped~2\tsecond" in table

    tables = ("summary", "unmapped", "significant", "renamed")
    merged = {name: tmp_path / f"library_{name}.tsv" for name in tables}
    merge_library([tmp_path / "chunk"], [tmp_path / "L.tsv"], *merged.values())
    renamed = "library\tline\told_name\tnew_name\ndup\t3\tNA_unmapped\tNA_unmapped~2\n"
    assert merged["renamed"].read_text() == renamed
    run_tables = {name: tmp_path / f"{name}.tsv" for name in tables}
    line = merge_run(*([merged[name]] for name in tables[:3]), run_tables, [merged["renamed"]])
    assert "library sets renamed for a duplicate name: 1 (details: renamed.tsv)" in line

    strict = replace(job, settings=replace(ALL, duplicate_sets="error"))
    with pytest.raises(InputError, match="'NA_unmapped' appears on line 1 and line 3"):
        run_chunk(strict, tmp_path / "strict")
