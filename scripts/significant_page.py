"""Rule significant_page: one library's significant figures, every list, as a browsable HTML table."""

from pathlib import Path

import pandas as pd

from pfocr_enrich.config import read_settings
from pfocr_enrich.enrich.combined import result_tables
from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.pages import PAGE_COLUMNS, significant_page, significant_rows

with step_logging(snakemake.log[0]):
    settings = read_settings(snakemake.input.settings)
    alpha, cluster_jaccard, max_rows = settings["alpha"], settings["cluster_jaccard"], settings["max_rows"]
    tables = result_tables(Path(snakemake.input.tables), snakemake.params.lists, PAGE_COLUMNS, max_padj=alpha)
    parts = [significant_rows(name, table, alpha, cluster_jaccard, max_rows) for name, table in tables]
    rows = pd.concat(parts, ignore_index=True)
    page = significant_page(snakemake.wildcards.library, rows, alpha, cluster_jaccard, max_rows)
    Path(snakemake.output[0]).write_text(page, encoding="utf-8")
