//! The ODBC catalog functions (SQLTables, SQLColumns, SQLPrimaryKeys, SQLGetTypeInfo, …) as SQL
//! queries over Redwood's `pg_catalog` and `information_schema`, which the driver prepares and runs
//! on the connection like any statement: the same SQL answers embedded and remote connections.
//!
//! Rules every query follows:
//! - Every value an application passes is a `$n` parameter (bound as text), never SQL text.
//! - Every query names a `pg_catalog` relation, so Redwood parses it as PostgreSQL (as it does
//!   drivers' metadata queries) and plans it on one partition.
//! - Result columns have the types the ODBC reference gives (SMALLINT columns are `smallint`,
//!   INTEGER ones `integer`) and come in its order; their labels do not matter, since the driver
//!   renames them to [`CatalogQuery::names`].
//! - Name patterns are LIKE patterns whose escape is `\` (LIKE's default escape in Redwood, so no
//!   ESCAPE clause): SQLGetInfo(SQL_SEARCH_PATTERN_ESCAPE) must say `\`. A NULL or empty pattern
//!   matches every name.
//! - The catalog is the current database (`dev`): a catalog argument other than NULL, `""` and
//!   `"%"` that does not name it (case aside) gives no rows.
//!
//! The mapping of Redwood's types to ODBC's SQL types ([`sql_type_of`], SQLColumns' DATA_TYPE,
//! COLUMN_SIZE, …, and SQLGetTypeInfo's rows) comes from one table, [`TYPES`]: the SQL `CASE`
//! expressions over `pg_type.typname` are generated from it, so result-set columns and catalog
//! columns always describe a type the same way.

use redwood_core::client::{ColumnKind, Value};

/// A catalog function as a query: SQL with $1..$n parameters, their values, and the column
/// names ODBC gives its result (the driver renames the result's columns to these, in order:
/// the SQL's own labels do not matter, since Redwood folds identifiers to lower case).
pub(crate) struct CatalogQuery {
    pub sql: String,
    pub params: Vec<Value>,
    pub names: &'static [&'static str],
}

/// How the driver reads catalog function arguments (SQL_ATTR_METADATA_ID): as search patterns
/// (false, the default) or as identifiers (true).
#[derive(Clone, Copy)]
pub(crate) struct ArgumentKind {
    pub identifiers: bool,
}

// ---------------------------------------------------------------------------------------------
// ODBC constants (sql.h / sqlext.h)

const SQL_BIT: i16 = -7;
const SQL_BIGINT: i16 = -5;
const SQL_LONGVARBINARY: i16 = -4;
const SQL_VARBINARY: i16 = -3;
const SQL_BINARY: i16 = -2;
const SQL_LONGVARCHAR: i16 = -1;
const SQL_CHAR: i16 = 1;
const SQL_NUMERIC: i16 = 2;
const SQL_INTEGER: i16 = 4;
const SQL_SMALLINT: i16 = 5;
const SQL_REAL: i16 = 7;
const SQL_DOUBLE: i16 = 8;
const SQL_DATETIME: i16 = 9;
const SQL_VARCHAR: i16 = 12;
const SQL_TYPE_DATE: i16 = 91;
const SQL_TYPE_TIME: i16 = 92;
const SQL_TYPE_TIMESTAMP: i16 = 93;
const SQL_WCHAR: i16 = -8;
const SQL_WVARCHAR: i16 = -9;
const SQL_WLONGVARCHAR: i16 = -10;
/// ODBC 2's datetime codes, which SQLGetTypeInfo also accepts.
const SQL_DATE: i16 = 9;
const SQL_TIME: i16 = 10;
const SQL_TIMESTAMP: i16 = 11;

const SQL_CODE_DATE: i16 = 1;
const SQL_CODE_TIME: i16 = 2;
const SQL_CODE_TIMESTAMP: i16 = 3;

/// SEARCHABLE: any comparison including LIKE, or all but LIKE.
const SQL_SEARCHABLE: i16 = 3;
const SQL_PRED_BASIC: i16 = 2;

/// SQLSpecialColumns' IdentifierType.
const SQL_BEST_ROWID: u16 = 1;
/// SCOPE of a row identifier valid for the whole session (a primary key is).
const SQL_SCOPE_SESSION: i16 = 2;
/// PSEUDO_COLUMN: a real column.
const SQL_PC_NOT_PSEUDO: i16 = 1;
/// SQLStatistics' TYPE of the row about the table itself.
const SQL_TABLE_STAT: i16 = 0;

/// Length of a character column whose declared length is unknown (TEXT, VARCHAR without one):
/// Redshift's largest VARCHAR.
const UNKNOWN_LENGTH: i32 = 65535;
/// Digits of a NUMERIC whose precision is unknown: the largest Redwood accepts.
const MAX_NUMERIC_PRECISION: i32 = 38;

// ---------------------------------------------------------------------------------------------
// The type mapping

/// How a type's column size, display size and transfer octet length follow from its declared
/// precision.
#[derive(Clone, Copy)]
enum Size {
    /// The same for every column of the type.
    Fixed { size: i32, display: i32, octets: i32 },
    /// CHAR(n) and VARCHAR(n): n for all three, as Redshift counts lengths in bytes (`varchar(5)`
    /// holds 5 bytes of UTF-8), so n is both the most characters and the most octets;
    /// [`UNKNOWN_LENGTH`] when not declared.
    Length,
    /// NUMERIC(p, s): p digits; a sign and a point more to display or transfer as text.
    Digits,
}

/// A type's decimal digits (DECIMAL_DIGITS, SQL_DESC_SCALE/PRECISION).
#[derive(Clone, Copy)]
enum Digits {
    /// Not applicable (characters, binary, approximate numbers, dates, booleans): NULL in
    /// SQLColumns, 0 from SQLDescribeCol.
    None,
    Fixed(i16),
    /// NUMERIC's declared scale.
    Scale,
}

/// One of Redwood's types as ODBC describes it.
struct TypeRow {
    kind: ColumnKind,
    /// `pg_type.typname` of the catalog's columns of this type (SQLColumns reads these).
    pg_names: &'static [&'static str],
    /// The name as written in DDL (TYPE_NAME, SQL_DESC_TYPE_NAME).
    type_name: &'static str,
    /// The concise SQL type (DATA_TYPE, SQL_DESC_CONCISE_TYPE).
    sql_type: i16,
    size: Size,
    digits: Digits,
    /// NUM_PREC_RADIX: 10 for exact numbers, 2 for approximate ones (whose column size is then
    /// in bits), 0 (NULL in result sets) otherwise.
    radix: i16,
    /// SQL_DATETIME_SUB / SQL_DESC_DATETIME_INTERVAL_CODE of datetime types, else 0 (NULL).
    datetime_sub: i16,
}

