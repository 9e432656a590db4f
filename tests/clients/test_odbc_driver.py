"""Redwood's own ODBC driver (libredwoododbc.so) through unixODBC as applications use it: pyodbc
(connecting by the driver's path, by its registered name and by a DSN; SQLGetInfo; DDL and DML;
every type through parameters and results; executemany with and without parameter arrays;
transactions; read-only connections; SQLSTATEs; the catalog functions), the SQLGetInfo answers
checked against what the driver and Redwood actually do, unixODBC's isql and iusql in batch mode,
and a pyodbc session under valgrind.

Each test runs against an embedded database in memory, an embedded database in a directory, and
a `redwood serve` (conftest.py's `server`). The raw C API (ANSI and wide functions, row arrays,
SQLGetData in pieces, parameter arrays, data at execution, cancel, timeouts, handle and sequence
errors, Tableau's and Excel's connect-time calls) is tested in test_odbc_driver_api.py.

Run: REDWOOD_BIN=/path/to/target/debug/redwood python3 -m pytest -q tests/clients/test_odbc_driver*.py
(the driver is found next to the binary, or set REDWOOD_ODBC_DRIVER).
"""

import datetime
import os
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

pyodbc = pytest.importorskip("pyodbc")

import odbc_driver as od  # noqa: E402

DRIVER = od.driver_path()
if DRIVER is None:
    pytest.skip(f"libredwoododbc.so is not built in {od.target_dir()} (cargo build -p redwood-odbc, or set "
                "REDWOOD_ODBC_DRIVER)", allow_module_level=True)
od.use_private_ini(DRIVER)

# SQL types (sql.h) as the driver reports them.
SQL_CHAR, SQL_NUMERIC, SQL_INTEGER, SQL_SMALLINT, SQL_REAL, SQL_DOUBLE, SQL_VARCHAR = 1, 2, 4, 5, 7, 8, 12
SQL_BIGINT, SQL_BIT, SQL_TYPE_DATE, SQL_TYPE_TIME, SQL_TYPE_TIMESTAMP, SQL_DATETIME = -5, -7, 91, 92, 93, 9

unique = od.unique


@pytest.fixture(scope="module")
def database_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("odbc-driver") / "db"


@pytest.fixture(params=["memory", "directory", "remote"])
def target(request, database_dir):
    if request.param == "remote":
        server = request.getfixturevalue("server")
        return od.Target("remote", od.remote_attrs(server), server)
    if request.param == "memory":
        return od.Target("memory", od.embedded_attrs(":memory:"))
    return od.Target("directory", od.embedded_attrs(database_dir))


def connect(target, autocommit=True, **kwargs):
    return pyodbc.connect(target.conn_str(), autocommit=autocommit, **kwargs)


@pytest.fixture
def con(target):
    c = connect(target)
    yield c
    c.close()


@pytest.fixture
def drop(target):
    """Registers tables and views to drop when the test ends (a :memory: database just goes)."""
    objects = []
    yield lambda kind, name: objects.append((kind, name))
    if not objects or not target.shares_data:
        return
    c = connect(target)
    try:
        for kind, name in reversed(objects):
            try:
                c.execute(f"DROP {kind} IF EXISTS {name}")
            except pyodbc.Error:
                pass
    finally:
        c.close()


def scalar(con, sql, *params):
    return con.cursor().execute(sql, *params).fetchone()[0]


def run(cur, sql, *params):
    """Executes and fetches every row: an error in computing the rows may come from SQLExecute or,
    as ODBC allows (22012 is among SQLFetch's SQLSTATEs), from SQLFetch; embedded statements
    stream their results, so theirs come from SQLFetch."""
    cur.execute(sql, *params)
    return cur.fetchall() if cur.description else None


def yes(value):
    """A Y/N SQLGetInfo answer (pyodbc gives a bool for the ones it knows are Y/N)."""
    return value is True or value == "Y"


# --------------------------------------------------------------------------------- connecting


def test_connect_by_driver_path(target):
    c = pyodbc.connect(target.conn_str(driver=DRIVER), autocommit=True)
    try:
        assert c.cursor().execute("SELECT 40 + 2").fetchone()[0] == 42
        assert c.getinfo(pyodbc.SQL_DRIVER_NAME) == "libredwoododbc.so"
    finally:
        c.close()


def test_connect_by_registered_driver_name(target):
    # unixODBC found odbcinst.ini through $ODBCSYSINI, which odbc_driver.use_private_ini set.
    assert os.path.exists(os.path.join(os.environ["ODBCSYSINI"], "odbcinst.ini"))
    for driver in ["Redwood", "{Redwood}"]:
        c = pyodbc.connect(target.conn_str(driver=driver), autocommit=True)
        try:
            assert c.cursor().execute("SELECT 'ok'").fetchone()[0] == "ok"
        finally:
            c.close()
    with pytest.raises(pyodbc.Error) as info:
        pyodbc.connect(target.conn_str(driver="NoSuchRedwoodDriver"))
    assert info.value.args[0] == "01000" or info.value.args[0].startswith("IM")


def test_connect_by_dsn(target):
    dsn = od.add_dsn(target.attrs)
    c = pyodbc.connect(f"DSN={dsn}", autocommit=True)
    try:
        cur = c.cursor()
        assert cur.execute("SELECT 1").fetchone()[0] == 1
        assert c.getinfo(pyodbc.SQL_DATA_SOURCE_NAME) == dsn
        assert c.getinfo(pyodbc.SQL_DATABASE_NAME) == cur.execute("SELECT current_database()").fetchone()[0]
    finally:
        c.close()


def test_dsn_settings_are_overridden_by_the_connection_string(server):
    attrs = od.remote_attrs(server)
    dsn = od.add_dsn({k: v for k, v in attrs.items() if k not in ("UID", "PWD")})
    # The DSN has no credentials: they come from the connection string.
    c = pyodbc.connect(f"DSN={dsn};UID={server.user};PWD={server.password}", autocommit=True)
    try:
        assert c.cursor().execute("SELECT current_user").fetchone()[0] == server.user
    finally:
        c.close()
    # A value in the connection string wins over the DSN's.
    dsn_with_password = od.add_dsn(attrs)
    with pytest.raises(pyodbc.Error) as info:
        pyodbc.connect(f"DSN={dsn_with_password};PWD=Wrong-Passw0rd")
    assert info.value.args[0] == "28P01"


def test_connection_string_keys_are_case_insensitive_with_synonyms(server):
    variants = [
        f"driver=Redwood;host={server.host};port={server.port};database=dev;user={server.user};"
        f"password={server.password};sslmode=disable",
        f"DRIVER={{Redwood}};SERVER={server.host};PORT={server.port};DATABASE=dev;USERNAME={server.user};"
        f"PASSWORD={{{server.password}}};SSLMODE=DISABLE",
    ]
    for cs in variants:
        c = pyodbc.connect(cs, autocommit=True)
        try:
            assert c.cursor().execute("SELECT current_user").fetchone()[0] == server.user
        finally:
            c.close()


def test_wrong_password_is_28P01(server):
    with pytest.raises(pyodbc.Error) as info:
        pyodbc.connect(od.connection_string(od.remote_attrs(server, PWD="Wrong-Passw0rd"), DRIVER))
    assert info.value.args[0] == "28P01"
    assert "password" in info.value.args[1].lower() or "authentication" in info.value.args[1].lower()


def test_connection_refused_is_08001():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cs = od.connection_string({"Server": "127.0.0.1", "Port": port, "Database": "dev", "UID": "admin",
                               "PWD": "Redwood-test-1", "SSLMode": "disable"}, DRIVER)
    with pytest.raises(pyodbc.Error) as info:
        pyodbc.connect(cs)
    assert info.value.args[0] == "08001"


# ----------------------------------------------------------------------------------- getinfo


