"""Rule plots: every plot of one library (per-list dot and bar plots, heat map, histograms)."""

from pathlib import Path

from pfocr_enrich.config import read_settings
from pfocr_enrich.gmt import read_gmt
from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.plots import LibraryPlots, PlotSettings, render_library
from pfocr_enrich.stale import describe_removed, remove_stale_files

with step_logging(snakemake.log[0]) as log:
    out = snakemake.output
    settings = read_settings(snakemake.input.settings)
    names, plotted = settings["lists"], settings["plotted_lists"]
    plots = LibraryPlots(
        **{
            kind: dict(zip(plotted, map(Path, out[kind]), strict=True))
            for kind in ("dotplot_png", "dotplot_svg", "barplot_png", "barplot_svg")
        },
        **{kind: Path(out[kind]) for kind in ("heatmap_png", "heatmap_svg", "set_sizes_png", "set_sizes_svg")},
        pvalues_png=Path(out.pvalues_png),
        pvalues_svg=Path(out.pvalues_svg),
    )
    library = Path(snakemake.input.library)
    render_library(
        library=snakemake.wildcards.library,
        gmt_set_sizes=[len(gene_set.genes) for gene_set in read_gmt(library).sets],
        tables=dict(zip(names, map(Path, snakemake.input.tables), strict=True)),
        out=plots,
        settings=PlotSettings(alpha=settings["alpha"], **settings["report"]),
        size_range=tuple(settings["size_range"]),
    )
    stale = remove_stale_files(Path(out.heatmap_png).parent, ["*.png", "*.svg"], out)
    if message := describe_removed(stale, "plots"):
        log.warning("%s: %s", snakemake.wildcards.library, message)
