"""Rule clusterprofiler_tables: each list's table in clusterProfiler's enrichResult columns."""

from pathlib import Path

import pandas as pd

from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.interop import clusterprofiler_table

with step_logging(snakemake.log[0]):
    tables, folder = Path(snakemake.input.tables), Path(snakemake.output[0])
    folder.mkdir(parents=True, exist_ok=True)
    summary = pd.read_csv(snakemake.input.summary, sep="\t", dtype={"list": str}, keep_default_na=False)
    n_tests = dict(zip(summary["list"].astype(str), summary["n_tests"].astype(int), strict=True))
    for name in snakemake.params.lists:
        result = pd.read_csv(
            tables / f"{name}.tsv", sep="\t", dtype={"set_id": str, "set_name": str}, keep_default_na=False
        )
        table = clusterprofiler_table(result, n_tests[name])
        table.to_csv(folder / f"{name}.tsv", sep="\t", index=False, lineterminator="\n")
