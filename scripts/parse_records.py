"""Rule parse_records: parse one shard of the records."""

import json
from pathlib import Path

from pfocr_enrich.config import read_settings
from pfocr_enrich.logs import step_logging
from pfocr_enrich.records.catalog import parse_shard
from pfocr_enrich.records.genesets import sources_from_config

with step_logging(snakemake.log[0]):
    files = Path(snakemake.input.inventory).read_text(encoding="utf-8").splitlines()
    settings = read_settings(snakemake.input.settings)
    shard = parse_shard(
        files,
        Path(snakemake.params.records),
        int(snakemake.wildcards.shard),
        snakemake.params.n_shards,
        sources_from_config(settings["sources"]),
        entities=settings["entities"],
    )
    Path(snakemake.output[0]).write_text(json.dumps(shard), encoding="utf-8")