def test_getinfo(target, con):
    cur = con.cursor()
    database, user = cur.execute("SELECT current_database(), current_user").fetchone()
    assert con.getinfo(pyodbc.SQL_DBMS_NAME) == "Redwood"
    assert con.getinfo(pyodbc.SQL_DRIVER_NAME) == "libredwoododbc.so"
    assert con.getinfo(pyodbc.SQL_IDENTIFIER_QUOTE_CHAR) == '"'
    assert con.getinfo(pyodbc.SQL_DATABASE_NAME) == database
    assert con.getinfo(pyodbc.SQL_USER_NAME) == user
    if target.remote:
        assert con.getinfo(pyodbc.SQL_SERVER_NAME) == target.server.host
    # Formats the ODBC reference prescribes: ##.## and ##.##.#### (product-specific text may follow).
    assert re.fullmatch(r"03\.\d\d", con.getinfo(pyodbc.SQL_DRIVER_ODBC_VER))
    assert re.match(r"\d\d\.\d\d\.\d{4}", con.getinfo(pyodbc.SQL_DRIVER_VER))
    assert re.match(r"\d\d\.\d\d\.\d{4}", con.getinfo(pyodbc.SQL_DBMS_VER))
    assert con.getinfo(pyodbc.SQL_CATALOG_NAME_SEPARATOR) == "."
    assert con.getinfo(pyodbc.SQL_CATALOG_TERM) != ""
    assert con.getinfo(pyodbc.SQL_SCHEMA_TERM).lower() == "schema"
    assert con.getinfo(pyodbc.SQL_TABLE_TERM).lower() == "table"
    # The catalog functions' patterns escape with a backslash (catalog.rs).
    assert con.getinfo(pyodbc.SQL_SEARCH_PATTERN_ESCAPE) == "\\"
    assert con.searchescape == "\\"
    assert not yes(con.getinfo(pyodbc.SQL_DATA_SOURCE_READ_ONLY))
    assert con.getinfo(pyodbc.SQL_DEFAULT_TXN_ISOLATION) == pyodbc.SQL_TXN_SERIALIZABLE
    assert con.getinfo(pyodbc.SQL_TXN_ISOLATION_OPTION) & pyodbc.SQL_TXN_SERIALIZABLE
    assert con.getinfo(pyodbc.SQL_TXN_CAPABLE) != 0
    assert con.getinfo(pyodbc.SQL_MAX_IDENTIFIER_LEN) >= 63
    assert con.getinfo(pyodbc.SQL_MAX_COLUMN_NAME_LEN) >= 63
    assert con.getinfo(pyodbc.SQL_MAX_TABLE_NAME_LEN) >= 63
    assert con.getinfo(pyodbc.SQL_SQL_CONFORMANCE) in (1, 2, 4, 8)
    # Redwood has every SQL-92 aggregate: AVG, COUNT, MAX, MIN, SUM.
    assert con.getinfo(pyodbc.SQL_AGGREGATE_FUNCTIONS) & 0x1F == 0x1F
    # One result per execution (SQLMoreResults is always SQL_NO_DATA).
    assert not yes(con.getinfo(pyodbc.SQL_MULT_RESULT_SETS))
    keywords = con.getinfo(pyodbc.SQL_KEYWORDS)
    assert all(re.fullmatch(r"[A-Z_][A-Z0-9_]*", k) for k in keywords.split(",") if k), keywords


def test_identifier_case_matches_what_redwood_stores(target, con, drop):
    plain, quoted = unique("MiXeD"), unique("QuOtEd")
    drop("TABLE", plain)
    drop("TABLE", f'"{quoted}"')
    cur = con.cursor()
    cur.execute(f"CREATE TABLE {plain} (x INT)")
    cur.execute(f'CREATE TABLE "{quoted}" (x INT)')
    stored = {r.table_name for r in cur.tables(table="rwodbc_%").fetchall()}
    assert plain.lower() in stored or plain in stored or plain.upper() in stored, stored
    # SQL_IC_LOWER (2), SQL_IC_UPPER (1) or SQL_IC_MIXED (4: stored as written, compared without case).
    expected = 2 if plain.lower() in stored else (1 if plain.upper() in stored else 4)
    assert con.getinfo(pyodbc.SQL_IDENTIFIER_CASE) == expected, stored
    # Quoted: stored as written (SQL_IC_SENSITIVE) or folded (SQL_IC_LOWER / SQL_IC_UPPER).
    if quoted in stored:
        expected_quoted = 3
    elif quoted.lower() in stored:
        expected_quoted = 2
    else:
        expected_quoted = 1
    assert con.getinfo(pyodbc.SQL_QUOTED_IDENTIFIER_CASE) == expected_quoted, stored


# ------------------------------------------------------------------------------- DDL and DML


def test_ddl_dml_and_rowcount(con, drop):
    t = unique("dml")
    drop("TABLE", t)
    cur = con.cursor()
    cur.execute(f"CREATE TABLE {t} (id INT NOT NULL, name VARCHAR(20), amount DECIMAL(10,2)) DISTKEY(id) SORTKEY(id)")
    assert cur.rowcount == -1
    cur.execute(f"INSERT INTO {t} VALUES (1, 'one', 1.50), (2, 'two', 2.25), (3, 'three', NULL)")
    assert cur.rowcount == 3
    cur.execute(f"UPDATE {t} SET amount = amount * ? WHERE id <= ?", Decimal("2"), 2)
    assert cur.rowcount == 2
    cur.execute(f"SELECT id, amount FROM {t} ORDER BY id")
    assert cur.rowcount == -1
    assert [tuple(r) for r in cur.fetchall()] == [(1, Decimal("3.00")), (2, Decimal("4.50")), (3, None)]
    cur.execute(f"DELETE FROM {t} WHERE name LIKE ?", "t%")
    assert cur.rowcount == 2
    cur.execute(f"ALTER TABLE {t} ADD COLUMN note VARCHAR(10)")
    cur.execute(f"SELECT * FROM {t}")
    assert [d[0] for d in cur.description] == ["id", "name", "amount", "note"]
    assert [tuple(r) for r in cur.fetchall()] == [(1, "one", Decimal("3.00"), None)]
    cur.execute(f"DROP TABLE {t}")
    with pytest.raises(pyodbc.ProgrammingError) as info:
        cur.execute(f"SELECT * FROM {t}")
    assert info.value.args[0] == "42P01"


ROUND_TRIP_COLUMNS = """(
    id INT NOT NULL, i INTEGER, b BIGINT, s SMALLINT, f BOOLEAN, d DOUBLE PRECISION, r REAL,
    n DECIMAL(12,4), v VARCHAR(100), c CHAR(5), dt DATE, ts TIMESTAMP)"""

ROUND_TRIP_ROWS = [
    (1, 2147483647, 9007199254740993, -32768, True, 0.1 + 0.2, 1.5, Decimal("-12345678.9012"),
     "héllo wörld ✓ 日本語 😀", "abcde", datetime.date(2024, 2, 29),
     datetime.datetime(2024, 1, 31, 12, 30, 45, 123456)),
    (2, None, None, None, None, None, None, None, None, None, None, None),
    (3, -2147483648, -9223372036854775808, 32767, False, -1e300, -0.25, Decimal("0.0001"), "", "vwxyz",
     datetime.date(1, 1, 1), datetime.datetime(1999, 12, 31, 23, 59, 59)),
]


def test_every_type_round_trips_through_parameters_and_results(con, drop):
    t = unique("types")
    drop("TABLE", t)
    cur = con.cursor()
    cur.execute(f"CREATE TABLE {t} {ROUND_TRIP_COLUMNS}")
    for row in ROUND_TRIP_ROWS:
        cur.execute(f"INSERT INTO {t} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", *row)
        assert cur.rowcount == 1
    cur.execute(f"SELECT id, i, b, s, f, d, r, n, v, c, dt, ts FROM {t} ORDER BY id")
    got = [tuple(r) for r in cur.fetchall()]
    assert got == ROUND_TRIP_ROWS
    assert [type(v) for v in got[0]] == [int, int, int, int, bool, float, float, Decimal, str, str, datetime.date,
                                         datetime.datetime]
    description = cur.description
    assert [d[0] for d in description] == ["id", "i", "b", "s", "f", "d", "r", "n", "v", "c", "dt", "ts"]
    assert [d[1] for d in description] == [int, int, int, int, bool, float, float, Decimal, str, str,
                                           datetime.date, datetime.datetime]
    # internal_size / precision and scale: the column sizes ODBC defines (appendix D).
    sizes = {d[0]: (d[3], d[5]) for d in description}
    assert sizes["id"] == (10, 0) and sizes["b"] == (19, 0) and sizes["s"] == (5, 0)
    assert sizes["n"] == (12, 4)
    assert sizes["v"][0] == 100 and sizes["c"][0] == 5
    assert sizes["dt"][0] == 10 and sizes["ts"] == (26, 6)

    # Parameters in WHERE, of every type, and NULL parameters.
    cur.execute(f"SELECT id FROM {t} WHERE i = ? AND b = ? AND s = ? AND f = ? AND d = ? AND r = ? AND n = ? "
                f"AND v = ? AND c = ? AND dt = ? AND ts = ?", *ROUND_TRIP_ROWS[0][1:])
    assert [tuple(r) for r in cur.fetchall()] == [(1,)]
    cur.execute(f"SELECT count(*) FROM {t} WHERE v IS NULL AND ? IS NULL", None)
    assert cur.fetchone()[0] == 1
    cur.execute(f"SELECT id FROM {t} WHERE v = ?", "")
    assert cur.fetchall()[0][0] == 3


