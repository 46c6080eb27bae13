"""Rule enrichment_tables: put one library's per-list tables in place, join its summaries."""

from pathlib import Path

from pfocr_enrich.enrich.batch import merge_library
from pfocr_enrich.logs import step_logging
from pfocr_enrich.stale import describe_removed, remove_stale_files

with step_logging(snakemake.log[0]) as log:
    out = snakemake.output
    merge_library(
        [Path(p) for p in snakemake.input.chunks],
        [Path(p) for p in out.tables],
        Path(out.summary),
        Path(out.unmapped),
        Path(out.significant),
    )
    folder = Path(out.summary).parent.parent  # results/enrichment/{library}
    if message := describe_removed(remove_stale_files(folder, ["*.tsv"], out.tables), "tables"):
        log.warning("%s: %s", snakemake.wildcards.library, message)
