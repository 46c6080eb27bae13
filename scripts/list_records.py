"""Rule list_records: the sorted list of record files every shard reads from."""

from pathlib import Path

from pfocr_enrich.logs import step_logging
from pfocr_enrich.records.files import list_record_files

with step_logging(snakemake.log[0]) as log:
    files = list_record_files(Path(snakemake.input[0]))
    Path(snakemake.output[0]).write_text("".join(f + "\n" for f in files), encoding="utf-8")
    log.info("%d record files in %s", len(files), snakemake.input[0])
