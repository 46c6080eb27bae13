"""The Python API (`import pfocr_enrich as pe`): its examples run, and its tables are the workflow's."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest
from builders import REPO
from builders import run_snakemake as snakemake

import pfocr_enrich as pe
from pfocr_enrich import api
from pfocr_enrich.tables import write_frame

EXAMPLE = REPO / "resources/example"
# A third-party library in symbols (MSigDB-like: a URL as description), read from the user's path.
SYMBOL_GMT = (
    "HALLMARK_IL6_JAK_STAT3_SIGNALING\thttp://www.gsea-msigdb.org/IL6\tIL6\tIL6R\tIL6ST\tJAK1\tJAK2\tSTAT3\tSOCS3\n"
    "HALLMARK_TNFA_SIGNALING_VIA_NFKB\thttp://www.gsea-msigdb.org/TNF\tTNF\tNFKBIA\tRELA\tNFKB1\tTNFAIP3\tCXCL8\n"
    "HALLMARK_WNT_BETA_CATENIN\thttp://www.gsea-msigdb.org/WNT\tCTNNB1\tAXIN1\tAXIN2\tGSK3B\tLEF1\tMYC\tTCF7\n"
)


@pytest.mark.parametrize("module", [pe, api], ids=["pfocr_enrich", "pfocr_enrich.api"])
def test_docstring_examples_run(module):
    failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0


def test_import_loads_neither_pandas_nor_the_engine():
    heavy = "('pandas', 'numpy', 'scipy', 'statsmodels', 'matplotlib')"
    code = f"import sys, pfocr_enrich; print(sorted(m for m in {heavy} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_an_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'enrichh'"):
        pe.enrichh  # noqa: B018


@pytest.fixture(scope="module")
def example_run(tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("api_run")
    gmt = workdir / "hallmark_like.gmt"
    gmt.write_text(SYMBOL_GMT)
    done = snakemake(
        workdir,
        config={
            "records": str(EXAMPLE / "records"),
            "lists": str(EXAMPLE / "lists"),
            "enrichment": {"libraries": ["built", str(gmt)], "min_set_size": 3},
        },
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return workdir


@pytest.mark.parametrize("list_name", ["inflammation_symbols", "wnt_growth_entrez"])
@pytest.mark.parametrize("library", ["pfocr_example_Homo_sapiens_entrez", "hallmark_like"])
def test_api_table_is_the_workflows_byte_for_byte(example_run: Path, library: str, list_name: str, tmp_path: Path):
    gmt_dir = example_run / "results/gmt"
    built = library.startswith("pfocr_")
    loaded = pe.read_library(
        gmt_dir / f"{library}.gmt" if built else example_run / f"{library}.gmt",
        figures=gmt_dir / "figures.tsv" if built else None,
    )
    genes = pe.read_lists(EXAMPLE / "lists")[list_name]
    table = pe.enrich(genes, loaded, id_map=gmt_dir / "id_map.tsv", species="Homo sapiens")
    write_frame(tmp_path / "api.tsv", table)
    workflow = example_run / f"results/enrichment/{library}/{list_name}.tsv"
    assert len(table) > 0
    assert (tmp_path / "api.tsv").read_bytes() == workflow.read_bytes()
    summary = table.attrs["summary"].iloc[0]
    assert summary["n_input"] == len(genes)


def test_several_lists_get_a_list_column_and_each_lists_rows(example_run: Path):
    library = pe.read_library(example_run / "hallmark_like.gmt")
    lists = pe.read_lists(EXAMPLE / "lists")
    wanted = {name: lists[name] for name in ("inflammation_symbols", "wnt_growth_entrez")}
    both = pe.enrich(wanted, library, id_map=example_run / "results/gmt/id_map.tsv")
    assert list(both.columns[:2]) == ["list", "set_id"]
    for name, genes in wanted.items():
        alone = pe.enrich(genes, library, id_map=example_run / "results/gmt/id_map.tsv")
        rows = both[both["list"] == name].drop(columns="list").reset_index(drop=True)
        assert rows.equals(alone)


def test_names_that_do_not_map_are_listed_and_warned_about(tmp_path: Path):
    gmt = tmp_path / "tiny.gmt"
    gmt.write_text("A\tA\t1\t2\t3\nB\tB\t4\t5\t6\n")
    with pytest.warns(UserWarning, match=r"3 of 4 genes \(75%\) did not map"):
        table = pe.enrich(["1", "NOT_A_GENE", "ALSO_NOT", "MARCH1"], gmt, min_set_size=1)
    assert set(table.attrs["unmapped"]["gene"]) == {"NOT_A_GENE", "ALSO_NOT", "MARCH1"}
    assert table.attrs["summary"].iloc[0]["n_unmapped"] == 3


def test_a_bad_rows_choice_is_refused(tmp_path: Path):
    gmt = tmp_path / "tiny.gmt"
    gmt.write_text("A\tA\t1\t2\t3\n")
    with pytest.raises(ValueError, match="rows='some'"):
        pe.enrich(["1"], gmt, rows="some")
