"""Plots: every kind renders to a valid PNG and SVG, one row per cluster, for odd titles and no data;
only significant rows are drawn as hits, the colour scale is capped, labels are names not URLs,
and "figure" is said only of PFOCR libraries."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import SHARED
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.image import imread

from pfocr_enrich.enrichment.combined import result_blocks
from pfocr_enrich.enrichment.engine import Settings, enrich_lists, load_library, make_universe
from pfocr_enrich.enrichment.redundancy import figure_clusters
from pfocr_enrich.gmt import read_gmt
from pfocr_enrich.report.plots import (
    GREY,
    VERMILLION,
    LibraryPlots,
    PlotSettings,
    bar_plot,
    cluster_rows,
    dot_plot,
    figure_label,
    heatmap,
    is_pfocr_library,
    render_library,
)
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


# --- what the plots show ---

OTHER_GMTS = SHARED / "gmt_other"
HALLMARK_GMT = OTHER_GMTS / "h.all.v7.0.symbols.gmt"
ENRICHR_GMT = OTHER_GMTS / "enrichr.GO_Biological_Process_2021.gmt"


def row_labels(fig: Figure) -> list[str]:
    return [text.get_text() for text in fig.axes[0].get_yticklabels()]


def test_non_significant_rows_are_not_drawn_as_hits():
    rows = cluster_rows(TABLE, PlotSettings())  # PMC4__f4 "Unrelated" has padj 1
    dots, bars = dot_plot(rows, "hits", PlotSettings()), bar_plot(rows, "hits", PlotSettings())
    for fig in (dots, bars):
        assert not any("PMC4__f4" in label for label in row_labels(fig))
        assert len(row_labels(fig)) == 2
        assert "2 significant figure clusters (padj <= 0.05)" in fig.get_suptitle()
    assert len(dots.axes[0].collections[0].get_offsets()) == 2
    assert len(bars.axes[0].patches) == 2


def test_a_list_with_nothing_significant_is_drawn_grey_with_the_cut_marked():
    table = result_table([("PMC1__a", "A", "1/2", 0.2), ("PMC2__b", "B", "3", 0.4)])
    rows = cluster_rows(table, PlotSettings())
    bars = bar_plot(rows, "noise", PlotSettings())
    assert {to_hex(bar.get_facecolor()) for bar in bars.axes[0].patches} == {GREY.lower()}
    (cut,) = bars.axes[0].get_lines()
    assert cut.get_xdata()[0] == pytest.approx(-np.log10(0.05))
    assert (to_hex(cut.get_color()), cut.get_linestyle()) == (VERMILLION.lower(), "--")
    dots = dot_plot(rows, "noise", PlotSettings())
    assert {to_hex(colour) for colour in dots.axes[0].collections[0].get_facecolors()} == {GREY.lower()}
    assert len(dots.axes) == 1  # no colour bar: nothing is coloured as significant
    for fig in (bars, dots):
        assert "No figure reaches padj <= 0.05: the 2 with the lowest padj, in grey" in fig.get_suptitle()


def colour_bar_labels(fig: Figure) -> list[str]:
    return [text.get_text() for text in fig.axes[-1].get_yticklabels()]


def test_colour_scale_is_capped_at_50_with_a_50_plus_tick():
    table = result_table(
        [("PMC1__a", "A", "1/2/3", 1e-235), ("PMC2__b", "B", "4/5", 1e-6), ("PMC3__c", "C", "6", 1e-3)]
    )
    dots = dot_plot(cluster_rows(table, PlotSettings()), "extreme", PlotSettings())
    colours = dots.axes[0].collections[0].get_array()
    assert colours.max() == 50 and colours.min() == pytest.approx(-np.log10(3e-3))
    assert colour_bar_labels(dots)[-1] == "50+"
    modest = dot_plot(cluster_rows(TABLE, PlotSettings()), "modest", PlotSettings())
    assert "50+" not in colour_bar_labels(modest)
    matrix = pd.DataFrame({"list1": [235.0, 3.0], "list2": [0.0, 6.0]}, index=["PMC1__a", "PMC2__b"])
    heat = heatmap(matrix, ["A", "B"], "library")
    assert heat.axes[0].get_images()[0].get_array().max() == 50
    assert colour_bar_labels(heat)[-1] == "50+"


def test_url_empty_or_repeated_descriptions_become_the_set_name():
    url = "http://www.gsea-msigdb.org/gsea/msigdb/cards/HALLMARK_APOPTOSIS"
    assert figure_label("HALLMARK_APOPTOSIS", url, pfocr=False) == "HALLMARK_APOPTOSIS"
    assert figure_label("SET_A", "ftp://example.org/a", pfocr=False) == "SET_A"
    assert figure_label("SET_A", "", pfocr=False) == "SET_A"
    assert figure_label("SET_A", "SET_A", pfocr=False) == "SET_A"
    assert figure_label("SET_A", "Apoptosis", 3, pfocr=False) == "Apoptosis (+2 similar)"
    assert figure_label("PMC1__a", "https://doi.org/x", pfocr=True) == "PMC1__a"  # no URL in a figure label
    long_go = "regulation of transcription initiation from RNA polymerase II promoter by receptors (GO:0006357)"
    assert figure_label(long_go, "", pfocr=False).endswith("(GO:0006357)")


@pytest.mark.parametrize("gmt", [HALLMARK_GMT, ENRICHR_GMT], ids=["msigdb_hallmark", "enrichr_go_bp"])
def test_real_third_party_gmts_are_labelled_by_set_name(gmt: Path):
    if not gmt.exists():
        pytest.skip(f"real third-party GMT not present: {gmt} is missing (only CI and developers have ../shared)")
    sets = read_gmt(gmt).sets
    assert not is_pfocr_library(False, (gene_set.name for gene_set in sets))
    for gene_set in sets:
        label = figure_label(gene_set.name, gene_set.description, pfocr=False)
        assert "://" not in label and label[:20] == gene_set.name[:20], (gene_set.line, label)
    # a list drawn from the first set, enriched and plotted as the workflow does
    library, settings = load_library(gmt), Settings()
    genes = list(sets[0].genes[:30])
    (result,) = enrich_lists(library, {"first": (genes, len(genes))}, settings, make_universe(library, settings, None))
    plot_settings = PlotSettings(pfocr_library=False)
    fig = dot_plot(cluster_rows(result.table, plot_settings), "first", plot_settings)
    labels = row_labels(fig)
    assert labels and labels[0][:20] == sets[0].name[:20]  # labels top row first
    assert not any("://" in label for label in labels)
    assert "significant set cluster" in fig.get_suptitle() and "figure" not in fig.get_suptitle()


def test_figure_is_said_of_pfocr_libraries_and_set_of_others():
    assert is_pfocr_library(True, ["anything"]) and is_pfocr_library(False, ["PMC1__f1.jpg", "PMC22__x;PMC3__y"])
    assert not is_pfocr_library(False, ["PMC1__f1", "HALLMARK_APOPTOSIS"]) and not is_pfocr_library(False, [])
    empty = cluster_rows(TABLE.head(0), PlotSettings())
    for pfocr, noun in ((True, "figure"), (False, "set")):
        settings = PlotSettings(pfocr_library=pfocr)
        assert f"No {noun} shares a gene with this list." in dot_plot(empty, "empty", settings).get_suptitle()
        assert f"significant {noun} clusters" in bar_plot(cluster_rows(TABLE, settings), "x", settings).get_suptitle()
        empty_heatmap = heatmap(pd.DataFrame(), [], "lib", settings.noun)
        assert f"No {noun} is significant in any list." in empty_heatmap.axes[0].texts[0].get_text()
