"""Rule id_tables: fetch (or find cached) the ID tables one species needs, write their manifest."""

from pathlib import Path

from pfocr_enrich.enrichment.idsources import fetch_id_tables, write_manifest
from pfocr_enrich.logs import step_logging

with step_logging(snakemake.log[0]):
    params = snakemake.params
    fetched = fetch_id_tables(params.sources, snakemake.wildcards.species, Path(params.cache), params.base_url)
    write_manifest(fetched, Path(snakemake.output[0]))
