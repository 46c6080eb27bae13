"""Rule enrichment_tables: put one library's per-list tables in place, join its summaries."""

from pathlib import Path

from pfocr_enrich.enrich.batch import merge_library
from pfocr_enrich.logs import step_logging

with step_logging(snakemake.log[0]):
    out = snakemake.output
    tables = Path(out.tables)
    tables.mkdir(parents=True, exist_ok=True)
    merge_library(
        [Path(p) for p in snakemake.input.chunks],
        [tables / f"{name}.tsv" for name in snakemake.params.lists],
        Path(out.summary),
        Path(out.unmapped),
        Path(out.significant),
        renamed=Path(out.renamed),
    )