def test_time_values(con):
    cur = con.cursor()
    value = cur.execute("SELECT CAST('13:45:30' AS TIME)").fetchone()[0]
    assert value == datetime.time(13, 45, 30)
    assert cur.description[0][1] is datetime.time
    assert cur.execute("SELECT CAST(? AS TIME)", datetime.time(1, 2, 3)).fetchone()[0] == datetime.time(1, 2, 3)


@pytest.mark.parametrize("text", [
    "x" * 100_000,
    "é" * 100_000,                               # 2 bytes in UTF-8: chunks of SQLGetData end inside characters
    "a😀" * 50_000,                             # surrogate pairs in UTF-16
    "".join(chr(0x4E00 + i % 20000) for i in range(100_000)),
], ids=["ascii", "latin1", "emoji", "cjk"])
def test_long_strings_round_trip(con, text):
    cur = con.cursor()
    got, length = cur.execute("SELECT ?, char_length(?)", text, text).fetchone()
    assert length == len(text)
    assert len(got) == len(text) and got == text


@pytest.mark.parametrize("wide_results", [False, True], ids=["sql_c_char", "sql_c_wchar"])
def test_long_non_ascii_results_read_in_pieces(con, wide_results):
    """Results longer than pyodbc's buffers come back with SQLGetData in pieces (as UTF-8 or UTF-16)."""
    if wide_results:
        con.setdecoding(pyodbc.SQL_CHAR, encoding="utf-16le", ctype=pyodbc.SQL_WCHAR)
    cur = con.cursor()
    for expression, expected in [("repeat('é', 300001)", "é" * 300001), ("repeat('a😀', 150001)", "a😀" * 150001),
                                 ("repeat('日本語', 200001)", "日本語" * 200001)]:
        got = cur.execute(f"SELECT {expression}").fetchone()[0]
        assert len(got) == len(expected) and got == expected, expression


@pytest.mark.parametrize("fast", [False, True], ids=["executemany", "fast_executemany"])
def test_executemany(con, drop, fast):
    t = unique("many")
    drop("TABLE", t)
    cur = con.cursor()
    cur.execute(f"CREATE TABLE {t} (id INT, name VARCHAR(20), amount DECIMAL(12,3), d DATE, flag BOOLEAN)")
    cur.fast_executemany = fast
    rows = [(i, f"näme{i}", Decimal(i) / 8, datetime.date(2024, 1, 1) + datetime.timedelta(days=i), i % 2 == 0)
            for i in range(1, 301)] + [(301, None, None, None, None)]
    cur.executemany(f"INSERT INTO {t} VALUES (?, ?, ?, ?, ?)", rows)
    cur.execute(f"SELECT count(*), count(name), sum(amount), max(id), min(d) FROM {t}")
    assert tuple(cur.fetchone()) == (301, 300, Decimal("5643.750"), 301, datetime.date(2024, 1, 2))
    cur.execute(f"SELECT id, name, amount, d, flag FROM {t} ORDER BY id")
    assert [tuple(r) for r in cur.fetchall()] == rows


def test_fetchone_fetchmany_fetchall_across_batches(con):
    cur = con.cursor()
    n = 20_000
    cur.execute(f"SELECT value, 'row ' || CAST(value AS VARCHAR) AS label FROM generate_series(1, {n}) ORDER BY value")
    assert tuple(cur.fetchone()) == (1, "row 1")
    many = cur.fetchmany(999)
    assert [r[0] for r in many] == list(range(2, 1001))
    cur.arraysize = 250
    assert [r[0] for r in cur.fetchmany()] == list(range(1001, 1251))
    rest = cur.fetchall()
    assert [r[0] for r in rest] == list(range(1251, n + 1)) and rest[-1][1] == f"row {n}"
    assert cur.fetchone() is None and cur.fetchmany(5) == [] and cur.fetchall() == []
    # Iteration and fetchval.
    assert [r[0] for r in cur.execute("SELECT value FROM generate_series(1, 5) ORDER BY value")] == [1, 2, 3, 4, 5]
    assert cur.execute("SELECT count(*) FROM generate_series(1, 77)").fetchval() == 77


def test_two_cursors_interleaved_on_one_connection(con):
    """SQL_MAX_CONCURRENT_ACTIVITIES: 0 (no limit) promises statements with open cursors side by side."""
    limit = con.getinfo(pyodbc.SQL_MAX_CONCURRENT_ACTIVITIES)
    if limit == 1:
        pytest.skip("the driver allows one active statement per connection")
    a, b = con.cursor(), con.cursor()
    a.execute("SELECT value FROM generate_series(1, 30000) ORDER BY value")
    b.execute("SELECT value * 10 FROM generate_series(1, 30000) ORDER BY value")
    got_a, got_b = [], []
    for _ in range(3):
        got_a += [r[0] for r in a.fetchmany(10000)]
        got_b += [r[0] for r in b.fetchmany(10000)]
    assert got_a == list(range(1, 30001)) and got_b == [v * 10 for v in range(1, 30001)]


def test_question_marks_in_literals_comments_and_identifiers_are_not_markers(con):
    cur = con.cursor()
    row = cur.execute("SELECT '?' AS \"q?\", ? AS p -- a comment? yes\n", 5).fetchone()
    assert tuple(row) == ("?", 5) and [d[0] for d in cur.description] == ["q?", "p"]
    row = cur.execute("SELECT 'it''s ?', /* ? */ ? || 'x'", "a").fetchone()
    assert tuple(row) == ("it's ?", "ax")
    assert cur.execute("SELECT '?'").fetchone()[0] == "?"
    assert cur.description[0][1] is str


def test_multiple_statements_in_one_execute(con, drop):
    t = unique("multi")
    drop("TABLE", t)
    cur = con.cursor()
    cur.execute(f"CREATE TABLE {t} (x INT); INSERT INTO {t} VALUES (1), (2); SELECT sum(x) FROM {t}")
    # One result per execution: the last statement's.
    assert cur.fetchone()[0] == 3
    assert cur.nextset() is False


# ------------------------------------------------------------------------------- transactions


def test_commit_rollback_and_visibility(target, drop):
    t = unique("txn")
    drop("TABLE", t)
    con = connect(target, autocommit=False)
    other = connect(target, autocommit=True) if target.shares_data else None
    try:
        assert con.autocommit is False
        cur = con.cursor()
        cur.execute(f"CREATE TABLE {t} (x INT)")
        con.commit()
        cur.execute(f"INSERT INTO {t} VALUES (?)", 1)
        con.rollback()
        assert scalar(con, f"SELECT count(*) FROM {t}") == 0
        con.commit()
        cur.execute(f"INSERT INTO {t} VALUES (?)", 2)
        if other:
            assert scalar(other, f"SELECT count(*) FROM {t}") == 0, "uncommitted row visible to another session"
        con.commit()
        if other:
            assert scalar(other, f"SELECT x FROM {t}") == 2
        # A failed statement aborts the transaction; rollback recovers it.
        with pytest.raises(pyodbc.DataError):
            run(cur, "SELECT 1 / 0")
        con.rollback()
        assert scalar(con, f"SELECT count(*) FROM {t}") == 1
        con.commit()
        # Turning autocommit on commits the open transaction.
        cur.execute(f"INSERT INTO {t} VALUES (3)")
        con.autocommit = True
        if other:
            assert scalar(other, f"SELECT count(*) FROM {t}") == 2
        con.rollback()  # nothing to roll back in autocommit mode
        assert scalar(con, f"SELECT count(*) FROM {t}") == 2
    finally:
        con.close()
        if other:
            other.close()


