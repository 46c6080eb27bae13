"""Checkpoint gene_sets: merge the shards into gene sets (and chemical and disease sets),
figures.tsv and skipped.tsv."""

import json
from pathlib import Path

from pfocr_enrich.config import read_settings
from pfocr_enrich.logs import step_logging
from pfocr_enrich.records.catalog import merge_shards
from pfocr_enrich.records.entitysets import entity_filters_from_config
from pfocr_enrich.records.genesets import filters_from_config
from pfocr_enrich.stale import remove_outputs, remove_stale_gmts

with step_logging(snakemake.log[0]) as log:
    outputs = {name: Path(path) for name, path in snakemake.output.items()}
    gmt = read_settings(snakemake.input.settings)["gmt"]
    shards = [Path(p) for p in snakemake.input.shards]
    summary = merge_shards(shards, filters_from_config(gmt), outputs, entity_filters_from_config(gmt))
    log.info(summary)
    # GMTs of species this build no longer yields (stricter filters) are left from an earlier run.
    species = json.loads(outputs["gene_sets"].read_text(encoding="utf-8"))["species"]
    for stale in remove_stale_gmts(snakemake.params.gmt_file, species, snakemake.params.id_types):
        log.warning("removed %s: this build yields no set of its species", stale)
    for stale in remove_outputs(snakemake.params.stale_entity_outputs):
        log.warning("removed %s: gmt.entities no longer builds it", stale)