/// Every [`ColumnKind`], with [`ColumnKind::Other`] last: it also describes every `pg_type` the
/// table does not name (arrays, `name`, `oid`, …) as VARCHAR. Sizes follow ODBC's appendix D
/// ("Column Size, Decimal Digits, Transfer Octet Length, and Display Size"); datetimes have
/// microseconds, so 6 fractional digits; their octet lengths are those of DATE_STRUCT (6),
/// TIME_STRUCT (6) and TIMESTAMP_STRUCT (16).
const TYPES: &[TypeRow] = &[
    TypeRow {
        kind: ColumnKind::Boolean,
        pg_names: &["bool"],
        type_name: "boolean",
        sql_type: SQL_BIT,
        size: Size::Fixed { size: 1, display: 1, octets: 1 },
        digits: Digits::None,
        radix: 0,
        datetime_sub: 0,
    },
    TypeRow {
        kind: ColumnKind::Smallint,
        pg_names: &["int2"],
        type_name: "smallint",
        sql_type: SQL_SMALLINT,
        size: Size::Fixed { size: 5, display: 6, octets: 2 },
        digits: Digits::Fixed(0),
        radix: 10,
        datetime_sub: 0,
    },
    TypeRow {
        kind: ColumnKind::Integer,
        pg_names: &["int4"],
        type_name: "integer",
        sql_type: SQL_INTEGER,
        size: Size::Fixed { size: 10, display: 11, octets: 4 },
        digits: Digits::Fixed(0),
        radix: 10,
        datetime_sub: 0,
    },
    TypeRow {
        kind: ColumnKind::Bigint,
        pg_names: &["int8"],
        type_name: "bigint",
        sql_type: SQL_BIGINT,
        size: Size::Fixed { size: 19, display: 20, octets: 8 },
        digits: Digits::Fixed(0),
        radix: 10,
        datetime_sub: 0,
    },
    // Approximate numbers: radix 2, so the column size is the mantissa's bits (as SQL Server's
    // drivers say too); display sizes are the appendix's.
    TypeRow {
        kind: ColumnKind::Real,
        pg_names: &["float4"],
        type_name: "real",
        sql_type: SQL_REAL,
        size: Size::Fixed { size: 24, display: 14, octets: 4 },
        digits: Digits::None,
        radix: 2,
        datetime_sub: 0,
    },
    TypeRow {
        kind: ColumnKind::Double,
        pg_names: &["float8"],
        type_name: "double precision",
        sql_type: SQL_DOUBLE,
        size: Size::Fixed { size: 53, display: 24, octets: 8 },
        digits: Digits::None,
        radix: 2,
        datetime_sub: 0,
    },
    TypeRow {
        kind: ColumnKind::Decimal,
        pg_names: &["numeric"],
        type_name: "numeric",
        sql_type: SQL_NUMERIC,
        size: Size::Digits,
        digits: Digits::Scale,
        radix: 10,
        datetime_sub: 0,
    },
    TypeRow {
        kind: ColumnKind::Varchar,
        pg_names: &["varchar"],
        type_name: "varchar",
        sql_type: SQL_VARCHAR,
        size: Size::Length,
        digits: Digits::None,
        radix: 0,
        datetime_sub: 0,
    },
    TypeRow {
        kind: ColumnKind::Char,
        pg_names: &["bpchar"],
        type_name: "char",
        sql_type: SQL_CHAR,
        size: Size::Length,
        digits: Digits::None,
        radix: 0,
        datetime_sub: 0,
    },
    // Results of text expressions (a table's TEXT column is VARCHAR(256), as on Redshift).
    TypeRow {
        kind: ColumnKind::Text,
        pg_names: &["text"],
        type_name: "text",
        sql_type: SQL_VARCHAR,
        size: Size::Length,
        digits: Digits::None,
        radix: 0,
        datetime_sub: 0,
    },
    TypeRow {
        kind: ColumnKind::Date,
        pg_names: &["date"],
        type_name: "date",
        sql_type: SQL_TYPE_DATE,
        size: Size::Fixed { size: 10, display: 10, octets: 6 },
        digits: Digits::None,
        radix: 0,
        datetime_sub: SQL_CODE_DATE,
    },
    TypeRow {
        kind: ColumnKind::Timestamp,
        pg_names: &["timestamp"],
        type_name: "timestamp",
        sql_type: SQL_TYPE_TIMESTAMP,
        size: Size::Fixed { size: 26, display: 26, octets: 16 },
        digits: Digits::Fixed(6),
        radix: 0,
        datetime_sub: SQL_CODE_TIMESTAMP,
    },
    // ODBC has no timestamp with time zone: a TIMESTAMP whose text form (UTC) ends in `+00`,
    // hence a display size 3 more.
    TypeRow {
        kind: ColumnKind::Timestamptz,
        pg_names: &["timestamptz"],
        type_name: "timestamp with time zone",
        sql_type: SQL_TYPE_TIMESTAMP,
        size: Size::Fixed { size: 26, display: 29, octets: 16 },
        digits: Digits::Fixed(6),
        radix: 0,
        datetime_sub: SQL_CODE_TIMESTAMP,
    },
    TypeRow {
        kind: ColumnKind::Time,
        pg_names: &["time"],
        type_name: "time",
        sql_type: SQL_TYPE_TIME,
        size: Size::Fixed { size: 15, display: 15, octets: 6 },
        digits: Digits::Fixed(6),
        radix: 0,
        datetime_sub: SQL_CODE_TIME,
    },
    // ODBC's interval types do not fit PostgreSQL's (months, days and microseconds at once):
    // text.
    TypeRow {
        kind: ColumnKind::Interval,
        pg_names: &["interval"],
        type_name: "interval",
        sql_type: SQL_VARCHAR,
        size: Size::Fixed { size: UNKNOWN_LENGTH, display: UNKNOWN_LENGTH, octets: UNKNOWN_LENGTH },
        digits: Digits::None,
        radix: 0,
        datetime_sub: 0,
    },
    // Two hexadecimal digits per byte to display.
    TypeRow {
        kind: ColumnKind::Bytea,
        pg_names: &["bytea"],
        type_name: "bytea",
        sql_type: SQL_VARBINARY,
        size: Size::Fixed { size: UNKNOWN_LENGTH, display: 2 * UNKNOWN_LENGTH, octets: UNKNOWN_LENGTH },
        digits: Digits::None,
        radix: 0,
        datetime_sub: 0,
    },
    TypeRow {
        kind: ColumnKind::Array,
        pg_names: &[],
        type_name: "anyarray",
        sql_type: SQL_VARCHAR,
        size: Size::Fixed { size: UNKNOWN_LENGTH, display: UNKNOWN_LENGTH, octets: UNKNOWN_LENGTH },
        digits: Digits::None,
        radix: 0,
        datetime_sub: 0,
    },
    TypeRow {
        kind: ColumnKind::Other,
        pg_names: &[],
        type_name: "unknown",
        sql_type: SQL_VARCHAR,
        size: Size::Fixed { size: UNKNOWN_LENGTH, display: UNKNOWN_LENGTH, octets: UNKNOWN_LENGTH },
        digits: Digits::None,
        radix: 0,
        datetime_sub: 0,
    },
];

impl TypeRow {
    /// SQL_DATA_TYPE / SQL_DESC_TYPE: SQL_DATETIME for datetimes, else the concise type.
    fn verbose_type(&self) -> i16 {
        if self.datetime_sub != 0 {
            SQL_DATETIME
        } else {
            self.sql_type
        }
    }

    /// Characters: case-sensitive comparisons (as on Redshift), LIKE, quoted literals.
    fn is_character(&self) -> bool {
        is_character(self.sql_type)
    }

    /// (column size, display size, transfer octet length) for a declared precision (-1: none).
    fn sizes(&self, precision: i32) -> (i32, i32, i32) {
        match self.size {
            Size::Fixed { size, display, octets } => (size, display, octets),
            Size::Length => {
                let n = if precision > 0 { precision } else { UNKNOWN_LENGTH };
                (n, n, n)
            }
            Size::Digits => {
                let p = if precision > 0 { precision } else { MAX_NUMERIC_PRECISION };
                (p, p + 2, p + 2)
            }
        }
    }

