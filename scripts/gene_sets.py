"""Checkpoint gene_sets: merge the shards into gene sets, figures.tsv and skipped.tsv."""

from pathlib import Path

from pfocr_enrich.config import read_settings
from pfocr_enrich.logs import step_logging
from pfocr_enrich.records.catalog import merge_shards
from pfocr_enrich.records.genesets import filters_from_config

with step_logging(snakemake.log[0]) as log:
    outputs = {name: Path(path) for name, path in snakemake.output.items()}
    filters = filters_from_config(read_settings(snakemake.input.settings)["gmt"])
    summary = merge_shards([Path(p) for p in snakemake.input.shards], filters, outputs)
    log.info(summary)
