"""Rule enrichmentmap_files: each list's significant sets as a Cytoscape EnrichmentMap generic
results file, and/or one file per library with a `list` column (enrichment.tables)."""

from pathlib import Path

import pandas as pd

from pfocr_enrich.config import read_settings
from pfocr_enrich.enrichment.combined import result_blocks
from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.interop import ENRICHMENTMAP_COLUMNS, ENRICHMENTMAP_READS, enrichmentmap_table
from pfocr_enrich.stale import remove_outputs
from pfocr_enrich.tables import write_frame

with step_logging(snakemake.log[0]) as log:
    if removed := remove_outputs(snakemake.params.unwritten):
        log.info("removed, as enrichment.tables no longer writes them: %s", " ".join(map(str, removed)))
    alpha = read_settings(snakemake.input.settings)["alpha"]
    tables, lists, out = Path(snakemake.input.tables), snakemake.params.lists, snakemake.output
    folder = Path(out.per_list[0]) if out.per_list else None
    combined = Path(out.combined[0]) if out.combined else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    written = 0
    # Block by block (a list, or a Parquet row group), significant rows only.
    for block in result_blocks(tables, lists, ENRICHMENTMAP_READS, max_padj=alpha):
        table = enrichmentmap_table(block)
        if folder is not None:
            for name, rows in table.groupby("list", sort=False):
                write_frame(folder / f"{name}.txt", rows.drop(columns="list"))
        if combined is not None:
            write_frame(combined, table, append=written > 0)
        written += 1
    if folder is not None:
        # A list without significant sets still gets its file (the header): one file per list.
        for name in lists:
            if not (folder / f"{name}.txt").exists():
                write_frame(folder / f"{name}.txt", pd.DataFrame(columns=list(ENRICHMENTMAP_COLUMNS)))
    if combined is not None and not written:
        write_frame(combined, pd.DataFrame(columns=["list", *ENRICHMENTMAP_COLUMNS]))
    log.info("EnrichmentMap files of %d lists written", len(lists))
