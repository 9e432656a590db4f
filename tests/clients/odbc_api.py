"""The ODBC C API through ctypes, for the raw-API tests of Redwood's ODBC driver
(test_odbc_driver_api.py): the declarations of the functions they call (argument and return
types), the constants they use (numbers from sql.h, sqlext.h and sqlucode.h), and small helpers
(diagnostic records, wide strings, connecting, reading a result as Python values).

`Api(path)` binds a library: normally unixODBC's driver manager (libodbc.so.2), so that handle
validation and function sequencing are those an application sees; the driver's own library can
be bound the same way to call it without the driver manager.

unixODBC on Linux: SQLLEN/SQLULEN are 64-bit, SQLWCHAR is 2 bytes of UTF-16 (`odbcinst -j`).
"""

import ctypes
from ctypes import POINTER, byref, c_int16, c_int32, c_int64, c_uint16, c_uint32, c_uint64, c_void_p

SQLRETURN = c_int16
SQLSMALLINT = c_int16
SQLUSMALLINT = c_uint16
SQLINTEGER = c_int32
SQLUINTEGER = c_uint32
SQLLEN = c_int64
SQLULEN = c_uint64
SQLHANDLE = c_void_p
SQLPOINTER = c_void_p
SQLWCHAR = c_uint16

# ----------------------------------------------------------------------------- return codes
SQL_SUCCESS = 0
SQL_SUCCESS_WITH_INFO = 1
SQL_NO_DATA = 100
SQL_ERROR = -1
SQL_INVALID_HANDLE = -2
SQL_NEED_DATA = 99
SQL_STILL_EXECUTING = 2

# ---------------------------------------------------------------------------------- handles
SQL_HANDLE_ENV = 1
SQL_HANDLE_DBC = 2
SQL_HANDLE_STMT = 3
SQL_HANDLE_DESC = 4
SQL_NULL_HANDLE = None

# -------------------------------------------------------------------------------- lengths
SQL_NTS = -3
SQL_NULL_DATA = -1
SQL_DATA_AT_EXEC = -2
SQL_NO_TOTAL = -4
SQL_LEN_DATA_AT_EXEC_OFFSET = -100


def SQL_LEN_DATA_AT_EXEC(length):
    return SQL_LEN_DATA_AT_EXEC_OFFSET - length


# ----------------------------------------------------------------------------- attributes
SQL_ATTR_ODBC_VERSION = 200
SQL_OV_ODBC3 = 3
SQL_OV_ODBC3_80 = 380

SQL_ATTR_ACCESS_MODE = 101
SQL_MODE_READ_WRITE = 0
SQL_MODE_READ_ONLY = 1
SQL_ATTR_AUTOCOMMIT = 102
SQL_AUTOCOMMIT_OFF = 0
SQL_AUTOCOMMIT_ON = 1
SQL_ATTR_LOGIN_TIMEOUT = 103
SQL_ATTR_TXN_ISOLATION = 108
SQL_ATTR_CURRENT_CATALOG = 109
SQL_ATTR_CONNECTION_DEAD = 1209
SQL_CD_TRUE = 1
SQL_CD_FALSE = 0
SQL_ATTR_METADATA_ID = 10014
SQL_TXN_READ_UNCOMMITTED = 1
SQL_TXN_READ_COMMITTED = 2
SQL_TXN_REPEATABLE_READ = 4
SQL_TXN_SERIALIZABLE = 8

SQL_ATTR_QUERY_TIMEOUT = 0
SQL_ATTR_MAX_ROWS = 1
SQL_ATTR_ROW_BIND_TYPE = 5
SQL_ATTR_CURSOR_TYPE = 6
SQL_ATTR_CONCURRENCY = 7
SQL_ATTR_PARAM_BIND_TYPE = 18
SQL_ATTR_PARAM_STATUS_PTR = 20
SQL_ATTR_PARAMS_PROCESSED_PTR = 21
SQL_ATTR_PARAMSET_SIZE = 22
SQL_ATTR_ROW_BIND_OFFSET_PTR = 23
SQL_ATTR_ROW_STATUS_PTR = 25
SQL_ATTR_ROWS_FETCHED_PTR = 26
SQL_ATTR_ROW_ARRAY_SIZE = 27
SQL_BIND_BY_COLUMN = 0
SQL_PARAM_BIND_BY_COLUMN = 0
SQL_CURSOR_FORWARD_ONLY = 0
SQL_CURSOR_STATIC = 3
SQL_CONCUR_READ_ONLY = 1

SQL_ROW_SUCCESS = 0
SQL_ROW_NOROW = 3
SQL_ROW_ERROR = 5
SQL_ROW_SUCCESS_WITH_INFO = 6
SQL_PARAM_SUCCESS = 0
SQL_PARAM_ERROR = 5
SQL_PARAM_UNUSED = 7

