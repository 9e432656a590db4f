//! SQLGetInfo: what the driver and the server are and can do.
//!
//! `info()` answers every information type of ODBC 3.8 that unixODBC's `sql.h`/`sqlext.h` define,
//! except the handles and versions the Driver Manager answers itself (SQL_DRIVER_H*, SQL_DM_VER).
//! Each answer carries its C type (`InfoValue`): the caller writes SQLUSMALLINT, SQLUINTEGER or a
//! string accordingly, so the width of every answer below follows the Microsoft SQLGetInfo
//! reference (a wrong width corrupts the application's memory).
//!
//! The numbers are our own `const`s (copied from the headers), not odbc-sys's `InfoType`: that
//! enum is incomplete and an application may pass any `u16`.
//!
//! The answers describe Redwood's SQL as it runs today (each SQL claim below was tried against
//! `redwood -c`); where Redshift's Amazon ODBC driver or psqlODBC answer differently, a comment
//! says why. The scalar-function masks (SQL_STRING_FUNCTIONS, ...) describe the ODBC escape
//! functions `{fn NAME(...)}`: until the driver translates escapes, a bit is set only where the
//! native function of that name has the ODBC meaning, so `{fn NAME(...)}` or plain `NAME(...)`
//! works as is.

// ------------------------------------------------------------------ information types
//
// One constant per number: where ODBC 2 and 3 name the same number differently, the ODBC 2 name
// is in the comment (a second constant would make a duplicate match arm).

// Driver, data source and DBMS
const SQL_MAX_DRIVER_CONNECTIONS: u16 = 0; // SQL_ACTIVE_CONNECTIONS
const SQL_MAX_CONCURRENT_ACTIVITIES: u16 = 1; // SQL_ACTIVE_STATEMENTS
const SQL_DATA_SOURCE_NAME: u16 = 2;
const SQL_DRIVER_HDBC: u16 = 3;
const SQL_DRIVER_HENV: u16 = 4;
const SQL_DRIVER_HSTMT: u16 = 5;
const SQL_DRIVER_NAME: u16 = 6;
const SQL_DRIVER_VER: u16 = 7;
const SQL_FETCH_DIRECTION: u16 = 8;
const SQL_ODBC_API_CONFORMANCE: u16 = 9;
const SQL_ODBC_VER: u16 = 10;
const SQL_ROW_UPDATES: u16 = 11;
const SQL_ODBC_SAG_CLI_CONFORMANCE: u16 = 12;
const SQL_SERVER_NAME: u16 = 13;
const SQL_SEARCH_PATTERN_ESCAPE: u16 = 14;
const SQL_ODBC_SQL_CONFORMANCE: u16 = 15;
const SQL_DATABASE_NAME: u16 = 16;
const SQL_DBMS_NAME: u16 = 17;
const SQL_DBMS_VER: u16 = 18;
const SQL_ACCESSIBLE_TABLES: u16 = 19;
const SQL_ACCESSIBLE_PROCEDURES: u16 = 20;
const SQL_PROCEDURES: u16 = 21;
const SQL_CONCAT_NULL_BEHAVIOR: u16 = 22;
const SQL_CURSOR_COMMIT_BEHAVIOR: u16 = 23;
const SQL_CURSOR_ROLLBACK_BEHAVIOR: u16 = 24;
const SQL_DATA_SOURCE_READ_ONLY: u16 = 25;
const SQL_DEFAULT_TXN_ISOLATION: u16 = 26;
const SQL_EXPRESSIONS_IN_ORDERBY: u16 = 27;
const SQL_IDENTIFIER_CASE: u16 = 28;
const SQL_IDENTIFIER_QUOTE_CHAR: u16 = 29;
const SQL_MAX_COLUMN_NAME_LEN: u16 = 30;
const SQL_MAX_CURSOR_NAME_LEN: u16 = 31;
const SQL_MAX_SCHEMA_NAME_LEN: u16 = 32; // SQL_MAX_OWNER_NAME_LEN
const SQL_MAX_PROCEDURE_NAME_LEN: u16 = 33;
const SQL_MAX_CATALOG_NAME_LEN: u16 = 34; // SQL_MAX_QUALIFIER_NAME_LEN
const SQL_MAX_TABLE_NAME_LEN: u16 = 35;
const SQL_MULT_RESULT_SETS: u16 = 36;
const SQL_MULTIPLE_ACTIVE_TXN: u16 = 37;
const SQL_OUTER_JOINS: u16 = 38;
const SQL_SCHEMA_TERM: u16 = 39; // SQL_OWNER_TERM
const SQL_PROCEDURE_TERM: u16 = 40;
const SQL_CATALOG_NAME_SEPARATOR: u16 = 41; // SQL_QUALIFIER_NAME_SEPARATOR
const SQL_CATALOG_TERM: u16 = 42; // SQL_QUALIFIER_TERM
const SQL_SCROLL_CONCURRENCY: u16 = 43;
const SQL_SCROLL_OPTIONS: u16 = 44;
const SQL_TABLE_TERM: u16 = 45;
const SQL_TXN_CAPABLE: u16 = 46; // SQL_TRANSACTION_CAPABLE
const SQL_USER_NAME: u16 = 47;
const SQL_CONVERT_FUNCTIONS: u16 = 48;
const SQL_NUMERIC_FUNCTIONS: u16 = 49;
const SQL_STRING_FUNCTIONS: u16 = 50;
const SQL_SYSTEM_FUNCTIONS: u16 = 51;
const SQL_TIMEDATE_FUNCTIONS: u16 = 52;
const SQL_CONVERT_BIGINT: u16 = 53;
const SQL_CONVERT_BINARY: u16 = 54;
const SQL_CONVERT_BIT: u16 = 55;
const SQL_CONVERT_CHAR: u16 = 56;
const SQL_CONVERT_DATE: u16 = 57;
const SQL_CONVERT_DECIMAL: u16 = 58;
const SQL_CONVERT_DOUBLE: u16 = 59;
const SQL_CONVERT_FLOAT: u16 = 60;
const SQL_CONVERT_INTEGER: u16 = 61;
const SQL_CONVERT_LONGVARCHAR: u16 = 62;
const SQL_CONVERT_NUMERIC: u16 = 63;
const SQL_CONVERT_REAL: u16 = 64;
const SQL_CONVERT_SMALLINT: u16 = 65;
const SQL_CONVERT_TIME: u16 = 66;
const SQL_CONVERT_TIMESTAMP: u16 = 67;
const SQL_CONVERT_TINYINT: u16 = 68;
const SQL_CONVERT_VARBINARY: u16 = 69;
const SQL_CONVERT_VARCHAR: u16 = 70;
const SQL_CONVERT_LONGVARBINARY: u16 = 71;
const SQL_TXN_ISOLATION_OPTION: u16 = 72; // SQL_TRANSACTION_ISOLATION_OPTION
const SQL_INTEGRITY: u16 = 73; // SQL_ODBC_SQL_OPT_IEF
const SQL_CORRELATION_NAME: u16 = 74;
const SQL_NON_NULLABLE_COLUMNS: u16 = 75;
const SQL_DRIVER_HLIB: u16 = 76;
const SQL_DRIVER_ODBC_VER: u16 = 77;
const SQL_LOCK_TYPES: u16 = 78;
const SQL_POS_OPERATIONS: u16 = 79;
const SQL_POSITIONED_STATEMENTS: u16 = 80;
const SQL_GETDATA_EXTENSIONS: u16 = 81;
const SQL_BOOKMARK_PERSISTENCE: u16 = 82;
const SQL_STATIC_SENSITIVITY: u16 = 83;
const SQL_FILE_USAGE: u16 = 84;
const SQL_NULL_COLLATION: u16 = 85;
const SQL_ALTER_TABLE: u16 = 86;
const SQL_COLUMN_ALIAS: u16 = 87;
const SQL_GROUP_BY: u16 = 88;
const SQL_KEYWORDS: u16 = 89;
const SQL_ORDER_BY_COLUMNS_IN_SELECT: u16 = 90;
const SQL_SCHEMA_USAGE: u16 = 91; // SQL_OWNER_USAGE
const SQL_CATALOG_USAGE: u16 = 92; // SQL_QUALIFIER_USAGE
const SQL_QUOTED_IDENTIFIER_CASE: u16 = 93;
const SQL_SPECIAL_CHARACTERS: u16 = 94;
const SQL_SUBQUERIES: u16 = 95;
const SQL_UNION: u16 = 96; // SQL_UNION_STATEMENT
const SQL_MAX_COLUMNS_IN_GROUP_BY: u16 = 97;
const SQL_MAX_COLUMNS_IN_INDEX: u16 = 98;
const SQL_MAX_COLUMNS_IN_ORDER_BY: u16 = 99;
const SQL_MAX_COLUMNS_IN_SELECT: u16 = 100;
const SQL_MAX_COLUMNS_IN_TABLE: u16 = 101;
const SQL_MAX_INDEX_SIZE: u16 = 102;
const SQL_MAX_ROW_SIZE_INCLUDES_LONG: u16 = 103;
const SQL_MAX_ROW_SIZE: u16 = 104;
const SQL_MAX_STATEMENT_LEN: u16 = 105;
const SQL_MAX_TABLES_IN_SELECT: u16 = 106;
const SQL_MAX_USER_NAME_LEN: u16 = 107;
const SQL_MAX_CHAR_LITERAL_LEN: u16 = 108;
const SQL_TIMEDATE_ADD_INTERVALS: u16 = 109;
const SQL_TIMEDATE_DIFF_INTERVALS: u16 = 110;
const SQL_NEED_LONG_DATA_LEN: u16 = 111;
const SQL_MAX_BINARY_LITERAL_LEN: u16 = 112;
const SQL_LIKE_ESCAPE_CLAUSE: u16 = 113;
const SQL_CATALOG_LOCATION: u16 = 114; // SQL_QUALIFIER_LOCATION
const SQL_OJ_CAPABILITIES: u16 = 115; // SQL_OUTER_JOIN_CAPABILITIES
const SQL_ACTIVE_ENVIRONMENTS: u16 = 116;
const SQL_ALTER_DOMAIN: u16 = 117;
const SQL_SQL_CONFORMANCE: u16 = 118;
const SQL_DATETIME_LITERALS: u16 = 119;
const SQL_BATCH_ROW_COUNT: u16 = 120;
const SQL_BATCH_SUPPORT: u16 = 121;
const SQL_CONVERT_WCHAR: u16 = 122;
const SQL_CONVERT_INTERVAL_DAY_TIME: u16 = 123;
const SQL_CONVERT_INTERVAL_YEAR_MONTH: u16 = 124;
const SQL_CONVERT_WLONGVARCHAR: u16 = 125;
const SQL_CONVERT_WVARCHAR: u16 = 126;
const SQL_CREATE_ASSERTION: u16 = 127;
const SQL_CREATE_CHARACTER_SET: u16 = 128;
const SQL_CREATE_COLLATION: u16 = 129;
const SQL_CREATE_DOMAIN: u16 = 130;
const SQL_CREATE_SCHEMA: u16 = 131;
const SQL_CREATE_TABLE: u16 = 132;
const SQL_CREATE_TRANSLATION: u16 = 133;
const SQL_CREATE_VIEW: u16 = 134;
const SQL_DRIVER_HDESC: u16 = 135;
const SQL_DROP_ASSERTION: u16 = 136;
const SQL_DROP_CHARACTER_SET: u16 = 137;
const SQL_DROP_COLLATION: u16 = 138;
const SQL_DROP_DOMAIN: u16 = 139;
const SQL_DROP_SCHEMA: u16 = 140;
const SQL_DROP_TABLE: u16 = 141;
const SQL_DROP_TRANSLATION: u16 = 142;
const SQL_DROP_VIEW: u16 = 143;
const SQL_DYNAMIC_CURSOR_ATTRIBUTES1: u16 = 144;
const SQL_DYNAMIC_CURSOR_ATTRIBUTES2: u16 = 145;
const SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1: u16 = 146;
const SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2: u16 = 147;
const SQL_INDEX_KEYWORDS: u16 = 148;
const SQL_INFO_SCHEMA_VIEWS: u16 = 149;
const SQL_KEYSET_CURSOR_ATTRIBUTES1: u16 = 150;
const SQL_KEYSET_CURSOR_ATTRIBUTES2: u16 = 151;
const SQL_ODBC_INTERFACE_CONFORMANCE: u16 = 152;
const SQL_PARAM_ARRAY_ROW_COUNTS: u16 = 153;
const SQL_PARAM_ARRAY_SELECTS: u16 = 154;
const SQL_SQL92_DATETIME_FUNCTIONS: u16 = 155;
const SQL_SQL92_FOREIGN_KEY_DELETE_RULE: u16 = 156;
const SQL_SQL92_FOREIGN_KEY_UPDATE_RULE: u16 = 157;
const SQL_SQL92_GRANT: u16 = 158;
const SQL_SQL92_NUMERIC_VALUE_FUNCTIONS: u16 = 159;
const SQL_SQL92_PREDICATES: u16 = 160;
const SQL_SQL92_RELATIONAL_JOIN_OPERATORS: u16 = 161;
const SQL_SQL92_REVOKE: u16 = 162;
const SQL_SQL92_ROW_VALUE_CONSTRUCTOR: u16 = 163;
const SQL_SQL92_STRING_FUNCTIONS: u16 = 164;
const SQL_SQL92_VALUE_EXPRESSIONS: u16 = 165;
const SQL_STANDARD_CLI_CONFORMANCE: u16 = 166;
const SQL_STATIC_CURSOR_ATTRIBUTES1: u16 = 167;
const SQL_STATIC_CURSOR_ATTRIBUTES2: u16 = 168;
const SQL_AGGREGATE_FUNCTIONS: u16 = 169;
const SQL_DDL_INDEX: u16 = 170;
const SQL_DM_VER: u16 = 171;
const SQL_INSERT_STATEMENT: u16 = 172;
const SQL_CONVERT_GUID: u16 = 173;
const SQL_DTC_TRANSITION_COST: u16 = 1750;
const SQL_XOPEN_CLI_YEAR: u16 = 10000;
const SQL_CURSOR_SENSITIVITY: u16 = 10001;
const SQL_DESCRIBE_PARAMETER: u16 = 10002;
const SQL_CATALOG_NAME: u16 = 10003;
const SQL_COLLATION_SEQ: u16 = 10004;
const SQL_MAX_IDENTIFIER_LEN: u16 = 10005;
const SQL_ASYNC_MODE: u16 = 10021;
const SQL_MAX_ASYNC_CONCURRENT_STATEMENTS: u16 = 10022;
const SQL_ASYNC_DBC_FUNCTIONS: u16 = 10023;
const SQL_DRIVER_AWARE_POOLING_SUPPORTED: u16 = 10024;
const SQL_ASYNC_NOTIFICATION: u16 = 10025;

