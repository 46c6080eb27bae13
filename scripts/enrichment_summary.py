"""Rule enrichment_summary: summary.tsv, significant.tsv and unmapped.tsv over every library."""

from pathlib import Path

from pfocr_enrich.enrich.batch import merge_run
from pfocr_enrich.logs import step_logging

with step_logging(snakemake.log[0]) as log:
    inputs = snakemake.input
    outputs = {name: Path(path) for name, path in snakemake.output.items()}
    log.info(
        merge_run(
            [Path(p) for p in inputs.summaries],
            [Path(p) for p in inputs.unmapped],
            [Path(p) for p in inputs.significant],
            outputs,
        )
    )
