"""Rule enrichment_tables: put one library's per-list tables in place, join its summaries."""

from pathlib import Path

from pfocr_enrich.enrich.batch import merge_library
from pfocr_enrich.logs import step_logging

with step_logging(snakemake.log[0]):
    out = snakemake.output
    merge_library(
        [Path(p) for p in snakemake.input],
        [Path(p) for p in out.tables],
        Path(out.summary),
        Path(out.unmapped),
        Path(out.significant),
    )
