"""PEP 249 behaviour, embedded and remote: types both ways, fetching, parameters, transactions,
errors as the right exceptions, cancel."""

import datetime
import decimal
import signal
import threading
import time

import pytest

import redwood

SLOW = "SELECT sum(value) FROM generate_series(1, 20000000000)"


def test_module_interface():
    assert (redwood.apilevel, redwood.threadsafety, redwood.paramstyle) == ("2.0", 1, "pyformat")
    assert issubclass(redwood.ProgrammingError, redwood.DatabaseError)
    assert issubclass(redwood.DatabaseError, redwood.Error)
    assert issubclass(redwood.InterfaceError, redwood.Error)
    assert issubclass(redwood.Error, Exception)
    assert redwood.Connection.ProgrammingError is redwood.ProgrammingError
    assert redwood.NUMBER == 23 and redwood.STRING == 1043 and redwood.DATETIME == 1184
    assert redwood.NUMBER != 1043


def test_every_type_round_trips_through_parameters(con, table):
    cur = con.cursor()
    cur.execute(f"""CREATE TABLE {table} (id INT, small SMALLINT, big BIGINT, amount DECIMAL(12,2),
                    ratio REAL, score DOUBLE PRECISION, name VARCHAR(20), code CHAR(3), flag BOOLEAN,
                    day DATE, created TIMESTAMP, stamped TIMESTAMPTZ) DISTKEY(id)""")
    utc = datetime.timezone.utc
    row = (1, -2, 10_000_000_000, decimal.Decimal("-12.50"), 0.5, 2.25, "ann ☃", "abc", True,
           datetime.date(2024, 2, 29), datetime.datetime(2024, 1, 1, 12, 34, 56, 789000),
           datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))))
    cur.execute(f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", row)
    assert cur.rowcount == 1
    cur.execute(f"INSERT INTO {table} (id) VALUES (%s)", (2,))
    cur.execute(f"SELECT * FROM {table} ORDER BY id")
    got = cur.fetchall()
    assert got[0][:11] == row[:11]
    assert got[0][11] == datetime.datetime(2024, 1, 1, 10, 0, tzinfo=utc)
    assert got[1] == (2,) + (None,) * 11
    assert [type(v) for v in got[0]] == [int, int, int, decimal.Decimal, float, float, str, str, bool,
                                         datetime.date, datetime.datetime, datetime.datetime]
    names = [d[0] for d in cur.description]
    assert names == ["id", "small", "big", "amount", "ratio", "score", "name", "code", "flag", "day", "created", "stamped"]
    codes = {d[0]: d[1] for d in cur.description}
    assert codes["id"] == redwood.NUMBER and codes["name"] == redwood.STRING and codes["day"] == redwood.DATETIME
    amount = cur.description[3]
    assert (amount[4], amount[5]) == (12, 2)
    assert cur.description[6][3] == 20  # VARCHAR(20)


def test_computed_values_and_wide_integers(con):
    cur = con.cursor()
    assert cur.execute("SELECT 1 + 1, 'x' || 'y', NULL, 2.5::float8, TRUE").fetchone() == (2, "xy", None, 2.5, True)
    assert cur.execute("SELECT %s::numeric(38,0)", (10**30,)).fetchone() == (decimal.Decimal(10**30),)
    assert cur.execute("SELECT %s::time", (datetime.time(1, 2, 3),)).fetchone() == (datetime.time(1, 2, 3),)
    assert cur.execute("SELECT INTERVAL '1 day 2 hours'").fetchone() == (datetime.timedelta(days=1, hours=2),)


def test_fetch_one_many_all_and_iteration(con):
    cur = con.cursor()
    cur.execute("SELECT value FROM generate_series(1, 20000) ORDER BY value")
    assert cur.fetchone() == (1,)
    assert cur.fetchmany() == [(2,)]
    cur.arraysize = 3
    assert cur.fetchmany() == [(3,), (4,), (5,)]
    assert cur.fetchmany(10000)[-1] == (10005,)
    rest = cur.fetchall()
    assert len(rest) == 9995 and rest[-1] == (20000,)
    assert cur.fetchone() is None and cur.fetchall() == []
    assert [r[0] for r in con.execute("SELECT value FROM generate_series(1, 5) ORDER BY value")] == [1, 2, 3, 4, 5]


def test_parameter_styles(con):
    cur = con.cursor()
    assert cur.execute("SELECT %s, %s", (1, "a")).fetchone() == (1, "a")
    assert cur.execute("SELECT %(x)s, %(y)s, %(x)s", {"x": 1, "y": "b"}).fetchone() == (1, "b", 1)
    assert cur.execute("SELECT $2, $1", ("a", "b")).fetchone() == ("b", "a")
    assert cur.execute("SELECT '%s', 7 %% 4, %s", (5,)).fetchone() == ("%s", 3, 5)
    assert cur.execute("SELECT '100%'").fetchone() == ("100%",)  # no parameters: no % processing
    with pytest.raises(redwood.ProgrammingError, match="%%"):
        cur.execute("SELECT 7 % 4, %s", (1,))
    with pytest.raises(redwood.ProgrammingError, match="no value for the parameter"):
        cur.execute("SELECT %(x)s", {"y": 1})


def test_rowcount_and_executemany(con, table):
    cur = con.cursor()
    cur.execute(f"CREATE TABLE {table} (id INT, v VARCHAR(10))")
    assert cur.rowcount == -1
    cur.executemany(f"INSERT INTO {table} VALUES (%s, %s)", [(i, f"v{i}") for i in range(10)])
    assert cur.rowcount == 10
    cur.execute(f"UPDATE {table} SET v = 'x' WHERE id < %s", (4,))
    assert cur.rowcount == 4
    cur.execute(f"DELETE FROM {table} WHERE id >= 8")
    assert cur.rowcount == 2
    assert cur.execute(f"SELECT count(*) FROM {table}").fetchone() == (8,)
    with pytest.raises(redwood.ProgrammingError, match="no results"):
        cur.execute(f"DELETE FROM {table} WHERE id = 0").fetchone()


def test_transactions_commit_and_roll_back(target, table):
    with redwood.connect(target) as a, redwood.connect(target) as b:
        a.execute(f"CREATE TABLE {table} (id INT)")
        a.commit()
        a.execute(f"INSERT INTO {table} VALUES (1)")
        assert b.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        b.rollback()
        a.commit()
        assert b.execute(f"SELECT count(*) FROM {table}").fetchone() == (1,)
        a.execute(f"INSERT INTO {table} VALUES (2)")
        a.rollback()
        b.rollback()
        assert b.execute(f"SELECT count(*) FROM {table}").fetchone() == (1,)
        with pytest.raises(redwood.DataError):
            a.execute("SELECT 1 / 0").fetchall()
        with pytest.raises(redwood.InternalError) as failed:
            a.execute("SELECT 1")
        assert failed.value.sqlstate == "25P02"
        a.rollback()
        assert a.execute("SELECT 1").fetchone() == (1,)
    auto = redwood.connect(target, autocommit=True)
    auto.execute(f"INSERT INTO {table} VALUES (3)")
    with redwood.connect(target) as other:
        assert other.execute(f"SELECT count(*) FROM {table}").fetchone() == (2,)
    auto.execute(f"DROP TABLE {table}")
    auto.close()


def test_errors_are_pep249_exceptions_with_sqlstates(con, table):
    cur = con.cursor()
    cases = [
        ("SELEC 1", redwood.ProgrammingError, "42601"),
        ("SELECT * FROM no_such_table", redwood.ProgrammingError, "42P01"),
        ("SELECT 1 / 0", redwood.DataError, "22012"),
        ("SELECT CAST('x' AS INT)", redwood.DataError, "22P02"),
    ]
    for sql, kind, sqlstate in cases:
        with pytest.raises(kind) as raised:
            cur.execute(sql).fetchall()
        assert raised.value.sqlstate == sqlstate, sql
        con.rollback()
    cur.execute(f"CREATE TABLE {table} (id INT NOT NULL)")
    with pytest.raises(redwood.IntegrityError) as raised:
        cur.execute(f"INSERT INTO {table} VALUES (NULL)")
    assert raised.value.sqlstate == "23502"
    con.rollback()
    with pytest.raises(redwood.ProgrammingError, match="2 parameters, but 1 value"):
        cur.execute("SELECT %s, %s", (1,))
    with pytest.raises(redwood.NotSupportedError, match="cannot bind a value of type object"):
        cur.execute("SELECT %s", (object(),))
    with pytest.raises(redwood.ProgrammingError, match="sequence or a mapping"):
        cur.execute("SELECT %s", "a")
    assert cur.execute("SELECT 1").fetchone() == (1,), "the connection works after errors"


def test_closed_connections_and_cursors_raise_interface_error(target):
    con = redwood.connect(target)
    cur = con.cursor()
    cur.close()
    with pytest.raises(redwood.InterfaceError, match="cursor is closed"):
        cur.execute("SELECT 1")
    cur = con.cursor()
    con.close()
    con.close()  # twice is fine
    for call in [lambda: cur.execute("SELECT 1"), con.cursor, con.commit]:
        with pytest.raises(redwood.InterfaceError, match="connection is closed"):
            call()


def test_bad_targets():
    with pytest.raises(redwood.ProgrammingError, match="unknown URL scheme"):
        redwood.connect("mysql://h/db")
    with pytest.raises(redwood.ProgrammingError, match="invalid sslmode"):
        redwood.connect("redwood://u:p@127.0.0.1/dev?sslmode=maybe")
    started = time.monotonic()
    with pytest.raises(redwood.OperationalError) as raised:
        redwood.connect("redwood://u:p@127.0.0.1:1/dev")
    assert raised.value.sqlstate == "08001"
    assert time.monotonic() - started < 15


def test_a_directory_is_shared_by_connections_in_one_process(tmp_path):
    path = str(tmp_path / "shared")
    with redwood.connect(path) as a, redwood.connect(path) as b:
        a.execute("CREATE TABLE s (id INT)")
        a.commit()
        assert b.execute("SELECT count(*) FROM s").fetchone() == (0,)
    with redwood.connect(path) as again:  # reopened from disk once both closed
        assert again.execute("SELECT count(*) FROM s").fetchone() == (0,)


def test_cancel_from_another_thread(con):
    timer = threading.Timer(0.5, con.cancel)
    timer.start()
    started = time.monotonic()
    with pytest.raises(redwood.OperationalError) as raised:
        con.execute(SLOW).fetchall()
    timer.join()
    assert raised.value.sqlstate == "57014"
    assert time.monotonic() - started < 20
    con.rollback()
    assert con.execute("SELECT 1").fetchone() == (1,)


def test_ctrl_c_cancels_the_running_query(con):
    """SIGINT while a query runs (the GIL is released meanwhile) raises KeyboardInterrupt at once
    and leaves the connection usable."""
    timer = threading.Timer(0.5, signal.raise_signal, (signal.SIGINT,))
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        con.execute(SLOW).fetchall()
    timer.join()
    assert time.monotonic() - started < 20
    con.rollback()
    assert con.execute("SELECT 2").fetchone() == (2,)
