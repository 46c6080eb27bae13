"""Rule gmt: one species' GMT files, in Entrez IDs and in official symbols."""

from pathlib import Path

from pfocr_enrich.catalog import write_species_gmt
from pfocr_enrich.logs import step_logging

with step_logging(snakemake.log[0]) as log:
    for id_type in ("entrez", "symbol"):
        output = Path(snakemake.output[id_type])
        n_sets = write_species_gmt(Path(snakemake.input[0]), snakemake.wildcards.species, id_type, output)
        log.info("%d gene sets written to %s", n_sets, output)
