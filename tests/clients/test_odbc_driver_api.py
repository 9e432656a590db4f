"""Redwood's ODBC driver through the raw ODBC C API (ctypes over unixODBC's libodbc.so.2, so that
handle validation and function sequencing are what an application sees): the ANSI and wide
functions, bound row arrays (column- and row-wise), SQLGetData in pieces, truncation, NULL
indicators, SQL_C_NUMERIC and the datetime structs, parameter arrays, data at execution, handle and
sequence errors, attributes, SQLCancel from another thread, query timeouts, a lost server, and a
replay of what Tableau and Excel call when they connect. Declarations are in odbc_api.py.

Connections name the driver as registered (Driver=Redwood, Threading=0 in the test's odbcinst.ini):
with an unregistered driver path unixODBC serialises calls per environment, and SQLCancel from
another thread would wait for the statement it is meant to stop.
"""

import ctypes
import os
import socket
import threading
import time
from ctypes import byref, sizeof
from decimal import Decimal

import pytest

import odbc_api as oa
import odbc_driver as od
from odbc_api import (SQL_ERROR, SQL_HANDLE_DBC, SQL_HANDLE_ENV, SQL_HANDLE_STMT, SQL_INVALID_HANDLE,
                      SQL_NEED_DATA, SQL_NO_DATA, SQL_NTS, SQL_NULL_DATA, SQL_SUCCESS, SQL_SUCCESS_WITH_INFO, SQLLEN,
                      SQLHANDLE, SQLSMALLINT, SQLULEN, SQLUSMALLINT)

DRIVER = od.driver_path()
if DRIVER is None:
    pytest.skip(f"libredwoododbc.so is not built in {od.target_dir()} (cargo build -p redwood-odbc, or set "
                "REDWOOD_ODBC_DRIVER)", allow_module_level=True)
od.use_private_ini(DRIVER)
A = oa.api("libodbc.so.2")

LONG_QUERY = "SELECT sum(value) FROM generate_series(1, 20000000000)"
unique = od.unique


@pytest.fixture(scope="module")
def database_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("odbc-api") / "db"


def make_target(request, kind, database_dir):
    if kind == "remote":
        server = request.getfixturevalue("server")
        return od.Target("remote", od.remote_attrs(server), server)
    if kind == "memory":
        return od.Target("memory", od.embedded_attrs(":memory:"))
    return od.Target("directory", od.embedded_attrs(database_dir))


@pytest.fixture(params=["memory", "remote"])
def target(request, database_dir):
    return make_target(request, request.param, database_dir)


@pytest.fixture(params=["memory", "directory", "remote"])
def any_target(request, database_dir):
    return make_target(request, request.param, database_dir)


def open_connection(target, wide=False, **kwargs):
    return oa.Connection(A, target.conn_str(driver="Redwood"), wide_chars=wide, **kwargs)


@pytest.fixture
def conn(target):
    c = open_connection(target)
    yield c
    c.close()


@pytest.fixture
def stmt(conn):
    s = conn.statement()
    yield s
    s.free()


def rc_and_states(s, rc):
    return rc, s.states()


# ------------------------------------------------------------------------ ANSI and wide calls


@pytest.mark.parametrize("wide", [False, True], ids=["ansi", "wide"])
def test_exec_describe_getdata_and_diagnostics(target, wide):
    with open_connection(target, wide=wide) as c:
        s = c.statement()
        rc = s.execute("SELECT 42 AS answer, 'héllo ✓ 😀' AS \"名前\", CAST(NULL AS VARCHAR) AS nothing, "
                       "CAST(12.50 AS DECIMAL(6,2)) AS amount")
        assert rc == SQL_SUCCESS
        assert s.num_result_cols() == 4
        assert s.describe(1) == (SQL_SUCCESS, "answer", 6, oa.SQL_INTEGER, 10, 0, oa.SQL_NULLABLE)
        rc, name, length, data_type, *_ = s.describe(2)
        assert (rc, name, length, data_type) == (SQL_SUCCESS, "名前", 2 if wide else len("名前".encode()), oa.SQL_VARCHAR)
        assert s.describe(4)[3:6] == (oa.SQL_NUMERIC, 6, 2)
        assert A.SQLFetch(s.handle) == SQL_SUCCESS
        assert [s.get_text(i) for i in (1, 2, 3, 4)] == ["42", "héllo ✓ 😀", None, "12.50"]
        assert A.SQLFetch(s.handle) == SQL_NO_DATA

        rc = s.exec_direct("SELECT * FROM rwapi_missing_table")
        assert rc == SQL_ERROR
        records = s.diagnostics()
        assert len(records) == 1 and records[0][0] == "42P01" and "rwapi_missing_table" in records[0][2]
        # SQLGetDiagField gives the same record.
        state = oa.wide_buffer(6) if wide else ctypes.create_string_buffer(12)
        length = SQLSMALLINT()
        get_field = A.SQLGetDiagFieldW if wide else A.SQLGetDiagField
        assert get_field(SQL_HANDLE_STMT, s.handle, 1, oa.SQL_DIAG_SQLSTATE, state, sizeof(state), byref(length)) \
            == SQL_SUCCESS
        assert (oa.from_wide(state) if wide else state.value.decode()) == "42P01"
        count = ctypes.c_int32()
        assert A.SQLGetDiagField(SQL_HANDLE_STMT, s.handle, 0, oa.SQL_DIAG_NUMBER, byref(count), 0, None) == SQL_SUCCESS
        assert count.value == 1
        assert A.SQLGetDiagRec(SQL_HANDLE_STMT, s.handle, 2, ctypes.create_string_buffer(6), None,
                               ctypes.create_string_buffer(10), 10, None) == SQL_NO_DATA
        s.free()


@pytest.mark.parametrize("wide", [False, True], ids=["ansi", "wide"])
def test_sqlconnect_with_a_dsn(target, wide):
    attrs = {k: v for k, v in target.attrs.items() if k not in ("UID", "PWD")}
    dsn = od.add_dsn(attrs)
    user = target.attrs.get("UID", "")
    password = target.attrs.get("PWD", "")
    c = oa.Connection(A, None, wide_chars=wide)
    try:
        if wide:
            rc = A.SQLConnectW(c.dbc, oa.wide(dsn), SQL_NTS, oa.wide(user), SQL_NTS, oa.wide(password), SQL_NTS)
        else:
            rc = A.SQLConnect(c.dbc, dsn.encode(), SQL_NTS, user.encode(), SQL_NTS, password.encode(), SQL_NTS)
        c.check(rc, "SQLConnect")
        c.connected = True
        s = c.statement()
        s.execute("SELECT current_user, current_database()")
        rows = s.fetch_all_text()
        assert len(rows) == 1 and (not target.remote or rows[0][0] == target.server.user)
        assert c.get_info_text(oa.SQL_DATA_SOURCE_NAME)[1] == dsn
        s.free()
    finally:
        c.close()


def test_driver_connect_returns_the_completed_string_without_the_password(server):
    attrs = od.remote_attrs(server)
    with oa.Connection(A, od.connection_string(attrs, "Redwood")) as c:
        completed = c.completed
        assert "Redwood" in completed and str(server.port) in completed
        assert server.password not in completed


def test_wrong_password_and_connection_refused(server):
    for wide in (False, True):
        c = oa.Connection(A, None, wide_chars=wide)
        try:
            with pytest.raises(oa.OdbcError) as info:
                c.connect(od.connection_string(od.remote_attrs(server, PWD="Wrong-Passw0rd"), "Redwood"))
            assert info.value.states == ["28P01"]
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            with pytest.raises(oa.OdbcError) as info:
                c.connect(od.connection_string(od.remote_attrs(server, Port=port), "Redwood"))
            assert info.value.states == ["08001"]
        finally:
            c.close()


# --------------------------------------------------------------------------------- row arrays

ROWS_SQL = ("SELECT value AS id, 'r' || CAST(value AS VARCHAR) AS name, "
            "CASE WHEN value % 3 = 0 THEN NULL ELSE CAST(value * 10 AS INTEGER) END AS tens "
            "FROM generate_series(1, 10) ORDER BY value")


def expected_row(i):
    return (i, f"r{i}", None if i % 3 == 0 else i * 10)


def test_bound_row_arrays_column_wise(stmt):
    n = 4
    ids, id_ind = (ctypes.c_int64 * n)(), (SQLLEN * n)()
    names, name_ind = ctypes.create_string_buffer(8 * n), (SQLLEN * n)()
    tens, tens_ind = (ctypes.c_int32 * n)(), (SQLLEN * n)()
    fetched, status = SQLULEN(), (SQLUSMALLINT * n)()
    stmt.check(stmt.set_attr(oa.SQL_ATTR_ROW_BIND_TYPE, oa.SQL_BIND_BY_COLUMN))
    stmt.check(stmt.set_attr(oa.SQL_ATTR_ROW_ARRAY_SIZE, n))
    stmt.check(stmt.set_attr(oa.SQL_ATTR_ROWS_FETCHED_PTR, ctypes.addressof(fetched)))
    stmt.check(stmt.set_attr(oa.SQL_ATTR_ROW_STATUS_PTR, ctypes.addressof(status)))
    stmt.execute(ROWS_SQL)
    stmt.check(A.SQLBindCol(stmt.handle, 1, oa.SQL_C_SBIGINT, ids, 8, id_ind))
    stmt.check(A.SQLBindCol(stmt.handle, 2, oa.SQL_C_CHAR, names, 8, name_ind))
    stmt.check(A.SQLBindCol(stmt.handle, 3, oa.SQL_C_SLONG, tens, 4, tens_ind))
    got = []
    for expected_count in (4, 4, 2):
        assert A.SQLFetch(stmt.handle) == SQL_SUCCESS
        assert fetched.value == expected_count
        assert list(status) == [oa.SQL_ROW_SUCCESS] * expected_count + [oa.SQL_ROW_NOROW] * (n - expected_count)
        for r in range(expected_count):
            name = names.raw[8 * r:8 * r + 8].split(b"\0")[0].decode()
            assert name_ind[r] == len(name)
            got.append((ids[r], name, None if tens_ind[r] == SQL_NULL_DATA else tens[r]))
    assert A.SQLFetch(stmt.handle) == SQL_NO_DATA
    assert fetched.value == 0
    assert got == [expected_row(i) for i in range(1, 11)]
    # SQLFetchScroll(SQL_FETCH_NEXT) is SQLFetch; other orientations need a scrollable cursor.
    stmt.execute(ROWS_SQL)
    assert A.SQLFetchScroll(stmt.handle, oa.SQL_FETCH_NEXT, 0) == SQL_SUCCESS and ids[0] == 1
    assert rc_and_states(stmt, A.SQLFetchScroll(stmt.handle, oa.SQL_FETCH_FIRST, 0)) == (SQL_ERROR, ["HY106"])