def test_serializable_isolation_is_reported(con):
    con.set_attr(pyodbc.SQL_ATTR_TXN_ISOLATION, pyodbc.SQL_TXN_READ_COMMITTED)  # 01S02: raised to SERIALIZABLE
    assert con.getinfo(pyodbc.SQL_DEFAULT_TXN_ISOLATION) == pyodbc.SQL_TXN_SERIALIZABLE


def test_txn_capable_matches_behaviour(target, drop):
    keep, made = unique("tc_keep"), unique("tc_made")
    drop("TABLE", keep)
    drop("TABLE", made)
    con = connect(target, autocommit=False)
    try:
        capable = con.getinfo(pyodbc.SQL_TXN_CAPABLE)
        cur = con.cursor()
        cur.execute(f"CREATE TABLE {keep} (x INT)")
        con.commit()
        cur.execute(f"INSERT INTO {keep} VALUES (1)")
        if capable == 1:  # SQL_TC_DML: DDL in a transaction is an error
            with pytest.raises(pyodbc.Error):
                cur.execute(f"CREATE TABLE {made} (x INT)")
            con.rollback()
            return
        cur.execute(f"CREATE TABLE {made} (x INT)")
        con.rollback()
        rows = scalar(con, f"SELECT count(*) FROM {keep}")
        exists = bool(cur.tables(table=made).fetchall())
        con.rollback()
        expected = {2: (0, False),   # SQL_TC_ALL: both rolled back
                    3: (1, True),    # SQL_TC_DDL_COMMIT: the DDL committed the transaction
                    4: (0, True)}    # SQL_TC_DDL_IGNORE: DDL ignored the transaction
        assert (rows, exists) == expected[capable], f"SQL_TXN_CAPABLE={capable}"
    finally:
        con.close()


def test_read_only_connection(target, drop):
    t = unique("ro")
    drop("TABLE", t)
    setup = connect(target)
    try:
        setup.execute(f"CREATE TABLE {t} (x INT)")
        setup.execute(f"INSERT INTO {t} VALUES (1)")
        # Changing the access mode on an open connection.
        setup.set_attr(pyodbc.SQL_ATTR_ACCESS_MODE, 1)  # SQL_MODE_READ_ONLY
        assert yes(setup.getinfo(pyodbc.SQL_DATA_SOURCE_READ_ONLY))
        with pytest.raises(pyodbc.Error) as info:
            setup.execute(f"INSERT INTO {t} VALUES (2)")
        assert info.value.args[0] == "25006"
        assert scalar(setup, f"SELECT count(*) FROM {t}") == 1
        setup.set_attr(pyodbc.SQL_ATTR_ACCESS_MODE, 0)
        setup.execute(f"INSERT INTO {t} VALUES (2)")
        assert scalar(setup, f"SELECT count(*) FROM {t}") == 2
    finally:
        setup.close()
    if not target.shares_data:
        return
    # pyodbc's readonly=True sets the access mode when it connects.
    ro = connect(target, readonly=True)
    try:
        assert scalar(ro, f"SELECT count(*) FROM {t}") == 2
        with pytest.raises(pyodbc.ProgrammingError) as info:
            ro.execute(f"DELETE FROM {t}")
        assert info.value.args[0] == "25006"
        with pytest.raises(pyodbc.ProgrammingError) as info:
            ro.execute(f"CREATE TABLE {t}_2 (x INT)")
        assert info.value.args[0] == "25006"
    finally:
        ro.close()


# ----------------------------------------------------------------------------------- errors


def test_errors_become_pyodbc_exceptions_with_the_sqlstate(con, drop):
    t = unique("err")
    drop("TABLE", t)
    cur = con.cursor()
    cur.execute(f"CREATE TABLE {t} (id INT)")
    with pytest.raises(pyodbc.ProgrammingError) as info:
        cur.execute("SELECT * FROM rwodbc_no_such_table")
    assert info.value.args[0] == "42P01"
    assert "rwodbc_no_such_table" in info.value.args[1] and "[Redwood]" in info.value.args[1]
    with pytest.raises(pyodbc.ProgrammingError) as info:
        cur.execute("SELEC 1")
    assert info.value.args[0] == "42601"
    with pytest.raises(pyodbc.DataError) as info:
        run(cur, "SELECT 1 / 0")
    assert info.value.args[0] == "22012"
    with pytest.raises(pyodbc.DataError) as info:
        run(cur, "SELECT 1 / ?", 0)
    assert info.value.args[0] == "22012"
    with pytest.raises(pyodbc.ProgrammingError) as info:
        cur.execute(f"SELECT no_such_column FROM {t}")
    assert info.value.args[0] == "42703"
    with pytest.raises(pyodbc.DataError) as info:
        run(cur, "SELECT CAST(? AS INTEGER)", "not a number")
    assert info.value.args[0] == "22P02"
    # The connection and the cursor are still usable.
    assert cur.execute("SELECT CAST(? AS INTEGER) + 1", 5).fetchone()[0] == 6


# ---------------------------------------------------------------------------------- catalog