# ------------------------------------------------------------------------------- SQL types
SQL_UNKNOWN_TYPE = 0
SQL_ALL_TYPES = 0
SQL_CHAR = 1
SQL_NUMERIC = 2
SQL_DECIMAL = 3
SQL_INTEGER = 4
SQL_SMALLINT = 5
SQL_FLOAT = 6
SQL_REAL = 7
SQL_DOUBLE = 8
SQL_DATETIME = 9
SQL_VARCHAR = 12
SQL_TYPE_DATE = 91
SQL_TYPE_TIME = 92
SQL_TYPE_TIMESTAMP = 93
SQL_LONGVARCHAR = -1
SQL_BINARY = -2
SQL_VARBINARY = -3
SQL_LONGVARBINARY = -4
SQL_BIGINT = -5
SQL_TINYINT = -6
SQL_BIT = -7
SQL_WCHAR = -8
SQL_WVARCHAR = -9
SQL_WLONGVARCHAR = -10

# --------------------------------------------------------------------------------- C types
SQL_C_CHAR = 1
SQL_C_WCHAR = -8
SQL_C_LONG = 4
SQL_C_SLONG = -16
SQL_C_SHORT = 5
SQL_C_SSHORT = -15
SQL_C_SBIGINT = -25
SQL_C_DOUBLE = 8
SQL_C_FLOAT = 7
SQL_C_BIT = -7
SQL_C_NUMERIC = 2
SQL_C_BINARY = -2
SQL_C_TYPE_DATE = 91
SQL_C_TYPE_TIME = 92
SQL_C_TYPE_TIMESTAMP = 93
SQL_C_DEFAULT = 99

SQL_PARAM_INPUT = 1

# -------------------------------------------------------------------------------- others
SQL_DRIVER_NOPROMPT = 0
SQL_COMMIT = 0
SQL_ROLLBACK = 1
SQL_CLOSE = 0
SQL_DROP = 1
SQL_UNBIND = 2
SQL_RESET_PARAMS = 3
SQL_FETCH_NEXT = 1
SQL_FETCH_FIRST = 2
SQL_FETCH_ABSOLUTE = 5
SQL_NO_NULLS = 0
SQL_NULLABLE = 1
SQL_NULLABLE_UNKNOWN = 2
SQL_BEST_ROWID = 1
SQL_ROWVER = 2
SQL_SCOPE_CURROW = 0
SQL_SCOPE_TRANSACTION = 1
SQL_SCOPE_SESSION = 2
SQL_INDEX_UNIQUE = 0
SQL_INDEX_ALL = 1
SQL_QUICK = 0
SQL_ENSURE = 1
SQL_ALL_CATALOGS = "%"
SQL_ALL_SCHEMAS = "%"
SQL_ALL_TABLE_TYPES = "%"

# SQLGetFunctions
SQL_API_ODBC3_ALL_FUNCTIONS = 999
SQL_API_ODBC3_ALL_FUNCTIONS_SIZE = 250
SQL_API_SQLCANCEL = 5
SQL_API_SQLCOLUMNS = 40
SQL_API_SQLGETDATA = 43
SQL_API_SQLGETTYPEINFO = 47
SQL_API_SQLPARAMDATA = 48
SQL_API_SQLPUTDATA = 49
SQL_API_SQLSPECIALCOLUMNS = 52
SQL_API_SQLSTATISTICS = 53
SQL_API_SQLTABLES = 54
SQL_API_SQLCOLUMNPRIVILEGES = 56
SQL_API_SQLDESCRIBEPARAM = 58
SQL_API_SQLFOREIGNKEYS = 60
SQL_API_SQLMORERESULTS = 61
SQL_API_SQLNATIVESQL = 62
SQL_API_SQLNUMPARAMS = 63
SQL_API_SQLPRIMARYKEYS = 65
SQL_API_SQLPROCEDURECOLUMNS = 66
SQL_API_SQLPROCEDURES = 67
SQL_API_SQLTABLEPRIVILEGES = 70
SQL_API_SQLBINDPARAMETER = 72
SQL_API_SQLFETCHSCROLL = 1021
SQL_API_SQLGETSTMTATTR = 1014
SQL_API_SQLSETSTMTATTR = 1020
SQL_API_SQLGETDIAGFIELD = 1010
SQL_API_SQLGETDIAGREC = 1011
SQL_API_SQLENDTRAN = 1005
SQL_API_SQLCLOSECURSOR = 1003
SQL_API_SQLCOLATTRIBUTE = 6


def function_exists(bitmap, function_id):
    """SQL_FUNC_EXISTS over SQLGetFunctions(SQL_API_ODBC3_ALL_FUNCTIONS)'s array."""
    return bool(bitmap[function_id >> 4] & (1 << (function_id & 0xF)))