class Row(ctypes.Structure):
    _fields_ = [("id", ctypes.c_int64), ("id_ind", SQLLEN), ("name", ctypes.c_char * 3), ("name_ind", SQLLEN),
                ("tens", ctypes.c_int32), ("tens_ind", SQLLEN)]


def test_bound_row_arrays_row_wise_with_offset_and_truncation(stmt):
    n = 4
    rows = (Row * (2 * n))()
    offset = SQLLEN(0)
    fetched, status = SQLULEN(), (SQLUSMALLINT * n)()
    for attribute, value in [(oa.SQL_ATTR_ROW_BIND_TYPE, sizeof(Row)), (oa.SQL_ATTR_ROW_ARRAY_SIZE, n),
                             (oa.SQL_ATTR_ROW_BIND_OFFSET_PTR, ctypes.addressof(offset)),
                             (oa.SQL_ATTR_ROWS_FETCHED_PTR, ctypes.addressof(fetched)),
                             (oa.SQL_ATTR_ROW_STATUS_PTR, ctypes.addressof(status))]:
        stmt.check(stmt.set_attr(attribute, value))
    stmt.execute(ROWS_SQL)
    first = rows[0]
    stmt.check(A.SQLBindCol(stmt.handle, 1, oa.SQL_C_SBIGINT, byref(first, Row.id.offset), 8,
                            byref(first, Row.id_ind.offset)))
    stmt.check(A.SQLBindCol(stmt.handle, 2, oa.SQL_C_CHAR, byref(first, Row.name.offset), 3,
                            byref(first, Row.name_ind.offset)))
    stmt.check(A.SQLBindCol(stmt.handle, 3, oa.SQL_C_SLONG, byref(first, Row.tens.offset), 4,
                            byref(first, Row.tens_ind.offset)))
    # First rowset into rows[0..3], the second (through the bind offset) into rows[4..7].
    assert A.SQLFetch(stmt.handle) == SQL_SUCCESS and fetched.value == 4
    got = [(r.id, r.name.decode(), None if r.tens_ind == SQL_NULL_DATA else r.tens) for r in rows[:4]]
    assert got == [expected_row(i) for i in range(1, 5)]
    offset.value = n * sizeof(Row)
    rc = A.SQLFetch(stmt.handle)
    assert fetched.value == 4
    got = [(r.id, r.name.decode(), None if r.tens_ind == SQL_NULL_DATA else r.tens) for r in rows[4:]]
    assert got == [expected_row(i) for i in range(5, 9)]
    assert rows[0].id == 1, "the first rowset was overwritten"
    # Rows 9 and 10: "r10" does not fit 3 bytes: truncated, 01004, the row SQL_ROW_SUCCESS_WITH_INFO.
    offset.value = 0
    rc = A.SQLFetch(stmt.handle)
    assert rc == SQL_SUCCESS_WITH_INFO and "01004" in stmt.states()
    assert fetched.value == 2 and list(status) == [oa.SQL_ROW_SUCCESS, oa.SQL_ROW_SUCCESS_WITH_INFO,
                                                   oa.SQL_ROW_NOROW, oa.SQL_ROW_NOROW]
    assert (rows[1].id, rows[1].name, rows[1].name_ind) == (10, b"r1", 3)


# ----------------------------------------------------------------------------------- SQLGetData


def test_get_data_in_pieces_ansi(stmt):
    text = "abcdefghijklmnopqrstuvwxyz012345678"
    assert len(text) == 35
    stmt.execute(f"SELECT '{text}'")
    assert A.SQLFetch(stmt.handle) == SQL_SUCCESS
    buffer, indicator = ctypes.create_string_buffer(10), SQLLEN()
    pieces = []
    for expected_rc, expected_indicator in [(SQL_SUCCESS_WITH_INFO, 35), (SQL_SUCCESS_WITH_INFO, 26),
                                            (SQL_SUCCESS_WITH_INFO, 17), (SQL_SUCCESS, 8)]:
        rc = A.SQLGetData(stmt.handle, 1, oa.SQL_C_CHAR, buffer, 10, byref(indicator))
        assert (rc, indicator.value) == (expected_rc, expected_indicator)
        if rc == SQL_SUCCESS_WITH_INFO:
            assert stmt.states() == ["01004"]
        pieces.append(buffer.value.decode())
    assert pieces == ["abcdefghi", "jklmnopqr", "stuvwxyz0", "12345678"]
    assert A.SQLGetData(stmt.handle, 1, oa.SQL_C_CHAR, buffer, 10, byref(indicator)) == SQL_NO_DATA


def test_get_data_in_pieces_wide(stmt):
    text = "abcdefghijklmnopqrstuvwxyz012345678"
    stmt.execute(f"SELECT '{text}'")
    assert A.SQLFetch(stmt.handle) == SQL_SUCCESS
    buffer, indicator = oa.wide_buffer(5), SQLLEN()   # 10 bytes: 4 characters and the NUL
    pieces = []
    while True:
        rc = A.SQLGetData(stmt.handle, 1, oa.SQL_C_WCHAR, buffer, 10, byref(indicator))
        if rc == SQL_NO_DATA:
            break
        assert indicator.value == 2 * (35 - 4 * len(pieces))
        pieces.append(oa.from_wide(buffer))
        assert rc == (SQL_SUCCESS if len(pieces) == 9 else SQL_SUCCESS_WITH_INFO)
    assert pieces[0] == "abcd" and "".join(pieces) == text and len(pieces) == 9