// ------------------------------------------------------------------ SQLUSMALLINT values

const SQL_CB_NULL: u16 = 0; // SQL_CONCAT_NULL_BEHAVIOR
const SQL_CB_PRESERVE: u16 = 2; // SQL_CURSOR_COMMIT/ROLLBACK_BEHAVIOR
const SQL_IC_LOWER: u16 = 2; // SQL_IDENTIFIER_CASE, SQL_QUOTED_IDENTIFIER_CASE
const SQL_TC_ALL: u16 = 2;
const SQL_NC_HIGH: u16 = 0;
const SQL_CN_ANY: u16 = 2;
const SQL_NNC_NON_NULL: u16 = 1;
const SQL_FILE_NOT_SUPPORTED: u16 = 0;
const SQL_GB_GROUP_BY_CONTAINS_SELECT: u16 = 2;
const SQL_CL_START: u16 = 1; // = SQL_QL_START
const SQL_OAC_LEVEL1: u16 = 1;
const SQL_OSCC_COMPLIANT: u16 = 1;
const SQL_OSC_CORE: u16 = 1;

// ------------------------------------------------------------------ SQLUINTEGER values and bitmasks

// SQL_DEFAULT_TXN_ISOLATION, SQL_TXN_ISOLATION_OPTION
const SQL_TXN_SERIALIZABLE: u32 = 0x0000_0008;

// SQL_CURSOR_SENSITIVITY
const SQL_INSENSITIVE: u32 = 1;

// SQL_SCROLL_OPTIONS, SQL_FETCH_DIRECTION, SQL_SCROLL_CONCURRENCY
const SQL_SO_FORWARD_ONLY: u32 = 0x0000_0001;
const SQL_FD_FETCH_NEXT: u32 = 0x0000_0001;
const SQL_SCCO_READ_ONLY: u32 = 0x0000_0001;

// SQL_*_CURSOR_ATTRIBUTES1 / 2
const SQL_CA1_NEXT: u32 = 0x0000_0001;
const SQL_CA2_READ_ONLY_CONCURRENCY: u32 = 0x0000_0001;

// SQL_GETDATA_EXTENSIONS
const SQL_GD_ANY_COLUMN: u32 = 0x0000_0001;
const SQL_GD_ANY_ORDER: u32 = 0x0000_0002;
const SQL_GD_BOUND: u32 = 0x0000_0008;

// SQL_ASYNC_MODE, SQL_ASYNC_DBC_FUNCTIONS, SQL_ASYNC_NOTIFICATION, SQL_DRIVER_AWARE_POOLING_SUPPORTED
const SQL_AM_NONE: u32 = 0;
const SQL_ASYNC_DBC_NOT_CAPABLE: u32 = 0;
const SQL_ASYNC_NOTIFICATION_NOT_CAPABLE: u32 = 0;
const SQL_DRIVER_AWARE_POOLING_NOT_CAPABLE: u32 = 0;

// SQL_PARAM_ARRAY_ROW_COUNTS, SQL_PARAM_ARRAY_SELECTS
const SQL_PARC_NO_BATCH: u32 = 2;
const SQL_PAS_NO_SELECT: u32 = 3;

// Conformance
const SQL_OIC_CORE: u32 = 1;
const SQL_SC_SQL92_ENTRY: u32 = 0x0000_0001;
const SQL_SCC_ISO92_CLI: u32 = 0x0000_0002;

// SQL_CATALOG_USAGE (SQL_CU_*) and SQL_SCHEMA_USAGE (SQL_SU_*) share their values.
const SQL_CU_DML_STATEMENTS: u32 = 0x0000_0001;
const SQL_CU_TABLE_DEFINITION: u32 = 0x0000_0004;
const SQL_SU_DML_STATEMENTS: u32 = 0x0000_0001;
const SQL_SU_TABLE_DEFINITION: u32 = 0x0000_0004;

// SQL_INDEX_KEYWORDS
const SQL_IK_NONE: u32 = 0;

// SQL_INFO_SCHEMA_VIEWS
const SQL_ISV_COLUMNS: u32 = 0x0000_0040;
const SQL_ISV_KEY_COLUMN_USAGE: u32 = 0x0000_0800;
const SQL_ISV_SCHEMATA: u32 = 0x0000_2000;
const SQL_ISV_TABLE_CONSTRAINTS: u32 = 0x0000_8000;
const SQL_ISV_TABLES: u32 = 0x0002_0000;
const SQL_ISV_VIEWS: u32 = 0x0040_0000;