# SQLColAttribute fields
SQL_DESC_CONCISE_TYPE = 2
SQL_DESC_DISPLAY_SIZE = 6
SQL_DESC_UNSIGNED = 8
SQL_DESC_TYPE_NAME = 14
SQL_DESC_LABEL = 18
SQL_DESC_COUNT = 1001
SQL_DESC_TYPE = 1002
SQL_DESC_LENGTH = 1003
SQL_DESC_PRECISION = 1005
SQL_DESC_SCALE = 1006
SQL_DESC_NULLABLE = 1008
SQL_DESC_NAME = 1011
SQL_DESC_OCTET_LENGTH = 1013

# SQLGetDiagField
SQL_DIAG_RETURNCODE = 1
SQL_DIAG_NUMBER = 2
SQL_DIAG_ROW_COUNT = 3
SQL_DIAG_SQLSTATE = 4
SQL_DIAG_NATIVE = 5
SQL_DIAG_MESSAGE_TEXT = 6
SQL_DIAG_CLASS_ORIGIN = 8
SQL_DIAG_SUBCLASS_ORIGIN = 9

# --------------------------------------------------------------------- SQLGetInfo types
SQL_MAX_DRIVER_CONNECTIONS = 0
SQL_MAX_CONCURRENT_ACTIVITIES = 1
SQL_DATA_SOURCE_NAME = 2
SQL_DRIVER_NAME = 6
SQL_DRIVER_VER = 7
SQL_FETCH_DIRECTION = 8
SQL_ODBC_API_CONFORMANCE = 9
SQL_ODBC_VER = 10
SQL_ROW_UPDATES = 11
SQL_ODBC_SAG_CLI_CONFORMANCE = 12
SQL_SERVER_NAME = 13
SQL_SEARCH_PATTERN_ESCAPE = 14
SQL_ODBC_SQL_CONFORMANCE = 15
SQL_DATABASE_NAME = 16
SQL_DBMS_NAME = 17
SQL_DBMS_VER = 18
SQL_ACCESSIBLE_TABLES = 19
SQL_ACCESSIBLE_PROCEDURES = 20
SQL_PROCEDURES = 21
SQL_CONCAT_NULL_BEHAVIOR = 22
SQL_CURSOR_COMMIT_BEHAVIOR = 23
SQL_CURSOR_ROLLBACK_BEHAVIOR = 24
SQL_DATA_SOURCE_READ_ONLY = 25
SQL_DEFAULT_TXN_ISOLATION = 26
SQL_EXPRESSIONS_IN_ORDERBY = 27
SQL_IDENTIFIER_CASE = 28
SQL_IDENTIFIER_QUOTE_CHAR = 29
SQL_MAX_COLUMN_NAME_LEN = 30
SQL_MAX_CURSOR_NAME_LEN = 31
SQL_MAX_SCHEMA_NAME_LEN = 32
SQL_MAX_PROCEDURE_NAME_LEN = 33
SQL_MAX_CATALOG_NAME_LEN = 34
SQL_MAX_TABLE_NAME_LEN = 35
SQL_MULT_RESULT_SETS = 36
SQL_MULTIPLE_ACTIVE_TXN = 37
SQL_OUTER_JOINS = 38
SQL_SCHEMA_TERM = 39
SQL_PROCEDURE_TERM = 40
SQL_CATALOG_NAME_SEPARATOR = 41
SQL_CATALOG_TERM = 42
SQL_SCROLL_CONCURRENCY = 43
SQL_SCROLL_OPTIONS = 44
SQL_TABLE_TERM = 45
SQL_TXN_CAPABLE = 46
SQL_USER_NAME = 47
SQL_CONVERT_FUNCTIONS = 48
SQL_NUMERIC_FUNCTIONS = 49
SQL_STRING_FUNCTIONS = 50
SQL_SYSTEM_FUNCTIONS = 51
SQL_TIMEDATE_FUNCTIONS = 52
SQL_CONVERT_BIGINT = 53
SQL_CONVERT_BINARY = 54
SQL_CONVERT_BIT = 55
SQL_CONVERT_CHAR = 56
SQL_CONVERT_DATE = 57
SQL_CONVERT_DECIMAL = 58
SQL_CONVERT_DOUBLE = 59
SQL_CONVERT_FLOAT = 60
SQL_CONVERT_INTEGER = 61
SQL_CONVERT_LONGVARCHAR = 62
SQL_CONVERT_NUMERIC = 63
SQL_CONVERT_REAL = 64
SQL_CONVERT_SMALLINT = 65
SQL_CONVERT_TIME = 66
SQL_CONVERT_TIMESTAMP = 67
SQL_CONVERT_TINYINT = 68
SQL_CONVERT_VARBINARY = 69
SQL_CONVERT_VARCHAR = 70
SQL_CONVERT_LONGVARBINARY = 71
SQL_TXN_ISOLATION_OPTION = 72
SQL_INTEGRITY = 73
SQL_CORRELATION_NAME = 74
SQL_NON_NULLABLE_COLUMNS = 75
SQL_DRIVER_ODBC_VER = 77
SQL_LOCK_TYPES = 78
SQL_POS_OPERATIONS = 79
SQL_POSITIONED_STATEMENTS = 80
SQL_GETDATA_EXTENSIONS = 81
SQL_BOOKMARK_PERSISTENCE = 82
SQL_STATIC_SENSITIVITY = 83
SQL_FILE_USAGE = 84
SQL_NULL_COLLATION = 85
SQL_ALTER_TABLE = 86
SQL_COLUMN_ALIAS = 87
SQL_GROUP_BY = 88
SQL_KEYWORDS = 89
SQL_ORDER_BY_COLUMNS_IN_SELECT = 90
SQL_SCHEMA_USAGE = 91
SQL_CATALOG_USAGE = 92
SQL_QUOTED_IDENTIFIER_CASE = 93
SQL_SPECIAL_CHARACTERS = 94
SQL_SUBQUERIES = 95
SQL_UNION = 96
SQL_MAX_COLUMNS_IN_GROUP_BY = 97
SQL_MAX_COLUMNS_IN_INDEX = 98
SQL_MAX_COLUMNS_IN_ORDER_BY = 99
SQL_MAX_COLUMNS_IN_SELECT = 100
SQL_MAX_COLUMNS_IN_TABLE = 101
SQL_MAX_INDEX_SIZE = 102
SQL_MAX_ROW_SIZE_INCLUDES_LONG = 103
SQL_MAX_ROW_SIZE = 104
SQL_MAX_STATEMENT_LEN = 105
SQL_MAX_TABLES_IN_SELECT = 106
SQL_MAX_USER_NAME_LEN = 107
SQL_MAX_CHAR_LITERAL_LEN = 108
SQL_TIMEDATE_ADD_INTERVALS = 109
SQL_TIMEDATE_DIFF_INTERVALS = 110
SQL_NEED_LONG_DATA_LEN = 111
SQL_MAX_BINARY_LITERAL_LEN = 112
SQL_LIKE_ESCAPE_CLAUSE = 113
SQL_CATALOG_LOCATION = 114
SQL_OJ_CAPABILITIES = 115
SQL_ACTIVE_ENVIRONMENTS = 116
SQL_SQL_CONFORMANCE = 118
SQL_DATETIME_LITERALS = 119
SQL_BATCH_ROW_COUNT = 120
SQL_BATCH_SUPPORT = 121
SQL_CONVERT_WCHAR = 122
SQL_CONVERT_WLONGVARCHAR = 125
SQL_CONVERT_WVARCHAR = 126
SQL_CREATE_TABLE = 132
SQL_CREATE_VIEW = 134
SQL_DROP_TABLE = 141
SQL_DROP_VIEW = 143
SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1 = 146
SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2 = 147
SQL_INFO_SCHEMA_VIEWS = 149
SQL_ODBC_INTERFACE_CONFORMANCE = 152
SQL_PARAM_ARRAY_ROW_COUNTS = 153
SQL_PARAM_ARRAY_SELECTS = 154
SQL_SQL92_DATETIME_FUNCTIONS = 155
SQL_SQL92_NUMERIC_VALUE_FUNCTIONS = 159
SQL_SQL92_PREDICATES = 160
SQL_SQL92_RELATIONAL_JOIN_OPERATORS = 161
SQL_SQL92_STRING_FUNCTIONS = 164
SQL_SQL92_VALUE_EXPRESSIONS = 165
SQL_STATIC_CURSOR_ATTRIBUTES1 = 167
SQL_AGGREGATE_FUNCTIONS = 169
SQL_DM_VER = 171
SQL_INSERT_STATEMENT = 172
SQL_XOPEN_CLI_YEAR = 10000
SQL_CURSOR_SENSITIVITY = 10001
SQL_DESCRIBE_PARAMETER = 10002
SQL_CATALOG_NAME = 10003
SQL_COLLATION_SEQ = 10004
SQL_MAX_IDENTIFIER_LEN = 10005
SQL_ASYNC_MODE = 10021

