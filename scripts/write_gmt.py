"""Rule gmt: one species' GMT file, in Entrez IDs or official symbols."""

from pathlib import Path

from pfocr_enrich.catalog import write_species_gmt
from pfocr_enrich.logs import step_logging

with step_logging(snakemake.log[0]) as log:
    wildcards = snakemake.wildcards
    n_sets = write_species_gmt(
        Path(snakemake.input[0]),
        wildcards.species,
        wildcards.id_type,
        Path(snakemake.output[0]),
    )
    log.info("%d gene sets written to %s", n_sets, snakemake.output[0])