    /// Decimal digits for a declared scale (-1: none); 0 where not applicable.
    fn decimal_digits(&self, scale: i32) -> i16 {
        match self.digits {
            Digits::None => 0,
            Digits::Fixed(d) => d,
            Digits::Scale => {
                if scale >= 0 {
                    scale as i16
                } else {
                    0
                }
            }
        }
    }
}

fn is_character(sql_type: i16) -> bool {
    matches!(sql_type, SQL_CHAR | SQL_VARCHAR | SQL_LONGVARCHAR | SQL_WCHAR | SQL_WVARCHAR | SQL_WLONGVARCHAR)
}

fn is_binary(sql_type: i16) -> bool {
    matches!(sql_type, SQL_BINARY | SQL_VARBINARY | SQL_LONGVARBINARY)
}

/// The row of `kind` ([`ColumnKind::Other`]'s when missing, which cannot happen).
fn type_row(kind: ColumnKind) -> &'static TypeRow {
    TYPES.iter().find(|row| row.kind == kind).unwrap_or(&TYPES[TYPES.len() - 1])
}

/// How ODBC describes a result column of one of Redwood's types (SQLDescribeCol,
/// SQLColAttribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SqlTypeInfo {
    pub sql_type: i16,
    pub column_size: usize,
    pub decimal_digits: i16,
    pub display_size: isize,
    pub octet_length: isize,
    pub type_name: &'static str,
    pub unsigned: bool,
    pub searchable: i16,
    pub case_sensitive: bool,
    pub concise_type: i16,
    pub verbose_type: i16,
    pub datetime_sub: i16,
    pub num_prec_radix: i16,
}

/// The ODBC description of a column of `kind` with `precision` (digits of a NUMERIC, length of
/// CHAR/VARCHAR; -1 when unknown) and `scale` (fractional digits; -1 when unknown): the same
/// numbers SQLColumns gives a table's column of that type.
pub(crate) fn sql_type_of(kind: ColumnKind, precision: i32, scale: i32) -> SqlTypeInfo {
    let row = type_row(kind);
    let (size, display, octets) = row.sizes(precision);
    SqlTypeInfo {
        sql_type: row.sql_type,
        column_size: size.max(0) as usize,
        decimal_digits: row.decimal_digits(scale),
        display_size: display as isize,
        octet_length: octets as isize,
        type_name: row.type_name,
        // SQL_DESC_UNSIGNED is true for types that are not numbers.
        unsigned: row.radix == 0,
        searchable: if row.is_character() { SQL_SEARCHABLE } else { SQL_PRED_BASIC },
        case_sensitive: row.is_character(),
        concise_type: row.sql_type,
        verbose_type: row.verbose_type(),
        datetime_sub: row.datetime_sub,
        num_prec_radix: row.radix,
    }
}

// ---------------------------------------------------------------------------------------------
// The type mapping as SQL, over a column's `pg_type.typname` and `pg_attribute.atttypmod`
// (PostgreSQL's modifiers: n + 4 for CHAR(n)/VARCHAR(n), (p << 16 | s) + 4 for NUMERIC(p, s),
// -1 when none).

/// SQL for a type's column size, transfer octet length and decimal digits given modifier `m`:
/// [`TypeRow::sizes`] and [`TypeRow::decimal_digits`] written in SQL.
fn size_sql(row: &TypeRow, m: &str) -> (String, String) {
    match row.size {
        Size::Fixed { size, octets, .. } => (size.to_string(), octets.to_string()),
        Size::Length => {
            let n = format!("CASE WHEN {m} > 4 THEN {m} - 4 ELSE {UNKNOWN_LENGTH} END");
            (n.clone(), n)
        }
        Size::Digits => {
            let p = format!("CASE WHEN {m} > 4 THEN ({m} - 4) / 65536 ELSE {MAX_NUMERIC_PRECISION} END");
            let octets = format!("({p}) + 2");
            (p, octets)
        }
    }
}

fn digits_sql(row: &TypeRow, m: &str) -> String {
    match row.digits {
        Digits::None => "NULL".to_string(),
        Digits::Fixed(d) => d.to_string(),
        Digits::Scale => format!("CASE WHEN {m} > 4 THEN ({m} - 4) % 65536 ELSE 0 END"),
    }
}

/// `CASE typname WHEN 'int4' THEN … END` of one facet of every type in [`TYPES`]; types it does
/// not name get `other` (by default [`ColumnKind::Other`]'s facet).
fn by_type(typname: &str, facet: impl Fn(&TypeRow) -> String, other: Option<String>) -> String {
    let mut sql = format!("CASE {typname}");
    for row in TYPES {
        let value = facet(row);
        for name in row.pg_names {
            sql.push_str(&format!(" WHEN '{name}' THEN {value}"));
        }
    }
    let fallback = other.unwrap_or_else(|| facet(type_row(ColumnKind::Other)));
    sql.push_str(&format!(" ELSE {fallback} END"));
    sql
}

fn or_null(value: i16) -> String {
    if value == 0 {
        "NULL".to_string()
    } else {
        value.to_string()
    }
}

/// The SQLColumns columns that describe a type, as SQL expressions (already cast to their ODBC
/// types) over `t.typname` and `a.atttypmod`.
struct TypeColumns {
    data_type: String,
    type_name: String,
    column_size: String,
    buffer_length: String,
    decimal_digits: String,
    num_prec_radix: String,
    sql_data_type: String,
    sql_datetime_sub: String,
    char_octet_length: String,
}