# SQLGetInfo answers
SQL_IC_UPPER = 1
SQL_IC_LOWER = 2
SQL_IC_SENSITIVE = 3
SQL_IC_MIXED = 4
SQL_GD_ANY_COLUMN = 1
SQL_GD_ANY_ORDER = 2
SQL_GD_BLOCK = 4
SQL_GD_BOUND = 8
SQL_CU_DML_STATEMENTS = 1
SQL_SU_DML_STATEMENTS = 1
SQL_OJ_LEFT = 1
SQL_OJ_RIGHT = 2
SQL_OJ_FULL = 4
SQL_AF_AVG = 1
SQL_AF_COUNT = 2
SQL_AF_MAX = 4
SQL_AF_MIN = 8
SQL_AF_SUM = 0x10
SQL_SC_SQL92_ENTRY = 1
SQL_SC_FIPS127_2_TRANSITIONAL = 2
SQL_SC_SQL92_INTERMEDIATE = 4
SQL_SC_SQL92_FULL = 8
SQL_FN_CVT_CONVERT = 1
SQL_FN_CVT_CAST = 2
SQL_FN_SYS_USERNAME = 1
SQL_FN_SYS_DBNAME = 2
SQL_FN_SYS_IFNULL = 4

# ------------------------------------------------------------------------------- structs


