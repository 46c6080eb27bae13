"""The report stage end to end: plots, pages, provenance and `snakemake --report` on tiny records.

One record's title is `<script>alert(1)</script>`: it must reach the report as text.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from builders import hgnc, old_record
from builders import run_snakemake as snakemake
from test_plots import assert_valid_png, assert_valid_svg

EVIL_TITLE = "<script>alert(1)</script>"
ESCAPED_TITLE = "&lt;script&gt;alert(1)&lt;/script&gt;"
JAK_STAT = [("IL6", "3569"), ("JAK1", "3716"), ("JAK2", "3717"), ("STAT3", "6774"), ("IL6R", "3570")]
FIGURES = {
    "PMC1__il6": ("IL-6 signalling via JAK/STAT3", JAK_STAT),
    "PMC2__evil": (EVIL_TITLE, JAK_STAT[:4] + [("SOCS3", "9021")]),
    "PMC3__wnt": ("WNT", [("WNT3A", "89780"), ("CTNNB1", "1499"), ("APC", "324"), ("AXIN1", "8312")]),
    "PMC4__tnf": ("TNF", [("TNF", "7124"), ("TNFRSF1A", "7132"), ("TRADD", "8717"), ("RELA", "5970")]),
}
FILLER = {
    f"PMC{9 + i}__x{i}": (f"Filler {i}", [(f"G{i}{j}", str(100000 + 10 * i + j)) for j in range(4)]) for i in range(12)
}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report")
    records, lists = root / "records", root / "lists"
    records.mkdir()
    lists.mkdir()
    for figid, (title, genes) in {**FIGURES, **FILLER}.items():
        (records / f"{figid}.md").write_text(
            old_record(figid, hgnc(*genes), title=title, figlink=f"/pmc/articles/{figid.split('__')[0]}/figure/F1/")
        )
    (lists / "jak_stat.txt").write_text("IL6\nJAK1\nJAK2\nSTAT3\nSOCS3\n")
    (lists / "wnt.txt").write_text("89780\n1499\n324\n")
    workdir = root / "run"
    workdir.mkdir()
    done = snakemake(workdir, config={"records": str(records), "lists": str(lists), "shards": 1})
    assert done.returncode == 0, done.stderr[-3000:]
    return workdir


def embedded_html(report: str) -> list[str]:
    """The HTML pages the report embeds as base64 data URIs."""
    pages = re.findall(r"data:text/html;[^,\"]*base64,([A-Za-z0-9+/=]+)", report)
    return [base64.b64decode(page).decode("utf-8") for page in pages]


def test_report_shows_a_script_title_as_text(run_dir: Path):
    done = snakemake(run_dir, "--report", "report.html")
    assert done.returncode == 0, done.stderr[-3000:]
    report = (run_dir / "report.html").read_text(encoding="utf-8")
    pages = embedded_html(report)
    assert pages, "the report embeds no HTML page"
    assert EVIL_TITLE not in report and not any(EVIL_TITLE in page for page in pages)
    assert any(ESCAPED_TITLE in page for page in pages)


def test_every_plot_is_a_valid_image(run_dir: Path):
    # (Snakemake keeps a hidden .snakemake_timestamp in each library's plots folder.)
    plots = sorted(p for p in (run_dir / "results/plots").rglob("*.*") if not p.name.startswith("."))
    library = "pfocr_example_Homo_sapiens_entrez"
    names = {p.relative_to(run_dir / "results/plots").as_posix() for p in plots}
    for stem in (
        "jak_stat.dotplot",
        "jak_stat.barplot",
        "wnt.dotplot",
        "wnt.barplot",
        "heatmap",
        "set_sizes",
        "pvalues",
    ):
        assert {f"{library}/{stem}.png", f"{library}/{stem}.svg"} <= names
    for path in plots:
        (assert_valid_png if path.suffix == ".png" else assert_valid_svg)(path)
    # a library built from the run's records is a PFOCR library: its rows are "figures"
    caption = (run_dir / f"results/plots/{library}/jak_stat.dotplot.svg").read_text(encoding="utf-8")
    assert "significant figure cluster" in caption and "significant set" not in caption


def test_significant_page_links_pmc_and_pfocr(run_dir: Path):
    page = (run_dir / "results/report/significant/pfocr_example_Homo_sapiens_entrez.html").read_text()
    assert 'href="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1/figure/F1/"' in page
    assert 'href="https://pfocr.wikipathways.org/figures/PMC1__il6.html"' in page
    assert "similar to PMC1__il6" in page or "similar to PMC2__evil" in page


def test_provenance_names_versions_config_and_input_checksums(run_dir: Path):
    provenance = json.loads((run_dir / "results/provenance.json").read_text())
    assert {"python", "pfocr-enrich", "snakemake", "numpy", "matplotlib"} <= set(provenance["packages"])
    assert provenance["config"]["report"]["cluster_jaccard"] == 0.5
    records = provenance["inputs"]["records"][0]
    assert records["kind"] == "folder" and records["files"] == len(FIGURES) + len(FILLER)
    assert re.fullmatch(r"[0-9a-f]{64}", provenance["inputs"]["libraries"][0]["sha256"])


def test_clusterprofiler_tables_per_list(run_dir: Path):
    table = (run_dir / "results/interop/clusterprofiler/pfocr_example_Homo_sapiens_entrez/jak_stat.tsv").read_text()
    header, first = table.splitlines()[:2]
    assert header == "ID\tDescription\tGeneRatio\tBgRatio\tpvalue\tp.adjust\tqvalue\tgeneID\tCount"
    cells = dict(zip(header.split("\t"), first.split("\t"), strict=True))
    assert (cells["ID"], cells["GeneRatio"], cells["Count"]) == ("PMC2__evil", "5/5", "5")
    assert re.fullmatch(r"5/\d+", cells["BgRatio"])


def test_enrichmentmap_files_hold_each_lists_significant_sets(run_dir: Path):
    folder = run_dir / "results/interop/enrichmentmap/pfocr_example_Homo_sapiens_entrez"
    combined = pd.read_csv(folder.with_suffix(".txt"), sep="\t", dtype=str, keep_default_na=False)
    for name in ("jak_stat", "wnt"):
        table = pd.read_csv(folder / f"{name}.txt", sep="\t", dtype=str, keep_default_na=False)
        assert list(table.columns) == ["GO.ID", "Description", "p.Val", "FDR", "Phenotype", "Genes"]
        result = pd.read_csv(
            run_dir / f"results/enrichment/pfocr_example_Homo_sapiens_entrez/{name}.tsv", sep="\t", dtype=str
        )
        significant = result[result["padj"].astype(float) <= 0.05]
        assert table["GO.ID"].tolist() == significant["set_id"].tolist()
        assert table["Genes"].tolist() == significant["overlap_genes"].str.replace("/", ",").tolist()
        # The per-library file is the per-list files with a `list` column.
        rows = combined[combined["list"] == name].drop(columns="list").reset_index(drop=True)
        pd.testing.assert_frame_equal(rows, table)


def test_gseapy_reads_the_workflow_gmts_as_written(run_dir: Path):
    gseapy_parser = pytest.importorskip("gseapy.parser")
    from pfocr_enrich.gmt import read_gmt

    gmts = sorted((run_dir / "results/gmt").glob("*.gmt"))
    assert gmts
    for gmt in gmts:
        assert gseapy_parser.read_gmt(str(gmt)) == {s.name: list(s.genes) for s in read_gmt(gmt).sets}
