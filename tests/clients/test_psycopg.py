"""psycopg 3 against `redwood serve`: parameters, types in text and binary, transactions, errors,
cancel, and many connections at once."""

import datetime
import threading
import time
from decimal import Decimal

import psycopg
import pytest


def connect(server, **kw):
    return psycopg.connect(server.dsn(), **kw)


def test_startup_parameters(server):
    with connect(server) as con:
        assert con.info.parameter_status("server_version") == "8.0.2"
        assert con.info.parameter_status("client_encoding") == "UTF8"
        assert con.info.parameter_status("DateStyle") == "ISO, MDY"
        assert con.info.parameter_status("integer_datetimes") == "on"
        assert con.info.parameter_status("standard_conforming_strings") == "on"
        assert con.info.parameter_status("is_superuser") == "on"
        assert con.info.backend_pid > 0
        cur = con.execute("SHOW DateStyle")
        assert cur.description[0].name == "DateStyle" and cur.fetchone() == ("ISO, MDY",)
        version = con.execute("SELECT version()").fetchone()[0]
        assert version.startswith("PostgreSQL 8.0.2 on x86_64-pc-linux-gnu") and "Redshift 1.0." in version


def test_parameters_and_rowcount(server):
    with connect(server) as con:
        con.execute("CREATE TABLE params_t (id INT, name VARCHAR(20), price DECIMAL(10,2)) DISTKEY(id)")
        with con.cursor() as cur:
            cur.executemany("INSERT INTO params_t VALUES (%s, %s, %s)",
                            [(1, "one", Decimal("1.50")), (2, "two", Decimal("2.25")), (3, None, None)])
            cur.execute("SELECT name, price FROM params_t WHERE id = %s", (2,))
            assert cur.fetchall() == [("two", Decimal("2.25"))]
            cur.execute("SELECT count(*) FROM params_t WHERE name = %(n)s OR id > %(i)s", {"n": "one", "i": 2})
            assert cur.fetchone() == (2,)
            cur.execute("UPDATE params_t SET price = price * 2 WHERE id <= %s", (2,))
            assert cur.rowcount == 2
        con.commit()


@pytest.mark.parametrize("binary", [False, True])
def test_type_round_trip(server, binary):
    values = {
        "si": 7, "i": -2147483648, "bi": 9007199254740993, "d": Decimal("-12345.678"), "r": 1.5,
        "dp": 0.1, "b": True, "c": "ab", "v": "héllo", "dt": datetime.date(2024, 2, 29),
        "ts": datetime.datetime(2024, 1, 31, 12, 30, 45, 123456),
    }
    with connect(server, autocommit=True) as con:
        table = f"types_{int(binary)}"
        con.execute(f"""CREATE TABLE {table} (si SMALLINT, i INT, bi BIGINT, d DECIMAL(18,3), r REAL,
            dp DOUBLE PRECISION, b BOOLEAN, c CHAR(2), v VARCHAR(10), dt DATE, ts TIMESTAMP)""")
        cols = ", ".join(values)
        con.execute(f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(values))})", list(values.values()))
        con.execute(f"INSERT INTO {table} (i) VALUES (NULL)")
        with con.cursor(binary=binary) as cur:
            cur.execute(f"SELECT {cols} FROM {table} WHERE i IS NOT NULL")
            row = cur.fetchone()
            assert dict(zip(values, row)) == values
            assert [d.name for d in cur.description] == list(values)
            assert cur.description[3].precision == 18 and cur.description[3].scale == 3
            cur.execute(f"SELECT {cols} FROM {table} WHERE i IS NULL")
            assert cur.fetchone() == (None,) * len(values)


def test_transactions(server):
    with connect(server) as con:
        con.execute("CREATE TABLE txn_t (x INT)")
        con.commit()
        con.execute("INSERT INTO txn_t VALUES (1)")
        assert con.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        con.rollback()
        assert con.execute("SELECT count(*) FROM txn_t").fetchone() == (0,)
        con.rollback()
        with pytest.raises(psycopg.errors.DivisionByZero):
            con.execute("SELECT 1 / 0")
        assert con.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            con.execute("SELECT 1")
        con.rollback()
        assert con.execute("SELECT 1").fetchone() == (1,)


def test_errors_carry_sqlstate(server):
    with connect(server, autocommit=True) as con:
        with pytest.raises(psycopg.errors.UndefinedTable) as e:
            con.execute("SELECT * FROM no_such_table")
        assert e.value.sqlstate == "42P01"
        with pytest.raises(psycopg.errors.SyntaxError):
            con.execute("SELEC 1")
        assert con.execute("SELECT 2").fetchone() == (2,)


