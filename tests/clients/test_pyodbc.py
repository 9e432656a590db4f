"""psqlODBC (the PostgreSQL ODBC driver) through unixODBC and pyodbc against `redwood serve`:
connecting, DDL, `?` parameters, executemany, transactions, the catalog calls (SQLTables,
SQLColumns, SQLPrimaryKeys, SQLStatistics, SQLGetTypeInfo) and SQLSTATEs.

No odbc.ini or odbcinst.ini is needed: the connection string names the driver's shared object.
Set REDWOOD_ODBC_LOG=1 to have the driver write its logs (/tmp/psqlodbc_*.log, /tmp/mylog_*.log),
and REDWOOD_ODBC_OPTS="Key=Value;..." to add connection options (e.g. Protocol=7.4-1 to turn off the
driver's per-statement savepoints) when investigating.

The tests use the driver's defaults, as an application would: with a server version of 8.0 or
later, psqlODBC wraps each statement after the first in a transaction in
`SAVEPOINT _EXEC_SVP_<n>` (statement-level rollback) and frees prepared statements with DEALLOCATE.
"""

import datetime
import glob
import os
from decimal import Decimal

import pytest

pyodbc = pytest.importorskip("pyodbc")


def find_driver():
    """psqlodbcw.so (the Unicode driver): $PSQLODBC_DRIVER, else where Debian and others put it."""
    explicit = os.environ.get("PSQLODBC_DRIVER")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for pattern in ["/usr/lib/*/odbc/psqlodbcw.so", "/usr/lib/odbc/psqlodbcw.so", "/usr/lib64/psqlodbcw.so",
                    "/usr/local/lib/psqlodbcw.so", "/usr/lib/psqlodbcw.so"]:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


DRIVER = find_driver()
if DRIVER is None:
    pytest.skip("psqlODBC driver (psqlodbcw.so, Debian package odbc-postgresql) not installed",
                allow_module_level=True)

# pyodbc's `SQL_*` type codes as the driver reports them in SQLColumns' DATA_TYPE.
SQL_WVARCHAR, SQL_WCHAR, SQL_NUMERIC, SQL_INTEGER, SQL_SMALLINT, SQL_BIGINT = -9, -8, 2, 4, 5, -5
SQL_REAL, SQL_FLOAT, SQL_BIT, SQL_TYPE_DATE, SQL_TYPE_TIMESTAMP = 7, 6, -7, 91, 93


def conn_str(server, **extra):
    params = {"Driver": DRIVER, "Server": server.host, "Port": server.port, "Database": server.dbname,
              "UID": server.user, "PWD": server.password, "SSLMode": "disable",
              # Booleans as SQL_BIT (so Python bools), not the driver's default of char '1'/'0'.
              "BoolsAsChar": 0}
    if os.environ.get("REDWOOD_ODBC_LOG"):
        params.update({"Debug": 1, "CommLog": 1})
    for option in filter(None, os.environ.get("REDWOOD_ODBC_OPTS", "").split(";")):
        key, _, value = option.partition("=")
        params[key.strip()] = value.strip()
    params.update(extra)
    return ";".join(f"{k}={v}" for k, v in params.items())


def connect(server, autocommit=False, **extra):
    return pyodbc.connect(conn_str(server, **extra), autocommit=autocommit)


def test_connect_and_getinfo(server):
    con = connect(server, autocommit=True)
    try:
        assert con.getinfo(pyodbc.SQL_DBMS_NAME) == "PostgreSQL"
        assert con.getinfo(pyodbc.SQL_DBMS_VER).startswith("8.0.2")
        assert con.getinfo(pyodbc.SQL_DATABASE_NAME) == "dev"
        assert con.getinfo(pyodbc.SQL_USER_NAME) == "admin"
        assert con.getinfo(pyodbc.SQL_DRIVER_NAME).startswith("psqlodbc")
        cur = con.cursor()
        version = cur.execute("SELECT version()").fetchone()[0]
        assert version.startswith("PostgreSQL 8.0.2 on x86_64-pc-linux-gnu") and "Redshift 1.0." in version
        row = cur.execute("SELECT 1 AS one, 'a' AS letter, current_database() AS db").fetchone()
        assert tuple(row) == (1, "a", "dev")
        assert [d[0] for d in cur.description] == ["one", "letter", "db"]
        # A small integer literal is an int4 as on Redshift (and PostgreSQL): pyodbc gets an int either
        # way, but the driver describes the column by its type (int4: 10 digits, int8: 19).
        assert cur.description[0][1] is int and cur.description[0][3] == 10
    finally:
        con.close()


