"""Rule plots: every plot of one library (per-list dot and bar plots, heat map, histograms), from
its per-list tables or its combined table."""

from pathlib import Path

from pfocr_enrich.config import read_settings
from pfocr_enrich.enrichment.combined import result_blocks
from pfocr_enrich.gmt import read_gmt
from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.plots import PLOT_COLUMNS, LibraryPlots, PlotSettings, is_pfocr_library, render_library

with step_logging(snakemake.log[0]):
    folder, tables = Path(snakemake.output[0]), Path(snakemake.input.tables)
    folder.mkdir(parents=True, exist_ok=True)
    settings = read_settings(snakemake.input.settings)
    names = snakemake.params.lists
    plotted = names if settings["plot_lists"] else []
    plots = LibraryPlots(
        **{
            f"{plot}_{ext}": {name: folder / f"{name}.{plot}.{ext}" for name in plotted}
            for plot in ("dotplot", "barplot")
            for ext in ("png", "svg")
        },
        **{
            f"{plot}_{ext}": folder / f"{plot}.{ext}"
            for plot in ("heatmap", "set_sizes", "pvalues")
            for ext in ("png", "svg")
        },
    )
    gene_sets = read_gmt(Path(snakemake.input.library)).sets
    pfocr_library = is_pfocr_library(snakemake.params.built_here, (gene_set.name for gene_set in gene_sets))
    render_library(
        library=snakemake.wildcards.library,
        gmt_set_sizes=[len(gene_set.genes) for gene_set in gene_sets],
        blocks=result_blocks(tables, names, PLOT_COLUMNS),
        lists=names,
        out=plots,
        settings=PlotSettings(alpha=settings["alpha"], pfocr_library=pfocr_library, **settings["report"]),
        size_range=tuple(settings["size_range"]),
    )
