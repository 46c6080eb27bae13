"""Rule enrichment_tables: put one library's tables in place (per-list TSVs and/or the combined
Parquet table, as enrichment.tables says), join its summaries."""

from pathlib import Path

from pfocr_enrich.enrichment.batch import merge_library
from pfocr_enrich.logs import step_logging
from pfocr_enrich.stale import remove_outputs

with step_logging(snakemake.log[0]) as log:
    if removed := remove_outputs(snakemake.params.unwritten):
        log.info("removed, as enrichment.tables no longer writes them: %s", " ".join(map(str, removed)))
    out = snakemake.output
    list_tables = []
    if out.tables:
        tables = Path(out.tables[0])
        tables.mkdir(parents=True, exist_ok=True)
        names = snakemake.params.lists
        list_tables = [tables / f"{name}{suffix}" for name in names for suffix in (".tsv", ".cover.tsv")]
    merge_library(
        [Path(p) for p in snakemake.input.chunks],
        list_tables,
        Path(out.summary),
        Path(out.unmapped),
        Path(out.significant[0]) if out.significant else None,
        renamed=Path(out.renamed),
        combined_table=Path(out.combined[0]) if out.combined else None,
        cover=Path(out.cover),
    )
