"""Our result tables in other tools' shapes, so R, Python and Cytoscape users carry on where they work.

clusterProfiler (R): `enrichResult@result` has the columns below. An R user turns our file into
an enrichResult (and so dotplot(), cnetplot(), emapplot(), ...) with:

    result <- read.delim("results/interop/clusterprofiler/LIB/LIST.tsv", check.names = FALSE)
    rownames(result) <- result$ID
    er <- new("enrichResult", result = result, pvalueCutoff = 0.05, pAdjustMethod = "BH",
              qvalueCutoff = 1, gene = genes, universe = universe, organism = "UNKNOWN",
              keytype = "ENTREZID", ontology = "PFOCR", readable = FALSE)
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from pfocr_enrich.enrichment.stats import adjust_pvalues, pvalues_given_overlap, storey_pi0

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


def clusterprofiler_qvalues(
    pvalues: np.ndarray, set_size: np.ndarray, query_size: np.ndarray, universe_size: np.ndarray, n_tests: int
) -> np.ndarray:
    """The qvalue column: Storey's q = pi0 x BH of one list's overlapping sets among its `n_tests` tests.

    The other tests are sets without overlap, p = 1, and count as such, like padj. Tests beyond
    the table's rows exist only under `count_tests: all`, and then the tests are every set that
    passed the size filter: pi0 (`stats.storey_pi0`) is over their p, exactly the engine's.
    A table that holds all the tests (`count_tests: overlapping`, or `n_tests` None) is a pick of
    the sets that share a gene with the list, whose null p lie mostly far below 0.5; pi0 over
    those p collapsed (q "significant" for 196 of 200 null lists on the human library, vs 14
    with BH), so there pi0 is over each row's `pvalues_given_overlap` instead. The engine counts
    every set that passed the size filter, which the table does not hold, so padj (`correction:
    qvalue`) and this column may differ there.
    """
    if n_tests < len(pvalues):
        raise ValueError(f"n_tests {n_tests} is smaller than the table's {len(pvalues)} rows")
    if n_tests > len(pvalues):
        pi0 = storey_pi0(pvalues, n_pvalues=n_tests)
    else:
        pi0 = storey_pi0(pvalues_given_overlap(pvalues, set_size, query_size, universe_size))
    return adjust_pvalues(pvalues, "qvalue", n_tests=n_tests, pi0=pi0)


def clusterprofiler_table(
    result_table: pd.DataFrame, n_tests: int | None = None, qvalues: np.ndarray | None = None
) -> pd.DataFrame:
    """One list's result table (tables.RESULT_COLUMNS) as clusterProfiler's enrichResult table.

    GeneRatio is `overlap/query_size` (k/n) and BgRatio `set_size/universe_size` (m/N), as
    strings, the way clusterProfiler writes them; geneID is the overlap genes, `/`-joined, in the
    library's ID type; p.adjust is our padj (the workflow's `enrichment.correction`).

    qvalue is `clusterprofiler_qvalues` over the list's `n_tests` tests. Pass the summary's
    `n_tests`; None uses the table's rows only (clusterProfiler's own choice: it tests only
    overlapping sets). `qvalues`: the column computed already (compare_cluster_table's rows are
    a pick of each list's).
    """
    pvalues = result_table["pvalue"].to_numpy(dtype=float)
    if qvalues is None:
        qvalues = clusterprofiler_qvalues(
            pvalues,
            result_table["set_size"].to_numpy(dtype=np.int64),
            result_table["query_size"].to_numpy(dtype=np.int64),
            result_table["universe_size"].to_numpy(dtype=np.int64),
            len(pvalues) if n_tests is None else n_tests,
        )
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


# What compare_cluster_table reads of the result tables.
COMPARE_CLUSTER_COLUMNS = (
    "set_id",
    "set_name",
    "set_size",
    "overlap",
    "query_size",
    "universe_size",
    "pvalue",
    "padj",
    "overlap_genes",
)


def compare_cluster_table(block: pd.DataFrame, n_tests: Mapping[str, int], alpha: float) -> pd.DataFrame:
    """Lists' significant rows as clusterProfiler's compareCluster result: `Cluster` (the list),
    then CLUSTERPROFILER_COLUMNS.

    compareCluster keeps the terms that pass its cutoffs; these are the rows with padj <= alpha,
    each exactly its row of the list's own clusterprofiler_table. `block`: every row of some lists
    (COMPARE_CLUSTER_COLUMNS and `list`, each list's rows together, as combined.result_blocks
    gives them): the qvalue column needs all of a list's p-values.
    """
    lists = block["list"].to_numpy(dtype=object)
    qvalues = np.empty(len(block))
    starts = np.flatnonzero(np.r_[True, lists[1:] != lists[:-1]]) if len(lists) else np.zeros(0, dtype=int)
    stops = np.append(starts[1:], len(block)) if len(starts) else starts
    counts = {column: block[column].to_numpy(dtype=np.int64) for column in ("set_size", "query_size", "universe_size")}
    pvalues, padj = block["pvalue"].to_numpy(dtype=float), block["padj"].to_numpy(dtype=float)
    for start, stop in zip(starts, stops, strict=True):
        qvalues[start:stop] = clusterprofiler_qvalues(
            pvalues[start:stop],
            counts["set_size"][start:stop],
            counts["query_size"][start:stop],
            counts["universe_size"][start:stop],
            n_tests[lists[start]],
        )
    keep = padj <= alpha
    table = clusterprofiler_table(block[keep].reset_index(drop=True), qvalues=qvalues[keep])
    table.insert(0, "Cluster", lists[keep])
    return table


# Cytoscape EnrichmentMap's "generic results file": read by column position, so the order is the
# format (its user guide, "File Formats"); the header names are its own example's.
ENRICHMENTMAP_COLUMNS = ("GO.ID", "Description", "p.Val", "FDR", "Phenotype", "Genes")
# What enrichmentmap_table reads of the result tables.
ENRICHMENTMAP_READS = ("set_id", "set_name", "pvalue", "padj", "overlap_genes")
_URL = re.compile(r"^(https?|ftp)://", re.IGNORECASE)


def enrichmentmap_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Result rows (ENRICHMENTMAP_READS; the significant ones) as EnrichmentMap's generic results.

    ID is the set_id, as in the GMT EnrichmentMap loads beside it; Description the GMT's column 2
    unless it is empty or a URL (MSigDB's), then the set_id; FDR our padj; Phenotype +1 (over-
    representation has one direction); Genes the overlap genes, comma-separated, in the
    library's IDs. A `list` column, if `rows` has one, comes first.
    """
    set_ids = rows["set_id"].astype(str)
    names = rows["set_name"].astype(str).str.strip()
    described = (names != "") & ~names.str.match(_URL)
    table = pd.DataFrame(
        {
            "GO.ID": set_ids,
            "Description": names.where(described, set_ids),
            "p.Val": rows["pvalue"].to_numpy(dtype=float),
            "FDR": rows["padj"].to_numpy(dtype=float),
            "Phenotype": "+1",
            "Genes": rows["overlap_genes"].astype(str).str.replace("/", ",", regex=False),
        }
    )
    if "list" in rows:
        table.insert(0, "list", rows["list"].to_numpy())
    return table.reset_index(drop=True)
