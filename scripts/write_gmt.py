"""Rule gmt_species: one species' GMT files, in Entrez IDs and in official symbols."""

from pathlib import Path

from pfocr_enrich.logs import step_logging
from pfocr_enrich.records.catalog import write_species_gmts

with step_logging(snakemake.log[0]) as log:
    outputs = {id_type: Path(snakemake.output[id_type]) for id_type in ("entrez", "symbol")}
    n_sets = write_species_gmts(Path(snakemake.input[0]), snakemake.wildcards.species, outputs)
    log.info("%d gene sets written to %s", n_sets, ", ".join(map(str, outputs.values())))
