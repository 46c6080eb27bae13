"""Rule enrichment_summary: summary.tsv, significant.tsv and unmapped.tsv over every library."""

from pathlib import Path

from pfocr_enrich.enrichment.batch import merge_run
from pfocr_enrich.logs import step_logging
from pfocr_enrich.stale import remove_outputs, stale_library_outputs
from pfocr_enrich.text import human_size

with step_logging(snakemake.log[0]) as log:
    if removed := remove_outputs(snakemake.params.unwritten):
        log.info("removed, as enrichment.tables no longer writes them: %s", " ".join(map(str, removed)))
    inputs, params = snakemake.input, snakemake.params
    # significant.tsv only with per-list tables: its named output is then an empty list
    outputs = {
        name: Path(path if isinstance(path, str) else path[0]) for name, path in snakemake.output.items() if path
    }
    log.info(
        merge_run(
            [Path(p) for p in inputs.summaries],
            [Path(p) for p in inputs.unmapped],
            [Path(p) for p in inputs.significant],  # empty without per-list tables
            outputs,
            [Path(p) for p in inputs.renamed],
        )
    )
    for what, names in params.untested.items():
        if names:
            reason = "no library of their species or type" if what == "lists" else "no list of its species or type"
            log.warning(
                "not tested, %s: %d %s: %s (give a list's species with a 'species' column or 'list_species', "
                "a library's as {path: ..., species: ...} in enrichment.libraries; chemical and disease lists "
                "need those libraries: gmt.entities)",
                reason,
                len(names),
                what,
                ", ".join(names),
            )
    if stale := stale_library_outputs(params.library_folders, params.libraries):
        log.warning(
            "%d result folder(s)/page(s) are left from an earlier run, for libraries this run does not have "
            "(not in summary.tsv); delete them if you no longer need them: %s",
            len(stale),
            " ".join(map(str, stale)),
        )
    # What the enrichment left on disk, for quotas and for reading it back.
    folder = outputs["summary"].parent
    sizes = [path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.name.startswith(".")]
    log.info("enrichment output: %s in %d files under %s", human_size(sum(sizes)), len(sizes), folder)
