"""Rule clusterprofiler_tables: each list's table in clusterProfiler's enrichResult columns."""

import pandas as pd

from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.interop import clusterprofiler_table

with step_logging(snakemake.log[0]):
    summary = pd.read_csv(snakemake.input.summary, sep="\t", dtype={"list": str}, keep_default_na=False)
    n_tests = dict(zip(summary["list"].astype(str), summary["n_tests"].astype(int), strict=True))
    for name, table, output in zip(snakemake.params.lists, snakemake.input.tables, snakemake.output, strict=True):
        result = pd.read_csv(table, sep="\t", dtype={"set_id": str, "set_name": str}, keep_default_na=False)
        clusterprofiler_table(result, n_tests[name]).to_csv(output, sep="\t", index=False, lineterminator="\n")