def test_wrong_password_unknown_user_unknown_database(server):
    # libpq reports startup failures without their SQLSTATE; the codes are checked by the Rust
    # endpoint tests.
    with pytest.raises(psycopg.OperationalError, match='password authentication failed for user "admin"'):
        psycopg.connect(server.dsn(password="Wrong-password-1"))
    with pytest.raises(psycopg.OperationalError, match='user "nobody" does not exist'):
        psycopg.connect(server.dsn(user="nobody"))
    with pytest.raises(psycopg.OperationalError, match='database "nodb" does not exist'):
        psycopg.connect(server.dsn(dbname="nodb"))


def test_users_and_md5_verifier(server):
    with connect(server, autocommit=True) as con:
        con.execute("CREATE USER analyst PASSWORD 'Analyst-pw-1'")
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            con.execute("CREATE USER weak PASSWORD 'short'")
    with psycopg.connect(server.dsn(user="analyst", password="Analyst-pw-1")) as con:
        assert con.info.parameter_status("is_superuser") == "off"
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("CREATE USER other PASSWORD 'Other-pw-1'")
    # IAM:name logs in with temporary credentials only (test_temporary_credentials.py), over TLS.
    with pytest.raises(psycopg.OperationalError, match="temporary credentials"):
        psycopg.connect(server.dsn(user="IAM:analyst", password="Analyst-pw-1"))
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(server.dsn(user="IAM:analyst", password="Analyst-pw-1", sslmode="require"))
    with connect(server, autocommit=True) as con:
        con.execute("ALTER USER analyst PASSWORD DISABLE")
    with pytest.raises(psycopg.OperationalError, match="password authentication is disabled"):
        psycopg.connect(server.dsn(user="analyst", password="Analyst-pw-1"))
    with connect(server, autocommit=True) as con:
        con.execute("DROP USER analyst")


def test_large_result_streams(server):
    with connect(server, autocommit=True) as con:
        con.execute("CREATE TABLE big_t AS SELECT * FROM (VALUES (1)) v(x)")
        for _ in range(15):
            con.execute("INSERT INTO big_t SELECT x + (SELECT max(x) FROM big_t) FROM big_t")
        with con.cursor() as cur:
            cur.execute("SELECT x FROM big_t")
            total = sum(r[0] for r in cur)
        n = 2 ** 15
        assert total == n * (n + 1) // 2


def test_cancel_stops_a_long_query(server):
    with connect(server, autocommit=True) as con:
        con.execute("CREATE TABLE cancel_t AS SELECT * FROM (VALUES (1), (2), (3), (4)) v(x)")
        for _ in range(8):
            con.execute("INSERT INTO cancel_t SELECT * FROM cancel_t")
        timer = threading.Timer(0.5, con.cancel)
        timer.start()
        with pytest.raises(psycopg.errors.QueryCanceled):
            con.execute("SELECT count(*) FROM cancel_t a, cancel_t b, cancel_t c")
        timer.cancel()
        assert con.execute("SELECT 1").fetchone() == (1,)


def test_statement_timeout(server):
    with connect(server, autocommit=True) as con:
        con.execute("CREATE TABLE timeout_t AS SELECT * FROM (VALUES (1), (2), (3), (4)) v(x)")
        for _ in range(8):
            con.execute("INSERT INTO timeout_t SELECT * FROM timeout_t")
        con.execute("SET statement_timeout TO 300")
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled) as failure:
            con.execute("SELECT count(*) FROM timeout_t a, timeout_t b, timeout_t c")
        assert "statement timeout" in str(failure.value)
        assert time.monotonic() - started < 30
        # Quick statements are unaffected; RESET lifts the limit.
        assert con.execute("SELECT count(*) FROM timeout_t").fetchone() == (1024,)
        con.execute("RESET statement_timeout")
        assert con.execute("SHOW statement_timeout").fetchone() == ("0",)


def test_pg_cancel_backend(server):
    with connect(server, autocommit=True) as victim, connect(server, autocommit=True) as other:
        pid = victim.execute("SELECT pg_backend_pid()").fetchone()[0]
        assert pid == victim.info.backend_pid
        victim.execute("CREATE TABLE cancel_backend_t AS SELECT * FROM (VALUES (1), (2), (3), (4)) v(x)")
        for _ in range(8):
            victim.execute("INSERT INTO cancel_backend_t SELECT * FROM cancel_backend_t")
        # Cancelling reaches the statement running at that moment: keep cancelling until the
        # query has started and stopped (on a loaded machine its planning can outlast one try).
        done = threading.Event()

        def cancel():
            while not done.wait(0.3):
                other.execute("SELECT pg_cancel_backend(%s)", (pid,))

        canceller = threading.Thread(target=cancel)
        canceller.start()
        try:
            with pytest.raises(psycopg.errors.QueryCanceled):
                victim.execute("SELECT count(*) FROM cancel_backend_t a, cancel_backend_t b, cancel_backend_t c")
        finally:
            done.set()
            canceller.join()
        assert other.execute("SELECT pg_cancel_backend(999999)").fetchone() == (False,)


