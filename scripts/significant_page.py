"""Rule significant_page: one library's significant figures, every list, as a browsable HTML table."""

from pathlib import Path

import pandas as pd

from pfocr_enrich.config import read_settings
from pfocr_enrich.enrichment.combined import result_blocks
from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.pages import PAGE_COLUMNS, significant_page, significant_rows, top_rows

with step_logging(snakemake.log[0]):
    settings = read_settings(snakemake.input.settings)
    alpha, cluster_jaccard, max_rows = settings["alpha"], settings["cluster_jaccard"], settings["max_rows"]
    shown, n_rows, lists = pd.DataFrame(columns=["list", *PAGE_COLUMNS, "cluster_size"]), 0, set()
    # Block by block, keeping the rows the page can show: thousands of lists' significant rows
    # would not fit in memory at once.
    for block in result_blocks(Path(snakemake.input.tables), snakemake.params.lists, PAGE_COLUMNS, max_padj=alpha):
        rows = significant_rows(block, alpha, cluster_jaccard)
        n_rows += len(rows)
        lists.update(rows["list"].unique())
        shown = top_rows(pd.concat([shown, rows], ignore_index=True), max_rows)
    cover = pd.read_csv(snakemake.input.cover, sep="\t", dtype={"set_id": str, "set_name": str}, keep_default_na=False)
    page = significant_page(
        snakemake.wildcards.library, shown, n_rows, len(lists), alpha, cluster_jaccard, max_rows, cover
    )
    Path(snakemake.output[0]).write_text(page, encoding="utf-8")
