"""Rule entity_gmt: one chemical or disease library (ChEBI, DOID or MeSH IDs), for every species."""

from pathlib import Path

from pfocr_enrich.logs import step_logging
from pfocr_enrich.records.catalog import write_entity_gmt

with step_logging(snakemake.log[0]) as log:
    entity, id_type = snakemake.wildcards.entity, snakemake.wildcards.id_type
    n_sets = write_entity_gmt(Path(snakemake.input[0]), entity, id_type, Path(snakemake.output[0]))
    log.info("%d %s sets in %s IDs written to %s", n_sets, entity, id_type, snakemake.output[0])
    if not n_sets:
        log.warning("no figure has %s in %s IDs: %s is empty", entity, id_type, snakemake.output[0])
