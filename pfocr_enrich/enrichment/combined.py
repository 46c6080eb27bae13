"""The combined table: every result row of every list against one library, in one Parquet file.

`results/enrichment/{library}.parquet` holds RESULT_COLUMNS in long format with a `list`
column first. Text that repeats (list, set, figure links, cluster) is dictionary-encoded, so
pandas reads it as categories; overlap genes and symbols are list columns (`list<string>`).
Each enrichment chunk writes its part (one row group, with min/max statistics on `list` so
readers skip row groups of other lists); the library's merge copies
the parts' row groups into the one file byte for byte (parquet_footer).

Read it with pandas, polars or DuckDB (README, "Combined tables").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pfocr_enrich.enrichment import parquet_footer
from pfocr_enrich.enrichment.engine import NUMBER_COLUMNS, BatchResult
from pfocr_enrich.tables import RESULT_COLUMNS

TEXT = pa.dictionary(pa.int32(), pa.string())
INTEGER_COLUMNS = ("set_size", "overlap", "query_size", "universe_size")
GENE_COLUMNS = ("overlap_genes", "overlap_symbols")
SCHEMA = pa.schema(
    [
        pa.field("list", TEXT, nullable=False),
        *(
            pa.field(
                column,
                pa.int64()
                if column in INTEGER_COLUMNS
                else pa.float64()
                if column in NUMBER_COLUMNS
                else pa.list_(pa.string())
                if column in GENE_COLUMNS
                else TEXT,
                nullable=False,
            )
            for column in RESULT_COLUMNS
        ),
    ]
)
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3  # 4% smaller than zstd's level 1, at about the same speed


def batch_table(result: BatchResult) -> pa.Table:
    """A BatchResult as a table of SCHEMA, text built from indices by Arrow (no Python strings per row)."""
    library, annotations = result.library, result.annotations
    n_rows = result.n_rows
    set_rows = pa.array(result.set_rows.astype(np.int32))

    def by_set(values: np.ndarray | None) -> pa.DictionaryArray:
        if values is None:  # a library not built from records: no figure links
            return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n_rows, dtype=np.int32)), pa.array([""]))
        return pa.DictionaryArray.from_arrays(set_rows, pa.array(values, pa.string()))

    offsets = pa.array(result.gene_starts.astype(np.int32))
    genes = pa.array(result.genes.astype(np.int32))
    cluster = np.where(result.cluster_rows >= 0, result.cluster_rows, len(library.set_ids)).astype(np.int32)
    list_index = np.repeat(np.arange(len(result.lists), dtype=np.int32), np.diff(result.row_starts))
    columns = {
        "list": pa.DictionaryArray.from_arrays(pa.array(list_index), pa.array([c.name for c in result.lists])),
        "set_id": by_set(library.set_ids),
        "set_name": by_set(library.set_names),
        "overlap_genes": pa.ListArray.from_arrays(offsets, pa.array(library.genes, pa.string()).take(genes)),
        "overlap_symbols": pa.ListArray.from_arrays(
            offsets, pa.array(annotations.gene_symbols, pa.string()).take(genes)
        ),
        **{column: by_set(values) for column, values in annotations.set_columns.items()},
        "cluster": pa.DictionaryArray.from_arrays(pa.array(cluster), pa.array([*library.set_ids, ""], pa.string())),
        **{column: pa.array(values) for column, values in result.numbers.items()},
    }
    return pa.Table.from_arrays([columns[field.name].cast(field.type) for field in SCHEMA], schema=SCHEMA)


def write_part(tables: Sequence[pa.Table], path: Path) -> None:
    """One chunk's rows (batch_table's tables) as one row group: one copy of each dictionary
    (the library's 27,000 set names) per chunk rather than per batch keeps the file ~15% smaller."""
    table = pa.concat_tables(tables).unify_dictionaries() if tables else SCHEMA.empty_table()
    with pq.ParquetWriter(
        path, SCHEMA, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL, write_statistics=["list"]
    ) as writer:
        if table.num_rows:
            writer.write_table(table, row_group_size=table.num_rows)


def merge_parts(parts: Sequence[Path], output: Path) -> int:
    """The parts' row groups, in order, as one file (bytes copied, no row decoded); returns its
    row count."""
    return parquet_footer.concatenate(parts, output)


def result_blocks(
    path: Path, lists: Sequence[str], columns: Sequence[str] | None = None, max_padj: float | None = None
) -> Iterator[pd.DataFrame]:
    """A library's result rows, a block at a time, each with a `list` column first and each
    list's rows together in their table's order: from its Parquet table (`{library}.parquet`,
    a row group a block) or its folder of per-list TSVs (a list a block, in `lists` order).

    Text comes as str and overlap genes `/`-joined, as the TSVs hold them; `columns`
    (default RESULT_COLUMNS) are read, rows with padj <= max_padj if given. Memory holds one
    block, not the library's table.
    """
    wanted = list(RESULT_COLUMNS) if columns is None else list(columns)
    if path.is_dir():
        for name in lists:
            table = pd.read_csv(
                path / f"{name}.tsv", sep="\t", dtype={"set_id": str, "set_name": str}, keep_default_na=False
            )
            if max_padj is not None:
                table = table[table["padj"] <= max_padj]
            yield table[wanted].assign(list=name)[["list", *wanted]].reset_index(drop=True)
        return
    source = pq.ParquetFile(path)
    for group in range(source.num_row_groups):
        table = source.read_row_group(group, columns=["list", *wanted, *(["padj"] if max_padj is not None else [])])
        if max_padj is not None:
            table = table.filter(pc.less_equal(table["padj"], max_padj)).select(["list", *wanted])
        yield pd.DataFrame(
            {
                name: _gene_text(column) if name in GENE_COLUMNS else _plain(column)
                for name, column in zip(table.column_names, table.columns, strict=True)
            }
        )


def result_tables(
    path: Path, lists: Sequence[str], columns: Sequence[str] | None = None, max_padj: float | None = None
) -> Iterator[tuple[str, pd.DataFrame]]:
    """result_blocks list by list: (list name, its rows without the list column) for every list
    of `lists`, in that order (the order the workflow writes them), empty where a list has no row."""
    wanted = list(RESULT_COLUMNS) if columns is None else list(columns)
    pending = iter(lists)
    for block in result_blocks(path, lists, wanted, max_padj):
        for name, rows in block.groupby("list", sort=False):
            for expected in pending:
                if expected == name:
                    yield str(name), rows.drop(columns="list").reset_index(drop=True)
                    break
                yield expected, _no_rows(wanted)
            else:
                raise ValueError(f"{path}: list {name!r} is not one of the lists expected, or out of order")
    for expected in pending:
        yield expected, _no_rows(wanted)


def _no_rows(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=float if column in NUMBER_COLUMNS else object) for column in columns})


def _plain(column: pa.ChunkedArray) -> np.ndarray | pd.Series:
    """A column as numbers, or text as an object Series: a dictionary column's few distinct
    strings are made once and indexed (millions of rows would each get a new str otherwise)."""
    if pa.types.is_dictionary(column.type):
        parts = [
            chunk.dictionary.to_numpy(zero_copy_only=False).astype(object)[chunk.indices.to_numpy(zero_copy_only=False)]
            for chunk in column.chunks
        ]
        values = np.concatenate(parts) if parts else np.zeros(0, dtype=object)
    else:
        values = column.to_numpy(zero_copy_only=False)
    # object dtype kept: pandas would otherwise copy the text into its own string type
    return pd.Series(values, dtype=object, copy=False) if values.dtype == object else values


def _gene_text(column: pa.ChunkedArray) -> pd.Series:
    """`/`-joined genes of each row, as the TSVs write them."""
    return pd.Series(pc.binary_join(column, "/").to_numpy(zero_copy_only=False), dtype=object, copy=False)
