"""Batch scale: the combined Parquet table, enrichment.rows and enrichment.tables, compareCluster's table."""

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from builders import SHARED

from pfocr_enrich.enrichment import combined
from pfocr_enrich.enrichment.batch import ChunkJob, merge_library, run_chunk
from pfocr_enrich.enrichment.engine import NUMBER_COLUMNS, Settings, enrich_batch, load_library, make_universe
from pfocr_enrich.gmt import read_gmt, write_gmt
from pfocr_enrich.report.interop import COMPARE_CLUSTER_COLUMNS, clusterprofiler_table, compare_cluster_table
from pfocr_enrich.tables import RESULT_COLUMNS, write_frame

HUMAN_GMT = SHARED / "pfocr/gmt/pfocr_hs_3sets_20210426.gmt"
SETTINGS = Settings(min_set_size=2, max_set_size=500)


def random_library(tmp_path: Path, n_sets: int = 60, n_genes: int = 300, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    sets = []
    for number in range(n_sets):
        genes = rng.choice(np.arange(1, n_genes + 1), size=int(rng.integers(2, 40)), replace=False)
        sets.append((f"S{number:03d}", f"title {number}", [str(g) for g in genes]))
    sets.append(("S_dup", "title dup", sets[0][2]))  # identical overlap genes: one cluster
    path = tmp_path / "lib.gmt"
    write_gmt(path, sets)
    return path


def random_lists(gmt: Path, n_lists: int, size: int, seed: int = 2) -> dict[str, list[str]]:
    """Lists half from a few sets (signal), half from the library's other genes; one list with no known gene."""
    sets = [gene_set.genes for gene_set in read_gmt(gmt).sets]
    genes = sorted({g for s in sets for g in s}, key=int)
    rng = np.random.default_rng(seed)
    lists = {}
    for number in range(n_lists):
        picked = [g for i in rng.choice(len(sets), 3, replace=False) for g in sets[i]]
        signal = list(dict.fromkeys(rng.permutation(picked)))[: size // 2]
        rest = [g for g in rng.permutation(genes) if g not in signal][: size - len(signal)]
        lists[f"list{number:03d}"] = signal + rest
    lists["unknown"] = ["999999991", "999999992"]
    return lists


def write_lists(path: Path, lists: dict[str, list[str]]) -> Path:
    path.write_text("list\tgene\n" + "".join(f"{name}\t{g}\n" for name, genes in lists.items() for g in genes))
    return path


def run_library(tmp_path: Path, gmt: Path, lists: dict[str, list[str]], settings: Settings, chunk_size: int) -> Path:
    """Chunks writing both table kinds, then the library's merge, as the workflow runs them."""
    lists_file = write_lists(tmp_path / "lists.tsv", lists)
    names = list(lists)
    chunks = []
    for number, start in enumerate(range(0, len(names), chunk_size)):
        job = ChunkJob(
            library=gmt,
            lists=lists_file,
            list_names=tuple(names[start : start + chunk_size]),
            id_maps=(),
            species="Homo sapiens",
            background=None,
            figures=None,
            settings=settings,
            per_list=True,
            combined=True,
        )
        chunks.append(tmp_path / f"chunk{number}")
        run_chunk(job, chunks[-1])
    out = tmp_path / "out"
    (out / "lib").mkdir(parents=True)
    merge_library(
        chunks,
        [out / "lib" / f"{name}.tsv" for name in names],
        out / "summary.tsv",
        out / "unmapped.tsv",
        out / "significant.tsv",
        renamed=out / "renamed.tsv",
        combined_table=out / "lib.parquet",
    )
    return out


def read_tsv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype={"set_id": str, "set_name": str}, keep_default_na=False)


def assert_same_rows(out: Path, names: list[str]) -> int:
    """The Parquet table holds exactly the per-list TSVs' rows, list by list, value for value."""
    table = pd.read_parquet(out / "lib.parquet")
    assert list(table.columns) == ["list", *RESULT_COLUMNS]
    rows = 0
    for name in names:
        tsv = read_tsv(out / "lib" / f"{name}.tsv")
        part = table[table["list"] == name].drop(columns="list").reset_index(drop=True)
        assert len(part) == len(tsv), name
        for column in RESULT_COLUMNS:
            if column in ("overlap_genes", "overlap_symbols"):
                assert ["/".join(genes) for genes in part[column]] == tsv[column].astype(str).tolist(), (name, column)
            elif column in NUMBER_COLUMNS:
                # the TSV prints floats to read back as the same double, NaN (0/0 ratios) as ""
                written = pd.to_numeric(tsv[column].replace("", np.nan)).to_numpy(dtype=float)
                assert np.array_equal(part[column].to_numpy(dtype=float), written, equal_nan=True), column
            else:
                assert part[column].astype(str).tolist() == tsv[column].astype(str).tolist(), (name, column)
        rows += len(tsv)
    return rows


@pytest.mark.parametrize("rows", ["overlapping", "significant", "all"])
def test_combined_and_per_list_tables_hold_identical_rows(tmp_path: Path, rows: str):
    gmt = random_library(tmp_path)
    lists = random_lists(gmt, 7, 30)
    out = run_library(tmp_path, gmt, lists, Settings(min_set_size=2, max_set_size=500, rows=rows), chunk_size=3)
    assert assert_same_rows(out, list(lists)) > 0
    # one row group per batch of lists within a chunk: 3 chunks here
    assert pq.ParquetFile(out / "lib.parquet").num_row_groups == 3


def test_rows_setting_filters_as_documented(tmp_path: Path):
    """significant: the overlapping rows with padj <= alpha; all: every tested set, the others at p = 1;
    counts and the overlapping rows' statistics do not change."""
    library = load_library(random_library(tmp_path))
    lists = {name: (genes, len(genes)) for name, genes in random_lists(tmp_path / "lib.gmt", 5, 30).items()}
    for correction in ("fdr_bh", "qvalue", "holm"):
        results = {}
        for rows in ("overlapping", "significant", "all"):
            settings = Settings(min_set_size=2, max_set_size=500, correction=correction, rows=rows)
            results[rows] = enrich_batch(library, lists, settings, make_universe(library, settings, None))
        base, significant, every = (results[r].list_results() for r in ("overlapping", "significant", "all"))
        n_tested = int(make_universe(library, SETTINGS, None).tested.sum())
        for b, s, a in zip(base, significant, every, strict=True):
            counts = (b.n_tests, b.n_significant, b.n_in_universe)
            assert (
                (s.n_tests, s.n_significant, s.n_in_universe) == (a.n_tests, a.n_significant, a.n_in_universe) == counts
            )
            keep = b.columns["padj"] <= 0.05
            for column in RESULT_COLUMNS:
                assert list(s.columns[column]) == list(b.columns[column][keep]), column
            assert len(s.columns["set_id"]) == b.n_significant
            assert len(a.columns["set_id"]) == n_tested
            overlapping = a.columns["overlap"] > 0
            for column in RESULT_COLUMNS:
                assert list(a.columns[column][overlapping]) == list(b.columns[column]), column
            zero = ~overlapping
            assert (a.columns["pvalue"][zero] == 1).all() and (a.columns["overlap_genes"][zero] == "").all()
            # a p = 1 test's adjusted p: 1, or Storey's pi0 for q-values
            assert (a.columns["padj"][zero] <= 1).all() and (a.columns["padj"][zero] > 0.05).all()
            if correction != "qvalue":
                assert (a.columns["padj"][zero] == 1).all()
            # sorted by p, then set_id
            order = np.lexsort((a.columns["set_id"].astype(str), a.columns["pvalue"]))
            assert (order == np.arange(len(order))).all()


def test_compare_cluster_table_is_the_per_list_tables_significant_rows_stacked(tmp_path: Path):
    gmt = random_library(tmp_path)
    lists = random_lists(gmt, 6, 30)
    for count_tests in ("all", "overlapping"):
        folder = tmp_path / count_tests
        folder.mkdir()
        settings = Settings(min_set_size=2, max_set_size=500, count_tests=count_tests, correction="qvalue")
        out = run_library(folder, gmt, lists, settings, chunk_size=4)
        summary = read_tsv(out / "summary.tsv")
        n_tests = dict(zip(summary["list"].astype(str), summary["n_tests"], strict=True))
        names = list(lists)
        stacked = []
        for name in names:
            table = clusterprofiler_table(read_tsv(out / "lib" / f"{name}.tsv"), n_tests[name])
            stacked.append(table[table["p.adjust"] <= 0.05].assign(Cluster=name))
        expected = pd.concat(stacked, ignore_index=True)
        expected = expected[["Cluster", *expected.columns[:-1]]]
        path = out / "lib.parquet"
        for source in (path, out / "lib"):  # from the Parquet table and from the TSV folder
            combined_table = pd.concat(
                [
                    compare_cluster_table(block, n_tests, 0.05)
                    for block in combined.result_blocks(source, names, COMPARE_CLUSTER_COLUMNS)
                ],
                ignore_index=True,
            )
            assert len(combined_table) > 0
            # as written: the same bytes
            write_frame(folder / "combined.tsv", combined_table)
            write_frame(folder / "stacked.tsv", expected)
            assert (folder / "combined.tsv").read_bytes() == (folder / "stacked.tsv").read_bytes()


def test_parquet_reads_back_with_the_documented_schema_in_pandas_polars_and_duckdb(tmp_path: Path):
    gmt = random_library(tmp_path)
    lists = random_lists(gmt, 4, 30)
    out = run_library(tmp_path, gmt, lists, SETTINGS, chunk_size=2)
    path = out / "lib.parquet"
    schema = pq.read_schema(path)
    assert schema.names == ["list", *RESULT_COLUMNS]
    assert schema.remove_metadata().equals(combined.SCHEMA)
    assert schema.field("overlap_genes").type == pa.list_(pa.string())
    assert schema.field("set_id").type == pa.dictionary(pa.int32(), pa.string())
    assert schema.field("pvalue").type == pa.float64() and schema.field("overlap").type == pa.int64()
    # The README's one-liners
    frame = pd.read_parquet(path)
    lazy = pl.read_parquet(path)
    sql = duckdb.sql(f"SELECT * FROM '{path}'").df()
    assert len(frame) == lazy.height == len(sql) == sum(len(read_tsv(out / "lib" / f"{n}.tsv")) for n in lists)
    significant = pd.read_parquet(path, filters=[("padj", "<=", 0.05)])
    assert len(significant) == len(read_tsv(out / "significant.tsv")) > 0
    top = duckdb.sql(f"SELECT list, set_id, padj FROM '{path}' WHERE padj <= 0.05 ORDER BY list, padj").df()
    assert len(top) == len(significant)
    assert lazy.filter(pl.col("padj") <= 0.05).height == len(significant)


def test_lists_without_rows_are_read_as_empty_tables_in_list_order(tmp_path: Path):
    gmt = random_library(tmp_path)
    lists = random_lists(gmt, 3, 30)
    out = run_library(tmp_path, gmt, lists, SETTINGS, chunk_size=2)
    names = list(lists)
    read = list(combined.result_tables(out / "lib.parquet", names, max_padj=0.05))
    assert [name for name, _ in read] == names
    assert read[-1][1].empty  # "unknown": no gene in the universe
    with pytest.raises(ValueError, match="not one of the lists expected"):
        list(combined.result_tables(out / "lib.parquet", names[::-1]))


@pytest.mark.skipif(not HUMAN_GMT.exists(), reason=f"real PFOCR GMT not found: {HUMAN_GMT} (../shared absent)")
def test_real_human_library_combined_equals_per_list(tmp_path: Path):
    lists = random_lists(HUMAN_GMT, 12, 200, seed=3)
    out = run_library(tmp_path, HUMAN_GMT, lists, Settings(), chunk_size=5)
    assert assert_same_rows(out, list(lists)) > 12 * 1000