@pytest.mark.parametrize("c_type", ["char", "wchar"])
def test_get_data_pieces_fill_the_buffer(stmt, c_type):
    """On 01004 the driver fills the buffer (BufferLength less the NUL, as the reference says):
    applications such as pyodbc count the bytes returned that way, without looking for the NUL."""
    text = "é😀日" * 400
    stmt.execute(f"SELECT '{text}'")
    assert A.SQLFetch(stmt.handle) == SQL_SUCCESS
    wide = c_type == "wchar"
    size = 101 if not wide else 102  # an odd number of bytes: UTF-8 characters straddle the pieces
    unit = 2 if wide else 1
    data, indicator, short = b"", SQLLEN(), []
    for call in range(10_000):
        buffer = ctypes.create_string_buffer(size)
        rc = A.SQLGetData(stmt.handle, 1, oa.SQL_C_WCHAR if wide else oa.SQL_C_CHAR, buffer, size, byref(indicator))
        if rc == SQL_NO_DATA:
            break
        assert rc in (SQL_SUCCESS, SQL_SUCCESS_WITH_INFO), stmt.diagnostics()
        if rc == SQL_SUCCESS_WITH_INFO:
            returned = (size // unit - 1) * unit
            # Where the driver put the NUL: right after BufferLength less the NUL.
            units = [buffer.raw[i:i + unit] for i in range(0, size - unit + 1, unit)]
            nul = units.index(b"\0" * unit) * unit
            if nul != returned:
                short.append((call, nul, returned))
        else:
            returned = indicator.value
        data += buffer.raw[:returned]
    else:
        pytest.fail("SQLGetData kept returning SQL_SUCCESS_WITH_INFO without reaching the end")
    assert not short, f"pieces shorter than the buffer (call, bytes, expected): {short[:5]}"
    assert data.decode("utf-16-le" if wide else "utf-8") == text


def test_get_data_any_order_and_bound_columns_as_claimed(conn, stmt):
    extensions = conn.get_info_number(oa.SQL_GETDATA_EXTENSIONS)[1]
    stmt.execute("SELECT 'first' AS a, 'second' AS b, 'third' AS c")
    assert A.SQLFetch(stmt.handle) == SQL_SUCCESS
    if extensions & oa.SQL_GD_ANY_ORDER:
        assert stmt.get_text(3) == "third" and stmt.get_text(1) == "first"
    if extensions & oa.SQL_GD_ANY_COLUMN:
        assert stmt.get_text(2) == "second"
    if extensions & oa.SQL_GD_BOUND:
        bound, ind = ctypes.create_string_buffer(16), SQLLEN()
        stmt.execute("SELECT 'x' AS a, 'y' AS b")
        stmt.check(A.SQLBindCol(stmt.handle, 1, oa.SQL_C_CHAR, bound, 16, byref(ind)))
        assert A.SQLFetch(stmt.handle) == SQL_SUCCESS and bound.value == b"x"
        assert stmt.get_text(1) == "x" and stmt.get_text(2) == "y"


def test_null_indicators_and_22002(stmt):
    stmt.execute("SELECT CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR), 7")
    assert A.SQLFetch(stmt.handle) == SQL_SUCCESS
    value, indicator = ctypes.c_int32(99), SQLLEN(0)
    assert A.SQLGetData(stmt.handle, 1, oa.SQL_C_SLONG, byref(value), 4, byref(indicator)) == SQL_SUCCESS
    assert indicator.value == SQL_NULL_DATA
    rc = A.SQLGetData(stmt.handle, 2, oa.SQL_C_CHAR, ctypes.create_string_buffer(8), 8, None)
    assert (rc, stmt.states()) == (SQL_ERROR, ["22002"])
    assert A.SQLGetData(stmt.handle, 3, oa.SQL_C_SLONG, byref(value), 4, None) == SQL_SUCCESS and value.value == 7
    # A bound column without an indicator: the row gets 22002.
    stmt.execute("SELECT CAST(NULL AS INTEGER)")
    stmt.check(A.SQLBindCol(stmt.handle, 1, oa.SQL_C_SLONG, byref(value), 4, None))
    assert rc_and_states(stmt, A.SQLFetch(stmt.handle)) == (SQL_ERROR, ["22002"])


def test_numeric_and_datetime_structs(stmt):
    stmt.execute("SELECT CAST(-12345.678 AS DECIMAL(10,3)), CAST('2024-01-31 12:30:45.123456' AS TIMESTAMP), "
                 "CAST('2024-02-29' AS DATE), CAST('13:45:30' AS TIME), 98765")
    assert A.SQLFetch(stmt.handle) == SQL_SUCCESS
    numeric, indicator = oa.SQL_NUMERIC_STRUCT(), SQLLEN()
    stmt.check(A.SQLGetData(stmt.handle, 1, oa.SQL_C_NUMERIC, byref(numeric), sizeof(numeric), byref(indicator)))
    assert indicator.value == sizeof(numeric) and numeric.sign == 0
    # The reference has SQLGetData use the ARD's scale (0 unless set); drivers commonly keep the
    # column's. Either way the struct must describe its own value consistently.
    assert numeric.value() in (Decimal("-12345.678"), Decimal("-12345"))
    ts = oa.TIMESTAMP_STRUCT()
    stmt.check(A.SQLGetData(stmt.handle, 2, oa.SQL_C_TYPE_TIMESTAMP, byref(ts), sizeof(ts), byref(indicator)))
    assert (ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second, ts.fraction) == (2024, 1, 31, 12, 30, 45,
                                                                                       123456000)
    assert indicator.value == sizeof(ts)
    d = oa.DATE_STRUCT()
    stmt.check(A.SQLGetData(stmt.handle, 3, oa.SQL_C_TYPE_DATE, byref(d), sizeof(d), byref(indicator)))
    assert (d.year, d.month, d.day) == (2024, 2, 29)
    t = oa.TIME_STRUCT()
    stmt.check(A.SQLGetData(stmt.handle, 4, oa.SQL_C_TYPE_TIME, byref(t), sizeof(t), byref(indicator)))
    assert (t.hour, t.minute, t.second) == (13, 45, 30)
    small = ctypes.c_int16()
    assert rc_and_states(stmt, A.SQLGetData(stmt.handle, 5, oa.SQL_C_SSHORT, byref(small), 2, byref(indicator))) \
        == (SQL_ERROR, ["22003"])
    # The same structs as parameters.
    stmt.check(stmt.prepare("SELECT CAST(? AS DECIMAL(10,3)), CAST(? AS TIMESTAMP), CAST(? AS DATE)"))
    numeric = oa.SQL_NUMERIC_STRUCT.of(Decimal("-12345.678"), precision=10)
    ts = oa.TIMESTAMP_STRUCT(1999, 12, 31, 23, 59, 58, 500000000)
    d = oa.DATE_STRUCT(2000, 2, 29)
    stmt.check(A.SQLBindParameter(stmt.handle, 1, oa.SQL_PARAM_INPUT, oa.SQL_C_NUMERIC, oa.SQL_NUMERIC, 10, 3,
                                  byref(numeric), sizeof(numeric), None))
    stmt.check(A.SQLBindParameter(stmt.handle, 2, oa.SQL_PARAM_INPUT, oa.SQL_C_TYPE_TIMESTAMP,
                                  oa.SQL_TYPE_TIMESTAMP, 26, 6, byref(ts), sizeof(ts), None))
    stmt.check(A.SQLBindParameter(stmt.handle, 3, oa.SQL_PARAM_INPUT, oa.SQL_C_TYPE_DATE, oa.SQL_TYPE_DATE, 10, 0,
                                  byref(d), sizeof(d), None))
    stmt.check(A.SQLExecute(stmt.handle))
    assert stmt.fetch_all_text() == [("-12345.678", "1999-12-31 23:59:58.5", "2000-02-29")]


# ----------------------------------------------------------------------- buffers too small


@pytest.mark.parametrize("wide", [False, True], ids=["ansi", "wide"])
def test_short_buffers_truncate_with_01004(target, wide):
    with open_connection(target, wide=wide) as c:
        # SQLGetInfo: 8 bytes hold 7 ANSI characters or 3 wide ones, and the NUL.
        buffer, length = ctypes.create_string_buffer(8), SQLSMALLINT()
        get_info = A.SQLGetInfoW if wide else A.SQLGetInfo
        rc = get_info(c.dbc, oa.SQL_DBMS_NAME, buffer, 4 if not wide else 8, byref(length))
        assert (rc, [r[0] for r in c.diagnostics()]) == (SQL_SUCCESS_WITH_INFO, ["01004"])
        if wide:
            assert oa.from_wide(buffer) == "Red" and length.value == 14
        else:
            assert buffer.value == b"Red" and length.value == 7
        s = c.statement()
        s.execute("SELECT 1 AS a_long_column_name")
        rc, name, name_length, *_ = s.describe(1, capacity=5)
        assert (rc, name, name_length, s.states()) == (SQL_SUCCESS_WITH_INFO, "a_lo", 18, ["01004"])
        # SQLGetDiagRec with a short message buffer.
        s.exec_direct("SELECT * FROM rwapi_missing_table_with_a_long_name")
        length = SQLSMALLINT()
        if wide:
            message = oa.wide_buffer(10)
            rc = A.SQLGetDiagRecW(SQL_HANDLE_STMT, s.handle, 1, oa.wide_buffer(6), None, message, 10, byref(length))
            text = oa.from_wide(message)
        else:
            message = ctypes.create_string_buffer(10)
            rc = A.SQLGetDiagRec(SQL_HANDLE_STMT, s.handle, 1, ctypes.create_string_buffer(6), None, message, 10,
                                 byref(length))
            text = message.value.decode()
        full = s.diagnostics()[0][2]
        assert rc == SQL_SUCCESS_WITH_INFO and length.value == len(full) and text == full[:9]
        # SQLNativeSql
        out, out_length = ctypes.create_string_buffer(6), ctypes.c_int32()
        if not wide:
            rc = A.SQLNativeSql(c.dbc, b"SELECT 1", SQL_NTS, out, 6, byref(out_length))
            assert (rc, out.value, out_length.value) == (SQL_SUCCESS_WITH_INFO, b"SELEC", 8)
        s.free()


# ------------------------------------------------------------------------------- parameters


def test_parameter_arrays_column_wise(conn, stmt):
    t = unique("params")
    stmt.execute(f"CREATE TABLE {t} (id INT, name VARCHAR(20))")
    try:
        n = 3
        ids = (ctypes.c_int32 * n)(1, 2, 3)
        names = ctypes.create_string_buffer(b"one\0" + b"\0" * 16 + b"twoXXXX" + b"\0" * 13 + b"\0" * 20, 20 * n)
        name_ind = (SQLLEN * n)(SQL_NTS, 3, SQL_NULL_DATA)
        status, processed = (SQLUSMALLINT * n)(9, 9, 9), SQLULEN()
        stmt.check(stmt.set_attr(oa.SQL_ATTR_PARAM_BIND_TYPE, oa.SQL_PARAM_BIND_BY_COLUMN))
        stmt.check(stmt.set_attr(oa.SQL_ATTR_PARAMSET_SIZE, n))
        stmt.check(stmt.set_attr(oa.SQL_ATTR_PARAM_STATUS_PTR, ctypes.addressof(status)))
        stmt.check(stmt.set_attr(oa.SQL_ATTR_PARAMS_PROCESSED_PTR, ctypes.addressof(processed)))
        stmt.check(stmt.prepare(f"INSERT INTO {t} VALUES (?, ?)"))
        stmt.check(A.SQLBindParameter(stmt.handle, 1, oa.SQL_PARAM_INPUT, oa.SQL_C_SLONG, oa.SQL_INTEGER, 0, 0, ids, 4,
                                      None))
        stmt.check(A.SQLBindParameter(stmt.handle, 2, oa.SQL_PARAM_INPUT, oa.SQL_C_CHAR, oa.SQL_VARCHAR, 20, 0, names,
                                      20, name_ind))
        assert A.SQLExecute(stmt.handle) == SQL_SUCCESS
        assert list(status) == [oa.SQL_PARAM_SUCCESS] * 3 and processed.value == 3
        assert stmt.row_count() == 3
        # SQL_PARAM_ARRAY_ROW_COUNTS: one total (SQL_PARC_NO_BATCH) is what SQLRowCount gave.
        assert conn.get_info_number(oa.SQL_PARAM_ARRAY_ROW_COUNTS)[1] == 2
        stmt.check(stmt.set_attr(oa.SQL_ATTR_PARAMSET_SIZE, 1))
        stmt.check(A.SQLFreeStmt(stmt.handle, oa.SQL_RESET_PARAMS))
        stmt.execute(f"SELECT id, name FROM {t} ORDER BY id")
        assert stmt.fetch_all_text() == [("1", "one"), ("2", "two"), ("3", None)]
    finally:
        stmt.check(stmt.set_attr(oa.SQL_ATTR_PARAMSET_SIZE, 1))
        stmt.exec_direct(f"DROP TABLE {t}")


class ParamRow(ctypes.Structure):
    _fields_ = [("a", ctypes.c_int32), ("a_ind", SQLLEN), ("b", ctypes.c_int32), ("b_ind", SQLLEN)]


def test_parameter_arrays_row_wise_with_an_error_in_the_middle(stmt):
    t = unique("paramerr")
    stmt.execute(f"CREATE TABLE {t} (a INT, q INT)")
    try:
        rows = (ParamRow * 3)(ParamRow(1, 0, 1, 0), ParamRow(2, 0, 0, 0), ParamRow(3, 0, 3, 0))
        status, processed = (SQLUSMALLINT * 3)(9, 9, 9), SQLULEN()
        stmt.check(stmt.set_attr(oa.SQL_ATTR_PARAM_BIND_TYPE, sizeof(ParamRow)))
        stmt.check(stmt.set_attr(oa.SQL_ATTR_PARAMSET_SIZE, 3))
        stmt.check(stmt.set_attr(oa.SQL_ATTR_PARAM_STATUS_PTR, ctypes.addressof(status)))
        stmt.check(stmt.set_attr(oa.SQL_ATTR_PARAMS_PROCESSED_PTR, ctypes.addressof(processed)))
        stmt.check(stmt.prepare(f"INSERT INTO {t} VALUES (?, 6 / ?)"))
        first = rows[0]
        stmt.check(A.SQLBindParameter(stmt.handle, 1, oa.SQL_PARAM_INPUT, oa.SQL_C_SLONG, oa.SQL_INTEGER, 0, 0,
                                      byref(first, ParamRow.a.offset), 4, byref(first, ParamRow.a_ind.offset)))
        stmt.check(A.SQLBindParameter(stmt.handle, 2, oa.SQL_PARAM_INPUT, oa.SQL_C_SLONG, oa.SQL_INTEGER, 0, 0,
                                      byref(first, ParamRow.b.offset), 4, byref(first, ParamRow.b_ind.offset)))
        rc = A.SQLExecute(stmt.handle)
        assert rc in (SQL_ERROR, SQL_SUCCESS_WITH_INFO)
        assert "22012" in stmt.states()
        assert status[0] == oa.SQL_PARAM_SUCCESS and status[1] == oa.SQL_PARAM_ERROR
        assert status[2] in (oa.SQL_PARAM_UNUSED, oa.SQL_PARAM_SUCCESS) and processed.value >= 2
    finally:
        stmt.set_attr(oa.SQL_ATTR_PARAMSET_SIZE, 1)
        stmt.exec_direct(f"DROP TABLE {t}")


@pytest.mark.parametrize("wide", [False, True], ids=["sql_c_char", "sql_c_wchar"])
def test_data_at_execution(stmt, wide):
    t = unique("dae")
    stmt.execute(f"CREATE TABLE {t} (id INT, note VARCHAR(200))")
    try:
        stmt.check(stmt.prepare(f"INSERT INTO {t} VALUES (?, ?)"))
        n = ctypes.c_int32(7)
        stmt.check(A.SQLBindParameter(stmt.handle, 1, oa.SQL_PARAM_INPUT, oa.SQL_C_SLONG, oa.SQL_INTEGER, 0, 0, byref(n),
                                      4, None))
        token = ctypes.c_void_p(0x5EED)
        at_exec = SQLLEN(oa.SQL_LEN_DATA_AT_EXEC(0))
        c_type = oa.SQL_C_WCHAR if wide else oa.SQL_C_CHAR
        stmt.check(A.SQLBindParameter(stmt.handle, 2, oa.SQL_PARAM_INPUT, c_type, oa.SQL_VARCHAR, 200, 0, token, 0,
                                      byref(at_exec)))
        assert A.SQLExecute(stmt.handle) == SQL_NEED_DATA
        asked = ctypes.c_void_p()
        assert A.SQLParamData(stmt.handle, byref(asked)) == SQL_NEED_DATA
        assert asked.value == 0x5EED
        pieces = ["héllo ✓ ", "日本語 😀"]
        for i, piece in enumerate(pieces):
            data = piece.encode("utf-16-le" if wide else "utf-8")
            length = len(data) if i == 0 else SQL_NTS
            buffer = ctypes.create_string_buffer(data + b"\0\0", len(data) + 2)
            stmt.check(A.SQLPutData(stmt.handle, buffer, length), "SQLPutData")
        assert A.SQLParamData(stmt.handle, byref(asked)) == SQL_SUCCESS
        assert stmt.row_count() == 1
        stmt.execute(f"SELECT id, note FROM {t}")
        assert stmt.fetch_all_text() == [("7", "héllo ✓ 日本語 😀")]
        # Out of sequence: no parameter is awaited.
        assert rc_and_states(stmt, A.SQLParamData(stmt.handle, byref(asked)))[0] == SQL_ERROR
        assert rc_and_states(stmt, A.SQLPutData(stmt.handle, b"x", 1)) == (SQL_ERROR, ["HY010"])
    finally:
        stmt.exec_direct(f"DROP TABLE {t}")


def test_unbound_parameter_and_parameter_metadata(stmt):
    stmt.check(stmt.prepare("SELECT CAST(? AS INTEGER) + 1, ?"))
    count = SQLSMALLINT()
    stmt.check(A.SQLNumParams(stmt.handle, byref(count)))
    assert count.value == 2
    data_type, size, digits, nullable = SQLSMALLINT(), SQLULEN(), SQLSMALLINT(), SQLSMALLINT()
    stmt.check(A.SQLDescribeParam(stmt.handle, 1, byref(data_type), byref(size), byref(digits), byref(nullable)))
    assert rc_and_states(stmt, A.SQLDescribeParam(stmt.handle, 3, byref(data_type), byref(size), byref(digits),
                                                  byref(nullable))) == (SQL_ERROR, ["07009"])
    value = ctypes.c_int32(41)
    stmt.check(A.SQLBindParameter(stmt.handle, 1, oa.SQL_PARAM_INPUT, oa.SQL_C_SLONG, oa.SQL_INTEGER, 0, 0,
                                  byref(value), 4, None))
    assert rc_and_states(stmt, A.SQLExecute(stmt.handle)) == (SQL_ERROR, ["07002"])
    stmt.check(A.SQLBindParameter(stmt.handle, 2, oa.SQL_PARAM_INPUT, oa.SQL_C_CHAR, oa.SQL_VARCHAR, 5, 0, b"abc", 4,
                                  None))
    stmt.check(A.SQLExecute(stmt.handle))
    assert stmt.fetch_all_text() == [("42", "abc")]
    # Executed again with another value (the statement stays prepared).
    value.value = 9
    stmt.close_cursor()
    stmt.check(A.SQLExecute(stmt.handle))
    assert stmt.fetch_all_text() == [("10", "abc")]


def test_column_attributes(stmt):
    # VARCHAR(12) from a table column: a CAST in a select list does not keep its length (an engine
    # gap: the result is VARCHAR without a length, 65535 to ODBC).
    t = unique("attrs")
    stmt.execute(f"CREATE TABLE {t} (label VARCHAR(12))")
    try:
        _check_column_attributes(stmt, t)
    finally:
        stmt.exec_direct(f"DROP TABLE {t}")


def _check_column_attributes(stmt, t):
    stmt.check(stmt.prepare(f"SELECT CAST(1.5 AS DECIMAL(10,3)) AS amount, label FROM {t}"))
    number, text, length = SQLLEN(), ctypes.create_string_buffer(64), SQLSMALLINT()

    def attribute(column, field):
        number.value = -99
        stmt.check(A.SQLColAttribute(stmt.handle, column, field, text, 64, byref(length), byref(number)))
        return number.value, text.value.decode()

    assert attribute(1, oa.SQL_DESC_COUNT)[0] == 2
    assert attribute(1, oa.SQL_DESC_CONCISE_TYPE)[0] == oa.SQL_NUMERIC
    assert attribute(1, oa.SQL_DESC_PRECISION)[0] == 10 and attribute(1, oa.SQL_DESC_SCALE)[0] == 3
    assert attribute(1, oa.SQL_DESC_NAME)[1] == "amount"
    assert attribute(1, oa.SQL_DESC_TYPE_NAME)[1] == "numeric"
    assert attribute(2, oa.SQL_DESC_LENGTH)[0] == 12 and attribute(2, oa.SQL_DESC_CONCISE_TYPE)[0] == oa.SQL_VARCHAR
    assert attribute(2, oa.SQL_DESC_NULLABLE)[0] in (oa.SQL_NULLABLE, oa.SQL_NULLABLE_UNKNOWN)
    assert rc_and_states(stmt, A.SQLColAttribute(stmt.handle, 3, oa.SQL_DESC_NAME, text, 64, byref(length),
                                                 byref(number))) == (SQL_ERROR, ["07009"])


# ----------------------------------------------------------------- handle and sequence errors


def test_invalid_handles_are_refused():
    out = SQLHANDLE()
    assert A.SQLExecDirect(None, b"SELECT 1", SQL_NTS) == SQL_INVALID_HANDLE
    assert A.SQLFetch(None) == SQL_INVALID_HANDLE
    assert A.SQLDisconnect(None) == SQL_INVALID_HANDLE
    assert A.SQLAllocHandle(SQL_HANDLE_DBC, None, byref(out)) == SQL_INVALID_HANDLE
    assert A.SQLFreeHandle(SQL_HANDLE_STMT, None) == SQL_INVALID_HANDLE
    assert A.SQLGetDiagRec(SQL_HANDLE_STMT, None, 1, ctypes.create_string_buffer(6), None,
                           ctypes.create_string_buffer(8), 8, None) == SQL_INVALID_HANDLE
    junk = ctypes.create_string_buffer(256)  # not a handle of anything
    assert A.SQLExecDirect(ctypes.addressof(junk), b"SELECT 1", SQL_NTS) == SQL_INVALID_HANDLE
    assert A.SQLGetInfo(ctypes.addressof(junk), oa.SQL_DBMS_NAME, junk, 8, None) == SQL_INVALID_HANDLE


def test_sequence_errors(conn, stmt):
    # Caught by unixODBC itself: fetching before executing, executing what was never prepared.
    assert rc_and_states(stmt, A.SQLFetch(stmt.handle)) == (SQL_ERROR, ["HY010"])
    assert rc_and_states(stmt, A.SQLExecute(stmt.handle)) == (SQL_ERROR, ["HY010"])
    assert rc_and_states(stmt, A.SQLParamData(stmt.handle, None)) == (SQL_ERROR, ["HY010"])
    stmt.execute("SELECT 1, 2")
    rc, states = rc_and_states(stmt, A.SQLGetData(stmt.handle, 1, oa.SQL_C_CHAR, ctypes.create_string_buffer(8), 8,
                                                  None))
    assert rc == SQL_ERROR and states[0] in ("24000", "HY010")
    assert A.SQLFetch(stmt.handle) == SQL_SUCCESS
    assert A.SQLFetch(stmt.handle) == SQL_NO_DATA
    assert A.SQLMoreResults(stmt.handle) == SQL_NO_DATA
    assert A.SQLCloseCursor(stmt.handle) in (SQL_SUCCESS, SQL_ERROR)  # the cursor may already be closed by MoreResults
    assert rc_and_states(stmt, A.SQLCloseCursor(stmt.handle)) == (SQL_ERROR, ["24000"])
    # A statement handle on a connection that is not open.
    with oa.Connection(A, None) as idle:
        handle = SQLHANDLE()
        rc = A.SQLAllocHandle(SQL_HANDLE_STMT, idle.dbc, byref(handle))
        assert rc == SQL_ERROR and [r[0] for r in idle.diagnostics()] == ["08003"]


def test_invalid_values_attributes_and_numbers(conn, stmt):
    assert conn.set_attr(oa.SQL_ATTR_AUTOCOMMIT, 7) == SQL_ERROR
    assert [r[0] for r in conn.diagnostics()] == ["HY024"]
    assert conn.set_attr(99999, 1) == SQL_ERROR and [r[0] for r in conn.diagnostics()] == ["HY092"]
    assert conn.get_attr(99999)[0] == SQL_ERROR and [r[0] for r in conn.diagnostics()] == ["HY092"]
    assert rc_and_states(stmt, stmt.set_attr(99999, 1)) == (SQL_ERROR, ["HY092"])
    value = SQLULEN()
    assert rc_and_states(stmt, A.SQLGetStmtAttr(stmt.handle, 99999, byref(value), 8, None)) == (SQL_ERROR, ["HY092"])
    rc = A.SQLGetInfo(conn.dbc, 9999, ctypes.create_string_buffer(16), 16, None)
    assert rc == SQL_ERROR and [r[0] for r in conn.diagnostics()] == ["HY096"]
    stmt.execute("SELECT 1 AS a, 2 AS b")
    for column in (0, 99):
        assert rc_and_states(stmt, stmt.describe(column)[0]) == (SQL_ERROR, ["07009"])
    assert A.SQLFetch(stmt.handle) == SQL_SUCCESS
    for column in (0, 3):
        rc = A.SQLGetData(stmt.handle, column, oa.SQL_C_CHAR, ctypes.create_string_buffer(8), 8, None)
        assert (rc, stmt.states()) == (SQL_ERROR, ["07009"])
    rc = A.SQLGetData(stmt.handle, 1, 12345, ctypes.create_string_buffer(8), 8, None)
    assert (rc, stmt.states()) == (SQL_ERROR, ["HY003"])


def test_connection_attributes(target, conn, stmt):
    rc, value = conn.get_attr(oa.SQL_ATTR_TXN_ISOLATION)
    assert (rc, value) == (SQL_SUCCESS, oa.SQL_TXN_SERIALIZABLE)
    assert conn.set_attr(oa.SQL_ATTR_TXN_ISOLATION, oa.SQL_TXN_READ_COMMITTED) == SQL_SUCCESS_WITH_INFO
    assert [r[0] for r in conn.diagnostics()] == ["01S02"]
    assert conn.get_attr(oa.SQL_ATTR_TXN_ISOLATION)[1] == oa.SQL_TXN_SERIALIZABLE
    assert conn.set_attr(oa.SQL_ATTR_TXN_ISOLATION, oa.SQL_TXN_SERIALIZABLE) == SQL_SUCCESS
    # SQL_ATTR_CURRENT_CATALOG is the database.
    stmt.execute("SELECT current_database()")
    database = stmt.fetch_all_text()[0][0]
    catalog, length = ctypes.create_string_buffer(128), ctypes.c_int32()
    conn.check(A.SQLGetConnectAttr(conn.dbc, oa.SQL_ATTR_CURRENT_CATALOG, catalog, 128, byref(length)))
    assert catalog.value.decode() == database and length.value == len(database)
    assert A.SQLSetConnectAttr(conn.dbc, oa.SQL_ATTR_CURRENT_CATALOG, database.encode(), SQL_NTS) == SQL_SUCCESS
    assert conn.get_attr(oa.SQL_ATTR_CONNECTION_DEAD) == (SQL_SUCCESS, oa.SQL_CD_FALSE)
    # Statement attributes a forward-only, read-only cursor cannot honour are changed (01S02).
    assert rc_and_states(stmt, stmt.set_attr(oa.SQL_ATTR_CURSOR_TYPE, oa.SQL_CURSOR_STATIC)) == (
        SQL_SUCCESS_WITH_INFO, ["01S02"])
    value = SQLULEN()
    stmt.check(A.SQLGetStmtAttr(stmt.handle, oa.SQL_ATTR_CURSOR_TYPE, byref(value), 8, None))
    assert value.value == oa.SQL_CURSOR_FORWARD_ONLY
    # SQL_ATTR_MAX_ROWS
    stmt.check(stmt.set_attr(oa.SQL_ATTR_MAX_ROWS, 5))
    stmt.execute("SELECT value FROM generate_series(1, 100) ORDER BY value")
    assert [r[0] for r in stmt.fetch_all_text()] == ["1", "2", "3", "4", "5"]
    stmt.check(stmt.set_attr(oa.SQL_ATTR_MAX_ROWS, 0))


def test_manual_commit_through_sqlendtran(target, conn, stmt):
    t = unique("endtran")
    stmt.execute(f"CREATE TABLE {t} (x INT)")
    try:
        conn.check(conn.set_attr(oa.SQL_ATTR_AUTOCOMMIT, oa.SQL_AUTOCOMMIT_OFF))
        assert conn.get_attr(oa.SQL_ATTR_AUTOCOMMIT) == (SQL_SUCCESS, oa.SQL_AUTOCOMMIT_OFF)
        stmt.execute(f"INSERT INTO {t} VALUES (1)")
        conn.check(A.SQLEndTran(SQL_HANDLE_DBC, conn.dbc, oa.SQL_ROLLBACK))
        stmt.execute(f"SELECT count(*) FROM {t}")
        assert stmt.fetch_all_text() == [("0",)]
        stmt.execute(f"INSERT INTO {t} VALUES (2)")
        conn.check(A.SQLEndTran(SQL_HANDLE_ENV, conn.env, oa.SQL_COMMIT))
        conn.check(A.SQLEndTran(SQL_HANDLE_DBC, conn.dbc, oa.SQL_ROLLBACK))
        stmt.execute(f"SELECT x FROM {t}")
        assert stmt.fetch_all_text() == [("2",)]
        conn.check(A.SQLEndTran(SQL_HANDLE_DBC, conn.dbc, oa.SQL_COMMIT))
        conn.check(conn.set_attr(oa.SQL_ATTR_AUTOCOMMIT, oa.SQL_AUTOCOMMIT_ON))
    finally:
        stmt.exec_direct(f"DROP TABLE {t}")


def test_read_only_access_mode(conn, stmt):
    t = unique("readonly")
    stmt.execute(f"CREATE TABLE {t} (x INT)")
    try:
        conn.check(conn.set_attr(oa.SQL_ATTR_ACCESS_MODE, oa.SQL_MODE_READ_ONLY))
        assert conn.get_attr(oa.SQL_ATTR_ACCESS_MODE) == (SQL_SUCCESS, oa.SQL_MODE_READ_ONLY)
        assert conn.get_info_text(oa.SQL_DATA_SOURCE_READ_ONLY)[1] == "Y"
        assert rc_and_states(stmt, stmt.exec_direct(f"INSERT INTO {t} VALUES (1)")) == (SQL_ERROR, ["25006"])
        stmt.execute(f"SELECT count(*) FROM {t}")
        assert stmt.fetch_all_text() == [("0",)]
        conn.check(conn.set_attr(oa.SQL_ATTR_ACCESS_MODE, oa.SQL_MODE_READ_WRITE))
        stmt.execute(f"INSERT INTO {t} VALUES (1)")
        assert stmt.row_count() == 1
    finally:
        conn.set_attr(oa.SQL_ATTR_ACCESS_MODE, oa.SQL_MODE_READ_WRITE)
        stmt.exec_direct(f"DROP TABLE {t}")


def test_read_only_set_before_connecting(target):
    def read_only(c):
        assert c.set_attr(oa.SQL_ATTR_ACCESS_MODE, oa.SQL_MODE_READ_ONLY) == SQL_SUCCESS
    with oa.Connection(A, target.conn_str(driver="Redwood"), before_connect=read_only) as c:
        s = c.statement()
        rc = s.exec_direct(f"CREATE TABLE {unique('ro_before')} (x INT)")
        assert (rc, s.states()) == (SQL_ERROR, ["25006"])
        s.free()


def test_metadata_id_reads_catalog_arguments_as_identifiers(conn, stmt):
    t = unique("metaid")
    stmt.execute("SELECT current_database()")
    database = stmt.fetch_all_text()[0][0]
    stmt.execute(f"CREATE TABLE {t} (x INT)")
    try:
        def tables(name):
            # With SQL_ATTR_METADATA_ID the catalog and schema may not be null pointers (HY009).
            return A.SQLTables(stmt.handle, database.upper().encode(), SQL_NTS, b"PUBLIC", SQL_NTS, name.encode(),
                               SQL_NTS, None, 0)
        stmt.check(A.SQLTables(stmt.handle, None, 0, None, 0, t.upper().encode(), SQL_NTS, None, 0))
        assert stmt.fetch_all_text() == [], "a pattern is case-sensitive"
        stmt.check(stmt.set_attr(oa.SQL_ATTR_METADATA_ID, 1))
        stmt.check(tables(t.upper()))
        assert [r[2] for r in stmt.fetch_all_text()] == [t], "an identifier is folded as Redwood folds it"
        stmt.check(tables(f'"{t}"'))
        assert [r[2] for r in stmt.fetch_all_text()] == [t]
        stmt.check(tables(t[:-1] + "%"))
        assert stmt.fetch_all_text() == [], "% is not a wildcard in an identifier"
    finally:
        stmt.set_attr(oa.SQL_ATTR_METADATA_ID, 0)
        stmt.exec_direct(f"DROP TABLE {t}")


def test_batch_support_claims(conn, stmt):
    support = conn.get_info_number(oa.SQL_BATCH_SUPPORT)[1]
    stmt.execute("SELECT 1; SELECT 2")
    first = stmt.fetch_all_text()
    if support & 1:  # SQL_BS_SELECT_EXPLICIT: every result of the batch, in order
        assert first == [("1",)]
        assert A.SQLMoreResults(stmt.handle) == SQL_SUCCESS
        assert stmt.fetch_all_text() == [("2",)]
    else:
        assert first in ([("1",)], [("2",)])
        assert A.SQLMoreResults(stmt.handle) == SQL_NO_DATA


def test_functions_the_driver_exports_are_reported(conn):
    bitmap = (SQLUSMALLINT * oa.SQL_API_ODBC3_ALL_FUNCTIONS_SIZE)()
    conn.check(A.SQLGetFunctions(conn.dbc, oa.SQL_API_ODBC3_ALL_FUNCTIONS, bitmap))
    for name in ["SQLCANCEL", "SQLCOLUMNS", "SQLGETDATA", "SQLGETTYPEINFO", "SQLPARAMDATA", "SQLPUTDATA",
                 "SQLSPECIALCOLUMNS", "SQLSTATISTICS", "SQLTABLES", "SQLDESCRIBEPARAM", "SQLFOREIGNKEYS",
                 "SQLMORERESULTS", "SQLNATIVESQL", "SQLNUMPARAMS", "SQLPRIMARYKEYS", "SQLPROCEDURES",
                 "SQLPROCEDURECOLUMNS", "SQLTABLEPRIVILEGES", "SQLCOLUMNPRIVILEGES", "SQLBINDPARAMETER",
                 "SQLFETCHSCROLL", "SQLGETSTMTATTR", "SQLSETSTMTATTR", "SQLENDTRAN", "SQLCLOSECURSOR",
                 "SQLCOLATTRIBUTE"]:
        assert oa.function_exists(bitmap, getattr(oa, f"SQL_API_{name}")), name


# ----------------------------------------------------------------------- cancel and timeouts


def run_in_thread(s, sql):
    """SQLExecDirect and then SQLFetch in a thread: wherever the statement does its work (an
    embedded statement may compute rows as they are fetched), cancelling or timing it out must stop it."""
    result = {}

    def body():
        start = time.monotonic()
        rc = s.exec_direct(sql)
        result["function"] = "SQLExecDirect"
        if rc in (SQL_SUCCESS, SQL_SUCCESS_WITH_INFO):
            rc = A.SQLFetch(s.handle)
            result["function"] = "SQLFetch"
        result["rc"] = rc
        result["elapsed"] = time.monotonic() - start

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread, result


def test_cancel_from_another_thread(target):
    with open_connection(target) as c:
        s = c.statement()
        thread, result = run_in_thread(s, LONG_QUERY)
        deadline = time.monotonic() + 60
        # Bounded polling: SQLCancel before the statement has started has nothing to stop, so it is
        # repeated until the statement returns.
        while thread.is_alive() and time.monotonic() < deadline:
            assert A.SQLCancel(s.handle) in (SQL_SUCCESS, SQL_SUCCESS_WITH_INFO)
            thread.join(0.25)
        assert not thread.is_alive(), "SQLCancel did not stop the statement within 60 seconds"
        assert result["rc"] == SQL_ERROR, result
        states = s.states()
        assert states and states[0] in ("HY008", "57014"), (result, s.diagnostics())
        # The statement and the connection are usable afterwards.
        s.execute("SELECT 1")
        assert s.fetch_all_text() == [("1",)]
        s.free()


def test_query_timeout(target):
    with open_connection(target) as c:
        s = c.statement()
        s.check(s.set_attr(oa.SQL_ATTR_QUERY_TIMEOUT, 1))
        value = SQLULEN()
        s.check(A.SQLGetStmtAttr(s.handle, oa.SQL_ATTR_QUERY_TIMEOUT, byref(value), 8, None))
        assert value.value == 1
        thread, result = run_in_thread(s, LONG_QUERY)
        thread.join(60)
        if thread.is_alive():
            A.SQLCancel(s.handle)
            thread.join(30)
            pytest.fail("SQL_ATTR_QUERY_TIMEOUT=1 did not stop the statement within 60 seconds")
        assert result["rc"] == SQL_ERROR and s.states() == ["HYT00"], (result, s.diagnostics())
        assert result["elapsed"] < 30
        # A statement that ends in time is not affected.
        s.execute("SELECT count(*) FROM generate_series(1, 1000)")
        assert s.fetch_all_text() == [("1000",)]
        s.free()


# Its first rows come at once; the rest only after the whole series has been scanned (about a
# minute and a half here): a SQLFetch past the first batch runs the query.
FETCH_QUERY = "SELECT value FROM generate_series(1, 20000000000) WHERE value <= 10000 OR value > 19999999999"


def fetch_in_thread(s):
    """SQLExecDirect(FETCH_QUERY), then SQLFetch until it stops, in a thread."""
    result = {"rows": 0}

    def body():
        rc = s.exec_direct(FETCH_QUERY)
        while rc in (SQL_SUCCESS, SQL_SUCCESS_WITH_INFO):
            rc = A.SQLFetch(s.handle)
            result["rows"] += rc in (SQL_SUCCESS, SQL_SUCCESS_WITH_INFO)
        result["rc"] = rc
        result["ended"] = time.monotonic()

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    # Bounded polling until the first row is in: the statement then waits in SQLFetch.
    deadline = time.monotonic() + 60
    while result["rows"] < 2 and thread.is_alive() and time.monotonic() < deadline:
        thread.join(0.05)
    assert result["rows"] >= 2 and thread.is_alive(), result
    return thread, result


@pytest.fixture
def embedded():
    """An embedded database: its statements compute rows as SQLFetch asks for them (a `redwood
    serve` computes this query's result before sending its first row, within SQLExecute)."""
    return od.Target("memory", od.embedded_attrs(":memory:"))


def test_cancel_during_fetch(embedded):
    """SQLCancel stops a SQLFetch that is computing the rest of the result (HY008 is among
    SQLFetch's SQLSTATEs)."""
    with open_connection(embedded) as c:
        s = c.statement()
        s.execute("SELECT 1")  # warm up
        s.close_cursor()
        thread, result = fetch_in_thread(s)
        first_cancel = time.monotonic()
        while thread.is_alive() and time.monotonic() < first_cancel + 300:
            assert A.SQLCancel(s.handle) in (SQL_SUCCESS, SQL_SUCCESS_WITH_INFO)
            thread.join(0.25)
        assert not thread.is_alive(), "the fetch neither ended nor stopped in 5 minutes"
        assert result["rc"] == SQL_ERROR, f"SQLFetch was not cancelled: {result}"
        assert s.states()[:1] in (["HY008"], ["57014"]), s.diagnostics()
        assert result["ended"] - first_cancel < 30 and result["rows"] < 10000, result
        s.close_cursor()
        s.execute("SELECT 2")
        assert s.fetch_all_text() == [("2",)]
        s.free()


def test_query_timeout_during_fetch(embedded):
    """SQL_ATTR_QUERY_TIMEOUT bounds a query whose rows are computed in SQLFetch (HYT00 is among
    SQLFetch's SQLSTATEs)."""
    with open_connection(embedded) as c:
        s = c.statement()
        s.check(s.set_attr(oa.SQL_ATTR_QUERY_TIMEOUT, 2))
        started = time.monotonic()
        thread, result = fetch_in_thread(s)
        thread.join(300)
        assert not thread.is_alive(), "the fetch neither ended nor timed out in 5 minutes"
        assert result["rc"] == SQL_ERROR, f"SQLFetch ran past the 2 s query timeout: {result}"
        assert s.states() == ["HYT00"], s.diagnostics()
        assert result["ended"] - started < 30 and result["rows"] < 10000, result
        s.free()


def _private_server():
    from redwood_server import Server
    return Server()


def _kill(server):
    server.process.kill()
    server.process.wait(30)


def test_lost_remote_connection():
    server = _private_server()
    try:
        c = oa.Connection(A, od.connection_string(od.remote_attrs(server), "Redwood"))
        s = c.statement()
        s.execute("SELECT 1")
        assert s.fetch_all_text() == [("1",)]
        _kill(server)
        for _ in range(2):
            rc = s.exec_direct("SELECT 2")
            assert rc == SQL_ERROR
            states = s.states()
            assert states and states[0] == "08S01", s.diagnostics()  # communication link failure
        s.free()
        A.SQLDisconnect(c.dbc)   # whatever it answers, it returns
        c.connected = False
        c.close()
    finally:
        _kill(server)
        server.dir.cleanup()


def test_connection_dead_after_the_server_is_gone():
    server = _private_server()
    try:
        with oa.Connection(A, od.connection_string(od.remote_attrs(server), "Redwood")) as c:
            assert c.get_attr(oa.SQL_ATTR_CONNECTION_DEAD) == (SQL_SUCCESS, oa.SQL_CD_FALSE)
            s = c.statement()
            _kill(server)
            assert s.exec_direct("SELECT 1") == SQL_ERROR
            assert c.get_attr(oa.SQL_ATTR_CONNECTION_DEAD) == (SQL_SUCCESS, oa.SQL_CD_TRUE)
            s.free()
    finally:
        _kill(server)
        server.dir.cleanup()


# ---------------------------------------------------------------- the driver without the DM


def test_driver_called_directly_checks_its_handles():
    """libredwoododbc.so's own entry points (no driver manager): ANSI calls, diagnostics, and
    handles it does not know (null, freed, freed by SQLDisconnect) refused without a crash."""
    d = oa.Api(DRIVER)
    with oa.Connection(d, "Database=:memory:") as c:
        s = c.statement()
        s.execute("SELECT 'direct' AS how")
        assert s.column_names() == ["how"] and s.fetch_all_text() == [("direct",)]
        assert s.exec_direct("SELECT * FROM rwapi_missing") == SQL_ERROR and s.states() == ["42P01"]
        stale = s.handle
        s.free()
        assert d.SQLFetch(stale) == SQL_INVALID_HANDLE
        assert d.SQLExecDirect(None, b"SELECT 1", SQL_NTS) == SQL_INVALID_HANDLE
        assert d.SQLFreeHandle(SQL_HANDLE_DBC, c.env) == SQL_INVALID_HANDLE  # an environment is not a connection
        other = c.statement()
        handle = other.handle
        assert d.SQLDisconnect(c.dbc) == SQL_SUCCESS
        c.connected = False
        assert d.SQLFreeHandle(SQL_HANDLE_STMT, handle) == SQL_INVALID_HANDLE  # freed by SQLDisconnect
        assert d.SQLFreeHandle(SQL_HANDLE_ENV, c.env) == SQL_ERROR  # the connection is not freed yet
        assert oa.states(d, SQL_HANDLE_ENV, c.env) == ["HY010"]


# ------------------------------------------------------------ Tableau's and Excel's connect

# (info type, kind): what Tableau (its TDC capabilities are these info types) and Excel ask for;
# the info types ODBC 3 deprecated (SQL_FETCH_DIRECTION, SQL_LOCK_TYPES, …) are left out.
INFO_TYPES = [(name, "str") for name in [
    "SQL_DRIVER_ODBC_VER", "SQL_DRIVER_NAME", "SQL_DRIVER_VER", "SQL_DBMS_NAME", "SQL_DBMS_VER", "SQL_SERVER_NAME",
    "SQL_DATABASE_NAME", "SQL_USER_NAME", "SQL_DATA_SOURCE_NAME", "SQL_IDENTIFIER_QUOTE_CHAR",
    "SQL_CATALOG_NAME_SEPARATOR", "SQL_CATALOG_TERM", "SQL_SCHEMA_TERM", "SQL_TABLE_TERM", "SQL_PROCEDURE_TERM",
    "SQL_SEARCH_PATTERN_ESCAPE", "SQL_SPECIAL_CHARACTERS", "SQL_KEYWORDS", "SQL_COLLATION_SEQ"]] + \
    [(name, "yn") for name in [
        "SQL_CATALOG_NAME", "SQL_COLUMN_ALIAS", "SQL_DATA_SOURCE_READ_ONLY", "SQL_EXPRESSIONS_IN_ORDERBY",
        "SQL_MULT_RESULT_SETS", "SQL_MULTIPLE_ACTIVE_TXN", "SQL_NEED_LONG_DATA_LEN", "SQL_ORDER_BY_COLUMNS_IN_SELECT",
        "SQL_OUTER_JOINS", "SQL_PROCEDURES", "SQL_ACCESSIBLE_TABLES", "SQL_ACCESSIBLE_PROCEDURES",
        "SQL_LIKE_ESCAPE_CLAUSE", "SQL_MAX_ROW_SIZE_INCLUDES_LONG", "SQL_DESCRIBE_PARAMETER", "SQL_INTEGRITY",
        "SQL_ROW_UPDATES"]] + \
    [(name, "u16") for name in [
        "SQL_MAX_CONCURRENT_ACTIVITIES", "SQL_MAX_DRIVER_CONNECTIONS", "SQL_IDENTIFIER_CASE",
        "SQL_QUOTED_IDENTIFIER_CASE", "SQL_TXN_CAPABLE", "SQL_CURSOR_COMMIT_BEHAVIOR", "SQL_CURSOR_ROLLBACK_BEHAVIOR",
        "SQL_CONCAT_NULL_BEHAVIOR", "SQL_CORRELATION_NAME", "SQL_GROUP_BY", "SQL_NULL_COLLATION",
        "SQL_NON_NULLABLE_COLUMNS", "SQL_CATALOG_LOCATION", "SQL_MAX_COLUMN_NAME_LEN", "SQL_MAX_TABLE_NAME_LEN",
        "SQL_MAX_SCHEMA_NAME_LEN", "SQL_MAX_CATALOG_NAME_LEN", "SQL_MAX_IDENTIFIER_LEN", "SQL_MAX_COLUMNS_IN_SELECT",
        "SQL_MAX_COLUMNS_IN_GROUP_BY", "SQL_MAX_COLUMNS_IN_ORDER_BY", "SQL_MAX_COLUMNS_IN_TABLE",
        "SQL_MAX_COLUMNS_IN_INDEX", "SQL_MAX_TABLES_IN_SELECT", "SQL_MAX_USER_NAME_LEN", "SQL_MAX_CURSOR_NAME_LEN",
        "SQL_MAX_PROCEDURE_NAME_LEN", "SQL_FILE_USAGE", "SQL_ACTIVE_ENVIRONMENTS"]] + \
    [(name, "u32") for name in [
        "SQL_SQL_CONFORMANCE", "SQL_ODBC_INTERFACE_CONFORMANCE", "SQL_CATALOG_USAGE", "SQL_SCHEMA_USAGE",
        "SQL_AGGREGATE_FUNCTIONS", "SQL_NUMERIC_FUNCTIONS", "SQL_STRING_FUNCTIONS", "SQL_TIMEDATE_FUNCTIONS",
        "SQL_SYSTEM_FUNCTIONS", "SQL_CONVERT_FUNCTIONS", "SQL_TIMEDATE_ADD_INTERVALS", "SQL_TIMEDATE_DIFF_INTERVALS",
        "SQL_DATETIME_LITERALS", "SQL_SQL92_VALUE_EXPRESSIONS", "SQL_SQL92_NUMERIC_VALUE_FUNCTIONS",
        "SQL_SQL92_STRING_FUNCTIONS", "SQL_SQL92_DATETIME_FUNCTIONS", "SQL_SQL92_PREDICATES",
        "SQL_SQL92_RELATIONAL_JOIN_OPERATORS", "SQL_OJ_CAPABILITIES", "SQL_SUBQUERIES", "SQL_UNION",
        "SQL_DEFAULT_TXN_ISOLATION", "SQL_TXN_ISOLATION_OPTION", "SQL_GETDATA_EXTENSIONS", "SQL_MAX_STATEMENT_LEN",
        "SQL_MAX_ROW_SIZE", "SQL_MAX_CHAR_LITERAL_LEN", "SQL_MAX_BINARY_LITERAL_LEN", "SQL_MAX_INDEX_SIZE",
        "SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1", "SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2", "SQL_STATIC_CURSOR_ATTRIBUTES1",
        "SQL_PARAM_ARRAY_ROW_COUNTS", "SQL_PARAM_ARRAY_SELECTS", "SQL_BATCH_SUPPORT", "SQL_BATCH_ROW_COUNT",
        "SQL_INSERT_STATEMENT", "SQL_CREATE_TABLE", "SQL_CREATE_VIEW", "SQL_DROP_TABLE", "SQL_DROP_VIEW",
        "SQL_ALTER_TABLE", "SQL_ASYNC_MODE", "SQL_INFO_SCHEMA_VIEWS", "SQL_CURSOR_SENSITIVITY", "SQL_SCROLL_OPTIONS",
        "SQL_BOOKMARK_PERSISTENCE",
        "SQL_CONVERT_BIGINT", "SQL_CONVERT_BIT", "SQL_CONVERT_CHAR", "SQL_CONVERT_DATE", "SQL_CONVERT_DECIMAL",
        "SQL_CONVERT_DOUBLE", "SQL_CONVERT_FLOAT", "SQL_CONVERT_INTEGER", "SQL_CONVERT_LONGVARCHAR",
        "SQL_CONVERT_NUMERIC", "SQL_CONVERT_REAL", "SQL_CONVERT_SMALLINT", "SQL_CONVERT_TIME", "SQL_CONVERT_TIMESTAMP",
        "SQL_CONVERT_TINYINT", "SQL_CONVERT_VARCHAR", "SQL_CONVERT_WCHAR", "SQL_CONVERT_WVARCHAR",
        "SQL_CONVERT_WLONGVARCHAR", "SQL_CONVERT_BINARY", "SQL_CONVERT_VARBINARY", "SQL_CONVERT_LONGVARBINARY"]]

APPS = {
    # Tableau: a Unicode application, ODBC 3.80, no prompting.
    "tableau": {"wide": True, "version": oa.SQL_OV_ODBC3_80, "completion": oa.SQL_DRIVER_NOPROMPT},
    # Excel (MS Query / the legacy ODBC import): ANSI, ODBC 3, SQL_DRIVER_COMPLETE with a complete string.
    "excel": {"wide": False, "version": oa.SQL_OV_ODBC3, "completion": 1},
}


def _text(wide, s):
    return oa.text_arg(s, wide)


@pytest.mark.parametrize("app", APPS)
def test_connect_sequence_of(any_target, app):
    cfg, wide = APPS[app], APPS[app]["wide"]
    f = lambda name: getattr(A, name + ("W" if wide else ""))  # noqa: E731
    env, dbc, hstmt = SQLHANDLE(), SQLHANDLE(), SQLHANDLE()
    assert A.SQLAllocHandle(SQL_HANDLE_ENV, None, byref(env)) == SQL_SUCCESS
    assert A.SQLSetEnvAttr(env, oa.SQL_ATTR_ODBC_VERSION, cfg["version"], 0) == SQL_SUCCESS
    assert A.SQLAllocHandle(SQL_HANDLE_DBC, env, byref(dbc)) == SQL_SUCCESS
    connection = oa.Connection.__new__(oa.Connection)
    connection.api, connection.wide, connection.env, connection.dbc, connection.connected = A, wide, env, dbc, False
    table = unique(app)
    try:
        assert A.SQLSetConnectAttr(dbc, oa.SQL_ATTR_LOGIN_TIMEOUT, 30, 0) == SQL_SUCCESS
        cs = any_target.conn_str(driver="Redwood")
        length = SQLSMALLINT()
        out = oa.wide_buffer(1024) if wide else ctypes.create_string_buffer(1024)
        rc = f("SQLDriverConnect")(dbc, None, _text(wide, cs), SQL_NTS, out, 1024, byref(length), cfg["completion"])
        connection.check(rc, "SQLDriverConnect")
        connection.connected = True
        completed = oa.from_wide(out) if wide else out.value.decode()
        assert length.value == len(completed) and "Redwood" in completed

        bitmap = (SQLUSMALLINT * oa.SQL_API_ODBC3_ALL_FUNCTIONS_SIZE)()
        connection.check(A.SQLGetFunctions(dbc, oa.SQL_API_ODBC3_ALL_FUNCTIONS, bitmap))

        # SQLGetInfo over what the applications ask, each with a buffer of the type's size.
        answers, problems = {}, []
        for name, kind in INFO_TYPES:
            info = getattr(oa, name)
            size = SQLSMALLINT(-1)
            if kind in ("str", "yn"):
                buffer = oa.wide_buffer(16383) if wide else ctypes.create_string_buffer(32766)
                rc = f("SQLGetInfo")(dbc, info, buffer, 32766, byref(size))
                value = oa.from_wide(buffer) if wide else buffer.value.decode()
                expected_size = len(value.encode("utf-16-le" if wide else "utf-8"))
            else:
                holder = ctypes.c_uint64(0)  # room for a wrong-sized answer, to report it instead of corrupting
                rc = f("SQLGetInfo")(dbc, info, byref(holder), 2 if kind == "u16" else 4, byref(size))
                value = holder.value
                expected_size = 2 if kind == "u16" else 4
                if value >> (8 * expected_size):
                    problems.append(f"{name}: wrote more than {expected_size} bytes ({value:#x})")
            if rc != SQL_SUCCESS:
                problems.append(f"{name}: rc {rc} {[r[0] for r in connection.diagnostics()]}")
                continue
            if size.value != expected_size:
                problems.append(f"{name}: length {size.value}, expected {expected_size}")
            if kind == "yn" and value not in ("Y", "N"):
                problems.append(f"{name}: {value!r} is not Y or N")
            answers[name] = value
        assert not problems, "\n".join(problems)
        for name in ["SQL_DRIVER_ODBC_VER", "SQL_DRIVER_NAME", "SQL_DRIVER_VER", "SQL_DBMS_NAME", "SQL_DBMS_VER",
                     "SQL_DATABASE_NAME", "SQL_USER_NAME", "SQL_IDENTIFIER_QUOTE_CHAR", "SQL_CATALOG_NAME_SEPARATOR",
                     "SQL_SCHEMA_TERM", "SQL_TABLE_TERM"]:
            assert answers[name], name
        assert answers["SQL_DBMS_NAME"] == "Redwood"
        assert answers["SQL_SCROLL_OPTIONS"] & 1 and answers["SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1"] & 1
        assert answers["SQL_STATIC_CURSOR_ATTRIBUTES1"] == 0, "static cursors are not supported (01S02)"
        database = answers["SQL_DATABASE_NAME"]

        catalog = oa.wide_buffer(128) if wide else ctypes.create_string_buffer(256)
        connection.check(f("SQLGetConnectAttr")(dbc, oa.SQL_ATTR_CURRENT_CATALOG, catalog, 256, None))
        assert (oa.from_wide(catalog) if wide else catalog.value.decode()) == database

        connection.check(A.SQLAllocHandle(SQL_HANDLE_STMT, dbc, byref(hstmt)))
        s = oa.Statement(connection, hstmt)
        s.execute(f"CREATE TABLE {table} (id INTEGER NOT NULL, name VARCHAR(30), amount DECIMAL(10,2), "
                  f"day DATE, PRIMARY KEY (id))")
        s.execute(f"CREATE VIEW {table}_v AS SELECT id, name FROM {table}")
        s.execute(f"INSERT INTO {table} VALUES (1, 'a', 1.25, '2024-01-01'), (2, 'b', 2.50, '2024-01-02'), "
                  f"(3, 'a', 3.00, NULL)")

        # SQLGetTypeInfo(SQL_ALL_TYPES)
        s.check(f("SQLGetTypeInfo")(hstmt, oa.SQL_ALL_TYPES))
        assert s.num_result_cols() == 19
        types = s.fetch_all_text()
        assert [int(r[1]) for r in types] == sorted(int(r[1]) for r in types)
        assert {"integer", "varchar", "numeric", "date", "timestamp"} <= {r[0] for r in types}

        def tables(cat, schem, name, kinds=None):
            s.check(f("SQLTables")(hstmt, _text(wide, cat), SQL_NTS, _text(wide, schem), SQL_NTS,
                                   _text(wide, name), SQL_NTS, _text(wide, kinds), SQL_NTS if kinds else 0))
            assert s.num_result_cols() == 5
            return s.fetch_all_text()

        assert tables("%", "", "") == [(database, None, None, None, None)]
        schemas = [r[1] for r in tables("", "%", "")]
        assert "public" in schemas
        assert [r[3] for r in tables("", "", "", "%")] == ["SYSTEM TABLE", "TABLE", "VIEW"]
        listed = tables(database, "public", "%", "'TABLE','VIEW'")
        assert (database, "public", table, "TABLE", None) in listed
        assert (database, "public", f"{table}_v", "VIEW", None) in listed
        assert {r[3] for r in listed} <= {"TABLE", "VIEW"}

        s.check(f("SQLColumns")(hstmt, _text(wide, database), SQL_NTS, _text(wide, "public"), SQL_NTS,
                                _text(wide, table), SQL_NTS, _text(wide, "%"), SQL_NTS))
        assert s.num_result_cols() >= 18
        columns = s.fetch_all_text()
        assert [(r[3], r[4], r[16]) for r in columns] == [("id", "4", "1"), ("name", "12", "2"), ("amount", "2", "3"),
                                                          ("day", "91", "4")]

        s.check(f("SQLPrimaryKeys")(hstmt, _text(wide, database), SQL_NTS, _text(wide, "public"), SQL_NTS,
                                    _text(wide, table), SQL_NTS))
        assert [(r[3], r[4]) for r in s.fetch_all_text()] == [("id", "1")]
        s.check(f("SQLStatistics")(hstmt, _text(wide, database), SQL_NTS, _text(wide, "public"), SQL_NTS,
                                   _text(wide, table), SQL_NTS, oa.SQL_INDEX_ALL, oa.SQL_QUICK))
        assert s.num_result_cols() == 13 and len(s.fetch_all_text()) >= 1
        s.check(f("SQLForeignKeys")(hstmt, None, 0, None, 0, None, 0, _text(wide, database), SQL_NTS,
                                    _text(wide, "public"), SQL_NTS, _text(wide, table), SQL_NTS))
        assert s.num_result_cols() == 14 and s.fetch_all_text() == []
        s.check(f("SQLSpecialColumns")(hstmt, oa.SQL_BEST_ROWID, None, 0, _text(wide, "public"), SQL_NTS,
                                       _text(wide, table), SQL_NTS, oa.SQL_SCOPE_SESSION, oa.SQL_NULLABLE))
        assert [r[1] for r in s.fetch_all_text()] == ["id"]

        # The "WHERE 1=0" query that describes a table's columns before anything runs.
        q = answers["SQL_IDENTIFIER_QUOTE_CHAR"]
        sql = (f"SELECT {q}id{q}, {q}name{q}, {q}amount{q}, {q}day{q} FROM {q}public{q}.{q}{table}{q} "
               f"WHERE (1 = 0)")
        s.check(s.prepare(sql))
        assert s.num_result_cols() == 4
        described = [s.describe(i) for i in range(1, 5)]
        assert [(d[1], d[3]) for d in described] == [("id", oa.SQL_INTEGER), ("name", oa.SQL_VARCHAR),
                                                     ("amount", oa.SQL_NUMERIC), ("day", oa.SQL_TYPE_DATE)]
        assert described[2][4:6] == (10, 2)
        s.check(A.SQLExecute(hstmt))
        assert A.SQLFetch(hstmt) == SQL_NO_DATA
        assert A.SQLCloseCursor(hstmt) == SQL_SUCCESS

        # The aggregate query the sheet then runs, read through bound columns.
        s.execute(f"SELECT {q}name{q}, SUM({q}amount{q}) AS total, COUNT(*) AS n FROM {q}public{q}.{q}{table}{q} "
                  f"GROUP BY {q}name{q} ORDER BY {q}name{q}")
        name, name_ind = ctypes.create_string_buffer(64), SQLLEN()
        total, total_ind = ctypes.c_double(), SQLLEN()
        n, n_ind = ctypes.c_int64(), SQLLEN()
        s.check(A.SQLBindCol(hstmt, 1, oa.SQL_C_CHAR, name, 64, byref(name_ind)))
        s.check(A.SQLBindCol(hstmt, 2, oa.SQL_C_DOUBLE, byref(total), 8, byref(total_ind)))
        s.check(A.SQLBindCol(hstmt, 3, oa.SQL_C_SBIGINT, byref(n), 8, byref(n_ind)))
        rows = []
        while A.SQLFetch(hstmt) == SQL_SUCCESS:
            rows.append((name.value.decode(), total.value, n.value))
        assert rows == [("a", 4.25, 2), ("b", 2.5, 1)]
        s.check(A.SQLFreeStmt(hstmt, oa.SQL_UNBIND))
        s.execute(f"DROP VIEW {table}_v")
        s.execute(f"DROP TABLE {table}")
    finally:
        if hstmt:
            A.SQLFreeHandle(SQL_HANDLE_STMT, hstmt)
        connection.close()