def test_wrong_password_fails(server):
    with pytest.raises(pyodbc.Error) as info:
        pyodbc.connect(conn_str(server, PWD="wrong-password"))
    assert info.value.args[0] in ("08001", "28P01", "28000")
    assert "password" in str(info.value).lower() or "authentication" in str(info.value).lower()


def test_ddl_and_parameter_round_trip(server):
    con = connect(server)
    try:
        cur = con.cursor()
        cur.execute("""CREATE TABLE odbc_rt (
            id INT NOT NULL, name VARCHAR(30), price DECIMAL(10,2), d DATE, ts TIMESTAMP, flag BOOLEAN,
            big BIGINT, ratio DOUBLE PRECISION, note VARCHAR(10))
            DISTKEY(id) SORTKEY(d, id)""")
        con.commit()
        row = (1, "héllo wörld", Decimal("1234.56"), datetime.date(2024, 2, 29),
               datetime.datetime(2024, 1, 31, 12, 30, 45, 123000), True, 9007199254740993, 0.25, None)
        cur.execute("INSERT INTO odbc_rt VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        assert cur.rowcount == 1
        cur.execute("INSERT INTO odbc_rt VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (2, "two", Decimal("-0.05"), datetime.date(1999, 12, 31),
                     datetime.datetime(2000, 1, 1, 0, 0, 0), False, -1, -1.5, "n"))
        con.commit()

        cur.execute("SELECT id, name, price, d, ts, flag, big, ratio, note FROM odbc_rt WHERE id = ?", 1)
        got = cur.fetchone()
        assert tuple(got) == row
        assert [type(v) for v in got[:8]] == [int, str, Decimal, datetime.date, datetime.datetime, bool, int,
                                              float]
        assert [d[0] for d in cur.description] == ["id", "name", "price", "d", "ts", "flag", "big", "ratio",
                                                   "note"]
        assert cur.description[2][4] == 10 and cur.description[2][5] == 2  # precision, scale
        assert cur.fetchone() is None

        # Parameters in WHERE of every type, and a NULL parameter.
        cur.execute("SELECT id FROM odbc_rt WHERE name = ? AND price = ? AND d = ? AND flag = ?",
                    "two", Decimal("-0.05"), datetime.date(1999, 12, 31), False)
        assert [tuple(r) for r in cur.fetchall()] == [(2,)]
        cur.execute("SELECT count(*) FROM odbc_rt WHERE ts > ? AND note IS NULL", datetime.datetime(2023, 1, 1))
        assert cur.fetchone()[0] == 1
        cur.execute("SELECT ? IS NULL", None)
        assert cur.fetchone()[0] in (True, 1)

        cur.execute("UPDATE odbc_rt SET price = price * ? WHERE id <= ?", Decimal("2"), 2)
        assert cur.rowcount == 2
        cur.execute("SELECT price FROM odbc_rt ORDER BY id")
        assert [r[0] for r in cur.fetchall()] == [Decimal("2469.12"), Decimal("-0.10")]
        cur.execute("DELETE FROM odbc_rt WHERE id = ?", 2)
        assert cur.rowcount == 1
        con.commit()
    finally:
        con.close()


@pytest.mark.parametrize("fast", [False, True])
def test_executemany(server, fast):
    table = f"odbc_many_{int(fast)}"
    con = connect(server)
    try:
        cur = con.cursor()
        cur.execute(f"CREATE TABLE {table} (id INT, name VARCHAR(20), amount DECIMAL(12,3)) DISTKEY(id)")
        cur.fast_executemany = fast
        rows = [(i, f"name{i}", Decimal(i) / 8) for i in range(1, 101)] + [(101, None, None)]
        cur.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", rows)
        con.commit()
        cur.execute(f"SELECT count(*), count(name), sum(amount), max(id) FROM {table}")
        assert tuple(cur.fetchone()) == (101, 100, Decimal("631.250"), 101)
        cur.execute(f"SELECT id, name, amount FROM {table} ORDER BY id")
        assert [tuple(r) for r in cur.fetchall()] == rows
    finally:
        con.close()


