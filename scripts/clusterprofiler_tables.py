"""Rule clusterprofiler_tables: each list's table in clusterProfiler's enrichResult columns."""

from pathlib import Path

import pandas as pd

from pfocr_enrich.config import read_settings
from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.interop import clusterprofiler_table
from pfocr_enrich.stale import describe_removed, remove_stale_files

with step_logging(snakemake.log[0]) as log:
    lists = read_settings(snakemake.input.settings)["lists"]
    summary = pd.read_csv(snakemake.input.summary, sep="\t", dtype={"list": str}, keep_default_na=False)
    n_tests = dict(zip(summary["list"].astype(str), summary["n_tests"].astype(int), strict=True))
    for name, table, output in zip(lists, snakemake.input.tables, snakemake.output, strict=True):
        result = pd.read_csv(table, sep="\t", dtype={"set_id": str, "set_name": str}, keep_default_na=False)
        clusterprofiler_table(result, n_tests[name]).to_csv(output, sep="\t", index=False, lineterminator="\n")
    if snakemake.output:
        stale = remove_stale_files(Path(snakemake.output[0]).parent, ["*.tsv"], snakemake.output)
        if message := describe_removed(stale, "clusterProfiler tables"):
            log.warning("%s: %s", snakemake.wildcards.library, message)