fn type_columns(typname: &str, typmod: &str) -> TypeColumns {
    let as_smallint = |sql: String| format!("CAST({sql} AS smallint)");
    let as_integer = |sql: String| format!("CAST({sql} AS integer)");
    TypeColumns {
        data_type: as_smallint(by_type(typname, |r| r.sql_type.to_string(), None)),
        // Types the table does not name keep their own name.
        type_name: by_type(typname, |r| format!("'{}'", r.type_name), Some(typname.to_string())),
        column_size: as_integer(by_type(typname, |r| size_sql(r, typmod).0, None)),
        buffer_length: as_integer(by_type(typname, |r| size_sql(r, typmod).1, None)),
        decimal_digits: as_smallint(by_type(typname, |r| digits_sql(r, typmod), None)),
        num_prec_radix: as_smallint(by_type(typname, |r| or_null(r.radix), None)),
        sql_data_type: as_smallint(by_type(typname, |r| r.verbose_type().to_string(), None)),
        sql_datetime_sub: as_smallint(by_type(typname, |r| or_null(r.datetime_sub), None)),
        char_octet_length: as_integer(by_type(
            typname,
            |r| if r.is_character() || is_binary(r.sql_type) { size_sql(r, typmod).1 } else { "NULL".to_string() },
            None,
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Building queries

/// Comments on relations and columns are pg_description rows under pg_class's oid.
const CLASS_COMMENT: &str = "d.classoid = CAST('pg_class' AS regclass)";

/// A query's text and its parameters, built condition by condition.
struct Builder {
    sql: String,
    params: Vec<Value>,
}

impl Builder {
    fn new(sql: &str) -> Builder {
        Builder { sql: sql.to_string(), params: vec![] }
    }

    fn push(&mut self, text: &str) {
        self.sql.push_str(text);
    }

    /// The next parameter, bound to `value`: its `$n`.
    fn param(&mut self, value: String) -> String {
        self.params.push(Value::Text(value));
        format!("${}", self.params.len())
    }

    /// Only the current database, unless `catalog` is NULL, "" or "%". `pattern`: SQLTables'
    /// catalog is a search pattern (ODBC 3); the others' are names.
    fn catalog(&mut self, catalog: Option<&str>, pattern: bool) {
        let Some(catalog) = catalog.filter(|c| !c.is_empty() && *c != "%") else { return };
        let n = self.param(catalog.to_string());
        let op = if pattern { "LIKE" } else { "=" };
        self.push(&format!(" AND lower(current_database()) {op} lower(CAST({n} AS varchar))"));
    }

    /// A pattern argument: `column LIKE pattern`, or, when the arguments are identifiers,
    /// `column = identifier`. NULL or "" match every name.
    fn name(&mut self, column: &str, argument: Option<&str>, kind: ArgumentKind) {
        let Some(argument) = argument.filter(|a| !a.is_empty()) else { return };
        if kind.identifiers {
            let n = self.param(identifier(argument));
            self.push(&format!(" AND {column} = {n}"));
        } else {
            let n = self.param(argument.to_string());
            self.push(&format!(" AND {column} LIKE {n}"));
        }
    }

    /// A name argument (not a pattern): `column = value`; NULL matches every name (see
    /// [`schema_name`] for "").
    fn equal(&mut self, column: &str, value: Option<&str>) {
        let Some(value) = value else { return };
        let n = self.param(value.to_string());
        self.push(&format!(" AND {column} = {n}"));
    }

    fn finish(self, names: &'static [&'static str]) -> CatalogQuery {
        CatalogQuery { sql: self.sql, params: self.params, names }
    }
}

/// An argument read as an identifier (SQL_ATTR_METADATA_ID true): trailing and leading blanks
/// go, double quotes around it go (`""` inside is one `"`), and it is folded to lower case
/// whether quoted or not, since Redwood folds even quoted identifiers (Redshift's default,
/// `enable_case_sensitive_identifier` off), so every name in its catalog is lower case.
pub(crate) fn identifier(argument: &str) -> String {
    let trimmed = argument.trim();
    let unquoted = if trimmed.len() >= 2 && trimmed.starts_with('"') && trimmed.ends_with('"') {
        trimmed[1..trimmed.len() - 1].replace("\"\"", "\"")
    } else {
        trimmed.to_string()
    };
    unquoted.to_lowercase()
}

/// A schema argument that is not a pattern: "" is "any schema", like NULL (applications pass it
/// for "any"; no Redwood table lacks a schema, which is what the spec's "" would ask for).
fn schema_name(schema: Option<&str>) -> Option<&str> {
    schema.filter(|s| !s.is_empty())
}

/// No rows, with columns of the given SQL types.
fn empty(names: &'static [&'static str], types: &[&str]) -> CatalogQuery {
    let columns: Vec<String> = names
        .iter()
        .zip(types)
        .map(|(name, sql_type)| format!("CAST(NULL AS {sql_type}) AS {}", name.to_ascii_lowercase()))
        .collect();
    let sql = format!("SELECT {} FROM pg_catalog.pg_database WHERE false", columns.join(", "));
    CatalogQuery { sql, params: vec![], names }
}

// ---------------------------------------------------------------------------------------------
// SQLTables

const TABLES: &[&str] = &["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS"];

/// The table types [`TABLE_TYPE`] gives, sorted: SQLTables' SQL_ALL_TABLE_TYPES list. Redwood
/// has no temporary tables, materialized views or external tables yet.
const TABLE_TYPES: &[&str] = &["SYSTEM TABLE", "TABLE", "VIEW"];

/// TABLE_TYPE of a pg_class row `c` in namespace `n`: the catalog's own relations (psqlODBC's
/// SYSTEM TABLE), views and tables.
const TABLE_TYPE: &str = "CASE WHEN n.nspname IN ('pg_catalog', 'information_schema') THEN 'SYSTEM TABLE' \
    WHEN c.relkind = 'v' THEN 'VIEW' ELSE 'TABLE' END";

/// The types SQLTables' TableType argument names (`'TABLE','VIEW'` or `TABLE, VIEW`), upper
/// case; `None` (every type) for NULL, "" and "%".
fn requested_table_types(table_types: Option<&str>) -> Option<Vec<String>> {
    let list = table_types?.trim();
    if list.is_empty() || list == "%" {
        return None;
    }
    Some(list.split(',').map(|t| t.trim().trim_matches('\'').trim().to_uppercase()).filter(|t| !t.is_empty()).collect())
}

pub(crate) fn tables(
    catalog: Option<&str>,
    schema: Option<&str>,
    table: Option<&str>,
    table_types: Option<&str>,
    kind: ArgumentKind,
) -> CatalogQuery {
    let nothing = |s: Option<&str>| s == Some("");
    // The three enumerations: every column NULL but the one listed.
    if catalog == Some("%") && nothing(schema) && nothing(table) {
        return CatalogQuery {
            sql: "SELECT current_database() AS table_cat, CAST(NULL AS varchar) AS table_schem, \
                  CAST(NULL AS varchar) AS table_name, CAST(NULL AS varchar) AS table_type, \
                  CAST(NULL AS varchar) AS remarks FROM pg_catalog.pg_database d \
                  WHERE d.datname = current_database()"
                .to_string(),
            params: vec![],
            names: TABLES,
        };
    }
    if schema == Some("%") && nothing(catalog) && nothing(table) {
        return CatalogQuery {
            sql: "SELECT CAST(NULL AS varchar) AS table_cat, n.nspname AS table_schem, \
                  CAST(NULL AS varchar) AS table_name, CAST(NULL AS varchar) AS table_type, \
                  CAST(NULL AS varchar) AS remarks FROM pg_catalog.pg_namespace n \
                  WHERE n.nspname <> 'pg_toast' ORDER BY n.nspname"
                .to_string(),
            params: vec![],
            names: TABLES,
        };
    }
    if table_types == Some("%") && nothing(catalog) && nothing(schema) && nothing(table) {
        let values: Vec<String> = TABLE_TYPES.iter().map(|t| format!("('{t}')")).collect();
        return CatalogQuery {
            sql: format!(
                "SELECT CAST(NULL AS varchar) AS table_cat, CAST(NULL AS varchar) AS table_schem, \
                 CAST(NULL AS varchar) AS table_name, x.table_type, CAST(NULL AS varchar) AS remarks \
                 FROM (VALUES {}) AS x(table_type) CROSS JOIN pg_catalog.pg_database d \
                 WHERE d.datname = current_database() ORDER BY x.table_type",
                values.join(", ")
            ),
            params: vec![],
            names: TABLES,
        };
    }

    let mut q = Builder::new(&format!(
        "SELECT r.table_cat, r.table_schem, r.table_name, r.table_type, r.remarks FROM (\
         SELECT current_database() AS table_cat, n.nspname AS table_schem, c.relname AS table_name, \
         {TABLE_TYPE} AS table_type, d.description AS remarks \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 AND {CLASS_COMMENT} \
         WHERE c.relkind IN ('r', 'v')"
    ));
    if kind.identifiers {
        q.catalog(catalog.map(identifier).as_deref(), false);
    } else {
        q.catalog(catalog, true);
    }
    q.name("n.nspname", schema, kind);
    q.name("c.relname", table, kind);
    q.push(") r");
    if let Some(requested) = requested_table_types(table_types) {
        // Only our own constants go into the SQL: the requested types select among them.
        let known: Vec<String> =
            TABLE_TYPES.iter().filter(|t| requested.iter().any(|r| r == *t)).map(|t| format!("'{t}'")).collect();
        if known.is_empty() {
            q.push(" WHERE false");
        } else {
            q.push(&format!(" WHERE r.table_type IN ({})", known.join(", ")));
        }
    }
    q.push(" ORDER BY r.table_type, r.table_cat, r.table_schem, r.table_name");
    q.finish(TABLES)
}

// ---------------------------------------------------------------------------------------------
// SQLColumns

const COLUMNS: &[&str] = &[
    "TABLE_CAT",
    "TABLE_SCHEM",
    "TABLE_NAME",
    "COLUMN_NAME",
    "DATA_TYPE",
    "TYPE_NAME",
    "COLUMN_SIZE",
    "BUFFER_LENGTH",
    "DECIMAL_DIGITS",
    "NUM_PREC_RADIX",
    "NULLABLE",
    "REMARKS",
    "COLUMN_DEF",
    "SQL_DATA_TYPE",
    "SQL_DATETIME_SUB",
    "CHAR_OCTET_LENGTH",
    "ORDINAL_POSITION",
    "IS_NULLABLE",
];

/// The columns of tables and views (views' columns are nullable: Redwood does not infer NOT
/// NULL through them). REMARKS are COMMENT ON COLUMN; COLUMN_DEF is the default as written.
pub(crate) fn columns(
    catalog: Option<&str>,
    schema: Option<&str>,
    table: Option<&str>,
    column: Option<&str>,
    kind: ArgumentKind,
) -> CatalogQuery {
    let t = type_columns("t.typname", "a.atttypmod");
    let mut q = Builder::new(&format!(
        "SELECT current_database() AS table_cat, n.nspname AS table_schem, c.relname AS table_name, \
         a.attname AS column_name, {data_type} AS data_type, {type_name} AS type_name, \
         {column_size} AS column_size, {buffer_length} AS buffer_length, {decimal_digits} AS decimal_digits, \
         {radix} AS num_prec_radix, CAST(CASE WHEN a.attnotnull THEN 0 ELSE 1 END AS smallint) AS nullable, \
         d.description AS remarks, pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS column_def, \
         {sql_data_type} AS sql_data_type, {sub} AS sql_datetime_sub, {octets} AS char_octet_length, \
         CAST(a.attnum AS integer) AS ordinal_position, \
         CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid \
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid \
         LEFT JOIN pg_catalog.pg_attrdef def ON def.adrelid = a.attrelid AND def.adnum = a.attnum \
         LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = a.attnum AND {CLASS_COMMENT} \
         WHERE c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped",
        data_type = t.data_type,
        type_name = t.type_name,
        column_size = t.column_size,
        buffer_length = t.buffer_length,
        decimal_digits = t.decimal_digits,
        radix = t.num_prec_radix,
        sql_data_type = t.sql_data_type,
        sub = t.sql_datetime_sub,
        octets = t.char_octet_length,
    ));
    if kind.identifiers {
        q.catalog(catalog.map(identifier).as_deref(), false);
    } else {
        q.catalog(catalog, false);
    }
    q.name("n.nspname", schema, kind);
    q.name("c.relname", table, kind);
    q.name("a.attname", column, kind);
    q.push(" ORDER BY n.nspname, c.relname, a.attnum");
    q.finish(COLUMNS)
}

// ---------------------------------------------------------------------------------------------
// Keys

const PRIMARY_KEYS: &[&str] = &["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"];

/// The key columns `k` of primary keys (information_schema's view of Redwood's constraints).
const PRIMARY_KEY_COLUMNS: &str = "FROM information_schema.table_constraints tc \
    JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema \
    AND k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name";

/// The primary key of `table` (in any schema when `schema` is NULL or ""). Redwood, like
/// Redshift, records primary keys but does not enforce them.
pub(crate) fn primary_keys(catalog: Option<&str>, schema: Option<&str>, table: &str) -> CatalogQuery {
    let mut q = Builder::new(&format!(
        "SELECT current_database() AS table_cat, k.table_schema AS table_schem, k.table_name AS table_name, \
         k.column_name AS column_name, CAST(k.ordinal_position AS smallint) AS key_seq, \
         k.constraint_name AS pk_name \
         {PRIMARY_KEY_COLUMNS} \
         JOIN pg_catalog.pg_namespace n ON n.nspname = k.table_schema \
         WHERE tc.constraint_type = 'PRIMARY KEY'"
    ));
    // (The join with pg_namespace changes no row: it makes the query name a pg_catalog relation.)
    q.catalog(catalog, false);
    q.equal("k.table_schema", schema_name(schema));
    q.equal("k.table_name", Some(table));
    q.push(" ORDER BY k.table_schema, k.table_name, k.ordinal_position");
    q.finish(PRIMARY_KEYS)
}

const FOREIGN_KEYS: &[&str] = &[
    "PKTABLE_CAT",
    "PKTABLE_SCHEM",
    "PKTABLE_NAME",
    "PKCOLUMN_NAME",
    "FKTABLE_CAT",
    "FKTABLE_SCHEM",
    "FKTABLE_NAME",
    "FKCOLUMN_NAME",
    "KEY_SEQ",
    "UPDATE_RULE",
    "DELETE_RULE",
    "FK_NAME",
    "PK_NAME",
    "DEFERRABILITY",
];

/// No rows: Redwood keeps a FOREIGN KEY only as the text of its definition (pg_constraint has
/// its own columns but not the table and columns it references: confrelid 0, confkey NULL).
pub(crate) fn foreign_keys(
    pk_catalog: Option<&str>,
    pk_schema: Option<&str>,
    pk_table: Option<&str>,
    fk_catalog: Option<&str>,
    fk_schema: Option<&str>,
    fk_table: Option<&str>,
) -> CatalogQuery {
    let _ = (pk_catalog, pk_schema, pk_table, fk_catalog, fk_schema, fk_table);
    empty(
        FOREIGN_KEYS,
        &[
            "varchar", "varchar", "varchar", "varchar", "varchar", "varchar", "varchar", "varchar", "smallint",
            "smallint", "smallint", "varchar", "varchar", "smallint",
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// SQLStatistics and SQLSpecialColumns

const STATISTICS: &[&str] = &[
    "TABLE_CAT",
    "TABLE_SCHEM",
    "TABLE_NAME",
    "NON_UNIQUE",
    "INDEX_QUALIFIER",
    "INDEX_NAME",
    "TYPE",
    "ORDINAL_POSITION",
    "COLUMN_NAME",
    "ASC_OR_DESC",
    "CARDINALITY",
    "PAGES",
    "FILTER_CONDITION",
];

/// Only the SQL_TABLE_STAT row of `table` (a table, not a view): Redwood has no indexes (the
/// primary key's pg_index entry describes an unenforced constraint, not a unique index, so it is
/// not reported and `unique_only` changes nothing). CARDINALITY is pg_class.reltuples, which
/// Redwood keeps as the live row count (capped to INTEGER); PAGES is NULL, as relpages is always
/// 0.
pub(crate) fn statistics(catalog: Option<&str>, schema: Option<&str>, table: &str, unique_only: bool) -> CatalogQuery {
    let _ = unique_only;
    let mut q = Builder::new(&format!(
        "SELECT current_database() AS table_cat, n.nspname AS table_schem, c.relname AS table_name, \
         CAST(NULL AS smallint) AS non_unique, CAST(NULL AS varchar) AS index_qualifier, \
         CAST(NULL AS varchar) AS index_name, CAST({SQL_TABLE_STAT} AS smallint) AS type, \
         CAST(NULL AS smallint) AS ordinal_position, CAST(NULL AS varchar) AS column_name, \
         CAST(NULL AS varchar) AS asc_or_desc, \
         CAST(CASE WHEN c.reltuples > 2147483647 THEN 2147483647 ELSE c.reltuples END AS integer) AS cardinality, \
         CAST(NULL AS integer) AS pages, CAST(NULL AS varchar) AS filter_condition \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'r'"
    ));
    q.catalog(catalog, false);
    q.equal("n.nspname", schema_name(schema));
    q.equal("c.relname", Some(table));
    // The spec's order (NON_UNIQUE, TYPE, INDEX_QUALIFIER, INDEX_NAME, ORDINAL_POSITION) is the
    // same for every row here; the schema orders tables of one name.
    q.push(" ORDER BY n.nspname");
    q.finish(STATISTICS)
}

const SPECIAL_COLUMNS: &[&str] = &[
    "SCOPE",
    "COLUMN_NAME",
    "DATA_TYPE",
    "TYPE_NAME",
    "COLUMN_SIZE",
    "BUFFER_LENGTH",
    "DECIMAL_DIGITS",
    "PSEUDO_COLUMN",
];

/// SQL_BEST_ROWID: the primary key's columns, which identify a row for the whole session (so
/// any requested `scope` is met), and are NOT NULL (a primary key implies it), so `nullable`
/// changes nothing. SQL_ROWVER: none (no column changes on every update).
pub(crate) fn special_columns(
    identifier_type: u16,
    catalog: Option<&str>,
    schema: Option<&str>,
    table: &str,
    scope: u16,
    nullable: u16,
) -> CatalogQuery {
    let _ = (scope, nullable);
    if identifier_type != SQL_BEST_ROWID {
        return empty(
            SPECIAL_COLUMNS,
            &["smallint", "varchar", "smallint", "varchar", "integer", "integer", "smallint", "smallint"],
        );
    }
    let t = type_columns("t.typname", "a.atttypmod");
    let mut q = Builder::new(&format!(
        "SELECT CAST({SQL_SCOPE_SESSION} AS smallint) AS scope, k.column_name AS column_name, \
         {data_type} AS data_type, {type_name} AS type_name, {column_size} AS column_size, \
         {buffer_length} AS buffer_length, {decimal_digits} AS decimal_digits, \
         CAST({SQL_PC_NOT_PSEUDO} AS smallint) AS pseudo_column \
         {PRIMARY_KEY_COLUMNS} \
         JOIN pg_catalog.pg_namespace n ON n.nspname = k.table_schema \
         JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = k.table_name AND c.relkind = 'r' \
         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = k.column_name \
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid \
         WHERE tc.constraint_type = 'PRIMARY KEY'",
        data_type = t.data_type,
        type_name = t.type_name,
        column_size = t.column_size,
        buffer_length = t.buffer_length,
        decimal_digits = t.decimal_digits,
    ));
    q.catalog(catalog, false);
    q.equal("k.table_schema", schema_name(schema));
    q.equal("k.table_name", Some(table));
    q.push(" ORDER BY k.table_schema, k.ordinal_position");
    q.finish(SPECIAL_COLUMNS)
}

// ---------------------------------------------------------------------------------------------
// Procedures and privileges: Redwood has no user-defined procedures or functions, and no GRANT
// (pg_class.relacl is always NULL), so these have no rows.

const PROCEDURES: &[&str] = &[
    "PROCEDURE_CAT",
    "PROCEDURE_SCHEM",
    "PROCEDURE_NAME",
    "NUM_INPUT_PARAMS",
    "NUM_OUTPUT_PARAMS",
    "NUM_RESULT_SETS",
    "REMARKS",
    "PROCEDURE_TYPE",
];

pub(crate) fn procedures(catalog: Option<&str>, schema: Option<&str>, procedure: Option<&str>) -> CatalogQuery {
    let _ = (catalog, schema, procedure);
    // NUM_* are "reserved for future use" without a type: INTEGER, as psqlODBC gives them.
    empty(PROCEDURES, &["varchar", "varchar", "varchar", "integer", "integer", "integer", "varchar", "smallint"])
}

const PROCEDURE_COLUMNS: &[&str] = &[
    "PROCEDURE_CAT",
    "PROCEDURE_SCHEM",
    "PROCEDURE_NAME",
    "COLUMN_NAME",
    "COLUMN_TYPE",
    "DATA_TYPE",
    "TYPE_NAME",
    "COLUMN_SIZE",
    "BUFFER_LENGTH",
    "DECIMAL_DIGITS",
    "NUM_PREC_RADIX",
    "NULLABLE",
    "REMARKS",
    "COLUMN_DEF",
    "SQL_DATA_TYPE",
    "SQL_DATETIME_SUB",
    "CHAR_OCTET_LENGTH",
    "ORDINAL_POSITION",
    "IS_NULLABLE",
];

pub(crate) fn procedure_columns(
    catalog: Option<&str>,
    schema: Option<&str>,
    procedure: Option<&str>,
    column: Option<&str>,
) -> CatalogQuery {
    let _ = (catalog, schema, procedure, column);
    empty(
        PROCEDURE_COLUMNS,
        &[
            "varchar", "varchar", "varchar", "varchar", "smallint", "smallint", "varchar", "integer", "integer",
            "smallint", "smallint", "smallint", "varchar", "varchar", "smallint", "smallint", "integer", "integer",
            "varchar",
        ],
    )
}

const TABLE_PRIVILEGES: &[&str] =
    &["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "GRANTOR", "GRANTEE", "PRIVILEGE", "IS_GRANTABLE"];

pub(crate) fn table_privileges(catalog: Option<&str>, schema: Option<&str>, table: Option<&str>) -> CatalogQuery {
    let _ = (catalog, schema, table);
    empty(TABLE_PRIVILEGES, &["varchar"; 7])
}

const COLUMN_PRIVILEGES: &[&str] =
    &["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "GRANTOR", "GRANTEE", "PRIVILEGE", "IS_GRANTABLE"];

pub(crate) fn column_privileges(
    catalog: Option<&str>,
    schema: Option<&str>,
    table: &str,
    column: Option<&str>,
) -> CatalogQuery {
    let _ = (catalog, schema, table, column);
    empty(COLUMN_PRIVILEGES, &["varchar"; 8])
}

// ---------------------------------------------------------------------------------------------
// SQLGetTypeInfo

const TYPE_INFO: &[&str] = &[
    "TYPE_NAME",
    "DATA_TYPE",
    "COLUMN_SIZE",
    "LITERAL_PREFIX",
    "LITERAL_SUFFIX",
    "CREATE_PARAMS",
    "NULLABLE",
    "CASE_SENSITIVE",
    "SEARCHABLE",
    "UNSIGNED_ATTRIBUTE",
    "FIXED_PREC_SCALE",
    "AUTO_UNIQUE_VALUE",
    "LOCAL_TYPE_NAME",
    "MINIMUM_SCALE",
    "MAXIMUM_SCALE",
    "SQL_DATA_TYPE",
    "SQL_DATETIME_SUB",
    "NUM_PREC_RADIX",
    "INTERVAL_PRECISION",
];

/// A type a Redwood table column can have, with what DDL needs beyond [`TYPES`].
struct DdlType {
    kind: ColumnKind,
    /// The largest column size (CHAR/VARCHAR length, NUMERIC digits); `None`: the type's fixed
    /// size.
    max_size: Option<i32>,
    create_params: Option<&'static str>,
    /// (MINIMUM_SCALE, MAXIMUM_SCALE), where scale applies.
    scales: Option<(i16, i16)>,
}

/// What CREATE TABLE takes, with Redshift's limits (CHAR up to 4096 bytes, VARCHAR 65535,
/// NUMERIC 38 digits with scale up to 37), in SQLGetTypeInfo's order: DATA_TYPE, then the
/// closest match first (TIMESTAMP before TIMESTAMPTZ). Not here: TIME, INTERVAL and binary
/// types, which Redwood's tables do not take yet.
const DDL_TYPES: &[DdlType] = &[
    DdlType { kind: ColumnKind::Boolean, max_size: None, create_params: None, scales: None },
    DdlType { kind: ColumnKind::Bigint, max_size: None, create_params: None, scales: Some((0, 0)) },
    DdlType { kind: ColumnKind::Char, max_size: Some(4096), create_params: Some("length"), scales: None },
    DdlType {
        kind: ColumnKind::Decimal,
        max_size: Some(38),
        create_params: Some("precision,scale"),
        scales: Some((0, 37)),
    },
    DdlType { kind: ColumnKind::Integer, max_size: None, create_params: None, scales: Some((0, 0)) },
    DdlType { kind: ColumnKind::Smallint, max_size: None, create_params: None, scales: Some((0, 0)) },
    DdlType { kind: ColumnKind::Real, max_size: None, create_params: None, scales: None },
    DdlType { kind: ColumnKind::Double, max_size: None, create_params: None, scales: None },
    DdlType { kind: ColumnKind::Varchar, max_size: Some(65535), create_params: Some("length"), scales: None },
    DdlType { kind: ColumnKind::Date, max_size: None, create_params: None, scales: None },
    DdlType { kind: ColumnKind::Timestamp, max_size: None, create_params: None, scales: Some((6, 6)) },
    DdlType { kind: ColumnKind::Timestamptz, max_size: None, create_params: None, scales: Some((6, 6)) },
];

/// The SQLGetTypeInfo rows for `data_type` (SQL_ALL_TYPES, 0: every type; ODBC 2's SQL_DATE,
/// SQL_TIME and SQL_TIMESTAMP are read as their ODBC 3 types).
fn type_info_rows(data_type: i16) -> Vec<&'static DdlType> {
    let wanted = match data_type {
        SQL_DATE => SQL_TYPE_DATE,
        SQL_TIME => SQL_TYPE_TIME,
        SQL_TIMESTAMP => SQL_TYPE_TIMESTAMP,
        other => other,
    };
    let mut rows: Vec<&DdlType> =
        DDL_TYPES.iter().filter(|t| wanted == 0 || type_row(t.kind).sql_type == wanted).collect();
    // Stable: the table's order breaks ties.
    rows.sort_by_key(|t| type_row(t.kind).sql_type);
    rows
}

/// A SQL string literal of one of our constants (none has a quote but the literal prefix).
fn literal(text: Option<&str>) -> String {
    match text {
        Some(text) => format!("CAST('{}' AS varchar)", text.replace('\'', "''")),
        None => "CAST(NULL AS varchar)".to_string(),
    }
}

fn smallint(value: Option<i16>) -> String {
    match value {
        Some(v) => format!("CAST({v} AS smallint)"),
        None => "CAST(NULL AS smallint)".to_string(),
    }
}

fn integer(value: Option<i32>) -> String {
    match value {
        Some(v) => format!("CAST({v} AS integer)"),
        None => "CAST(NULL AS integer)".to_string(),
    }
}

/// One SQLGetTypeInfo row as a SELECT list, with its place in the order as `rank`.
fn type_info_select(ddl: &DdlType, rank: usize) -> String {
    let row = type_row(ddl.kind);
    let numeric = row.radix != 0;
    // Characters and datetimes are written in quotes.
    let quoted = row.is_character() || row.datetime_sub != 0;
    let quote = if quoted { Some("'") } else { None };
    let size = ddl.max_size.unwrap_or(row.sizes(-1).0);
    let columns = [
        literal(Some(row.type_name)),
        smallint(Some(row.sql_type)),
        integer(Some(size)),
        literal(quote),
        literal(quote),
        literal(ddl.create_params),
        smallint(Some(1)), // SQL_NULLABLE
        smallint(Some(i16::from(row.is_character()))),
        smallint(Some(if row.is_character() { SQL_SEARCHABLE } else { SQL_PRED_BASIC })),
        // Signed numbers; NULL for the others.
        smallint(numeric.then_some(0)),
        smallint(Some(0)),
        smallint(numeric.then_some(0)),
        literal(None),
        smallint(ddl.scales.map(|s| s.0)),
        smallint(ddl.scales.map(|s| s.1)),
        smallint(Some(row.verbose_type())),
        smallint((row.datetime_sub != 0).then_some(row.datetime_sub)),
        integer(numeric.then_some(i32::from(row.radix))),
        smallint(None),
    ];
    let labelled: Vec<String> =
        columns.iter().zip(TYPE_INFO).map(|(sql, name)| format!("{sql} AS {}", name.to_ascii_lowercase())).collect();
    format!("SELECT {}, {rank} AS rank", labelled.join(", "))
}

/// The types Redwood's tables take, for `data_type` (SQL_ALL_TYPES or one SQL type; no rows for
/// a type Redwood lacks).
pub(crate) fn type_info(data_type: i16) -> CatalogQuery {
    let rows = type_info_rows(data_type);
    if rows.is_empty() {
        return empty(
            TYPE_INFO,
            &[
                "varchar", "smallint", "integer", "varchar", "varchar", "varchar", "smallint", "smallint", "smallint",
                "smallint", "smallint", "smallint", "varchar", "smallint", "smallint", "smallint", "smallint",
                "integer", "smallint",
            ],
        );
    }
    let selects: Vec<String> = rows.iter().enumerate().map(|(rank, ddl)| type_info_select(ddl, rank)).collect();
    let columns: Vec<String> = TYPE_INFO.iter().map(|name| format!("x.{}", name.to_ascii_lowercase())).collect();
    // The join names a pg_catalog relation (parsed as PostgreSQL, like the other queries); the
    // rank keeps the order UNION ALL does not promise.
    let sql = format!(
        "SELECT {} FROM ({}) AS x CROSS JOIN pg_catalog.pg_database d WHERE d.datname = current_database() \
         ORDER BY x.rank",
        columns.join(", "),
        selects.join(" UNION ALL ")
    );
    CatalogQuery { sql, params: vec![], names: TYPE_INFO }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERNS: ArgumentKind = ArgumentKind { identifiers: false };
    const IDENTIFIERS: ArgumentKind = ArgumentKind { identifiers: true };

    fn texts(q: &CatalogQuery) -> Vec<String> {
        q.params
            .iter()
            .map(|v| match v {
                Value::Text(s) => s.clone(),
                other => panic!("not text: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn table_types_are_parsed_quoted_or_not() {
        assert_eq!(requested_table_types(None), None);
        assert_eq!(requested_table_types(Some("")), None);
        assert_eq!(requested_table_types(Some("%")), None);
        assert_eq!(requested_table_types(Some("'TABLE','VIEW'")), Some(vec!["TABLE".to_string(), "VIEW".to_string()]));
        assert_eq!(
            requested_table_types(Some(" table , 'system table' ,")),
            Some(vec!["TABLE".to_string(), "SYSTEM TABLE".to_string()])
        );
    }

    #[test]
    fn table_types_filter_uses_only_known_constants() {
        let q = tables(None, None, None, Some("'VIEW', 'TABLE'; DROP TABLE t"), PATTERNS);
        assert!(q.sql.contains("WHERE r.table_type IN ('VIEW')"), "{}", q.sql);
        assert!(!q.sql.contains("DROP"));
        let q = tables(None, None, None, Some("SYNONYM"), PATTERNS);
        assert!(q.sql.contains(") r WHERE false"));
        // Every listed type is one TABLE_TYPE gives.
        for t in TABLE_TYPES {
            assert!(TABLE_TYPE.contains(&format!("'{t}'")), "{t}");
        }
    }

    #[test]
    fn arguments_are_parameters() {
        let q = tables(Some("dev"), Some("pub%"), Some("o'brien"), None, PATTERNS);
        assert_eq!(texts(&q), vec!["dev", "pub%", "o'brien"]);
        assert!(q.sql.contains("lower(current_database()) LIKE lower(CAST($1 AS varchar))"));
        assert!(q.sql.contains("n.nspname LIKE $2") && q.sql.contains("c.relname LIKE $3"));
        assert!(!q.sql.contains("o'brien"));
        // NULL, "" and "%" catalogs do not filter; "" patterns match everything.
        let q = columns(Some("%"), Some(""), None, Some("a\\_b"), PATTERNS);
        assert_eq!(texts(&q), vec!["a\\_b"]);
        assert!(q.sql.contains("a.attname LIKE $1"));
    }

    #[test]
    fn identifiers_are_compared_folded() {
        assert_eq!(identifier("  Sales "), "sales");
        assert_eq!(identifier("\"My \"\"T\"\"\""), "my \"t\"");
        assert_eq!(identifier("a_b%"), "a_b%");
        let q = columns(None, Some("\"Public\""), Some("T1"), None, IDENTIFIERS);
        assert_eq!(texts(&q), vec!["public", "t1"]);
        assert!(q.sql.contains("n.nspname = $1") && q.sql.contains("c.relname = $2"));
    }

    #[test]
    fn enumerations() {
        let q = tables(Some("%"), Some(""), Some(""), None, PATTERNS);
        assert!(q.sql.contains("pg_database") && q.params.is_empty());
        let q = tables(Some(""), Some("%"), Some(""), None, PATTERNS);
        assert!(q.sql.contains("n.nspname AS table_schem") && q.sql.contains("ORDER BY n.nspname"));
        let q = tables(Some(""), Some(""), Some(""), Some("%"), PATTERNS);
        assert!(q.sql.contains("('SYSTEM TABLE'), ('TABLE'), ('VIEW')"));
        // Not an enumeration: table NULL.
        let q = tables(Some(""), Some("%"), None, None, PATTERNS);
        assert!(q.sql.contains("n.nspname LIKE $1"));
    }

    #[test]
    fn type_mapping() {
        let i = sql_type_of(ColumnKind::Integer, 32, 0);
        assert_eq!((i.sql_type, i.column_size, i.decimal_digits, i.display_size, i.octet_length), (4, 10, 0, 11, 4));
        assert!(!i.unsigned && i.num_prec_radix == 10 && i.type_name == "integer");
        let d = sql_type_of(ColumnKind::Decimal, 12, 2);
        assert_eq!((d.sql_type, d.column_size, d.decimal_digits, d.display_size, d.octet_length), (2, 12, 2, 14, 14));
        let d = sql_type_of(ColumnKind::Decimal, -1, -1);
        assert_eq!((d.column_size, d.decimal_digits), (38, 0));
        let v = sql_type_of(ColumnKind::Varchar, 40, -1);
        assert_eq!((v.sql_type, v.column_size, v.octet_length), (12, 40, 40));
        assert!(v.case_sensitive && v.unsigned && v.searchable == SQL_SEARCHABLE && v.num_prec_radix == 0);
        let t = sql_type_of(ColumnKind::Text, -1, -1);
        assert_eq!((t.sql_type, t.column_size), (12, 65535));
        let c = sql_type_of(ColumnKind::Char, 5, -1);
        assert_eq!((c.sql_type, c.column_size), (1, 5));
        let b = sql_type_of(ColumnKind::Boolean, -1, -1);
        assert_eq!((b.sql_type, b.column_size, b.searchable), (-7, 1, SQL_PRED_BASIC));
        let r = sql_type_of(ColumnKind::Double, 53, -1);
        assert_eq!((r.sql_type, r.column_size, r.num_prec_radix, r.decimal_digits), (8, 53, 2, 0));
        let ts = sql_type_of(ColumnKind::Timestamptz, -1, 6);
        assert_eq!((ts.sql_type, ts.verbose_type, ts.datetime_sub, ts.decimal_digits), (93, 9, 3, 6));
        assert_eq!(ts.type_name, "timestamp with time zone");
        let date = sql_type_of(ColumnKind::Date, -1, -1);
        assert_eq!((date.sql_type, date.verbose_type, date.datetime_sub, date.column_size), (91, 9, 1, 10));
        assert_eq!(sql_type_of(ColumnKind::Bytea, -1, -1).sql_type, -3);
        for kind in [ColumnKind::Interval, ColumnKind::Array, ColumnKind::Other] {
            let o = sql_type_of(kind, -1, -1);
            assert_eq!((o.sql_type, o.column_size), (12, 65535));
        }
        // Every kind has its own row.
        for row in TYPES {
            assert_eq!(type_row(row.kind).type_name, row.type_name);
        }
    }

    #[test]
    fn columns_sql_comes_from_the_table() {
        let t = type_columns("t.typname", "a.atttypmod");
        assert!(t.data_type.contains("WHEN 'int4' THEN 4 ") && t.data_type.contains("WHEN 'bool' THEN -7 "));
        assert!(t.data_type.ends_with("ELSE 12 END AS smallint)"));
        assert!(t.type_name.contains("WHEN 'timestamptz' THEN 'timestamp with time zone'"));
        assert!(t.type_name.ends_with("ELSE t.typname END"));
        assert!(t
            .decimal_digits
            .contains("WHEN 'numeric' THEN CASE WHEN a.atttypmod > 4 THEN (a.atttypmod - 4) % 65536"));
        assert!(t.char_octet_length.contains("WHEN 'int4' THEN NULL"));
        assert_eq!(columns(None, None, None, None, PATTERNS).names.len(), 18);
    }

    #[test]
    fn type_info_order_and_filter() {
        let all: Vec<i16> = type_info_rows(0).iter().map(|t| type_row(t.kind).sql_type).collect();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted);
        let timestamps: Vec<&str> =
            type_info_rows(SQL_TYPE_TIMESTAMP).iter().map(|t| type_row(t.kind).type_name).collect();
        assert_eq!(timestamps, vec!["timestamp", "timestamp with time zone"]);
        assert_eq!(type_info_rows(SQL_TIMESTAMP).len(), 2);
        assert!(type_info_rows(-4).is_empty());
        let q = type_info(SQL_VARCHAR);
        assert!(q.sql.contains("CAST('varchar' AS varchar) AS type_name") && q.sql.contains("CAST('''' AS varchar)"));
        assert!(type_info(-4).sql.contains("WHERE false"));
    }

    #[test]
    fn empty_results_have_every_column() {
        for q in [
            foreign_keys(None, None, Some("t"), None, None, None),
            procedures(None, None, None),
            procedure_columns(None, None, None, None),
            table_privileges(None, None, None),
            column_privileges(None, None, "t", None),
            special_columns(2, None, None, "t", 0, 1),
            type_info(-4),
        ] {
            let select = q.sql.split(" FROM ").next().unwrap_or("");
            assert_eq!(select.matches(" AS ").count(), q.names.len() * 2, "{}", q.sql);
        }
    }
}
