"""Parquet parts joined by copying bytes: the footer codec round-trips, and readers see every row."""

from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given
from hypothesis import strategies as st

from pfocr_enrich.enrichment.parquet_footer import (
    Field,
    ThriftList,
    concatenate,
    decode_struct,
    encode_struct,
    read_footer,
)

I64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@st.composite
def structs(draw, depth: int = 2) -> list[Field]:
    """Thrift structs with every compact type, field id gaps over 15, long lists, negative numbers."""
    ids = sorted(draw(st.sets(st.integers(1, 40), max_size=6)))
    fields = []
    for field_id in ids:
        kind = draw(st.sampled_from([1, 3, 4, 5, 6, 7, 8, 9] + ([12] if depth else [])))
        if kind == 1:
            value, kind = draw(st.booleans()), 1
        elif kind == 3:
            value = draw(st.integers(0, 255))
        elif kind in (4, 5, 6):
            value = draw(I64)
        elif kind == 7:
            value = draw(st.floats(allow_nan=False))
        elif kind == 8:
            value = draw(st.binary(max_size=40))
        elif kind == 9:
            value = ThriftList(9, 6, draw(st.lists(I64, max_size=40)))
        else:
            value = draw(structs(depth=depth - 1))
        fields.append(Field(field_id, kind, value))
    return fields


@given(structs())
def test_thrift_compact_structs_round_trip(fields: list[Field]):
    encoded = encode_struct(fields)
    assert encode_struct(decode_struct(encoded)) == encoded


def table(first: int, rows: int, names: list[str]) -> pa.Table:
    return pa.table(
        {
            "list": pa.DictionaryArray.from_arrays(pa.array([i % len(names) for i in range(rows)], pa.int32()), names),
            "value": pa.array(range(first, first + rows), pa.int64()),
            "genes": pa.array([[str(i), "x"] for i in range(rows)], pa.list_(pa.string())),
        }
    )


def test_pyarrow_footers_round_trip_byte_for_byte(tmp_path: Path):
    path = tmp_path / "a.parquet"
    pq.write_table(table(0, 1000, ["a", "b"]), path, compression="zstd", write_statistics=["list"])
    footer, start = read_footer(path)
    data = path.read_bytes()
    assert encode_struct(footer) == data[start:-8]


def test_joined_parts_read_as_their_rows_in_order_by_pyarrow_pandas_polars_and_duckdb(tmp_path: Path):
    parts = []
    for number, names in enumerate((["a", "b"], ["c"], [], ["d", "e", "f"])):
        path = tmp_path / f"part{number}.parquet"
        with pq.ParquetWriter(path, table(0, 1, ["x"]).schema, compression="zstd") as writer:
            for group in range(2 if names else 0):  # an empty part: a chunk whose lists had no row
                writer.write_table(table(1000 * number + 100 * group, 50, names))
        parts.append(path)
    output = tmp_path / "all.parquet"
    assert concatenate(parts, output) == 300
    expected = pa.concat_tables([pq.read_table(p) for p in parts]).to_pandas().astype(str)
    assert pq.read_table(output).to_pandas().astype(str).equals(expected)
    assert pq.ParquetFile(output).num_row_groups == 6
    assert pd.read_parquet(output)["value"].tolist() == [int(v) for v in expected["value"]]
    assert pl.read_parquet(output)["value"].to_list() == [int(v) for v in expected["value"]]
    assert duckdb.sql(f"SELECT sum(value), count(*) FROM '{output}' WHERE list = 'e'").fetchall() == [
        (sum(int(v) for v, n in zip(expected["value"], expected["list"], strict=True) if n == "e"), 34)
    ]
    # row-group statistics of `list` moved along: filters skip groups
    assert len(pd.read_parquet(output, filters=[("list", "==", "c")])) == 100