// SQL_ALTER_TABLE
const SQL_AT_ADD_COLUMN: u32 = 0x0000_0001;
const SQL_AT_DROP_COLUMN: u32 = 0x0000_0002;
const SQL_AT_ADD_CONSTRAINT: u32 = 0x0000_0008;
const SQL_AT_ADD_COLUMN_SINGLE: u32 = 0x0000_0020;
const SQL_AT_ADD_COLUMN_DEFAULT: u32 = 0x0000_0040;
const SQL_AT_DROP_COLUMN_CASCADE: u32 = 0x0000_0400;
const SQL_AT_DROP_COLUMN_RESTRICT: u32 = 0x0000_0800;

// SQL_CREATE_SCHEMA
const SQL_CS_CREATE_SCHEMA: u32 = 0x0000_0001;
const SQL_CS_AUTHORIZATION: u32 = 0x0000_0002;

// SQL_CREATE_TABLE
const SQL_CT_CREATE_TABLE: u32 = 0x0000_0001;
const SQL_CT_COLUMN_CONSTRAINT: u32 = 0x0000_0200;
const SQL_CT_COLUMN_DEFAULT: u32 = 0x0000_0400;
const SQL_CT_TABLE_CONSTRAINT: u32 = 0x0000_1000;
const SQL_CT_CONSTRAINT_NAME_DEFINITION: u32 = 0x0000_2000;

// SQL_CREATE_VIEW
const SQL_CV_CREATE_VIEW: u32 = 0x0000_0001;

// SQL_DROP_SCHEMA, SQL_DROP_TABLE, SQL_DROP_VIEW
const SQL_DS_DROP_SCHEMA: u32 = 0x0000_0001;
const SQL_DS_RESTRICT: u32 = 0x0000_0002;
const SQL_DS_CASCADE: u32 = 0x0000_0004;
const SQL_DT_DROP_TABLE: u32 = 0x0000_0001;
const SQL_DT_RESTRICT: u32 = 0x0000_0002;
const SQL_DT_CASCADE: u32 = 0x0000_0004;
const SQL_DV_DROP_VIEW: u32 = 0x0000_0001;
const SQL_DV_RESTRICT: u32 = 0x0000_0002;
const SQL_DV_CASCADE: u32 = 0x0000_0004;

// SQL_INSERT_STATEMENT
const SQL_IS_INSERT_LITERALS: u32 = 0x0000_0001;
const SQL_IS_INSERT_SEARCHED: u32 = 0x0000_0002;

// SQL_DATETIME_LITERALS
const SQL_DL_SQL92_DATE: u32 = 0x0000_0001;
const SQL_DL_SQL92_TIME: u32 = 0x0000_0002;
const SQL_DL_SQL92_TIMESTAMP: u32 = 0x0000_0004;
const SQL_DL_SQL92_INTERVAL_YEAR: u32 = 0x0000_0008;
const SQL_DL_SQL92_INTERVAL_MONTH: u32 = 0x0000_0010;
const SQL_DL_SQL92_INTERVAL_DAY: u32 = 0x0000_0020;
const SQL_DL_SQL92_INTERVAL_HOUR: u32 = 0x0000_0040;
const SQL_DL_SQL92_INTERVAL_MINUTE: u32 = 0x0000_0080;
const SQL_DL_SQL92_INTERVAL_SECOND: u32 = 0x0000_0100;

// SQL_AGGREGATE_FUNCTIONS
const SQL_AF_AVG: u32 = 0x0000_0001;
const SQL_AF_COUNT: u32 = 0x0000_0002;
const SQL_AF_MAX: u32 = 0x0000_0004;
const SQL_AF_MIN: u32 = 0x0000_0008;
const SQL_AF_SUM: u32 = 0x0000_0010;
const SQL_AF_DISTINCT: u32 = 0x0000_0020;
const SQL_AF_ALL: u32 = 0x0000_0040;

// SQL_OJ_CAPABILITIES
const SQL_OJ_LEFT: u32 = 0x0000_0001;
const SQL_OJ_RIGHT: u32 = 0x0000_0002;
const SQL_OJ_FULL: u32 = 0x0000_0004;
const SQL_OJ_NESTED: u32 = 0x0000_0008;
const SQL_OJ_NOT_ORDERED: u32 = 0x0000_0010;
const SQL_OJ_INNER: u32 = 0x0000_0020;
const SQL_OJ_ALL_COMPARISON_OPS: u32 = 0x0000_0040;

// SQL_SUBQUERIES
const SQL_SQ_COMPARISON: u32 = 0x0000_0001;
const SQL_SQ_EXISTS: u32 = 0x0000_0002;
const SQL_SQ_IN: u32 = 0x0000_0004;
const SQL_SQ_QUANTIFIED: u32 = 0x0000_0008;
const SQL_SQ_CORRELATED_SUBQUERIES: u32 = 0x0000_0010;

// SQL_UNION
const SQL_U_UNION: u32 = 0x0000_0001;
const SQL_U_UNION_ALL: u32 = 0x0000_0002;

// SQL_SQL92_PREDICATES
const SQL_SP_EXISTS: u32 = 0x0000_0001;
const SQL_SP_ISNOTNULL: u32 = 0x0000_0002;
const SQL_SP_ISNULL: u32 = 0x0000_0004;
const SQL_SP_LIKE: u32 = 0x0000_0200;
const SQL_SP_IN: u32 = 0x0000_0400;
const SQL_SP_BETWEEN: u32 = 0x0000_0800;
const SQL_SP_COMPARISON: u32 = 0x0000_1000;
const SQL_SP_QUANTIFIED_COMPARISON: u32 = 0x0000_2000;

// SQL_SQL92_RELATIONAL_JOIN_OPERATORS
const SQL_SRJO_CROSS_JOIN: u32 = 0x0000_0002;
const SQL_SRJO_EXCEPT_JOIN: u32 = 0x0000_0004;
const SQL_SRJO_FULL_OUTER_JOIN: u32 = 0x0000_0008;
const SQL_SRJO_INNER_JOIN: u32 = 0x0000_0010;
const SQL_SRJO_INTERSECT_JOIN: u32 = 0x0000_0020;
const SQL_SRJO_LEFT_OUTER_JOIN: u32 = 0x0000_0040;
const SQL_SRJO_NATURAL_JOIN: u32 = 0x0000_0080;
const SQL_SRJO_RIGHT_OUTER_JOIN: u32 = 0x0000_0100;

// SQL_SQL92_ROW_VALUE_CONSTRUCTOR
const SQL_SRVC_VALUE_EXPRESSION: u32 = 0x0000_0001;
const SQL_SRVC_NULL: u32 = 0x0000_0002;
const SQL_SRVC_DEFAULT: u32 = 0x0000_0004;

// SQL_SQL92_VALUE_EXPRESSIONS
const SQL_SVE_CASE: u32 = 0x0000_0001;
const SQL_SVE_CAST: u32 = 0x0000_0002;
const SQL_SVE_COALESCE: u32 = 0x0000_0004;
const SQL_SVE_NULLIF: u32 = 0x0000_0008;

// SQL_SQL92_DATETIME_FUNCTIONS
const SQL_SDF_CURRENT_DATE: u32 = 0x0000_0001;
const SQL_SDF_CURRENT_TIME: u32 = 0x0000_0002;
const SQL_SDF_CURRENT_TIMESTAMP: u32 = 0x0000_0004;

// SQL_SQL92_NUMERIC_VALUE_FUNCTIONS
const SQL_SNVF_BIT_LENGTH: u32 = 0x0000_0001;
const SQL_SNVF_CHAR_LENGTH: u32 = 0x0000_0002;
const SQL_SNVF_CHARACTER_LENGTH: u32 = 0x0000_0004;
const SQL_SNVF_EXTRACT: u32 = 0x0000_0008;
const SQL_SNVF_OCTET_LENGTH: u32 = 0x0000_0010;
const SQL_SNVF_POSITION: u32 = 0x0000_0020;

// SQL_SQL92_STRING_FUNCTIONS
const SQL_SSF_LOWER: u32 = 0x0000_0002;
const SQL_SSF_UPPER: u32 = 0x0000_0004;
const SQL_SSF_SUBSTRING: u32 = 0x0000_0008;
const SQL_SSF_TRIM_BOTH: u32 = 0x0000_0020;
const SQL_SSF_TRIM_LEADING: u32 = 0x0000_0040;
const SQL_SSF_TRIM_TRAILING: u32 = 0x0000_0080;

// SQL_CONVERT_FUNCTIONS
const SQL_FN_CVT_CAST: u32 = 0x0000_0002;

// SQL_CONVERT_* (target types)
const SQL_CVT_CHAR: u32 = 0x0000_0001;
const SQL_CVT_NUMERIC: u32 = 0x0000_0002;
const SQL_CVT_DECIMAL: u32 = 0x0000_0004;
const SQL_CVT_INTEGER: u32 = 0x0000_0008;
const SQL_CVT_SMALLINT: u32 = 0x0000_0010;
const SQL_CVT_FLOAT: u32 = 0x0000_0020;
const SQL_CVT_REAL: u32 = 0x0000_0040;
const SQL_CVT_DOUBLE: u32 = 0x0000_0080;
const SQL_CVT_VARCHAR: u32 = 0x0000_0100;
const SQL_CVT_LONGVARCHAR: u32 = 0x0000_0200;
const SQL_CVT_BIT: u32 = 0x0000_1000;
const SQL_CVT_BIGINT: u32 = 0x0000_4000;
const SQL_CVT_DATE: u32 = 0x0000_8000;
const SQL_CVT_TIME: u32 = 0x0001_0000;
const SQL_CVT_TIMESTAMP: u32 = 0x0002_0000;
const SQL_CVT_WCHAR: u32 = 0x0020_0000;
const SQL_CVT_WLONGVARCHAR: u32 = 0x0040_0000;
const SQL_CVT_WVARCHAR: u32 = 0x0080_0000;

