"""Checkpoint gene_sets: merge the shards into gene sets, figures.tsv and skipped.tsv."""

from pathlib import Path

from pfocr_enrich.logs import step_logging
from pfocr_enrich.records.catalog import merge_shards

with step_logging(snakemake.log[0]) as log:
    outputs = {name: Path(path) for name, path in snakemake.output.items()}
    summary = merge_shards([Path(p) for p in snakemake.input], snakemake.params.filters, outputs)
    log.info(summary)
