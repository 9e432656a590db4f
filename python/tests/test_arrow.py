"""Arrow results (pyarrow, pandas, polars, and duckdb reading the PyCapsule stream) and bulk loads
from Arrow, embedded and remote."""

import datetime
import decimal

import duckdb
import pandas
import polars
import pyarrow
import pytest

import redwood

QUERY = """SELECT value AS id, value * 0.5 AS half, CAST(value AS VARCHAR) AS name,
           DATE '2024-01-01' + CAST(value AS INT) AS day, value % 2 = 0 AS even
           FROM generate_series(1, 20000) ORDER BY value"""


def test_arrow_table_matches_the_tuples(con):
    rows = con.execute(QUERY).fetchall()
    table = con.execute(QUERY).fetch_arrow_table()
    assert table.num_rows == 20000
    assert table.column_names == ["id", "half", "name", "day", "even"]
    assert [tuple(r.values()) for r in table.to_pylist()] == rows
    assert table.schema.field("day").type == pyarrow.date32()


def test_record_batch_reader_streams(con):
    reader = con.execute(QUERY).fetch_record_batch()
    assert isinstance(reader, pyarrow.RecordBatchReader)
    batches = list(reader)
    assert len(batches) > 1, "a 20 000-row result comes in several batches"
    assert sum(b.num_rows for b in batches) == 20000


def test_partly_read_results_continue_in_arrow(con):
    cur = con.execute(QUERY)
    assert cur.fetchmany(3) == [r for r in con.cursor().execute(QUERY).fetchmany(3)]
    rest = cur.fetch_arrow_table()
    assert rest.num_rows == 19997 and rest.column("id")[0].as_py() == 4
    with pytest.raises(redwood.ProgrammingError):
        cur.fetch_arrow_table()  # nothing left


def test_pandas_and_polars(con, table):
    con.execute(f"CREATE TABLE {table} (id INT, amount DECIMAL(10,2), at TIMESTAMPTZ, name VARCHAR(5))")
    con.execute(f"INSERT INTO {table} VALUES (1, 1.25, '2024-01-01 00:00:00+00', 'a'), (2, NULL, NULL, NULL)")
    df = con.execute(f"SELECT * FROM {table} ORDER BY id").fetch_df()
    assert list(df["id"]) == [1, 2]
    assert df["amount"][0] == decimal.Decimal("1.25")
    assert str(df["at"].dtype).startswith("datetime64") and df["at"].dt.tz is not None
    pl = con.execute(f"SELECT * FROM {table} ORDER BY id").fetch_polars()
    assert pl.shape == (2, 4) and pl["name"].to_list() == ["a", None]


def test_duckdb_and_polars_read_the_capsule_stream(con):
    """`__arrow_c_stream__` on a cursor: any Arrow consumer reads it without pyarrow in between."""
    cur = con.execute("SELECT value AS v FROM generate_series(1, 1000)")
    assert duckdb.sql("SELECT sum(v) FROM cur").fetchall() == [(500500,)]
    frame = polars.DataFrame(con.execute("SELECT value AS v FROM generate_series(1, 10)"))
    assert frame["v"].sum() == 55


def test_insert_arrow_from_pyarrow_pandas_and_polars(con, table):
    con.execute(f"CREATE TABLE {table} (id INT, name VARCHAR(10), amount DECIMAL(10,2), day DATE, at TIMESTAMP)")
    data = pyarrow.table({
        "id": pyarrow.array(range(1000), pyarrow.int64()),
        "name": [f"n{i}" for i in range(1000)],
        "amount": pyarrow.array([decimal.Decimal(i) / 4 for i in range(1000)], pyarrow.decimal128(10, 2)),
        "day": [datetime.date(2024, 1, 1) + datetime.timedelta(days=i) for i in range(1000)],
        "at": [datetime.datetime(2024, 1, 1, 0, 0, i % 60) for i in range(1000)],
    })
    cur = con.cursor()
    assert cur.insert_arrow(table, data) == 1000
    assert cur.insert_arrow(table, data.to_pandas()) == 1000
    assert cur.insert_arrow(table, polars.from_arrow(data)) == 1000
    con.commit()
    assert cur.execute(f"SELECT count(*), sum(amount), max(day) FROM {table}").fetchone() == (
        3000, decimal.Decimal("374625.00"), datetime.date(2026, 9, 26))
    assert cur.execute(f"SELECT name, at FROM {table} WHERE id = 61 LIMIT 1").fetchone() == (
        "n61", datetime.datetime(2024, 1, 1, 0, 0, 1))


def test_insert_arrow_is_all_or_nothing(con, table):
    con.execute(f"CREATE TABLE {table} (id INT NOT NULL, name VARCHAR(3))")
    con.commit()
    bad = pyarrow.table({"id": [1, 2, None], "name": ["a", "b", "c"]})
    with pytest.raises(redwood.IntegrityError):
        con.cursor().insert_arrow(table, bad)
    con.rollback()
    too_long = pyarrow.table({"id": [1, 2], "name": ["a", "long name"]})
    with pytest.raises(redwood.DataError):
        con.cursor().insert_arrow(table, too_long)
    con.rollback()
    assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    with pytest.raises(redwood.ProgrammingError, match="not Arrow data"):
        con.cursor().insert_arrow(table, [(1, "a")])
    with pytest.raises(redwood.ProgrammingError, match="invalid table name"):
        con.cursor().insert_arrow("t; DROP TABLE x", bad)
