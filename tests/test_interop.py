"""clusterProfiler- and EnrichmentMap-shaped tables, and GSEApy reading our GMTs as we wrote them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pfocr_enrich.enrichment.stats import adjust_pvalues, hypergeom_pvalues, storey_pi0
from pfocr_enrich.gmt import read_gmt, write_gmt
from pfocr_enrich.report.interop import (
    CLUSTERPROFILER_COLUMNS,
    ENRICHMENTMAP_COLUMNS,
    clusterprofiler_table,
    enrichmentmap_table,
)


def result_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "set_id": ["PMC1__f1", "PMC2__f2"],
            "set_name": ["IL-6 <b>signalling</b>", "WNT"],
            "set_size": [10, 20],
            "overlap": [4, 1],
            "query_size": [12, 12],
            "universe_size": [500, 500],
            "pvalue": [0.0001, 0.4],
            "padj": [0.001, 0.8],
            "overlap_genes": ["3569/3716/3717/6774", "1499"],
        }
    )


def test_clusterprofiler_table_has_its_columns_and_ratios_as_fractions():
    table = clusterprofiler_table(result_table(), n_tests=2)
    assert tuple(table.columns) == CLUSTERPROFILER_COLUMNS
    assert table["GeneRatio"].tolist() == ["4/12", "1/12"]
    assert table["BgRatio"].tolist() == ["10/500", "20/500"]
    assert table["Count"].tolist() == [4, 1]
    assert table["geneID"][0] == "3569/3716/3717/6774"
    assert table["p.adjust"].tolist() == [0.001, 0.8]


def test_qvalues_count_every_tested_set_not_only_the_overlapping_rows():
    table = clusterprofiler_table(result_table(), n_tests=50)
    padded = np.ones(50)
    padded[:2] = [0.0001, 0.4]
    assert table["qvalue"].to_numpy() == pytest.approx(adjust_pvalues(padded, "qvalue")[:2])
    assert table["qvalue"][0] > clusterprofiler_table(result_table())["qvalue"][0]


def test_qvalue_pi0_is_not_fooled_by_a_table_of_overlapping_sets_only():
    # Ten sets of 4 genes each sharing one gene with a 200-gene list from 12,000: p = P(X >= 1)
    # ~ 0.065 is all a null set can show. Storey's pi0 over these p would be (1 + 0) / 5 = 0.2.
    table = pd.DataFrame({"set_size": 4, "query_size": 200, "universe_size": 12000, "overlap": 1}, index=range(10))
    table["pvalue"] = hypergeom_pvalues(1, 4, 200, 12000)
    table = table.assign(set_id="S", set_name="s", padj=table["pvalue"], overlap_genes="1")
    np.testing.assert_array_equal(clusterprofiler_table(table)["qvalue"], adjust_pvalues(table["pvalue"], "fdr_bh"))


def test_qvalue_under_count_tests_all_is_storeys_q_over_every_test_as_the_engine_computes_it():
    # n_tests beyond the rows: the tests are every set that passed the size filter. Twelve rows with
    # tiny p and two sets without overlap give pi0 = (1 + 2) / (14 x 0.5) = 3/7, so another estimator shows.
    rows = pd.concat([result_table()] * 6, ignore_index=True).assign(pvalue=1e-6)
    table = clusterprofiler_table(rows, n_tests=14)
    padded = np.concatenate([np.full(12, 1e-6), np.ones(2)])
    assert storey_pi0(padded) < 1
    np.testing.assert_array_equal(table["qvalue"], adjust_pvalues(padded, "qvalue")[:12])


def test_gseapy_reads_our_gmt_with_the_sets_we_wrote(tmp_path: Path):
    gseapy_parser = pytest.importorskip("gseapy.parser")
    lines = [
        ("PMC1__f1", "IL-6 signalling", ["3569", "3570", "3716"]),
        ("PMC2__f2", "A title with spaces, commas; and # marks", ["1499", "324", "8312"]),
    ]
    path = tmp_path / "library.gmt"
    write_gmt(path, lines)
    assert gseapy_parser.read_gmt(str(path)) == {name: genes for name, _, genes in lines}
    assert {s.name: list(s.genes) for s in read_gmt(path).sets} == gseapy_parser.read_gmt(str(path))


def test_enrichmentmap_table_is_the_generic_results_format_in_its_column_order():
    table = enrichmentmap_table(result_table())
    assert tuple(table.columns) == ENRICHMENTMAP_COLUMNS
    first = table.iloc[0]
    assert (first["GO.ID"], first["Description"], first["Phenotype"]) == ("PMC1__f1", "IL-6 <b>signalling</b>", "+1")
    assert (first["p.Val"], first["FDR"]) == (0.0001, 0.001)
    assert first["Genes"] == "3569,3716,3717,6774"  # comma-separated, in the library's IDs


def test_enrichmentmap_description_falls_back_to_the_set_id_for_urls_and_blanks():
    rows = result_table().assign(set_name=["http://www.gsea-msigdb.org/x", " "])
    assert enrichmentmap_table(rows)["Description"].tolist() == ["PMC1__f1", "PMC2__f2"]


def test_enrichmentmap_rows_of_several_lists_keep_a_list_column_first():
    rows = pd.concat([result_table().assign(list="a"), result_table().assign(list="b")], ignore_index=True)
    table = enrichmentmap_table(rows)
    assert list(table.columns) == ["list", *ENRICHMENTMAP_COLUMNS] and table["list"].tolist() == ["a", "a", "b", "b"]