def test_commit_and_rollback(server):
    con = connect(server)
    other = connect(server, autocommit=True)
    try:
        assert con.autocommit is False
        cur = con.cursor()
        cur.execute("CREATE TABLE odbc_txn (x INT)")
        con.commit()
        cur.execute("INSERT INTO odbc_txn VALUES (?)", 1)
        con.rollback()
        assert cur.execute("SELECT count(*) FROM odbc_txn").fetchone()[0] == 0
        cur.execute("INSERT INTO odbc_txn VALUES (?)", 2)
        # Not yet visible to another session.
        assert other.cursor().execute("SELECT count(*) FROM odbc_txn").fetchone()[0] == 0
        con.commit()
        assert other.cursor().execute("SELECT x FROM odbc_txn").fetchall()[0][0] == 2

        # A failed statement aborts the transaction; rollback recovers it.
        with pytest.raises(pyodbc.Error):
            cur.execute("SELECT 1 / 0")
        con.rollback()
        assert cur.execute("SELECT count(*) FROM odbc_txn").fetchone()[0] == 1

        # Autocommit: each statement commits by itself. The open transaction keeps the snapshot
        # of its first statement (serializable, as on Redshift) and sees the row after it ends.
        other.cursor().execute("INSERT INTO odbc_txn VALUES (3)")
        assert cur.execute("SELECT count(*) FROM odbc_txn").fetchone()[0] == 1
        con.commit()
        assert cur.execute("SELECT count(*) FROM odbc_txn").fetchone()[0] == 2
        con.commit()
    finally:
        con.close()
        other.close()


@pytest.fixture(scope="module")
def meta_tables(server):
    con = connect(server, autocommit=True)
    cur = con.cursor()
    cur.execute("""CREATE TABLE odbc_meta (
        id INTEGER NOT NULL, code CHAR(3), name VARCHAR(40) NOT NULL, amount DECIMAL(12,4), qty SMALLINT,
        total BIGINT, r REAL, dp DOUBLE PRECISION, flag BOOLEAN, d DATE, ts TIMESTAMP,
        PRIMARY KEY (id))
        DISTKEY(id) COMPOUND SORTKEY(d, id)""")
    cur.execute("CREATE VIEW odbc_meta_v AS SELECT id, name FROM odbc_meta")
    yield con
    con.close()


def test_tables(server, meta_tables):
    cur = meta_tables.cursor()
    rows = cur.tables(table="odbc_meta").fetchall()
    assert [(r.table_cat, r.table_schem, r.table_name, r.table_type) for r in rows] == [
        ("dev", "public", "odbc_meta", "TABLE")]

    rows = cur.tables(table="odbc_meta", tableType="TABLE").fetchall()
    assert [r.table_name for r in rows] == ["odbc_meta"]
    rows = cur.tables(table="odbc_meta", tableType="VIEW").fetchall()
    assert rows == []

    # Pattern matching, schema filter, and views.
    names = {(r.table_name, r.table_type) for r in cur.tables(table="odbc_meta%", schema="public").fetchall()}
    assert names == {("odbc_meta", "TABLE"), ("odbc_meta_v", "VIEW")}
    rows = cur.tables(tableType="VIEW").fetchall()
    assert "odbc_meta_v" in [r.table_name for r in rows] and all(r.table_type == "VIEW" for r in rows)
    assert cur.tables(table="no_such_table_at_all").fetchall() == []


