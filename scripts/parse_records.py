"""Rule parse_records: parse one shard of the records."""

import json
from pathlib import Path

from pfocr_enrich.catalog import parse_shard
from pfocr_enrich.logs import step_logging

with step_logging(snakemake.log[0]):  # noqa: F821 - injected by Snakemake
    files = Path(snakemake.input.inventory).read_text(encoding="utf-8").splitlines()  # noqa: F821
    shard = parse_shard(
        files,
        Path(snakemake.input.records),  # noqa: F821
        int(snakemake.wildcards.shard),  # noqa: F821
        snakemake.params.n_shards,  # noqa: F821
        snakemake.params.sources,  # noqa: F821
    )
    Path(snakemake.output[0]).write_text(json.dumps(shard), encoding="utf-8")  # noqa: F821
