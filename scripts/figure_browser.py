"""Rule figure_browser: one built library's figures, with each figure's padj in the first lists, as one
searchable HTML page."""

from pathlib import Path

import pandas as pd

from pfocr_enrich.config import read_settings
from pfocr_enrich.enrichment.combined import result_blocks
from pfocr_enrich.gmt import read_gmt
from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.browser import PADJ_COLUMNS, browser_data, browser_page, library_figures, list_padj

with step_logging(snakemake.log[0]) as logger:
    settings = read_settings(snakemake.input.settings)
    lists = snakemake.params.lists
    shown = lists[: settings["max_lists"]]
    figures_table = pd.read_csv(snakemake.input.figures, sep="\t", dtype=str, keep_default_na=False)
    gene_sets = {gene_set.name: gene_set.genes for gene_set in read_gmt(Path(snakemake.input.symbols)).sets}
    figures = library_figures(figures_table, snakemake.params.species, gene_sets)
    tables = list(snakemake.input.tables)  # none when no list of the library's species was tested
    blocks = result_blocks(Path(tables[0]), shown, PADJ_COLUMNS) if tables and shown else []
    padj = list_padj(blocks, figures["set_id"].tolist(), shown)
    data = browser_data(snakemake.wildcards.library, figures, padj, len(lists), settings["alpha"])
    page = browser_page(data)
    Path(snakemake.output[0]).write_text(page, encoding="utf-8")
    logger.info(
        "%s: %d figures, padj of %d of %d lists, %.0f kB",
        snakemake.wildcards.library,
        len(figures),
        len(shown),
        len(lists),
        len(page.encode()) / 1e3,
    )