def test_columns(server, meta_tables):
    cur = meta_tables.cursor()
    rows = cur.columns(table="odbc_meta").fetchall()
    got = [(r.column_name, r.data_type, r.type_name, r.column_size, r.decimal_digits, r.nullable,
            r.ordinal_position) for r in rows]
    assert got == [
        ("id", SQL_INTEGER, "int4", 10, 0, 0, 1),
        ("code", SQL_WCHAR, "bpchar", 3, None, 1, 2),
        ("name", SQL_WVARCHAR, "varchar", 40, None, 0, 3),
        ("amount", SQL_NUMERIC, "numeric", 12, 4, 1, 4),
        ("qty", SQL_SMALLINT, "int2", 5, 0, 1, 5),
        ("total", SQL_BIGINT, "int8", 19, 0, 1, 6),
        ("r", SQL_REAL, "float4", 9, 0, 1, 7),
        ("dp", SQL_FLOAT, "float8", 17, 0, 1, 8),
        ("flag", SQL_BIT, "bool", 1, 0, 1, 9),
        ("d", SQL_TYPE_DATE, "date", 10, None, 1, 10),
        ("ts", SQL_TYPE_TIMESTAMP, "timestamp", 26, 6, 1, 11),
    ]
    assert all((r.table_schem, r.table_name) == ("public", "odbc_meta") for r in rows)
    # The driver derives these from pg_attribute.atttypmod and pg_type.
    assert [r.char_octet_length for r in rows][1:3] == [6, 80]
    assert [r.buffer_length for r in rows][:4] == [4, 6, 80, 14]

    # One column by name, and a view's columns.
    rows = cur.columns(table="odbc_meta", column="amount").fetchall()
    assert [(r.column_name, r.column_size, r.decimal_digits) for r in rows] == [("amount", 12, 4)]
    rows = cur.columns(table="odbc_meta_v").fetchall()
    assert [(r.column_name, r.type_name) for r in rows] == [("id", "int4"), ("name", "varchar")]


def test_primary_keys(server, meta_tables):
    cur = meta_tables.cursor()
    rows = cur.primaryKeys("odbc_meta").fetchall()
    assert [(r.table_name, r.column_name, r.key_seq) for r in rows] == [("odbc_meta", "id", 1)]


def test_statistics(server, meta_tables):
    cur = meta_tables.cursor()
    rows = cur.statistics("odbc_meta").fetchall()
    # Redshift has no secondary indexes; the primary key's unique index (as pg_index holds it, the
    # same entry SQLPrimaryKeys reads) is the one reported.
    assert [(r.table_name, r.non_unique, r.column_name, r.ordinal_position) for r in rows
            if r.column_name is not None] == [("odbc_meta", 0, "id", 1)]


def test_get_type_info(server):
    con = connect(server, autocommit=True)
    try:
        rows = con.cursor().getTypeInfo().fetchall()
        types = {(r.type_name, r.data_type) for r in rows}
        assert {("int4", SQL_INTEGER), ("int8", SQL_BIGINT), ("numeric", SQL_NUMERIC), ("varchar", SQL_WVARCHAR),
                ("bool", SQL_BIT), ("date", SQL_TYPE_DATE), ("float8", SQL_FLOAT)} <= types
        rows = con.cursor().getTypeInfo(SQL_INTEGER).fetchall()
        assert [r.type_name for r in rows] == ["int4"]
    finally:
        con.close()


def test_sqlstates(server, meta_tables):
    con = connect(server)
    try:
        cur = con.cursor()
        with pytest.raises(pyodbc.ProgrammingError) as info:
            cur.execute("SELECT * FROM odbc_no_such_table")
        assert info.value.args[0] == "42P01"
        assert "odbc_no_such_table" in info.value.args[1]
        con.rollback()

        with pytest.raises(pyodbc.Error) as info:
            cur.execute("SELEC 1")
        assert info.value.args[0] == "42601"
        con.rollback()

        with pytest.raises(pyodbc.DataError) as info:
            cur.execute("SELECT 1 / 0")
        assert info.value.args[0] == "22012"
        con.rollback()

        with pytest.raises(pyodbc.Error) as info:
            cur.execute("SELECT odbc_no_such_column FROM odbc_meta")
        assert info.value.args[0] == "42703"
        con.rollback()

        # The connection is still usable afterwards.
        assert cur.execute("SELECT CAST(? AS INTEGER) + 1", 5).fetchone()[0] == 6
    finally:
        con.close()