class SQL_NUMERIC_STRUCT(ctypes.Structure):
    _fields_ = [("precision", ctypes.c_ubyte), ("scale", ctypes.c_byte), ("sign", ctypes.c_ubyte),
                ("val", ctypes.c_ubyte * 16)]

    def value(self):
        from decimal import Decimal
        magnitude = int.from_bytes(bytes(self.val), "little")
        return Decimal(magnitude if self.sign else -magnitude).scaleb(-self.scale)

    @classmethod
    def of(cls, decimal, precision=38):
        sign, digits, exponent = decimal.as_tuple()
        magnitude = int("".join(map(str, digits)) or "0")
        n = cls()
        n.precision, n.scale, n.sign = precision, -exponent, 0 if sign else 1
        for i, byte in enumerate(magnitude.to_bytes(16, "little")):
            n.val[i] = byte
        return n


class DATE_STRUCT(ctypes.Structure):
    _fields_ = [("year", c_int16), ("month", c_uint16), ("day", c_uint16)]


class TIME_STRUCT(ctypes.Structure):
    _fields_ = [("hour", c_uint16), ("minute", c_uint16), ("second", c_uint16)]


class TIMESTAMP_STRUCT(ctypes.Structure):
    _fields_ = [("year", c_int16), ("month", c_uint16), ("day", c_uint16), ("hour", c_uint16),
                ("minute", c_uint16), ("second", c_uint16), ("fraction", c_uint32)]


# ------------------------------------------------------------------------- declarations

H, P, S, US, I, L, UL = SQLHANDLE, SQLPOINTER, SQLSMALLINT, SQLUSMALLINT, SQLINTEGER, SQLLEN, SQLULEN
# Every pointer argument is a void pointer: buffers of either character width, ctypes arrays,
# byref() results and None all pass.
_SIGNATURES = {
    "SQLAllocHandle": [S, H, P],
    "SQLFreeHandle": [S, H],
    "SQLFreeStmt": [H, US],
    "SQLSetEnvAttr": [H, I, P, I],
    "SQLGetEnvAttr": [H, I, P, I, P],
    "SQLDriverConnect": [H, P, P, S, P, S, P, US],
    "SQLDriverConnectW": [H, P, P, S, P, S, P, US],
    "SQLConnect": [H, P, S, P, S, P, S],
    "SQLConnectW": [H, P, S, P, S, P, S],
    "SQLDisconnect": [H],
    "SQLGetInfo": [H, US, P, S, P],
    "SQLGetInfoW": [H, US, P, S, P],
    "SQLSetConnectAttr": [H, I, P, I],
    "SQLSetConnectAttrW": [H, I, P, I],
    "SQLGetConnectAttr": [H, I, P, I, P],
    "SQLGetConnectAttrW": [H, I, P, I, P],
    "SQLEndTran": [S, H, S],
    "SQLNativeSql": [H, P, I, P, I, P],
    "SQLNativeSqlW": [H, P, I, P, I, P],
    "SQLExecDirect": [H, P, I],
    "SQLExecDirectW": [H, P, I],
    "SQLPrepare": [H, P, I],
    "SQLPrepareW": [H, P, I],
    "SQLExecute": [H],
    "SQLNumResultCols": [H, P],
    "SQLNumParams": [H, P],
    "SQLDescribeCol": [H, US, P, S, P, P, P, P, P],
    "SQLDescribeColW": [H, US, P, S, P, P, P, P, P],
    "SQLDescribeParam": [H, US, P, P, P, P],
    "SQLColAttribute": [H, US, US, P, S, P, P],
    "SQLColAttributeW": [H, US, US, P, S, P, P],
    "SQLBindCol": [H, US, S, P, L, P],
    "SQLBindParameter": [H, US, S, S, S, UL, S, P, L, P],
    "SQLFetch": [H],
    "SQLFetchScroll": [H, S, L],
    "SQLGetData": [H, US, S, P, L, P],
    "SQLParamData": [H, P],
    "SQLPutData": [H, P, L],
    "SQLRowCount": [H, P],
    "SQLMoreResults": [H],
    "SQLCloseCursor": [H],
    "SQLCancel": [H],
    "SQLSetStmtAttr": [H, I, P, I],
    "SQLSetStmtAttrW": [H, I, P, I],
    "SQLGetStmtAttr": [H, I, P, I, P],
    "SQLGetStmtAttrW": [H, I, P, I, P],
    "SQLGetDiagRec": [S, H, S, P, P, P, S, P],
    "SQLGetDiagRecW": [S, H, S, P, P, P, S, P],
    "SQLGetDiagField": [S, H, S, S, P, S, P],
    "SQLGetDiagFieldW": [S, H, S, S, P, S, P],
    "SQLTables": [H, P, S, P, S, P, S, P, S],
    "SQLTablesW": [H, P, S, P, S, P, S, P, S],
    "SQLColumns": [H, P, S, P, S, P, S, P, S],
    "SQLColumnsW": [H, P, S, P, S, P, S, P, S],
    "SQLPrimaryKeys": [H, P, S, P, S, P, S],
    "SQLPrimaryKeysW": [H, P, S, P, S, P, S],
    "SQLStatistics": [H, P, S, P, S, P, S, US, US],
    "SQLStatisticsW": [H, P, S, P, S, P, S, US, US],
    "SQLSpecialColumns": [H, US, P, S, P, S, P, S, US, US],
    "SQLSpecialColumnsW": [H, US, P, S, P, S, P, S, US, US],
    "SQLGetTypeInfo": [H, S],
    "SQLGetTypeInfoW": [H, S],
    "SQLForeignKeys": [H, P, S, P, S, P, S, P, S, P, S, P, S],
    "SQLForeignKeysW": [H, P, S, P, S, P, S, P, S, P, S, P, S],
    "SQLProcedures": [H, P, S, P, S, P, S],
    "SQLProceduresW": [H, P, S, P, S, P, S],
    "SQLGetCursorName": [H, P, S, P],
    "SQLGetFunctions": [H, US, P],
}


