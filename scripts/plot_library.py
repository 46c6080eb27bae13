"""Rule plots: every plot of one library (per-list dot and bar plots, heat map, histograms)."""

from pathlib import Path

from pfocr_enrich.gmt import read_gmt
from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.plots import LibraryPlots, PlotSettings, render_library

with step_logging(snakemake.log[0]):
    out, params, names = snakemake.output, snakemake.params, snakemake.params.lists
    plotted = params.plotted_lists
    report = {key: value for key, value in params.report.items() if key != "max_list_plots"}
    settings = PlotSettings(alpha=params.alpha, **report)
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
        settings=settings,
        size_range=tuple(params.size_range),
    )
