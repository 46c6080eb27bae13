"""Our result tables in other tools' shapes, so R and Python users can carry on where they work.

clusterProfiler (R): `enrichResult@result` has the columns below. An R user turns our file into
an enrichResult (and so dotplot(), cnetplot(), emapplot(), ...) with:

    result <- read.delim("results/interop/clusterprofiler/LIB/LIST.tsv", check.names = FALSE)
    rownames(result) <- result$ID
    er <- new("enrichResult", result = result, pvalueCutoff = 0.05, pAdjustMethod = "BH",
              qvalueCutoff = 1, gene = genes, universe = universe, organism = "UNKNOWN",
              keytype = "ENTREZID", ontology = "PFOCR", readable = FALSE)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pfocr_enrich.enrich.stats import adjust_pvalues

CLUSTERPROFILER_COLUMNS = (
    "ID",
    "Description",
    "GeneRatio",
    "BgRatio",
    "pvalue",
    "p.adjust",
    "qvalue",
    "geneID",
    "Count",
)


def clusterprofiler_table(result_table: pd.DataFrame, n_tests: int | None = None) -> pd.DataFrame:
    """One list's result table (tables.RESULT_COLUMNS) as clusterProfiler's enrichResult table.

    GeneRatio is `overlap/query_size` (k/n) and BgRatio `set_size/universe_size` (m/N), as
    strings, the way clusterProfiler writes them; geneID is the overlap genes, `/`-joined, in the
    library's ID type; p.adjust is our padj (the workflow's `enrichment.correction`).

    qvalue is Storey's q (`stats.adjust_pvalues(..., "qvalue")`) over the list's `n_tests`
    tested p-values. Our table holds only sets sharing a gene with the list; the other tested
    sets have p = 1 and are added back as such, so with `count_tests: all` the q-values count
    every tested set, like padj does. Pass the summary's `n_tests`; None uses the table's rows
    only (clusterProfiler's own choice: it tests only overlapping sets).
    """
    pvalues = result_table["pvalue"].to_numpy(dtype=float)
    n_tests = len(pvalues) if n_tests is None else n_tests
    if n_tests < len(pvalues):
        raise ValueError(f"n_tests {n_tests} is smaller than the table's {len(pvalues)} rows")
    padded = np.ones(n_tests)
    padded[: len(pvalues)] = pvalues
    qvalues = adjust_pvalues(padded, "qvalue")[: len(pvalues)]
    columns = {
        "ID": result_table["set_id"].astype(str),
        "Description": result_table["set_name"].astype(str),
        "GeneRatio": result_table["overlap"].astype(int).astype(str) + "/" + result_table["query_size"].astype(str),
        "BgRatio": result_table["set_size"].astype(int).astype(str) + "/" + result_table["universe_size"].astype(str),
        "pvalue": pvalues,
        "p.adjust": result_table["padj"].to_numpy(dtype=float),
        "qvalue": qvalues,
        "geneID": result_table["overlap_genes"].astype(str),
        "Count": result_table["overlap"].astype(int),
    }
    return pd.DataFrame(columns, index=result_table.index)[list(CLUSTERPROFILER_COLUMNS)].reset_index(drop=True)