class Api:
    """A library with the ODBC functions declared: `api.SQLExecDirect(...)`."""

    def __init__(self, path="libodbc.so.2"):
        self.path = path
        self.lib = ctypes.CDLL(path)
        for name, argtypes in _SIGNATURES.items():
            function = getattr(self.lib, name, None)
            if function is None:
                continue
            function.argtypes = argtypes
            function.restype = SQLRETURN
            setattr(self, name, function)


_apis = {}


def api(path="libodbc.so.2"):
    """One `Api` per library (ctypes loads a library once per process anyway)."""
    if path not in _apis:
        _apis[path] = Api(path)
    return _apis[path]


# -------------------------------------------------------------------------------- strings


def wide(text):
    """A NUL-terminated SQLWCHAR string (UTF-16LE) for the W functions."""
    units = text.encode("utf-16-le") + b"\0\0"
    return ctypes.create_string_buffer(units, len(units))


def wide_buffer(chars):
    """An output buffer of `chars` SQLWCHARs."""
    return (SQLWCHAR * chars)()


def from_wide(buffer, chars=None):
    """The text in a SQLWCHAR buffer: `chars` units, or up to the first NUL."""
    data = bytes(buffer)
    if chars is None:
        units = [data[i:i + 2] for i in range(0, len(data) - 1, 2)]
        chars = next((i for i, u in enumerate(units) if u == b"\0\0"), len(units))
    return data[:2 * chars].decode("utf-16-le")


def ansi(text):
    return None if text is None else text.encode("utf-8")


def text_arg(text, wide_chars):
    """A string argument for the ANSI or W variant; None stays a null pointer."""
    if text is None:
        return None
    return wide(text) if wide_chars else ctypes.create_string_buffer(text.encode("utf-8"))


def succeeded(rc):
    return rc in (SQL_SUCCESS, SQL_SUCCESS_WITH_INFO)


# ---------------------------------------------------------------------------- diagnostics


def diagnostics(a, handle_type, handle, wide_chars=False):
    """Every diagnostic record of a handle: [(sqlstate, native, message)]."""
    records = []
    for number in range(1, 50):
        native = SQLINTEGER()
        length = SQLSMALLINT()
        if wide_chars:
            state, message = wide_buffer(6), wide_buffer(2048)
            rc = a.SQLGetDiagRecW(handle_type, handle, number, state, byref(native), message, 2048, byref(length))
            decode = from_wide
        else:
            state, message = ctypes.create_string_buffer(6), ctypes.create_string_buffer(4096)
            rc = a.SQLGetDiagRec(handle_type, handle, number, state, byref(native), message, 4096, byref(length))
            decode = lambda b: b.value.decode("utf-8", "replace")  # noqa: E731
        if not succeeded(rc):
            break
        records.append((decode(state), native.value, decode(message)))
    return records