// SQL_STRING_FUNCTIONS
const SQL_FN_STR_CONCAT: u32 = 0x0000_0001;
const SQL_FN_STR_LEFT: u32 = 0x0000_0004;
const SQL_FN_STR_LTRIM: u32 = 0x0000_0008;
const SQL_FN_STR_LENGTH: u32 = 0x0000_0010;
const SQL_FN_STR_REPEAT: u32 = 0x0000_0080;
const SQL_FN_STR_REPLACE: u32 = 0x0000_0100;
const SQL_FN_STR_RIGHT: u32 = 0x0000_0200;
const SQL_FN_STR_RTRIM: u32 = 0x0000_0400;
const SQL_FN_STR_SUBSTRING: u32 = 0x0000_0800;
const SQL_FN_STR_ASCII: u32 = 0x0000_2000;
const SQL_FN_STR_BIT_LENGTH: u32 = 0x0008_0000;
const SQL_FN_STR_CHAR_LENGTH: u32 = 0x0010_0000;
const SQL_FN_STR_CHARACTER_LENGTH: u32 = 0x0020_0000;
const SQL_FN_STR_OCTET_LENGTH: u32 = 0x0040_0000;
const SQL_FN_STR_POSITION: u32 = 0x0080_0000;

// SQL_NUMERIC_FUNCTIONS
const SQL_FN_NUM_ABS: u32 = 0x0000_0001;
const SQL_FN_NUM_ACOS: u32 = 0x0000_0002;
const SQL_FN_NUM_ASIN: u32 = 0x0000_0004;
const SQL_FN_NUM_ATAN: u32 = 0x0000_0008;
const SQL_FN_NUM_ATAN2: u32 = 0x0000_0010;
const SQL_FN_NUM_COS: u32 = 0x0000_0040;
const SQL_FN_NUM_COT: u32 = 0x0000_0080;
const SQL_FN_NUM_EXP: u32 = 0x0000_0100;
const SQL_FN_NUM_FLOOR: u32 = 0x0000_0200;
const SQL_FN_NUM_SIN: u32 = 0x0000_2000;
const SQL_FN_NUM_SQRT: u32 = 0x0000_4000;
const SQL_FN_NUM_TAN: u32 = 0x0000_8000;
const SQL_FN_NUM_PI: u32 = 0x0001_0000;
const SQL_FN_NUM_RAND: u32 = 0x0002_0000;
const SQL_FN_NUM_DEGREES: u32 = 0x0004_0000;
const SQL_FN_NUM_LOG10: u32 = 0x0008_0000;
const SQL_FN_NUM_POWER: u32 = 0x0010_0000;
const SQL_FN_NUM_RADIANS: u32 = 0x0020_0000;
const SQL_FN_NUM_ROUND: u32 = 0x0040_0000;

// SQL_TIMEDATE_FUNCTIONS
const SQL_FN_TD_NOW: u32 = 0x0000_0001;
const SQL_FN_TD_CURRENT_DATE: u32 = 0x0002_0000;
const SQL_FN_TD_CURRENT_TIME: u32 = 0x0004_0000;
const SQL_FN_TD_CURRENT_TIMESTAMP: u32 = 0x0008_0000;
const SQL_FN_TD_EXTRACT: u32 = 0x0010_0000;

// SQL_SYSTEM_FUNCTIONS
const SQL_FN_SYS_IFNULL: u32 = 0x0000_0004;

// The {fn ...} functions the driver's escape translation (core/src/client/escapes.rs) rewrites
// into Redshift's spelling.
const SQL_FN_CVT_CONVERT: u32 = 0x0000_0001;
const SQL_FN_STR_LCASE: u32 = 0x0000_0040;
const SQL_FN_STR_UCASE: u32 = 0x0000_1000;
const SQL_FN_STR_CHAR: u32 = 0x0000_4000;
const SQL_FN_STR_LOCATE: u32 = 0x0000_0800;
const SQL_FN_STR_LOCATE_2: u32 = 0x0001_0000;
const SQL_FN_STR_SPACE: u32 = 0x0004_0000;
const SQL_FN_NUM_CEILING: u32 = 0x0000_0020;
const SQL_FN_NUM_LOG: u32 = 0x0000_0400;
const SQL_FN_NUM_MOD: u32 = 0x0000_0800;
const SQL_FN_NUM_SIGN: u32 = 0x0000_1000;
const SQL_FN_NUM_TRUNCATE: u32 = 0x0080_0000;
const SQL_FN_TD_CURDATE: u32 = 0x0000_0002;
const SQL_FN_TD_DAYOFMONTH: u32 = 0x0000_0004;
const SQL_FN_TD_DAYOFWEEK: u32 = 0x0000_0008;
const SQL_FN_TD_DAYOFYEAR: u32 = 0x0000_0010;
const SQL_FN_TD_MONTH: u32 = 0x0000_0020;
const SQL_FN_TD_QUARTER: u32 = 0x0000_0040;
const SQL_FN_TD_WEEK: u32 = 0x0000_0080;
const SQL_FN_TD_YEAR: u32 = 0x0000_0100;
const SQL_FN_TD_CURTIME: u32 = 0x0000_0200;
const SQL_FN_TD_HOUR: u32 = 0x0000_0400;
const SQL_FN_TD_MINUTE: u32 = 0x0000_0800;
const SQL_FN_TD_SECOND: u32 = 0x0000_1000;
const SQL_FN_TD_TIMESTAMPADD: u32 = 0x0000_2000;
const SQL_FN_TD_TIMESTAMPDIFF: u32 = 0x0000_4000;
const SQL_FN_SYS_USERNAME: u32 = 0x0000_0001;
const SQL_FN_SYS_DBNAME: u32 = 0x0000_0002;
/// TIMESTAMPADD/TIMESTAMPDIFF intervals SECOND … YEAR (DATEADD/DATEDIFF's parts); not
/// FRAC_SECOND, whose unit (billionths) Redshift has not.
const SQL_FN_TSI_SECOND_TO_YEAR: u32 = 0x0000_01FE;

// ------------------------------------------------------------------ composite answers

/// CAST targets of every numeric type.
const CVT_NUMBERS: u32 = SQL_CVT_SMALLINT
    | SQL_CVT_INTEGER
    | SQL_CVT_BIGINT
    | SQL_CVT_REAL
    | SQL_CVT_FLOAT
    | SQL_CVT_DOUBLE
    | SQL_CVT_NUMERIC
    | SQL_CVT_DECIMAL;

/// The numeric types BOOLEAN casts to and from (not NUMERIC/DECIMAL: "Unsupported CAST from
/// Boolean to Decimal128", as in PostgreSQL).
const CVT_BIT_NUMBERS: u32 =
    SQL_CVT_SMALLINT | SQL_CVT_INTEGER | SQL_CVT_BIGINT | SQL_CVT_REAL | SQL_CVT_FLOAT | SQL_CVT_DOUBLE;

/// The character types (Redwood stores all text as UTF-8, so the wide types are the same).
const CVT_STRINGS: u32 =
    SQL_CVT_CHAR | SQL_CVT_VARCHAR | SQL_CVT_LONGVARCHAR | SQL_CVT_WCHAR | SQL_CVT_WVARCHAR | SQL_CVT_WLONGVARCHAR;

/// Words beyond ODBC's own keyword list that Redshift reserves and that read as SQL (Redwood's
/// parser accepts all of them as names, so this is advice for portable SQL). Redshift's storage
/// words (AZ64, BYTEDICT, LZO, …) are left out: the list stays short enough for the fixed
/// buffers applications pass.
const KEYWORDS: &str = "ANALYSE,ANALYZE,BINARY,CREDENTIALS,ILIKE,ISNULL,LIMIT,LOCALTIME,LOCALTIMESTAMP,MINUS,NEW,\
NOTNULL,NULLS,OFF,OFFSET,OID,OLD,PERCENT,PLACING,SIMILAR,SYSDATE,TOP,VERBOSE";

/// Redshift's longest identifier (table, column, schema, database, user), in bytes.
const MAX_IDENTIFIER_LEN: u16 = 127;

/// SQL_DBMS_VER when the server's version cannot be read.
const DEFAULT_DBMS_VER: &str = "08.00.0002";

// ------------------------------------------------------------------ interface

/// The driver's file name (SQL_DRIVER_NAME).
pub(crate) const DRIVER_NAME: &str = "libredwoododbc.so";

/// The ODBC version the driver implements (SQL_DRIVER_ODBC_VER).
pub(crate) const DRIVER_ODBC_VER: &str = "03.80";

/// The driver's version in ODBC's form ##.##.#### (SQL_DRIVER_VER): 0.1.0 is "00.01.0000".
pub(crate) fn driver_version() -> String {
    odbc_version(env!("CARGO_PKG_VERSION")).unwrap_or_else(|| "00.00.0000".to_string())
}

