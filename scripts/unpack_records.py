"""Rule unpack_records: unpack a records archive, refusing paths outside it."""

from pathlib import Path

from pfocr_enrich.logs import step_logging
from pfocr_enrich.records.files import unpack_archive

with step_logging(snakemake.log[0]) as log:
    unpack_archive(Path(snakemake.input[0]), Path(snakemake.output[0]))
    log.info("unpacked %s", snakemake.input[0])