@pytest.fixture
def meta(con, drop):
    t = unique("meta")
    drop("VIEW", f"{t}_v")
    drop("TABLE", t)
    cur = con.cursor()
    cur.execute(f"""CREATE TABLE {t} (
        id INTEGER NOT NULL, code CHAR(3), name VARCHAR(40) NOT NULL, amount DECIMAL(12,4), qty SMALLINT,
        total BIGINT, r REAL, dp DOUBLE PRECISION, flag BOOLEAN, d DATE, ts TIMESTAMP,
        PRIMARY KEY (id)) DISTKEY(id) COMPOUND SORTKEY(d, id)""")
    cur.execute(f"CREATE VIEW {t}_v AS SELECT id, name FROM {t}")
    cur.execute(f"INSERT INTO {t} (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    return t


def test_tables(con, meta):
    cur = con.cursor()
    database = scalar(con, "SELECT current_database()")
    rows = cur.tables(table=meta).fetchall()
    assert [tuple(r) for r in rows] == [(database, "public", meta, "TABLE", None)]
    assert [d[0] for d in cur.description] == ["table_cat", "table_schem", "table_name", "table_type", "remarks"]
    assert [r.table_name for r in cur.tables(table=meta, tableType="TABLE").fetchall()] == [meta]
    assert cur.tables(table=meta, tableType="VIEW").fetchall() == []
    assert [r.table_name for r in cur.tables(table=meta, tableType="'VIEW','TABLE'").fetchall()] == [meta]
    # Patterns; TABLE rows come before VIEW rows (ordered by TABLE_TYPE, then the names).
    rows = cur.tables(table=f"{meta}%", schema="public").fetchall()
    assert [(r.table_name, r.table_type) for r in rows] == [(meta, "TABLE"), (f"{meta}_v", "VIEW")]
    assert [r.table_name for r in cur.tables(table=meta.upper()).fetchall()] == [], "patterns are case-sensitive"
    assert cur.tables(catalog=database, schema="public", table=meta).fetchall()[0].table_name == meta
    assert cur.tables(catalog="no_such_catalog", table=meta).fetchall() == []
    assert cur.tables(table="rwodbc_no_such_table_at_all").fetchall() == []
    # Every row TableType='VIEW' gives is a view.
    views = cur.tables(tableType="VIEW").fetchall()
    assert f"{meta}_v" in [r.table_name for r in views] and {r.table_type for r in views} == {"VIEW"}
    # The catalog's own relations are SYSTEM TABLEs.
    system = cur.tables(schema="pg_catalog", table="pg_class").fetchall()
    assert [(r.table_schem, r.table_type) for r in system] == [("pg_catalog", "SYSTEM TABLE")]


def test_tables_special_enumerations(con, meta):
    cur = con.cursor()
    database = scalar(con, "SELECT current_database()")
    # SQL_ALL_CATALOGS
    assert [tuple(r) for r in cur.tables(catalog="%", schema="", table="").fetchall()] == [
        (database, None, None, None, None)]
    # SQL_ALL_SCHEMAS
    rows = cur.tables(catalog="", schema="%", table="").fetchall()
    schemas = [r.table_schem for r in rows]
    assert {"public", "pg_catalog", "information_schema"} <= set(schemas) and schemas == sorted(schemas)
    assert all(r.table_cat is None and r.table_name is None and r.table_type is None for r in rows)
    # SQL_ALL_TABLE_TYPES
    rows = cur.tables(catalog="", schema="", table="", tableType="%").fetchall()
    assert [r.table_type for r in rows] == ["SYSTEM TABLE", "TABLE", "VIEW"]
    assert all(r.table_cat is None and r.table_schem is None and r.table_name is None for r in rows)


def test_search_pattern_escape(con, drop):
    base = unique("esc")
    exact, other = f"{base}_a_b", f"{base}_axb"
    for t in (exact, other):
        drop("TABLE", t)
        con.execute(f"CREATE TABLE {t} (x INT)")
    escape = con.getinfo(pyodbc.SQL_SEARCH_PATTERN_ESCAPE)
    pattern = exact.replace("_", escape + "_")
    assert [r.table_name for r in con.cursor().tables(table=pattern).fetchall()] == [exact]
    assert sorted(r.table_name for r in con.cursor().tables(table=f"{base}_a_b").fetchall()) == sorted([exact, other])
    assert [r.column_name for r in con.cursor().columns(table=pattern, column="x").fetchall()] == ["x"]


def test_columns(con, meta):
    cur = con.cursor()
    rows = cur.columns(table=meta).fetchall()
    got = [(r.column_name, r.data_type, r.type_name, r.column_size, r.buffer_length, r.decimal_digits,
            r.num_prec_radix, r.nullable, r.sql_data_type, r.sql_datetime_sub, r.char_octet_length,
            r.ordinal_position, r.is_nullable) for r in rows]
    assert got == [
        ("id", SQL_INTEGER, "integer", 10, 4, 0, 10, 0, SQL_INTEGER, None, None, 1, "NO"),
        ("code", SQL_CHAR, "char", 3, 3, None, None, 1, SQL_CHAR, None, 3, 2, "YES"),
        ("name", SQL_VARCHAR, "varchar", 40, 40, None, None, 0, SQL_VARCHAR, None, 40, 3, "NO"),
        ("amount", SQL_NUMERIC, "numeric", 12, 14, 4, 10, 1, SQL_NUMERIC, None, None, 4, "YES"),
        ("qty", SQL_SMALLINT, "smallint", 5, 2, 0, 10, 1, SQL_SMALLINT, None, None, 5, "YES"),
        ("total", SQL_BIGINT, "bigint", 19, 8, 0, 10, 1, SQL_BIGINT, None, None, 6, "YES"),
        ("r", SQL_REAL, "real", 24, 4, None, 2, 1, SQL_REAL, None, None, 7, "YES"),
        ("dp", SQL_DOUBLE, "double precision", 53, 8, None, 2, 1, SQL_DOUBLE, None, None, 8, "YES"),
        ("flag", SQL_BIT, "boolean", 1, 1, None, None, 1, SQL_BIT, None, None, 9, "YES"),
        ("d", SQL_TYPE_DATE, "date", 10, 6, None, None, 1, SQL_DATETIME, 1, None, 10, "YES"),
        ("ts", SQL_TYPE_TIMESTAMP, "timestamp", 26, 16, 6, None, 1, SQL_DATETIME, 3, None, 11, "YES"),
    ]
    assert all((r.table_schem, r.table_name) == ("public", meta) for r in rows)
    assert [d[0] for d in cur.description][:5] == ["table_cat", "table_schem", "table_name", "column_name", "data_type"]
    assert [(r.column_name, r.column_size, r.decimal_digits) for r in cur.columns(table=meta, column="amount")] == [
        ("amount", 12, 4)]
    assert [r.column_name for r in cur.columns(table=meta, column="%a%")] == ["name", "amount", "total", "flag"]
    assert [(r.column_name, r.data_type, r.nullable) for r in cur.columns(table=f"{meta}_v")] == [
        ("id", SQL_INTEGER, 1), ("name", SQL_VARCHAR, 1)]

    # A result column is described as SQLColumns describes the table's column.
    cur.execute(f"SELECT * FROM {meta} WHERE 1 = 0")
    described = [(d[0], d[3], d[5]) for d in cur.description]
    assert described == [(r.column_name, r.column_size, r.decimal_digits or 0) for r in rows]


def test_primary_keys_statistics_and_special_columns(con, meta, drop):
    cur = con.cursor()
    database = scalar(con, "SELECT current_database()")
    rows = cur.primaryKeys(meta).fetchall()
    assert [tuple(r)[:5] for r in rows] == [(database, "public", meta, "id", 1)]
    assert [d[0] for d in cur.description] == ["table_cat", "table_schem", "table_name", "column_name", "key_seq",
                                                "pk_name"]
    two = unique("pk2")
    drop("TABLE", two)
    con.execute(f"CREATE TABLE {two} (a INT NOT NULL, b INT NOT NULL, c INT, PRIMARY KEY (b, a))")
    assert [(r.column_name, r.key_seq) for r in cur.primaryKeys(two)] == [("b", 1), ("a", 2)]
    assert cur.primaryKeys(f"{meta}_v").fetchall() == []

    # Redwood has no indexes: the one row is the table's statistics (SQL_TABLE_STAT) with its row count.
    rows = cur.statistics(meta).fetchall()
    assert [(r.table_name, r.type, r.column_name, r.cardinality) for r in rows] == [(meta, 0, None, 3)]
    assert len(cur.statistics(meta, unique=True).fetchall()) == 1

    # SQLSpecialColumns(SQL_BEST_ROWID): the primary key.
    rows = cur.rowIdColumns(meta).fetchall()
    assert [(r.scope, r.column_name, r.data_type, r.type_name, r.column_size, r.buffer_length, r.decimal_digits,
             r.pseudo_column) for r in rows] == [(2, "id", SQL_INTEGER, "integer", 10, 4, 0, 1)]
    assert [r.column_name for r in cur.rowIdColumns(two)] == ["b", "a"]
    assert cur.rowVerColumns(meta).fetchall() == []


def test_foreign_keys_procedures_and_privileges_are_empty_but_well_formed(con, meta):
    cur = con.cursor()
    assert cur.foreignKeys(table=meta).fetchall() == []
    assert [d[0] for d in cur.description] == [
        "pktable_cat", "pktable_schem", "pktable_name", "pkcolumn_name", "fktable_cat", "fktable_schem",
        "fktable_name", "fkcolumn_name", "key_seq", "update_rule", "delete_rule", "fk_name", "pk_name",
        "deferrability"]
    assert cur.foreignKeys(foreignTable=meta).fetchall() == []
    with pytest.raises(pyodbc.Error) as info:
        cur.foreignKeys()
    assert info.value.args[0] == "HY009"
    assert cur.procedures().fetchall() == []
    assert [d[0] for d in cur.description] == ["procedure_cat", "procedure_schem", "procedure_name",
                                                "num_input_params", "num_output_params", "num_result_sets",
                                                "remarks", "procedure_type"]
    assert cur.procedureColumns().fetchall() == []
    assert len(cur.description) == 19
    assert cur.tablePrivileges(table=meta).fetchall() == []
    assert len(cur.description) == 7


def test_get_type_info(con):
    cur = con.cursor()
    rows = cur.getTypeInfo().fetchall()
    assert [d[0] for d in cur.description][:6] == ["type_name", "data_type", "column_size", "literal_prefix",
                                                    "literal_suffix", "create_params"]
    assert len(cur.description) == 19
    types = [(r.type_name, r.data_type) for r in rows]
    data_types = [t for _, t in types]
    assert data_types == sorted(data_types), "ordered by DATA_TYPE"
    assert {("integer", SQL_INTEGER), ("bigint", SQL_BIGINT), ("smallint", SQL_SMALLINT), ("numeric", SQL_NUMERIC),
            ("varchar", SQL_VARCHAR), ("char", SQL_CHAR), ("boolean", SQL_BIT), ("date", SQL_TYPE_DATE),
            ("timestamp", SQL_TYPE_TIMESTAMP), ("real", SQL_REAL), ("double precision", SQL_DOUBLE)} <= set(types)
    by_name = {r.type_name: r for r in rows}
    assert by_name["varchar"].column_size == 65535 and by_name["varchar"].create_params == "length"
    assert by_name["varchar"].literal_prefix == "'" and by_name["varchar"].case_sensitive == 1
    assert by_name["numeric"].column_size == 38 and by_name["numeric"].create_params == "precision,scale"
    assert by_name["numeric"].maximum_scale == 37 and by_name["numeric"].num_prec_radix == 10
    assert by_name["timestamp"].sql_data_type == SQL_DATETIME and by_name["timestamp"].sql_datetime_sub == 3
    assert [r.type_name for r in cur.getTypeInfo(SQL_INTEGER)] == ["integer"]
    assert [r.type_name for r in cur.getTypeInfo(SQL_TYPE_TIMESTAMP)] == ["timestamp", "timestamp with time zone"]
    assert cur.getTypeInfo(-4).fetchall() == []  # SQL_LONGVARBINARY: Redwood has none
    # Every type it lists can be used in a CREATE TABLE.
    for r in rows:
        column = r.type_name + ("(10)" if r.create_params == "length" else "(10,2)" if r.create_params else "")
        con.execute(f"SELECT CAST(NULL AS {column})")


# ------------------------------------------------- SQLGetInfo claims against Redwood's behaviour


def test_catalog_schema_and_quoting_claims(con, meta):
    cur = con.cursor()
    database = scalar(con, "SELECT current_database()")
    q = con.getinfo(pyodbc.SQL_IDENTIFIER_QUOTE_CHAR)
    sep = con.getinfo(pyodbc.SQL_CATALOG_NAME_SEPARATOR)
    assert cur.execute(f"SELECT count({q}id{q}) FROM {q}public{q}.{q}{meta}{q}").fetchone()[0] == 3
    if con.getinfo(pyodbc.SQL_SCHEMA_USAGE) & 1:  # SQL_SU_DML_STATEMENTS
        assert cur.execute(f"SELECT count(*) FROM public.{meta}").fetchone()[0] == 3
    if con.getinfo(pyodbc.SQL_CATALOG_USAGE) & 1:  # SQL_CU_DML_STATEMENTS: Power Query writes "db"."schema"."t"
        assert con.getinfo(pyodbc.SQL_CATALOG_LOCATION) == 1  # SQL_CL_START
        assert cur.execute(f'SELECT count(*) FROM {q}{database}{q}{sep}{q}public{q}.{q}{meta}{q}').fetchone()[0] == 3
    if yes(con.getinfo(pyodbc.SQL_COLUMN_ALIAS)):
        assert cur.execute("SELECT 1 AS one").description[0][0] == "one"
    if not yes(con.getinfo(pyodbc.SQL_ORDER_BY_COLUMNS_IN_SELECT)):
        assert [r[0] for r in cur.execute(f"SELECT name FROM {meta} ORDER BY id DESC")] == ["c", "b", "a"]
    if yes(con.getinfo(pyodbc.SQL_EXPRESSIONS_IN_ORDERBY)):
        assert [r[0] for r in cur.execute(f"SELECT id FROM {meta} ORDER BY -id")] == [3, 2, 1]
    length = con.getinfo(pyodbc.SQL_MAX_IDENTIFIER_LEN)
    long_name = ("rwodbc_long_" + "x" * length)[:length]
    try:
        cur.execute(f"CREATE TABLE {long_name} (x INT)")
        assert [r.table_name for r in cur.tables(table=long_name)] == [long_name]
    finally:
        cur.execute(f"DROP TABLE IF EXISTS {long_name}")


def test_null_and_concat_claims(con):
    cur = con.cursor()
    collation = con.getinfo(pyodbc.SQL_NULL_COLLATION)
    sql = "SELECT x FROM (SELECT 1 AS x UNION ALL SELECT CAST(NULL AS INT) UNION ALL SELECT 2) s ORDER BY x"
    asc = [r[0] for r in cur.execute(sql)]
    desc = [r[0] for r in cur.execute(sql + " DESC")]
    expected = {0: ([1, 2, None], [None, 2, 1]),   # SQL_NC_HIGH
                1: ([None, 1, 2], [2, 1, None]),   # SQL_NC_LOW
                2: ([None, 1, 2], [None, 2, 1]),   # SQL_NC_START
                4: ([1, 2, None], [2, 1, None])}   # SQL_NC_END
    assert (asc, desc) == expected[collation], f"SQL_NULL_COLLATION={collation}"
    concat = cur.execute("SELECT 'a' || CAST(NULL AS VARCHAR)").fetchone()[0]
    # SQL_CB_NULL (0): the result is NULL; SQL_CB_NON_NULL (1): the non-NULL operands.
    assert concat == {0: None, 1: "a"}[con.getinfo(pyodbc.SQL_CONCAT_NULL_BEHAVIOR)]


def test_escape_sequences(con, drop):
    """ODBC's escape sequences for literals, outer joins and LIKE escapes ({d}, {t}, {ts}, {oj}, {escape})."""
    cur = con.cursor()
    assert cur.execute("SELECT {d '2024-02-29'}").fetchone()[0] == datetime.date(2024, 2, 29)
    assert cur.execute("SELECT {ts '2024-01-31 12:30:45.5'}").fetchone()[0] == \
        datetime.datetime(2024, 1, 31, 12, 30, 45, 500000)
    assert cur.execute("SELECT {t '13:45:30'}").fetchone()[0] == datetime.time(13, 45, 30)
    a, b = unique("oj_a"), unique("oj_b")
    drop("TABLE", a)
    drop("TABLE", b)
    cur.execute(f"CREATE TABLE {a} (id INT)")
    cur.execute(f"CREATE TABLE {b} (id INT, v VARCHAR(5))")
    cur.execute(f"INSERT INTO {a} VALUES (1), (2)")
    cur.execute(f"INSERT INTO {b} VALUES (1, 'x')")
    if con.getinfo(pyodbc.SQL_OJ_CAPABILITIES) & 1:  # SQL_OJ_LEFT
        rows = cur.execute(f"SELECT {a}.id, {b}.v FROM {{oj {a} LEFT OUTER JOIN {b} ON {a}.id = {b}.id}} "
                           f"ORDER BY 1").fetchall()
        assert [tuple(r) for r in rows] == [(1, "x"), (2, None)]
    if yes(con.getinfo(pyodbc.SQL_LIKE_ESCAPE_CLAUSE)):
        rows = cur.execute("SELECT s FROM (SELECT 'a_b' AS s UNION ALL SELECT 'axb') t "
                           "WHERE s LIKE 'a\\_b' {escape '\\'}").fetchall()
        assert [r[0] for r in rows] == ["a_b"]


TS = "{ts '2024-02-29 13:45:30'}"
# (SQLGetInfo type, bit, {fn …} expression, expected value): ODBC's scalar functions (appendix E).
SCALAR_FUNCTIONS = [
    ("SQL_STRING_FUNCTIONS", 0x1, "CONCAT('ab', 'cd')", "abcd"),
    ("SQL_STRING_FUNCTIONS", 0x2, "INSERT('abcdef', 2, 3, 'XY')", "aXYef"),
    ("SQL_STRING_FUNCTIONS", 0x4, "LEFT('abcdef', 2)", "ab"),
    ("SQL_STRING_FUNCTIONS", 0x8, "LTRIM('  ab')", "ab"),
    ("SQL_STRING_FUNCTIONS", 0x10, "LENGTH('abc')", 3),
    ("SQL_STRING_FUNCTIONS", 0x10, "LENGTH('abc  ')", 3),  # without trailing blanks
    ("SQL_STRING_FUNCTIONS", 0x20, "LOCATE('cd', 'abcdcd')", 3),
    ("SQL_STRING_FUNCTIONS", 0x40, "LCASE('AbC')", "abc"),
    ("SQL_STRING_FUNCTIONS", 0x80, "REPEAT('ab', 3)", "ababab"),
    ("SQL_STRING_FUNCTIONS", 0x100, "REPLACE('abcabc', 'b', 'x')", "axcaxc"),
    ("SQL_STRING_FUNCTIONS", 0x200, "RIGHT('abcdef', 2)", "ef"),
    ("SQL_STRING_FUNCTIONS", 0x400, "RTRIM('ab  ')", "ab"),
    ("SQL_STRING_FUNCTIONS", 0x800, "SUBSTRING('abcdef', 2, 3)", "bcd"),
    ("SQL_STRING_FUNCTIONS", 0x1000, "UCASE('abc')", "ABC"),
    ("SQL_STRING_FUNCTIONS", 0x2000, "ASCII('A')", 65),
    ("SQL_STRING_FUNCTIONS", 0x4000, "CHAR(65)", "A"),
    ("SQL_STRING_FUNCTIONS", 0x8000, "DIFFERENCE('Robert', 'Rupert')", 4),
    ("SQL_STRING_FUNCTIONS", 0x10000, "LOCATE('cd', 'abcdcd', 4)", 5),
    ("SQL_STRING_FUNCTIONS", 0x20000, "SOUNDEX('Robert')", "R163"),
    ("SQL_STRING_FUNCTIONS", 0x40000, "SPACE(3)", "   "),
    ("SQL_STRING_FUNCTIONS", 0x80000, "BIT_LENGTH('ab')", 16),
    ("SQL_STRING_FUNCTIONS", 0x100000, "CHAR_LENGTH('abc')", 3),
    ("SQL_STRING_FUNCTIONS", 0x200000, "CHARACTER_LENGTH('abc')", 3),
    ("SQL_STRING_FUNCTIONS", 0x400000, "OCTET_LENGTH('ab')", 2),
    ("SQL_STRING_FUNCTIONS", 0x800000, "POSITION('cd' IN 'abcd')", 3),
    ("SQL_NUMERIC_FUNCTIONS", 0x1, "ABS(-2)", 2),
    ("SQL_NUMERIC_FUNCTIONS", 0x2, "ACOS(1)", 0.0),
    ("SQL_NUMERIC_FUNCTIONS", 0x4, "ASIN(0)", 0.0),
    ("SQL_NUMERIC_FUNCTIONS", 0x8, "ATAN(0)", 0.0),
    ("SQL_NUMERIC_FUNCTIONS", 0x10, "ATAN2(1, 1)", 0.7853981633974483),
    ("SQL_NUMERIC_FUNCTIONS", 0x20, "CEILING(1.2)", 2),
    ("SQL_NUMERIC_FUNCTIONS", 0x40, "COS(0)", 1.0),
    ("SQL_NUMERIC_FUNCTIONS", 0x80, "COT(1)", 0.6420926159343306),
    ("SQL_NUMERIC_FUNCTIONS", 0x100, "EXP(0)", 1.0),
    ("SQL_NUMERIC_FUNCTIONS", 0x200, "FLOOR(1.8)", 1),
    ("SQL_NUMERIC_FUNCTIONS", 0x400, "LOG(EXP(1))", 1.0),  # natural logarithm in ODBC
    ("SQL_NUMERIC_FUNCTIONS", 0x800, "MOD(7, 3)", 1),
    ("SQL_NUMERIC_FUNCTIONS", 0x1000, "SIGN(-5)", -1),
    ("SQL_NUMERIC_FUNCTIONS", 0x2000, "SIN(0)", 0.0),
    ("SQL_NUMERIC_FUNCTIONS", 0x4000, "SQRT(16)", 4.0),
    ("SQL_NUMERIC_FUNCTIONS", 0x8000, "TAN(0)", 0.0),
    ("SQL_NUMERIC_FUNCTIONS", 0x10000, "PI()", 3.141592653589793),
    ("SQL_NUMERIC_FUNCTIONS", 0x20000, "RAND(1)", "0<=x<1"),
    ("SQL_NUMERIC_FUNCTIONS", 0x40000, "DEGREES(PI())", 180.0),
    ("SQL_NUMERIC_FUNCTIONS", 0x80000, "LOG10(100)", 2.0),
    ("SQL_NUMERIC_FUNCTIONS", 0x100000, "POWER(2, 10)", 1024),
    ("SQL_NUMERIC_FUNCTIONS", 0x200000, "RADIANS(180)", 3.141592653589793),
    ("SQL_NUMERIC_FUNCTIONS", 0x400000, "ROUND(2.567, 2)", Decimal("2.57")),
    ("SQL_NUMERIC_FUNCTIONS", 0x800000, "TRUNCATE(2.567, 2)", Decimal("2.56")),
    ("SQL_TIMEDATE_FUNCTIONS", 0x1, "NOW()", datetime.datetime),
    ("SQL_TIMEDATE_FUNCTIONS", 0x2, "CURDATE()", datetime.date),
    ("SQL_TIMEDATE_FUNCTIONS", 0x4, f"DAYOFMONTH({TS})", 29),
    ("SQL_TIMEDATE_FUNCTIONS", 0x8, f"DAYOFWEEK({TS})", 5),  # Sunday is 1
    ("SQL_TIMEDATE_FUNCTIONS", 0x10, f"DAYOFYEAR({TS})", 60),
    ("SQL_TIMEDATE_FUNCTIONS", 0x20, f"MONTH({TS})", 2),
    ("SQL_TIMEDATE_FUNCTIONS", 0x40, f"QUARTER({TS})", 1),
    ("SQL_TIMEDATE_FUNCTIONS", 0x80, f"WEEK({TS})", 9),
    ("SQL_TIMEDATE_FUNCTIONS", 0x100, f"YEAR({TS})", 2024),
    ("SQL_TIMEDATE_FUNCTIONS", 0x200, "CURTIME()", datetime.time),
    ("SQL_TIMEDATE_FUNCTIONS", 0x400, f"HOUR({TS})", 13),
    ("SQL_TIMEDATE_FUNCTIONS", 0x800, f"MINUTE({TS})", 45),
    ("SQL_TIMEDATE_FUNCTIONS", 0x1000, f"SECOND({TS})", 30),
    ("SQL_TIMEDATE_FUNCTIONS", 0x2000, f"TIMESTAMPADD(SQL_TSI_DAY, 1, {TS})", datetime.datetime(2024, 3, 1, 13, 45, 30)),
    ("SQL_TIMEDATE_FUNCTIONS", 0x4000, "TIMESTAMPDIFF(SQL_TSI_DAY, {d '2024-01-01'}, {d '2024-03-01'})", 60),
    ("SQL_TIMEDATE_FUNCTIONS", 0x8000, f"DAYNAME({TS})", "Thursday"),
    ("SQL_TIMEDATE_FUNCTIONS", 0x10000, f"MONTHNAME({TS})", "February"),
    ("SQL_TIMEDATE_FUNCTIONS", 0x20000, "CURRENT_DATE()", datetime.date),
    ("SQL_TIMEDATE_FUNCTIONS", 0x40000, "CURRENT_TIME()", datetime.time),
    ("SQL_TIMEDATE_FUNCTIONS", 0x80000, "CURRENT_TIMESTAMP()", datetime.datetime),
    ("SQL_TIMEDATE_FUNCTIONS", 0x100000, f"EXTRACT(YEAR FROM {TS})", 2024),
    ("SQL_SYSTEM_FUNCTIONS", 0x1, "USER()", "current_user"),
    ("SQL_SYSTEM_FUNCTIONS", 0x2, "DATABASE()", "current_database"),
    ("SQL_SYSTEM_FUNCTIONS", 0x4, "IFNULL(NULL, 3)", 3),
    ("SQL_CONVERT_FUNCTIONS", 0x1, "CONVERT(123, SQL_VARCHAR)", "123"),
]


def _matches(got, expected, con):
    if isinstance(expected, type):
        return isinstance(got, expected)
    if expected == "0<=x<1":
        return 0 <= float(got) < 1
    if expected == "current_user":
        return got == scalar(con, "SELECT current_user")
    if expected == "current_database":
        return got == scalar(con, "SELECT current_database()")
    if isinstance(expected, float):
        return abs(float(got) - expected) < 1e-9
    if isinstance(expected, Decimal):
        return Decimal(str(got)) == expected
    if isinstance(expected, str):
        return str(got).rstrip() == expected.rstrip() if expected.strip() else got == expected
    return got == expected


def test_claimed_scalar_functions_work(target, con):
    """Every {fn …} function SQLGetInfo claims (string, numeric, time/date, system, CONVERT) gives
    ODBC's answer: Tableau and Excel generate these escapes when the driver says it has them."""
    failures = []
    masks = {}
    for info, bit, expression, expected in SCALAR_FUNCTIONS:
        mask = masks.setdefault(info, con.getinfo(getattr(pyodbc, info)))
        if not mask & bit:
            continue
        try:
            got = con.cursor().execute(f"SELECT {{fn {expression}}}").fetchone()[0]
        except pyodbc.Error as e:
            failures.append(f"{info} claims {{fn {expression}}}: {e.args[0]} {e.args[1][:120]}")
            continue
        if not _matches(got, expected, con):
            failures.append(f"{info} claims {{fn {expression}}}: got {got!r}, ODBC says {expected!r}")
    assert not failures, f"{len(failures)} claimed scalar functions fail:\n" + "\n".join(failures)


# ------------------------------------------------------------------------------ isql / iusql


def _isql_env(tmp_path, target):
    dsn = "rw_isql"
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.update(od.write_ini_files(tmp_path / "ini", DRIVER, {dsn: target.attrs}))
    return dsn, env


@pytest.mark.parametrize("program", ["isql", "iusql"])
def test_isql_batch_scripts(target, tmp_path, program):
    if shutil.which(program) is None:
        pytest.skip(f"{program} (unixodbc) is not installed")
    dsn, env = _isql_env(tmp_path, target)
    t = unique("isql")
    script = "\n".join([
        f"CREATE TABLE {t} (id INT, name VARCHAR(20))",
        f"INSERT INTO {t} VALUES (1, 'héllo'), (2, NULL), (3, 'three')",
        f"SELECT id, name FROM {t} ORDER BY id",
        "SELECT * FROM rwodbc_isql_missing_table",
        f"SELECT count(*) AS n FROM {t}",
        f"DROP TABLE {t}",
    ]) + "\n"
    result = subprocess.run([program, "-b", "-v", dsn], input=script, capture_output=True, text=True, env=env,
                            timeout=300)
    out = result.stdout
    assert "SQLRowCount returns 3" in out, out + result.stderr
    lines = [line.strip() for line in out.splitlines()]
    header = next(i for i, line in enumerate(lines) if re.fullmatch(r"\|\s*id\s*\|\s*name\s*\|", line))
    rows = [re.split(r"\s*\|\s*", line.strip("|").strip()) for line in lines[header + 1:header + 10]
            if line.startswith("|")]
    assert rows[:3] == [["1", "héllo"], ["2", ""], ["3", "three"]], out
    assert "3 rows fetched" in out
    assert re.search(r"\|\s*n\s*\|", out) and re.search(r"\|\s*3\s*\|", out)
    error = out + result.stderr
    assert "rwodbc_isql_missing_table" in error
    if program == "isql":
        assert "[42P01]" in error


def test_isql_with_a_connection_string(target, tmp_path):
    if shutil.which("isql") is None:
        pytest.skip("isql (unixodbc) is not installed")
    _, env = _isql_env(tmp_path, target)
    cs = od.connection_string(target.attrs, "Redwood")
    result = subprocess.run(["isql", "-b", "-v", "-k", cs], input="SELECT 6 * 7 AS answer\n", capture_output=True,
                            text=True, env=env, timeout=300)
    assert re.search(r"\|\s*answer\s*\|", result.stdout) and re.search(r"\|\s*42\s*\|", result.stdout), \
        result.stdout + result.stderr


# ---------------------------------------------------------------------------------- valgrind

VALGRIND_SCRIPT = textwrap.dedent("""
    import sys
    import pyodbc
    con = pyodbc.connect(sys.argv[1], autocommit=True)
    cur = con.cursor()
    cur.execute("CREATE TABLE vg (id INT, name VARCHAR(10), amount DECIMAL(8,2))")
    cur.execute("INSERT INTO vg VALUES (?, ?, ?)", 1, "héllo", 12.5)
    cur.fast_executemany = True
    cur.executemany("INSERT INTO vg VALUES (?, ?, ?)", [(2, "b", 1), (3, None, None)])
    row = cur.execute("SELECT name, amount FROM vg WHERE id = ?", 1).fetchone()
    assert (row[0], float(row[1])) == ("héllo", 12.5), row
    assert cur.execute("SELECT repeat('é', 5000)").fetchone()[0] == "é" * 5000
    assert [r.table_name for r in cur.tables(table="vg")] == ["vg"]
    assert [r.column_name for r in cur.columns(table="vg")] == ["id", "name", "amount"]
    try:
        cur.execute("SELECT * FROM missing_table")
        raise SystemExit("no error")
    except pyodbc.ProgrammingError as e:
        assert e.args[0] == "42P01", e.args
    maps = open("/proc/self/maps").read()
    assert "libredwoododbc" in maps and "vgpreload" in maps, "not the driver under valgrind"
    cur.close()
    con.close()
    print("ok")
""")

# Memory errors that are bugs wherever they happen; reported only when a frame is in the driver.
MEMORY_ERROR_KINDS = {"InvalidRead", "InvalidWrite", "InvalidFree", "MismatchedFree", "InvalidMemPool",
                      "Overlap", "FishyValue"}


def test_no_invalid_memory_accesses_under_valgrind(tmp_path):
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed")
    script = tmp_path / "session.py"
    script.write_text(VALGRIND_SCRIPT)
    xml = tmp_path / "valgrind.xml"
    env = dict(os.environ, PYTHONMALLOC="malloc", LANG="C.UTF-8")
    command = ["valgrind", "--tool=memcheck", "--xml=yes", f"--xml-file={xml}", "--leak-check=no",
               "--undef-value-errors=no", "--num-callers=50", "--error-limit=no", "--trace-children=yes",
               sys.executable, str(script),
               od.connection_string(od.embedded_attrs(":memory:"), DRIVER)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3000)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr[-5000:]
    ours = []
    for error in ET.parse(xml).getroot().iter("error"):
        kind = error.findtext("kind")
        frames = [(f.findtext("obj") or "", f.findtext("fn") or "?", f.findtext("file") or "", f.findtext("line") or "")
                  for f in error.iter("frame")]
        if kind in MEMORY_ERROR_KINDS and any("libredwoododbc" in obj for obj, *_ in frames):
            what = error.findtext("what") or (error.find("xwhat").findtext("text") if error.find("xwhat") is not None
                                              else "")
            stack = "\n    ".join(f"{fn} ({os.path.basename(obj)} {file}:{line})" for obj, fn, file, line in frames[:15])
            ours.append(f"{kind}: {what}\n    {stack}")
    assert not ours, "memory errors in libredwoododbc.so:\n" + "\n".join(ours)


def test_privilege_matrix(target):
    """tests/clients/privilege_matrix.py through the driver: remote, each user logs in; embedded,
    the session switches users with SET SESSION AUTHORIZATION."""
    from privilege_matrix import PASSWORD, USERS, check_matrix, setup_statements
    admin = connect(target)
    if admin.execute("SELECT count(*) FROM pg_user WHERE usename = ?", USERS[0]).fetchone()[0] == 0:
        for sql in setup_statements():
            admin.execute(sql)

    def outcome(con, sql):
        try:
            con.execute(sql)
            return None
        except pyodbc.Error as e:
            return e.args[0]

    if target.kind == "remote":
        def run(user, sql):
            attrs = od.remote_attrs(target.server, UID=user, PWD=PASSWORD)
            with pyodbc.connect(od.connection_string(attrs, DRIVER), autocommit=True) as con:
                return outcome(con, sql)
    else:
        def run(user, sql):
            admin.execute(f"SET SESSION AUTHORIZATION {user}")
            try:
                return outcome(admin, sql)
            finally:
                admin.execute("RESET SESSION AUTHORIZATION")
    check_matrix(run)
    admin.close()