/// An answer of SQLGetInfo: its C type decides how the caller's buffer is written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum InfoValue {
    /// A character string (written as SQLCHAR or SQLWCHAR by the caller).
    Text(String),
    /// SQLUSMALLINT
    U16(u16),
    /// SQLUINTEGER (also the bitmasks)
    U32(u32),
    /// SQLULEN (e.g. SQL_DRIVER_HDBC style answers; likely unused)
    #[allow(dead_code)] // the Driver Manager answers the SQLULEN information types itself
    ULen(usize),
}

/// Facts about one open connection that some answers depend on.
pub(crate) struct ConnectionFacts<'a> {
    /// The host (remote) or the database directory / ":memory:" (embedded).
    pub server_name: &'a str,
    /// The database (catalog) name: "dev" by default.
    pub database: &'a str,
    pub user: &'a str,
    /// The DSN the connection was made through, or "".
    pub data_source_name: &'a str,
    /// SQL_ATTR_ACCESS_MODE is read-only.
    pub read_only: bool,
    /// The server's version string as `SHOW server_version`/`version()` gives it, e.g. "8.0.2".
    pub server_version: &'a str,
}

/// The answer for `info_type`, or None when the driver does not know it (the caller then
/// reports HY096).
pub(crate) fn info(info_type: u16, facts: &ConnectionFacts) -> Option<InfoValue> {
    use InfoValue::{Text, U16, U32};

    let value = match info_type {
        // ---------------------------------------------------------- driver
        SQL_DRIVER_NAME => text(DRIVER_NAME),
        SQL_DRIVER_VER => Text(driver_version()),
        SQL_DRIVER_ODBC_VER => text(DRIVER_ODBC_VER),
        // The Driver Manager answers this one itself; the form is ##.##.0000.
        SQL_ODBC_VER => text("03.80.0000"),
        // Answered by the Driver Manager alone (handles, its own version).
        SQL_DM_VER | SQL_DRIVER_HDBC | SQL_DRIVER_HENV | SQL_DRIVER_HSTMT | SQL_DRIVER_HDESC | SQL_DRIVER_HLIB => {
            return None
        }
        SQL_ODBC_INTERFACE_CONFORMANCE => U32(SQL_OIC_CORE),
        // The three ODBC 2 conformance types are SQLSMALLINTs: 2 bytes, as U16.
        SQL_ODBC_API_CONFORMANCE => U16(SQL_OAC_LEVEL1),
        SQL_ODBC_SAG_CLI_CONFORMANCE => U16(SQL_OSCC_COMPLIANT),
        SQL_ODBC_SQL_CONFORMANCE => U16(SQL_OSC_CORE),
        SQL_STANDARD_CLI_CONFORMANCE => U32(SQL_SCC_ISO92_CLI),
        SQL_XOPEN_CLI_YEAR => text("1995"),
        SQL_SQL_CONFORMANCE => U32(SQL_SC_SQL92_ENTRY),
        // No limits of the driver's own (0: none or unknown).
        SQL_MAX_DRIVER_CONNECTIONS => U16(0),
        SQL_MAX_CONCURRENT_ACTIVITIES => U16(0),
        SQL_ACTIVE_ENVIRONMENTS => U16(0),
        SQL_FILE_USAGE => U16(SQL_FILE_NOT_SUPPORTED),
        // Statements run synchronously, one at a time per statement handle.
        SQL_ASYNC_MODE => U32(SQL_AM_NONE),
        SQL_MAX_ASYNC_CONCURRENT_STATEMENTS => U32(0),
        SQL_ASYNC_DBC_FUNCTIONS => U32(SQL_ASYNC_DBC_NOT_CAPABLE),
        SQL_ASYNC_NOTIFICATION => U32(SQL_ASYNC_NOTIFICATION_NOT_CAPABLE),
        SQL_DRIVER_AWARE_POOLING_SUPPORTED => U32(SQL_DRIVER_AWARE_POOLING_NOT_CAPABLE),
        SQL_DTC_TRANSITION_COST => U32(0), // no distributed (MS DTC) transactions
        // One statement per SQLExecute: no batches, no multiple result sets.
        SQL_BATCH_SUPPORT => U32(0),
        SQL_BATCH_ROW_COUNT => U32(0),
        SQL_MULT_RESULT_SETS => text("N"),
        // Parameter arrays run once per row; a row-returning statement takes no array.
        // SQLRowCount gives the total of a parameter array's rows.
        SQL_PARAM_ARRAY_ROW_COUNTS => U32(SQL_PARC_NO_BATCH),
        SQL_PARAM_ARRAY_SELECTS => U32(SQL_PAS_NO_SELECT),
        SQL_DESCRIBE_PARAMETER => text("Y"),
        SQL_NEED_LONG_DATA_LEN => text("N"),

        // ---------------------------------------------------------- data source and DBMS
        SQL_DBMS_NAME => text("Redwood"),
        SQL_DBMS_VER => Text(odbc_version(facts.server_version).unwrap_or_else(|| DEFAULT_DBMS_VER.to_string())),
        SQL_DATA_SOURCE_NAME => text(facts.data_source_name),
        SQL_SERVER_NAME => text(facts.server_name),
        SQL_DATABASE_NAME => text(facts.database),
        SQL_USER_NAME => text(facts.user),
        SQL_DATA_SOURCE_READ_ONLY => yes_no(facts.read_only),
        // Users may lack privileges on some of the tables and procedures listed.
        SQL_ACCESSIBLE_TABLES => text("N"),
        SQL_ACCESSIBLE_PROCEDURES => text("N"),
        SQL_COLLATION_SEQ => text(""), // byte order of UTF-8, no named collation
        SQL_TABLE_TERM => text("table"),
        SQL_SCHEMA_TERM => text("schema"),
        SQL_PROCEDURE_TERM => text("procedure"),
        // No stored procedures (CREATE PROCEDURE and CALL are refused).
        SQL_PROCEDURES => text("N"),

        // ---------------------------------------------------------- transactions
        // DDL runs inside transactions and rolls back with them (verified: BEGIN; CREATE TABLE;
        // ROLLBACK leaves no table).
        SQL_TXN_CAPABLE => U16(SQL_TC_ALL),
        // Redshift runs every transaction serializable; other levels are accepted but run
        // serializable, so only that one is offered (as the JDBC driver does).
        SQL_DEFAULT_TXN_ISOLATION => U32(SQL_TXN_SERIALIZABLE),
        SQL_TXN_ISOLATION_OPTION => U32(SQL_TXN_SERIALIZABLE),
        SQL_MULTIPLE_ACTIVE_TXN => text("Y"),
        // Result sets are fetched independently of the transaction: COMMIT/ROLLBACK leave them
        // open (the JDBC driver holds cursors over commit too).
        SQL_CURSOR_COMMIT_BEHAVIOR => U16(SQL_CB_PRESERVE),
        SQL_CURSOR_ROLLBACK_BEHAVIOR => U16(SQL_CB_PRESERVE),

        // ---------------------------------------------------------- cursors: forward-only, read-only
        SQL_SCROLL_OPTIONS => U32(SQL_SO_FORWARD_ONLY),
        SQL_FETCH_DIRECTION => U32(SQL_FD_FETCH_NEXT),
        SQL_SCROLL_CONCURRENCY => U32(SQL_SCCO_READ_ONLY),
        SQL_CURSOR_SENSITIVITY => U32(SQL_INSENSITIVE),
        SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1 => U32(SQL_CA1_NEXT),
        // Add SQL_CA2_MAX_ROWS_SELECT (0x80) once SQL_ATTR_MAX_ROWS is honored, and
        // SQL_CA2_CRC_EXACT (0x1000) if SQL_DIAG_CURSOR_ROW_COUNT is exact.
        SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2 => U32(SQL_CA2_READ_ONLY_CONCURRENCY),
        SQL_STATIC_CURSOR_ATTRIBUTES1 => U32(0),
        SQL_STATIC_CURSOR_ATTRIBUTES2 => U32(0),
        SQL_KEYSET_CURSOR_ATTRIBUTES1 => U32(0),
        SQL_KEYSET_CURSOR_ATTRIBUTES2 => U32(0),
        SQL_DYNAMIC_CURSOR_ATTRIBUTES1 => U32(0),
        SQL_DYNAMIC_CURSOR_ATTRIBUTES2 => U32(0),
        SQL_STATIC_SENSITIVITY => U32(0),
        SQL_LOCK_TYPES => U32(0), // no SQLSetPos
        SQL_POS_OPERATIONS => U32(0),
        SQL_POSITIONED_STATEMENTS => U32(0), // no WHERE CURRENT OF, no SELECT FOR UPDATE
        SQL_BOOKMARK_PERSISTENCE => U32(0),
        SQL_ROW_UPDATES => text("N"),
        // SQLGetData works on any column, in any order, bound or not; not within a block of rows.
        SQL_GETDATA_EXTENSIONS => U32(SQL_GD_ANY_COLUMN | SQL_GD_ANY_ORDER | SQL_GD_BOUND),

        // ---------------------------------------------------------- identifiers and names
        SQL_IDENTIFIER_QUOTE_CHAR => text("\""),
        SQL_IDENTIFIER_CASE => U16(SQL_IC_LOWER),
        // Redshift (enable_case_sensitive_identifier off, its default) folds quoted identifiers
        // to lower case too, and so does Redwood: CREATE TABLE "MixedCase" makes `mixedcase`.
        // Amazon's Redshift ODBC driver answers SQL_IC_LOWER here (psqlODBC, for PostgreSQL,
        // SQL_IC_SENSITIVE), as does this repository's JDBC driver.
        SQL_QUOTED_IDENTIFIER_CASE => U16(SQL_IC_LOWER),
        // Besides letters, digits and `_`, unquoted names may hold `$` (as getExtraNameCharacters).
        SQL_SPECIAL_CHARACTERS => text("$"),
        // Catalog functions read `\` as the escape in their patterns.
        SQL_SEARCH_PATTERN_ESCAPE => text("\\"),
        SQL_KEYWORDS => text(KEYWORDS),
        // One database per connection, which may be named: `dev.public.t` works in SELECT, INSERT,
        // UPDATE, DELETE, CREATE/ALTER/DROP TABLE and CREATE/DROP VIEW (only for the current
        // database). Amazon's driver answers the same terms.
        SQL_CATALOG_NAME => text("Y"),
        SQL_CATALOG_NAME_SEPARATOR => text("."),
        SQL_CATALOG_TERM => text("database"),
        SQL_CATALOG_LOCATION => U16(SQL_CL_START),
        SQL_CATALOG_USAGE => U32(SQL_CU_DML_STATEMENTS | SQL_CU_TABLE_DEFINITION),
        // No CREATE INDEX, no GRANT/REVOKE, no procedures: schemas in DML and table definitions.
        SQL_SCHEMA_USAGE => U32(SQL_SU_DML_STATEMENTS | SQL_SU_TABLE_DEFINITION),

        // ---------------------------------------------------------- limits (0: none or unknown)
        SQL_MAX_IDENTIFIER_LEN => U16(MAX_IDENTIFIER_LEN),
        SQL_MAX_CATALOG_NAME_LEN => U16(MAX_IDENTIFIER_LEN),
        SQL_MAX_SCHEMA_NAME_LEN => U16(MAX_IDENTIFIER_LEN),
        SQL_MAX_TABLE_NAME_LEN => U16(MAX_IDENTIFIER_LEN),
        SQL_MAX_COLUMN_NAME_LEN => U16(MAX_IDENTIFIER_LEN),
        SQL_MAX_CURSOR_NAME_LEN => U16(MAX_IDENTIFIER_LEN),
        SQL_MAX_PROCEDURE_NAME_LEN => U16(MAX_IDENTIFIER_LEN),
        SQL_MAX_USER_NAME_LEN => U16(MAX_IDENTIFIER_LEN),
        SQL_MAX_COLUMNS_IN_TABLE => U16(1600),
        SQL_MAX_COLUMNS_IN_SELECT => U16(1664),
        SQL_MAX_COLUMNS_IN_GROUP_BY => U16(0),
        SQL_MAX_COLUMNS_IN_ORDER_BY => U16(0),
        SQL_MAX_COLUMNS_IN_INDEX => U16(0),
        SQL_MAX_TABLES_IN_SELECT => U16(0),
        SQL_MAX_STATEMENT_LEN => U32(16 * 1024 * 1024), // Redshift's 16 MB
        SQL_MAX_CHAR_LITERAL_LEN => U32(65535),         // the longest VARCHAR
        SQL_MAX_BINARY_LITERAL_LEN => U32(0),
        SQL_MAX_ROW_SIZE => U32(0),
        SQL_MAX_ROW_SIZE_INCLUDES_LONG => text("N"),
        SQL_MAX_INDEX_SIZE => U32(0),

        // ---------------------------------------------------------- SQL: queries
        SQL_COLUMN_ALIAS => text("Y"),
        SQL_CORRELATION_NAME => U16(SQL_CN_ANY),
        SQL_EXPRESSIONS_IN_ORDERBY => text("Y"),
        SQL_ORDER_BY_COLUMNS_IN_SELECT => text("N"),
        // GROUP BY may name columns the select list lacks; the select list's plain columns must
        // all be grouped.
        SQL_GROUP_BY => U16(SQL_GB_GROUP_BY_CONTAINS_SELECT),
        // NULL sorts after every value ascending, first descending.
        SQL_NULL_COLLATION => U16(SQL_NC_HIGH),
        SQL_CONCAT_NULL_BEHAVIOR => U16(SQL_CB_NULL),
        SQL_NON_NULLABLE_COLUMNS => U16(SQL_NNC_NON_NULL),
        SQL_OUTER_JOINS => text("Y"),
        // Verified: LEFT, RIGHT, FULL, nested, `ON u.a = t.a` (either order), an outer join's
        // inner table in a further inner join, and `<` in ON. The `{oj ...}` escape itself is not
        // parsed by the server: the driver must strip it.
        SQL_OJ_CAPABILITIES => U32(SQL_OJ_LEFT
            | SQL_OJ_RIGHT
            | SQL_OJ_FULL
            | SQL_OJ_NESTED
            | SQL_OJ_NOT_ORDERED
            | SQL_OJ_INNER
            | SQL_OJ_ALL_COMPARISON_OPS),
        // Verified: CROSS, INNER, LEFT/RIGHT/FULL OUTER, NATURAL joins; EXCEPT (and MINUS) and
        // INTERSECT. No UNION JOIN, no CORRESPONDING.
        SQL_SQL92_RELATIONAL_JOIN_OPERATORS => U32(SQL_SRJO_CROSS_JOIN
            | SQL_SRJO_EXCEPT_JOIN
            | SQL_SRJO_FULL_OUTER_JOIN
            | SQL_SRJO_INNER_JOIN
            | SQL_SRJO_INTERSECT_JOIN
            | SQL_SRJO_LEFT_OUTER_JOIN
            | SQL_SRJO_NATURAL_JOIN
            | SQL_SRJO_RIGHT_OUTER_JOIN),
        SQL_UNION => U32(SQL_U_UNION | SQL_U_UNION_ALL),
        // In WHERE: comparison (scalar), EXISTS, IN, ANY/SOME/ALL, correlated too (EXISTS, IN,
        // = ANY and aggregated scalar subqueries verified; a correlated `> ALL`/`> SOME` subquery
        // fails today, a Redwood bug, as does EXISTS/IN in a select list).
        SQL_SUBQUERIES => {
            U32(SQL_SQ_COMPARISON | SQL_SQ_EXISTS | SQL_SQ_IN | SQL_SQ_QUANTIFIED | SQL_SQ_CORRELATED_SUBQUERIES)
        }
        // No OVERLAPS, UNIQUE or MATCH predicates.
        SQL_SQL92_PREDICATES => U32(SQL_SP_BETWEEN
            | SQL_SP_COMPARISON
            | SQL_SP_EXISTS
            | SQL_SP_IN
            | SQL_SP_ISNOTNULL
            | SQL_SP_ISNULL
            | SQL_SP_LIKE
            | SQL_SP_QUANTIFIED_COMPARISON),
        // LIKE takes only the backslash as ESCAPE (`ESCAPE '!'` fails with XX000), so the
        // `{escape 'c'}` clause cannot be honored (the JDBC driver answers false too).
        SQL_LIKE_ESCAPE_CLAUSE => text("N"),
        // (a, b) = (1, 'x'), NULL in a row, DEFAULT in VALUES; not (a, b) IN (SELECT a, b ...).
        SQL_SQL92_ROW_VALUE_CONSTRUCTOR => U32(SQL_SRVC_VALUE_EXPRESSION | SQL_SRVC_NULL | SQL_SRVC_DEFAULT),
        SQL_SQL92_VALUE_EXPRESSIONS => U32(SQL_SVE_CASE | SQL_SVE_CAST | SQL_SVE_COALESCE | SQL_SVE_NULLIF),
        SQL_AGGREGATE_FUNCTIONS => {
            U32(SQL_AF_ALL | SQL_AF_AVG | SQL_AF_COUNT | SQL_AF_DISTINCT | SQL_AF_MAX | SQL_AF_MIN | SQL_AF_SUM)
        }
        // DATE/TIME/TIMESTAMP '...' and single-field intervals (INTERVAL '1' DAY); interval
        // ranges (INTERVAL '1-2' YEAR TO MONTH) fail today.
        SQL_DATETIME_LITERALS => U32(SQL_DL_SQL92_DATE
            | SQL_DL_SQL92_TIME
            | SQL_DL_SQL92_TIMESTAMP
            | SQL_DL_SQL92_INTERVAL_YEAR
            | SQL_DL_SQL92_INTERVAL_MONTH
            | SQL_DL_SQL92_INTERVAL_DAY
            | SQL_DL_SQL92_INTERVAL_HOUR
            | SQL_DL_SQL92_INTERVAL_MINUTE
            | SQL_DL_SQL92_INTERVAL_SECOND),

        // ---------------------------------------------------------- SQL: statements
        // INSERT ... VALUES and INSERT ... SELECT; not SELECT ... INTO (fails today).
        SQL_INSERT_STATEMENT => U32(SQL_IS_INSERT_LITERALS | SQL_IS_INSERT_SEARCHED),
        // NOT NULL, PRIMARY KEY, UNIQUE, REFERENCES (informational, as in Redshift), DEFAULT,
        // named constraints; no CHECK, no temporary tables (yet).
        SQL_CREATE_TABLE => U32(SQL_CT_CREATE_TABLE
            | SQL_CT_COLUMN_CONSTRAINT
            | SQL_CT_COLUMN_DEFAULT
            | SQL_CT_TABLE_CONSTRAINT
            | SQL_CT_CONSTRAINT_NAME_DEFINITION),
        // ADD [COLUMN] with DEFAULT and NOT NULL, DROP COLUMN [CASCADE | RESTRICT]; not ADD
        // CONSTRAINT / table constraints, SET DEFAULT or ALTER COLUMN TYPE.
        SQL_ALTER_TABLE => U32(SQL_AT_ADD_COLUMN
            | SQL_AT_ADD_COLUMN_SINGLE
            | SQL_AT_ADD_COLUMN_DEFAULT
            | SQL_AT_ADD_CONSTRAINT
            | SQL_AT_DROP_COLUMN
            | SQL_AT_DROP_COLUMN_CASCADE
            | SQL_AT_DROP_COLUMN_RESTRICT),
        SQL_DROP_TABLE => U32(SQL_DT_DROP_TABLE | SQL_DT_CASCADE | SQL_DT_RESTRICT),
        SQL_CREATE_VIEW => U32(SQL_CV_CREATE_VIEW), // no WITH CHECK OPTION
        SQL_DROP_VIEW => U32(SQL_DV_DROP_VIEW | SQL_DV_CASCADE | SQL_DV_RESTRICT),
        SQL_CREATE_SCHEMA => U32(SQL_CS_CREATE_SCHEMA | SQL_CS_AUTHORIZATION),
        SQL_DROP_SCHEMA => U32(SQL_DS_DROP_SCHEMA | SQL_DS_CASCADE | SQL_DS_RESTRICT),
        // Redshift has no indexes.
        SQL_DDL_INDEX => U32(0),
        SQL_INDEX_KEYWORDS => U32(SQL_IK_NONE),
        // GRANT and REVOKE are refused ("statement not supported").
        SQL_SQL92_GRANT => U32(0),
        SQL_SQL92_REVOKE => U32(0),
        // Foreign keys are informational: no referential actions.
        SQL_SQL92_FOREIGN_KEY_DELETE_RULE => U32(0),
        SQL_SQL92_FOREIGN_KEY_UPDATE_RULE => U32(0),
        SQL_INTEGRITY => text("N"),
        // No domains, assertions, character sets, collations or translations.
        SQL_ALTER_DOMAIN => U32(0),
        SQL_CREATE_ASSERTION => U32(0),
        SQL_CREATE_CHARACTER_SET => U32(0),
        SQL_CREATE_COLLATION => U32(0),
        SQL_CREATE_DOMAIN => U32(0),
        SQL_CREATE_TRANSLATION => U32(0),
        SQL_DROP_ASSERTION => U32(0),
        SQL_DROP_CHARACTER_SET => U32(0),
        SQL_DROP_COLLATION => U32(0),
        SQL_DROP_DOMAIN => U32(0),
        SQL_DROP_TRANSLATION => U32(0),
        // The information_schema views Redwood has.
        SQL_INFO_SCHEMA_VIEWS => U32(SQL_ISV_TABLES
            | SQL_ISV_COLUMNS
            | SQL_ISV_VIEWS
            | SQL_ISV_SCHEMATA
            | SQL_ISV_TABLE_CONSTRAINTS
            | SQL_ISV_KEY_COLUMN_USAGE),

        // ---------------------------------------------------------- functions
        SQL_SQL92_DATETIME_FUNCTIONS => U32(SQL_SDF_CURRENT_DATE | SQL_SDF_CURRENT_TIME | SQL_SDF_CURRENT_TIMESTAMP),
        SQL_SQL92_NUMERIC_VALUE_FUNCTIONS => U32(SQL_SNVF_BIT_LENGTH
            | SQL_SNVF_CHAR_LENGTH
            | SQL_SNVF_CHARACTER_LENGTH
            | SQL_SNVF_EXTRACT
            | SQL_SNVF_OCTET_LENGTH
            | SQL_SNVF_POSITION),
        // Not SQL-92's CONVERT(... USING ...) nor TRANSLATE(... USING ...): Redshift's
        // TRANSLATE(s, from, to) is another function.
        SQL_SQL92_STRING_FUNCTIONS => U32(SQL_SSF_LOWER
            | SQL_SSF_UPPER
            | SQL_SSF_SUBSTRING
            | SQL_SSF_TRIM_BOTH
            | SQL_SSF_TRIM_LEADING
            | SQL_SSF_TRIM_TRAILING),
        // Verified natively and as {fn ...}: ASCII, BIT_LENGTH, CHAR_LENGTH, CHARACTER_LENGTH,
        // CONCAT, LEFT, LTRIM, OCTET_LENGTH, REPEAT, REPLACE, RIGHT, RTRIM, SUBSTRING(s, start,
        // len). POSITION(a IN b) works natively (the server does not parse it inside {fn}).
        // Translated by the driver: LENGTH (length(rtrim(x)): ODBC's leaves trailing blanks out),
        // CHAR (chr), LCASE/UCASE (lower/upper), LOCATE (strpos), SPACE. Missing: INSERT,
        // SOUNDEX, DIFFERENCE.
        SQL_STRING_FUNCTIONS => U32(SQL_FN_STR_ASCII
            | SQL_FN_STR_BIT_LENGTH
            | SQL_FN_STR_CHAR_LENGTH
            | SQL_FN_STR_CHARACTER_LENGTH
            | SQL_FN_STR_CONCAT
            | SQL_FN_STR_LEFT
            | SQL_FN_STR_LENGTH
            | SQL_FN_STR_LTRIM
            | SQL_FN_STR_OCTET_LENGTH
            | SQL_FN_STR_POSITION
            | SQL_FN_STR_REPEAT
            | SQL_FN_STR_REPLACE
            | SQL_FN_STR_RIGHT
            | SQL_FN_STR_RTRIM
            | SQL_FN_STR_SUBSTRING
            | SQL_FN_STR_LCASE
            | SQL_FN_STR_UCASE
            | SQL_FN_STR_CHAR
            | SQL_FN_STR_LOCATE
            | SQL_FN_STR_LOCATE_2
            | SQL_FN_STR_SPACE),
        // Verified natively and as {fn ...}: ABS, ACOS, ASIN, ATAN, ATAN2 (atan2(a, b) =
        // atan(a/b), as every driver maps it), COS, COT, DEGREES, EXP, FLOOR, LOG10, PI, POWER,
        // RADIANS, RAND (without a seed), ROUND(x, n), SIN, SQRT, TAN. Translated by the driver:
        // CEILING (ceil), MOD (%), SIGN (CASE), TRUNCATE (trunc), LOG (ln: Redshift's LOG is base 10).
        SQL_NUMERIC_FUNCTIONS => U32(SQL_FN_NUM_ABS
            | SQL_FN_NUM_ACOS
            | SQL_FN_NUM_ASIN
            | SQL_FN_NUM_ATAN
            | SQL_FN_NUM_ATAN2
            | SQL_FN_NUM_COS
            | SQL_FN_NUM_COT
            | SQL_FN_NUM_DEGREES
            | SQL_FN_NUM_EXP
            | SQL_FN_NUM_FLOOR
            | SQL_FN_NUM_LOG10
            | SQL_FN_NUM_PI
            | SQL_FN_NUM_POWER
            | SQL_FN_NUM_RADIANS
            | SQL_FN_NUM_RAND
            | SQL_FN_NUM_ROUND
            | SQL_FN_NUM_SIN
            | SQL_FN_NUM_SQRT
            | SQL_FN_NUM_TAN
            | SQL_FN_NUM_CEILING
            | SQL_FN_NUM_LOG
            | SQL_FN_NUM_MOD
            | SQL_FN_NUM_SIGN
            | SQL_FN_NUM_TRUNCATE),
        // Verified: NOW(), CURRENT_DATE/CURRENT_TIME/CURRENT_TIMESTAMP (with or without
        // parentheses), EXTRACT(field FROM x) (natively; not inside {fn}). Translated by the
        // driver: CURDATE, CURTIME, DAYOFMONTH, DAYOFWEEK, DAYOFYEAR, HOUR, MINUTE, MONTH, QUARTER,
        // SECOND, WEEK, YEAR (EXTRACT), TIMESTAMPADD/TIMESTAMPDIFF (DATEADD/DATEDIFF). Not:
        // DAYNAME, MONTHNAME.
        SQL_TIMEDATE_FUNCTIONS => U32(SQL_FN_TD_NOW
            | SQL_FN_TD_CURRENT_DATE
            | SQL_FN_TD_CURRENT_TIME
            | SQL_FN_TD_CURRENT_TIMESTAMP
            | SQL_FN_TD_EXTRACT
            | SQL_FN_TD_CURDATE
            | SQL_FN_TD_CURTIME
            | SQL_FN_TD_DAYOFMONTH
            | SQL_FN_TD_DAYOFWEEK
            | SQL_FN_TD_DAYOFYEAR
            | SQL_FN_TD_HOUR
            | SQL_FN_TD_MINUTE
            | SQL_FN_TD_MONTH
            | SQL_FN_TD_QUARTER
            | SQL_FN_TD_SECOND
            | SQL_FN_TD_WEEK
            | SQL_FN_TD_YEAR
            | SQL_FN_TD_TIMESTAMPADD
            | SQL_FN_TD_TIMESTAMPDIFF),
        // The intervals of TIMESTAMPADD/TIMESTAMPDIFF (as DATEADD/DATEDIFF parts).
        SQL_TIMEDATE_ADD_INTERVALS | SQL_TIMEDATE_DIFF_INTERVALS => U32(SQL_FN_TSI_SECOND_TO_YEAR),
        // IFNULL(a, b) works; {fn USER()} and {fn DATABASE()} are translated (current_user,
        // current_database()).
        SQL_SYSTEM_FUNCTIONS => U32(SQL_FN_SYS_IFNULL | SQL_FN_SYS_USERNAME | SQL_FN_SYS_DBNAME),

        // ---------------------------------------------------------- conversions
        // CAST(x AS type), and {fn CONVERT(x, SQL_type)} translated to CAST (Redshift's own
        // CONVERT(type, x) fails today).
        SQL_CONVERT_FUNCTIONS => U32(SQL_FN_CVT_CAST | SQL_FN_CVT_CONVERT),
        // Strictly these describe {fn CONVERT}; they say what CAST does between Redwood's types
        // (verified for each pair), for when the driver translates CONVERT to CAST. Redwood has
        // no TINYINT, binary (VARBYTE), GUID or interval columns.
        SQL_CONVERT_BIT => U32(SQL_CVT_BIT | CVT_BIT_NUMBERS | CVT_STRINGS),
        SQL_CONVERT_SMALLINT | SQL_CONVERT_INTEGER | SQL_CONVERT_BIGINT | SQL_CONVERT_REAL | SQL_CONVERT_FLOAT
        | SQL_CONVERT_DOUBLE => U32(CVT_NUMBERS | CVT_STRINGS | SQL_CVT_BIT),
        SQL_CONVERT_NUMERIC | SQL_CONVERT_DECIMAL => U32(CVT_NUMBERS | CVT_STRINGS),
        SQL_CONVERT_CHAR
        | SQL_CONVERT_VARCHAR
        | SQL_CONVERT_LONGVARCHAR
        | SQL_CONVERT_WCHAR
        | SQL_CONVERT_WVARCHAR
        | SQL_CONVERT_WLONGVARCHAR => {
            U32(CVT_STRINGS | CVT_NUMBERS | SQL_CVT_BIT | SQL_CVT_DATE | SQL_CVT_TIME | SQL_CVT_TIMESTAMP)
        }
        SQL_CONVERT_DATE => U32(SQL_CVT_DATE | SQL_CVT_TIMESTAMP | CVT_STRINGS),
        SQL_CONVERT_TIME => U32(SQL_CVT_TIME | CVT_STRINGS),
        SQL_CONVERT_TIMESTAMP => U32(SQL_CVT_DATE | SQL_CVT_TIME | SQL_CVT_TIMESTAMP | CVT_STRINGS),
        SQL_CONVERT_TINYINT
        | SQL_CONVERT_BINARY
        | SQL_CONVERT_VARBINARY
        | SQL_CONVERT_LONGVARBINARY
        | SQL_CONVERT_GUID
        | SQL_CONVERT_INTERVAL_DAY_TIME
        | SQL_CONVERT_INTERVAL_YEAR_MONTH => U32(0),

        _ => return None,
    };
    Some(value)
}

