"""Checkpoint gene_sets: merge the shards into gene sets, figures.tsv and skipped.tsv."""

import json
from pathlib import Path

from pfocr_enrich.config import read_settings
from pfocr_enrich.logs import step_logging
from pfocr_enrich.records.catalog import merge_shards
from pfocr_enrich.records.genesets import filters_from_config
from pfocr_enrich.stale import remove_stale_gmts

with step_logging(snakemake.log[0]) as log:
    outputs = {name: Path(path) for name, path in snakemake.output.items()}
    filters = filters_from_config(read_settings(snakemake.input.settings)["gmt"])
    summary = merge_shards([Path(p) for p in snakemake.input.shards], filters, outputs)
    log.info(summary)
    # GMTs of species this build no longer yields (stricter filters) are left from an earlier run.
    species = json.loads(outputs["gene_sets"].read_text(encoding="utf-8"))["species"]
    for stale in remove_stale_gmts(snakemake.params.gmt_file, species, snakemake.params.id_types):
        log.warning("removed %s: this build yields no set of its species", stale)
