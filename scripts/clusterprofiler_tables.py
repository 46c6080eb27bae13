"""Rule clusterprofiler_tables: each list's table in clusterProfiler's enrichResult columns, and/or
one table per library in the shape of compareCluster's result (enrichment.tables)."""

from pathlib import Path

import pandas as pd

from pfocr_enrich.config import read_settings
from pfocr_enrich.enrichment.combined import result_blocks, result_tables
from pfocr_enrich.logs import step_logging
from pfocr_enrich.report.interop import (
    CLUSTERPROFILER_COLUMNS,
    COMPARE_CLUSTER_COLUMNS,
    clusterprofiler_table,
    compare_cluster_table,
)
from pfocr_enrich.stale import remove_outputs
from pfocr_enrich.tables import write_frame

with step_logging(snakemake.log[0]) as log:
    if removed := remove_outputs(snakemake.params.unwritten):
        log.info("removed, as enrichment.tables no longer writes them: %s", " ".join(map(str, removed)))
    settings = read_settings(snakemake.input.settings)
    tables, lists, out = Path(snakemake.input.tables), snakemake.params.lists, snakemake.output
    summary = pd.read_csv(snakemake.input.summary, sep="\t", dtype={"list": str}, keep_default_na=False)
    n_tests = dict(zip(summary["list"].astype(str), summary["n_tests"].astype(int), strict=True))
    if out.per_list:
        folder = Path(out.per_list[0])
        folder.mkdir(parents=True, exist_ok=True)
        for name, result in result_tables(tables, lists):
            write_frame(folder / f"{name}.tsv", clusterprofiler_table(result, n_tests[name]))
    if out.combined:
        # Block by block, appended: the table of 10,000 lists does not fit in memory at once.
        alpha, path = settings["alpha"], Path(out.combined[0])
        blocks = result_blocks(tables, lists, COMPARE_CLUSTER_COLUMNS)
        for number, block in enumerate(blocks):
            write_frame(path, compare_cluster_table(block, n_tests, alpha), append=number > 0)
        if not path.exists():  # no list at all: the header alone
            write_frame(path, pd.DataFrame(columns=["Cluster", *CLUSTERPROFILER_COLUMNS]))