// ------------------------------------------------------------------ helpers

fn text(s: &str) -> InfoValue {
    InfoValue::Text(s.to_string())
}

fn yes_no(yes: bool) -> InfoValue {
    text(if yes { "Y" } else { "N" })
}

/// A version in ODBC's form ##.##.####, read from the leading digits and dots of `version`
/// ("8.0.2" is "08.00.0002", "15.4 (Debian)" is "15.04.0000", "0.1.0-alpha" is "00.01.0000"); None
/// when there is no leading number or a part does not fit its width.
fn odbc_version(version: &str) -> Option<String> {
    let version = version.trim_start();
    let end = version.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(version.len());
    let mut parts = version[..end].split('.');
    let major: u32 = parts.next()?.parse().ok()?;
    let minor = version_part(parts.next())?;
    let release = version_part(parts.next())?;
    if major > 99 || minor > 99 || release > 9999 {
        return None;
    }
    Some(format!("{major:02}.{minor:02}.{release:04}"))
}

/// A minor or release part: missing or empty is 0.
fn version_part(part: Option<&str>) -> Option<u32> {
    match part {
        None | Some("") => Some(0),
        Some(digits) => digits.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ConnectionFacts<'static> {
        ConnectionFacts {
            server_name: "warehouse.example.com",
            database: "dev",
            user: "admin",
            data_source_name: "Redwood",
            read_only: false,
            server_version: "8.0.2",
        }
    }

    #[test]
    fn versions_in_odbc_form() {
        assert_eq!(odbc_version("8.0.2").as_deref(), Some("08.00.0002"));
        assert_eq!(odbc_version("0.1.0").as_deref(), Some("00.01.0000"));
        assert_eq!(odbc_version("15.4 (Debian 15.4-1)").as_deref(), Some("15.04.0000"));
        assert_eq!(odbc_version("0.1.0-alpha.1").as_deref(), Some("00.01.0000"));
        assert_eq!(odbc_version("9").as_deref(), Some("09.00.0000"));
        assert_eq!(odbc_version(""), None);
        assert_eq!(odbc_version("PostgreSQL 8.0.2"), None);
        assert_eq!(odbc_version("100.0.0"), None);
        assert_eq!(odbc_version("1.2.10000"), None);
        let driver = driver_version();
        assert_eq!(driver.len(), 10, "{driver}");
        assert_eq!(&driver[2..3], ".");
        assert_eq!(&driver[5..6], ".");
    }

    #[test]
    fn dbms_version_falls_back() {
        let mut f = facts();
        assert_eq!(info(SQL_DBMS_VER, &f), Some(InfoValue::Text("08.00.0002".into())));
        f.server_version = "8.1.7";
        assert_eq!(info(SQL_DBMS_VER, &f), Some(InfoValue::Text("08.01.0007".into())));
        f.server_version = "unknown";
        assert_eq!(info(SQL_DBMS_VER, &f), Some(InfoValue::Text(DEFAULT_DBMS_VER.into())));
    }

    #[test]
    fn strings() {
        let f = facts();
        assert_eq!(info(17, &f), Some(InfoValue::Text("Redwood".into()))); // SQL_DBMS_NAME
        assert_eq!(info(SQL_DRIVER_NAME, &f), Some(InfoValue::Text(DRIVER_NAME.into())));
        assert_eq!(info(SQL_DRIVER_ODBC_VER, &f), Some(InfoValue::Text("03.80".into())));
        assert_eq!(info(SQL_IDENTIFIER_QUOTE_CHAR, &f), Some(InfoValue::Text("\"".into())));
        assert_eq!(info(SQL_SEARCH_PATTERN_ESCAPE, &f), Some(InfoValue::Text("\\".into())));
        assert_eq!(info(SQL_DATABASE_NAME, &f), Some(InfoValue::Text("dev".into())));
        assert_eq!(info(SQL_SERVER_NAME, &f), Some(InfoValue::Text("warehouse.example.com".into())));
        assert_eq!(info(SQL_DATA_SOURCE_READ_ONLY, &f), Some(InfoValue::Text("N".into())));
        let read_only = ConnectionFacts { read_only: true, ..facts() };
        assert_eq!(info(SQL_DATA_SOURCE_READ_ONLY, &read_only), Some(InfoValue::Text("Y".into())));
        match info(SQL_KEYWORDS, &f) {
            Some(InfoValue::Text(words)) => {
                assert!(words.split(',').any(|w| w == "ILIKE"));
                assert!(!words.contains(' ') && !words.ends_with(','));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn widths_and_masks() {
        let f = facts();
        assert_eq!(info(SQL_TXN_CAPABLE, &f), Some(InfoValue::U16(2)));
        assert_eq!(info(SQL_MAX_COLUMN_NAME_LEN, &f), Some(InfoValue::U16(127)));
        assert_eq!(info(SQL_IDENTIFIER_CASE, &f), Some(InfoValue::U16(2)));
        assert_eq!(info(SQL_DEFAULT_TXN_ISOLATION, &f), Some(InfoValue::U32(8)));
        assert_eq!(info(SQL_MAX_STATEMENT_LEN, &f), Some(InfoValue::U32(16_777_216)));
        // SQL_GD_ANY_COLUMN | SQL_GD_ANY_ORDER | SQL_GD_BOUND
        assert_eq!(info(SQL_GETDATA_EXTENSIONS, &f), Some(InfoValue::U32(0x1 | 0x2 | 0x8)));
        // SQL_U_UNION | SQL_U_UNION_ALL
        assert_eq!(info(SQL_UNION, &f), Some(InfoValue::U32(3)));
        // SQL_AF_AVG .. SQL_AF_ALL
        assert_eq!(info(SQL_AGGREGATE_FUNCTIONS, &f), Some(InfoValue::U32(0x7F)));
        match info(SQL_CONVERT_VARCHAR, &f) {
            Some(InfoValue::U32(mask)) => {
                assert_ne!(mask & SQL_CVT_INTEGER, 0);
                assert_ne!(mask & SQL_CVT_TIMESTAMP, 0);
                assert_eq!(mask & 0x0000_0400, 0); // SQL_CVT_BINARY
            }
            other => panic!("{other:?}"),
        }
        // ODBC 2 names share the ODBC 3 numbers: SQL_OWNER_USAGE is SQL_SCHEMA_USAGE.
        assert_eq!(info(91, &f), info(SQL_SCHEMA_USAGE, &f));
    }

    #[test]
    fn unknown_and_driver_manager_types() {
        let f = facts();
        assert_eq!(info(9999, &f), None);
        assert_eq!(info(u16::MAX, &f), None);
        assert_eq!(info(SQL_DM_VER, &f), None);
        assert_eq!(info(SQL_DRIVER_HSTMT, &f), None);
    }

    /// Every information type in sqlext.h has an answer, except those the Driver Manager gives.
    #[test]
    fn every_odbc_type_answered() {
        let f = facts();
        let dm_only =
            [SQL_DRIVER_HDBC, SQL_DRIVER_HENV, SQL_DRIVER_HSTMT, SQL_DRIVER_HLIB, SQL_DRIVER_HDESC, SQL_DM_VER];
        for t in (0u16..=173).chain([1750]).chain(10000..=10005).chain(10021..=10025) {
            assert_eq!(info(t, &f).is_some(), !dm_only.contains(&t), "info type {t}");
        }
    }
}