def test_pg_terminate_backend(server):
    with connect(server, autocommit=True) as other:
        other.execute("CREATE TABLE terminate_t (x INT)")
        victim = connect(server)
        victim.execute("INSERT INTO terminate_t VALUES (1)")  # in an open transaction
        pid = victim.info.backend_pid
        assert other.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
        with pytest.raises(psycopg.OperationalError):
            victim.execute("SELECT 1")
        victim.close()
        # The terminated session's transaction was rolled back.
        assert other.execute("SELECT count(*) FROM terminate_t").fetchone() == (0,)


def test_server_side_cursor(server):
    with connect(server) as con:
        con.execute("CREATE TABLE named_cursor_t AS SELECT * FROM (VALUES (1), (2), (3), (4), (5)) v(x)")
        con.commit()
        with con.cursor(name="pages") as cur:
            cur.itersize = 2
            cur.execute("SELECT x FROM named_cursor_t ORDER BY x")
            assert cur.fetchmany(2) == [(1,), (2,)]
            assert [row[0] for row in cur] == [3, 4, 5]
        con.commit()


def test_concurrent_connections(server):
    with connect(server, autocommit=True) as con:
        con.execute("CREATE TABLE accounts (id INT, amount BIGINT) DISTKEY(id)")
    errors = []

    def worker(n):
        try:
            with connect(server, autocommit=True) as con:
                for i in range(5):
                    con.execute("INSERT INTO accounts VALUES (%s, %s)", (n, i + 1))
                    con.execute("SELECT sum(amount) FROM accounts").fetchone()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with connect(server) as con:
        assert con.execute("SELECT count(*), sum(amount), count(DISTINCT id) FROM accounts").fetchone() == (160, 480, 32)


def test_copy(server):
    rows = [(i, f"name {i}", Decimal(i) / 4 if i % 3 else None) for i in range(1000)]
    with connect(server) as con:
        con.execute("CREATE TABLE copy_t (id INT, name VARCHAR(20), v DECIMAL(10,2))")
        with con.cursor() as cur:
            with cur.copy("COPY copy_t (id, name, v) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            assert cur.rowcount == 1000
        con.commit()
        with con.cursor() as cur:
            with cur.copy("COPY (SELECT id, name, v FROM copy_t ORDER BY id) TO STDOUT") as copy:
                copy.set_types(["int4", "text", "numeric"])
                assert list(copy.rows()) == rows


def test_large_copy_is_loaded_in_pieces_and_all_or_nothing(server):
    """More than one piece of COPY data (16 MB): rows, and quoted fields with line breaks,
    straddle the pieces' ends; times are read in the session's time zone; a bad last row
    leaves nothing behind."""
    count = 300_000
    def lines(bad_last=False):
        for i in range(count):
            note = f'"line one\nline {i}, two"' if i % 1000 == 0 else f"note {i:060d}"
            yield f"{i},{note},2024-01-31 12:{i % 60:02d}\n"
        if bad_last:
            yield "x,oops,2024-01-31 12:00\n"
    with connect(server, autocommit=True) as con:
        con.execute("CREATE TABLE big_copy_t (id INT, note VARCHAR(100), at TIMESTAMPTZ)")
        con.execute("SET timezone TO 'America/New_York'")
        with con.cursor() as cur:
            with cur.copy("COPY big_copy_t FROM STDIN WITH (FORMAT csv)") as copy:
                for line in lines():
                    copy.write(line)
            assert cur.rowcount == count
        con.execute("RESET timezone")
        assert con.execute("SELECT count(*), count(DISTINCT id), sum(id) FROM big_copy_t").fetchone() == (count, count, count * (count - 1) // 2)
        assert con.execute("SELECT note, at FROM big_copy_t WHERE id = 299000").fetchone() == (
            "line one\nline 299000, two", datetime.datetime(2024, 1, 31, 17, 20, tzinfo=datetime.timezone.utc))
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            with con.cursor() as cur:
                with cur.copy("COPY big_copy_t FROM STDIN WITH (FORMAT csv)") as copy:
                    for line in lines(bad_last=True):
                        copy.write(line)
        assert con.execute("SELECT count(*) FROM big_copy_t").fetchone() == (count,)
