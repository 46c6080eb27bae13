"""Plots: every kind renders to a valid PNG and SVG, one row per cluster, for odd titles and no data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.image import imread

from pfocr_enrich.enrich.combined import result_blocks
from pfocr_enrich.enrich.redundancy import figure_clusters
from pfocr_enrich.report.plots import LibraryPlots, PlotSettings, cluster_rows, figure_label, render_library
from pfocr_enrich.tables import RESULT_COLUMNS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_valid_png(path: Path, min_bytes: int = 5000) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE, path
    assert path.stat().st_size >= min_bytes, f"{path}: {path.stat().st_size} bytes"
    height, width = imread(path).shape[:2]
    assert height >= 300 and width >= 300, path


def assert_valid_svg(path: Path, min_bytes: int = 1000) -> None:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg"), path
    assert any(element.tag.endswith("text") for element in root.iter()), f"{path}: no text element"
    assert path.stat().st_size >= min_bytes, path


def result_table(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """Rows as (set_id, title, overlap genes, p); other columns follow from them."""
    table = pd.DataFrame(rows, columns=["set_id", "set_name", "overlap_genes", "pvalue"])
    table["overlap"] = table["overlap_genes"].str.count("/") + 1
    table["padj"] = np.minimum(table["pvalue"] * len(table), 1.0)
    table["set_size"], table["query_size"], table["universe_size"] = 10, 20, 1000
    table["fold_enrichment"] = table["overlap"] * 1000 / (10 * 20)
    table["gene_ratio"] = table["overlap"] / 20
    for column in RESULT_COLUMNS:
        if column not in table:
            table[column] = ""
    table["cluster"] = figure_clusters(table, alpha=0.05, threshold=0.5)  # as the enrichment writes it
    return table[list(RESULT_COLUMNS)]


TABLE = result_table(
    [
        ("PMC1__f1", "IL-6 drives JAK/STAT3 signalling in renal cell carcinoma, a very long title", "1/2/3/4", 1e-8),
        ("PMC2__f2", "A redrawn IL-6 pathway", "1/2/3/4", 1e-6),
        ("PMC3__f3", "<script>alert(1)</script> costs $5 and $10", "7/8/9", 1e-5),
        ("PMC4__f4", "Unrelated", "42", 0.3),
    ]
)


def test_redundant_figures_become_one_row_with_their_member_count():
    rows = cluster_rows(TABLE, PlotSettings())
    assert rows["set_id"].tolist() == ["PMC1__f1", "PMC3__f3", "PMC4__f4"]
    assert rows["members"].tolist() == [2, 1, 1]
    label = figure_label("PMC1__f1", TABLE["set_name"][0], 2)
    assert label.startswith("IL-6 drives JAK/STAT3") and label.endswith("\u2026 [PMC1__f1] (+1 similar)")


def test_labels_of_figid_named_sets_and_collapsed_duplicates():
    assert figure_label("PMC9__x.jpg", "PMC9__x.jpg") == "PMC9__x.jpg"
    assert figure_label("PMC1__a;PMC2__b", "Title") == "Title [PMC1__a +1 identical]"


def library_plots(folder: Path, names: list[str]) -> LibraryPlots:
    per_list = {
        f"{plot}_{ext}": {name: folder / f"{name}.{plot}.{ext}" for name in names}
        for plot in ("dotplot", "barplot")
        for ext in ("png", "svg")
    }
    library_wide = {
        f"{plot}_{ext}": folder / f"{plot}.{ext}"
        for plot in ("heatmap", "set_sizes", "pvalues")
        for ext in ("png", "svg")
    }
    return LibraryPlots(**per_list, **library_wide)


def test_every_plot_renders_as_valid_png_and_svg_including_empty_lists(tmp_path: Path):
    tables = {"hits": tmp_path / "hits.tsv", "empty": tmp_path / "empty.tsv"}
    TABLE.to_csv(tables["hits"], sep="\t", index=False)
    TABLE.head(0).to_csv(tables["empty"], sep="\t", index=False)
    out = library_plots(tmp_path / "plots", list(tables))
    for x_axis in ("fold_enrichment", "gene_ratio"):
        read = result_blocks(tmp_path, list(tables))
        render_library("lib", [3, 5, 5, 8, 40, 300], read, list(tables), out, PlotSettings(x_axis=x_axis), (3, 500))
    for path in sorted((tmp_path / "plots").iterdir()):
        (assert_valid_png if path.suffix == ".png" else assert_valid_svg)(path)
    assert len(list((tmp_path / "plots").iterdir())) == 2 * 2 * 2 + 3 * 2


def test_plots_are_byte_for_byte_reproducible(tmp_path: Path):
    tables = {"hits": tmp_path / "hits.tsv"}
    TABLE.to_csv(tables["hits"], sep="\t", index=False)
    runs = []
    for run in ("a", "b"):
        out = library_plots(tmp_path / run, ["hits"])
        render_library("lib", [3, 5, 8], result_blocks(tmp_path, ["hits"]), ["hits"], out, PlotSettings(), (3, 500))
        runs.append({p.name: p.read_bytes() for p in (tmp_path / run).iterdir()})
    assert runs[0] == runs[1]