def states(a, handle_type, handle, wide_chars=False):
    return [r[0] for r in diagnostics(a, handle_type, handle, wide_chars)]


class OdbcError(Exception):
    def __init__(self, function, rc, records):
        super().__init__(f"{function} returned {rc}: {records}")
        self.rc, self.records = rc, records
        self.states = [r[0] for r in records]


def check(a, rc, handle_type, handle, function="ODBC call", wide_chars=False):
    """Raises OdbcError (with the handle's diagnostics) unless `rc` is a success."""
    if not succeeded(rc):
        raise OdbcError(function, rc, diagnostics(a, handle_type, handle, wide_chars))
    return rc


# ----------------------------------------------------------------------------- connections


class Connection:
    """An environment and a connection through `a` (ODBC 3.x behaviour), and its statements."""

    def __init__(self, a, connection_string=None, wide_chars=False, before_connect=None):
        self.api, self.wide = a, wide_chars
        self.env, self.dbc = SQLHANDLE(), SQLHANDLE()
        self.connected = False
        assert a.SQLAllocHandle(SQL_HANDLE_ENV, None, byref(self.env)) == SQL_SUCCESS
        assert a.SQLSetEnvAttr(self.env, SQL_ATTR_ODBC_VERSION, SQL_OV_ODBC3, 0) == SQL_SUCCESS
        assert a.SQLAllocHandle(SQL_HANDLE_DBC, self.env, byref(self.dbc)) == SQL_SUCCESS
        if before_connect:
            before_connect(self)
        if connection_string is not None:
            self.connect(connection_string)

    def connect(self, connection_string):
        a = self.api
        length = SQLSMALLINT()
        if self.wide:
            out = wide_buffer(1024)
            rc = a.SQLDriverConnectW(self.dbc, None, wide(connection_string), SQL_NTS, out, 1024, byref(length),
                                     SQL_DRIVER_NOPROMPT)
            self.completed = from_wide(out)
        else:
            out = ctypes.create_string_buffer(2048)
            rc = a.SQLDriverConnect(self.dbc, None, ansi(connection_string), SQL_NTS, out, 2048, byref(length),
                                    SQL_DRIVER_NOPROMPT)
            self.completed = out.value.decode("utf-8", "replace")
        check(a, rc, SQL_HANDLE_DBC, self.dbc, "SQLDriverConnect", self.wide)
        self.connected = True
        return rc

    def statement(self):
        stmt = SQLHANDLE()
        self.check(self.api.SQLAllocHandle(SQL_HANDLE_STMT, self.dbc, byref(stmt)), "SQLAllocHandle(STMT)")
        return Statement(self, stmt)

    def check(self, rc, function="ODBC call"):
        return check(self.api, rc, SQL_HANDLE_DBC, self.dbc, function, self.wide)

    def diagnostics(self):
        return diagnostics(self.api, SQL_HANDLE_DBC, self.dbc, self.wide)

    def get_info_text(self, info_type, capacity=1024):
        """A string answer of SQLGetInfo(W): (rc, text, length in bytes)."""
        length = SQLSMALLINT()
        if self.wide:
            buffer = wide_buffer(capacity // 2)
            rc = self.api.SQLGetInfoW(self.dbc, info_type, buffer, capacity, byref(length))
            return rc, from_wide(buffer), length.value
        buffer = ctypes.create_string_buffer(capacity)
        rc = self.api.SQLGetInfo(self.dbc, info_type, buffer, capacity, byref(length))
        return rc, buffer.value.decode("utf-8"), length.value

    def get_info_number(self, info_type, ctype=SQLUINTEGER):
        value, length = ctype(), SQLSMALLINT()
        function = self.api.SQLGetInfoW if self.wide else self.api.SQLGetInfo
        rc = function(self.dbc, info_type, byref(value), ctypes.sizeof(value), byref(length))
        return rc, value.value

    def set_attr(self, attribute, value):
        return self.api.SQLSetConnectAttr(self.dbc, attribute, value, 0)

    def get_attr(self, attribute):
        value, length = SQLUINTEGER(), SQLINTEGER()
        rc = self.api.SQLGetConnectAttr(self.dbc, attribute, byref(value), 4, byref(length))
        return rc, value.value

    def close(self):
        a = self.api
        if self.connected:
            a.SQLDisconnect(self.dbc)
            self.connected = False
        if self.dbc:
            a.SQLFreeHandle(SQL_HANDLE_DBC, self.dbc)
            self.dbc = SQLHANDLE()
        if self.env:
            a.SQLFreeHandle(SQL_HANDLE_ENV, self.env)
            self.env = SQLHANDLE()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Statement:
    def __init__(self, connection, handle):
        self.connection, self.api, self.handle, self.wide = connection, connection.api, handle, connection.wide

    def check(self, rc, function="ODBC call"):
        return check(self.api, rc, SQL_HANDLE_STMT, self.handle, function, self.wide)

    def diagnostics(self):
        return diagnostics(self.api, SQL_HANDLE_STMT, self.handle, self.wide)

    def states(self):
        return [r[0] for r in self.diagnostics()]

    def exec_direct(self, sql):
        """SQLExecDirect(W), after closing any cursor the statement has (an application must)."""
        self.api.SQLFreeStmt(self.handle, SQL_CLOSE)
        if self.wide:
            return self.api.SQLExecDirectW(self.handle, wide(sql), SQL_NTS)
        return self.api.SQLExecDirect(self.handle, ansi(sql), SQL_NTS)

    def execute(self, sql):
        """SQLExecDirect that must succeed."""
        return self.check(self.exec_direct(sql), f"SQLExecDirect({sql!r})")

    def prepare(self, sql):
        self.api.SQLFreeStmt(self.handle, SQL_CLOSE)
        if self.wide:
            return self.api.SQLPrepareW(self.handle, wide(sql), SQL_NTS)
        return self.api.SQLPrepare(self.handle, ansi(sql), SQL_NTS)

    def set_attr(self, attribute, value):
        return self.api.SQLSetStmtAttr(self.handle, attribute, value, 0)

    def num_result_cols(self):
        n = SQLSMALLINT()
        self.check(self.api.SQLNumResultCols(self.handle, byref(n)), "SQLNumResultCols")
        return n.value

    def describe(self, column, capacity=256):
        """SQLDescribeCol(W): (rc, name, name length, data type, column size, decimal digits, nullable)."""
        length, data_type, digits, nullable = SQLSMALLINT(), SQLSMALLINT(), SQLSMALLINT(), SQLSMALLINT()
        size = SQLULEN()
        if self.wide:
            name = wide_buffer(max(capacity, 1))
            rc = self.api.SQLDescribeColW(self.handle, column, name, capacity, byref(length), byref(data_type),
                                          byref(size), byref(digits), byref(nullable))
            text = from_wide(name)
        else:
            name = ctypes.create_string_buffer(max(capacity, 1))
            rc = self.api.SQLDescribeCol(self.handle, column, name, capacity, byref(length), byref(data_type),
                                         byref(size), byref(digits), byref(nullable))
            text = name.value.decode("utf-8", "replace")
        return rc, text, length.value, data_type.value, size.value, digits.value, nullable.value

    def row_count(self):
        n = SQLLEN()
        self.check(self.api.SQLRowCount(self.handle, byref(n)), "SQLRowCount")
        return n.value

    def get_text(self, column, chunk=65536):
        """Column `column` of the current row as text (None for NULL), read with SQLGetData in
        chunks of the statement's character width."""
        a, parts = self.api, []
        indicator = SQLLEN()
        while True:
            if self.wide:
                buffer = wide_buffer(chunk // 2)
                rc = a.SQLGetData(self.handle, column, SQL_C_WCHAR, buffer, chunk, byref(indicator))
            else:
                buffer = ctypes.create_string_buffer(chunk)
                rc = a.SQLGetData(self.handle, column, SQL_C_CHAR, buffer, chunk, byref(indicator))
            if rc == SQL_NO_DATA:
                break
            self.check(rc, f"SQLGetData({column})")
            if indicator.value == SQL_NULL_DATA:
                return None
            parts.append(from_wide(buffer) if self.wide else buffer.value.decode("utf-8"))
            if rc == SQL_SUCCESS:
                break
        return "".join(parts)

    def fetch_all_text(self):
        """Every remaining row, every column as text (None for NULL); the cursor is closed at the
        end (as an application must before it runs anything else on the statement)."""
        columns = self.num_result_cols()
        rows = []
        while True:
            rc = self.api.SQLFetch(self.handle)
            if rc == SQL_NO_DATA:
                self.check(self.api.SQLFreeStmt(self.handle, SQL_CLOSE), "SQLFreeStmt(SQL_CLOSE)")
                return rows
            self.check(rc, "SQLFetch")
            rows.append(tuple(self.get_text(c) for c in range(1, columns + 1)))

    def column_names(self):
        return [self.describe(c)[1] for c in range(1, self.num_result_cols() + 1)]

    def close_cursor(self):
        return self.api.SQLFreeStmt(self.handle, SQL_CLOSE)

    def free(self):
        if self.handle:
            self.api.SQLFreeHandle(SQL_HANDLE_STMT, self.handle)
            self.handle = SQLHANDLE()
