//! The ODBC catalog functions (SQLTables, SQLColumns, SQLPrimaryKeys, SQLGetTypeInfo, …) as
//! projections of the client API's metadata contract (`redwood_core::client::metadata`: the
//! catalog queries every driver shares, which run on the connection, embedded or remote alike):
//! this module writes no SQL. It reads ODBC's arguments into the contract's [`Filter`]s, and
//! turns the contract's rows into the result sets the ODBC reference gives (its columns, in its
//! order, with its types: SMALLINT columns are `Int16`, INTEGER ones `Int32`), filtered and
//! ordered as ODBC asks.
//!
//! How arguments read:
//! - Name patterns are LIKE patterns whose escape is `\` (LIKE's default escape in Redwood):
//!   SQLGetInfo(SQL_SEARCH_PATTERN_ESCAPE) must say `\`. A NULL or empty pattern matches every
//!   name.
//! - The catalog is the current database (`dev`): a catalog argument other than NULL, `""` and
//!   `"%"` that does not name it (case aside) gives no rows.
//!
//! The mapping of Redwood's types to ODBC's SQL types ([`sql_type_of`], SQLColumns' DATA_TYPE,
//! COLUMN_SIZE, …, and SQLGetTypeInfo's rows) comes from one table, [`TYPES`], so result-set
//! columns and catalog columns always describe a type the same way.

use redwood_core::client::{
    ColumnKind, Connection, Filter, MetadataRow, MetadataRows, Name, QueryResult, ResultBuilder,
};
use redwood_core::Result;

/// A catalog function, to run on the connection: the contract's call and ODBC's projection of
/// its rows. `names` are the column names ODBC gives its result.
pub(crate) type CatalogRun = Box<dyn FnOnce(&mut Connection) -> Result<QueryResult> + Send>;

pub(crate) struct CatalogQuery {
    pub run: CatalogRun,
    pub names: &'static [&'static str],
}

impl CatalogQuery {
    fn new(
        names: &'static [&'static str],
        run: impl FnOnce(&mut Connection) -> Result<QueryResult> + Send + 'static,
    ) -> CatalogQuery {
        CatalogQuery { run: Box::new(run), names }
    }
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
// Reading arguments

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

/// A catalog argument: only the current database (case aside), unless it is NULL, "" or "%".
/// `pattern`: SQLTables' catalog is a search pattern (ODBC 3); the others' are names.
fn catalog_name(catalog: Option<&str>, pattern: bool) -> Name {
    match catalog.filter(|c| !c.is_empty() && *c != "%") {
        None => Name::Any,
        Some(c) if pattern => Name::LikeIgnoringCase(c.to_string()),
        Some(c) => Name::EqualIgnoringCase(c.to_string()),
    }
}

/// A pattern argument: a LIKE pattern, or, when the arguments are identifiers, a name. NULL or ""
/// match every name.
fn pattern(argument: Option<&str>, kind: ArgumentKind) -> Name {
    match argument.filter(|a| !a.is_empty()) {
        None => Name::Any,
        Some(a) if kind.identifiers => Name::Equal(identifier(a)),
        Some(a) => Name::Like(a.to_string()),
    }
}

/// A name argument (not a pattern); NULL matches every name.
fn equal(value: Option<&str>) -> Name {
    value.map_or(Name::Any, |v| Name::Equal(v.to_string()))
}

/// A schema argument that is not a pattern: "" is "any schema", like NULL (applications pass it
/// for "any"; no Redwood table lacks a schema, which is what the spec's "" would ask for).
fn schema_name(schema: Option<&str>) -> Name {
    equal(schema.filter(|s| !s.is_empty()))
}

/// The filter of the functions that take a catalog, schema and table name (not patterns).
fn table_filter(catalog: Option<&str>, schema: Option<&str>, table: &str) -> Filter {
    Filter {
        catalog: catalog_name(catalog, false),
        schema: schema_name(schema),
        table: Name::Equal(table.to_string()),
        ..Filter::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Projecting the contract's rows

fn read(result: Result<QueryResult>) -> Result<Vec<MetadataRow>> {
    Ok(MetadataRows::read(result?)?.into_rows())
}

fn texts<'a>(rows: &'a [MetadataRow], column: &'a str) -> impl Iterator<Item = Option<String>> + 'a {
    rows.iter().map(move |r| r.text(column))
}

fn nulls<T>(rows: &[MetadataRow]) -> impl Iterator<Item = Option<T>> + '_ {
    rows.iter().map(|_| None)
}

/// SMALLINT and INTEGER values (the contract's are 64-bit).
fn small(value: Option<i64>) -> Option<i16> {
    value.map(|v| v as i16)
}

fn int(value: Option<i64>) -> Option<i32> {
    value.map(|v| v as i32)
}

/// ODBC's description of a table column's type, from the contract's `type_name` and typmod-derived
/// length, precision and scale.
struct ColumnDescription {
    data_type: i16,
    type_name: String,
    column_size: i32,
    buffer_length: i32,
    /// NULL where decimal digits do not apply.
    decimal_digits: Option<i16>,
    radix: Option<i16>,
    sql_data_type: i16,
    datetime_sub: Option<i16>,
    char_octet_length: Option<i32>,
}

fn describe(row: &MetadataRow) -> ColumnDescription {
    let typname = row.text("type_name").unwrap_or_default();
    let type_row =
        TYPES.iter().find(|r| r.pg_names.contains(&typname.as_str())).unwrap_or_else(|| type_row(ColumnKind::Other));
    let precision = row.int("character_maximum_length").or(row.int("numeric_precision")).unwrap_or(-1) as i32;
    let scale = row.int("numeric_scale").unwrap_or(-1) as i32;
    let (size, _, octets) = type_row.sizes(precision);
    let non_zero = |v: i16| (v != 0).then_some(v);
    ColumnDescription {
        data_type: type_row.sql_type,
        // Types the table does not name keep their own name.
        type_name: if type_row.pg_names.is_empty() { typname } else { type_row.type_name.to_string() },
        column_size: size,
        buffer_length: octets,
        decimal_digits: (!matches!(type_row.digits, Digits::None)).then(|| type_row.decimal_digits(scale)),
        radix: non_zero(type_row.radix),
        sql_data_type: type_row.verbose_type(),
        datetime_sub: non_zero(type_row.datetime_sub),
        char_octet_length: (type_row.is_character() || is_binary(type_row.sql_type)).then_some(octets),
    }
}

/// SQLColumns' columns from DATA_TYPE on (SQLProcedureColumns' too): the type, nullability,
/// remarks, default and position of the contract's `rows`.
fn described(builder: ResultBuilder, rows: &[MetadataRow]) -> Result<QueryResult> {
    let types: Vec<ColumnDescription> = rows.iter().map(describe).collect();
    let nullable: Vec<bool> = rows.iter().map(|r| r.flag("is_nullable")).collect();
    builder
        .int16("data_type", types.iter().map(|t| Some(t.data_type)))
        .text("type_name", types.iter().map(|t| Some(t.type_name.as_str())))
        .int32("column_size", types.iter().map(|t| Some(t.column_size)))
        .int32("buffer_length", types.iter().map(|t| Some(t.buffer_length)))
        .int16("decimal_digits", types.iter().map(|t| t.decimal_digits))
        .int16("num_prec_radix", types.iter().map(|t| t.radix))
        .int16("nullable", nullable.iter().map(|n| Some(i16::from(*n))))
        .text("remarks", texts(rows, "remarks"))
        .text("column_def", texts(rows, "column_default"))
        .int16("sql_data_type", types.iter().map(|t| Some(t.sql_data_type)))
        .int16("sql_datetime_sub", types.iter().map(|t| t.datetime_sub))
        .int32("char_octet_length", types.iter().map(|t| t.char_octet_length))
        .int32("ordinal_position", rows.iter().map(|r| int(r.int("ordinal_position"))))
        .text("is_nullable", nullable.iter().map(|n| Some(if *n { "YES" } else { "NO" })))
        .finish()
}

// ---------------------------------------------------------------------------------------------
// SQLTables

const TABLES: &[&str] = &["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS"];

/// The table types SQLTables gives, sorted: its SQL_ALL_TABLE_TYPES list. Redwood has no
/// temporary tables, materialized views or external tables yet.
const TABLE_TYPES: &[&str] = &["SYSTEM TABLE", "TABLE", "VIEW"];

/// ODBC's TABLE_TYPE of a table or view: the catalog's own relations (psqlODBC's SYSTEM TABLE),
/// views and tables; `None` for other relations.
fn table_type(row: &MetadataRow) -> Option<&'static str> {
    let relkind = row.text("relkind")?;
    if relkind != "r" && relkind != "v" {
        return None;
    }
    let system = row.text("table_type").is_some_and(|t| t.starts_with("SYSTEM "));
    Some(if system {
        "SYSTEM TABLE"
    } else if relkind == "v" {
        "VIEW"
    } else {
        "TABLE"
    })
}

/// The types SQLTables' TableType argument names (`'TABLE','VIEW'` or `TABLE, VIEW`), upper
/// case; `None` (every type) for NULL, "" and "%".
fn requested_table_types(table_types: Option<&str>) -> Option<Vec<String>> {
    let list = table_types?.trim();
    if list.is_empty() || list == "%" {
        return None;
    }
    Some(list.split(',').map(|t| t.trim().trim_matches('\'').trim().to_uppercase()).filter(|t| !t.is_empty()).collect())
}

/// SQLTables' rows: (catalog, schema, name, type, remarks).
type TableRow = (Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);

fn tables_result(rows: Vec<TableRow>) -> Result<QueryResult> {
    ResultBuilder::new()
        .text("table_cat", rows.iter().map(|r| r.0.as_deref()))
        .text("table_schem", rows.iter().map(|r| r.1.as_deref()))
        .text("table_name", rows.iter().map(|r| r.2.as_deref()))
        .text("table_type", rows.iter().map(|r| r.3.as_deref()))
        .text("remarks", rows.iter().map(|r| r.4.as_deref()))
        .finish()
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
        return CatalogQuery::new(TABLES, |c| {
            let rows = read(c.catalogs())?;
            tables_result(rows.iter().map(|r| (r.text("table_catalog"), None, None, None, None)).collect())
        });
    }
    if schema == Some("%") && nothing(catalog) && nothing(table) {
        return CatalogQuery::new(TABLES, |c| {
            let rows = read(c.schemas(&Filter::default()))?;
            tables_result(rows.iter().map(|r| (None, r.text("table_schema"), None, None, None)).collect())
        });
    }
    if table_types == Some("%") && nothing(catalog) && nothing(schema) && nothing(table) {
        return CatalogQuery::new(TABLES, |_| {
            tables_result(TABLE_TYPES.iter().map(|t| (None, None, None, Some(t.to_string()), None)).collect())
        });
    }

    let filter = Filter {
        catalog: if kind.identifiers {
            catalog_name(catalog.map(identifier).as_deref(), false)
        } else {
            catalog_name(catalog, true)
        },
        schema: pattern(schema, kind),
        table: pattern(table, kind),
        ..Filter::default()
    };
    let requested = requested_table_types(table_types);
    CatalogQuery::new(TABLES, move |c| {
        let mut rows: Vec<TableRow> = read(c.tables(&filter))?
            .iter()
            .filter_map(|r| {
                let table_type = table_type(r)?;
                let wanted = requested.as_ref().is_none_or(|types| types.iter().any(|t| t == table_type));
                wanted.then(|| {
                    let names = (r.text("table_catalog"), r.text("table_schema"), r.text("table_name"));
                    (names.0, names.1, names.2, Some(table_type.to_string()), r.text("remarks"))
                })
            })
            .collect();
        rows.sort_by(|a, b| (&a.3, &a.0, &a.1, &a.2).cmp(&(&b.3, &b.0, &b.1, &b.2)));
        tables_result(rows)
    })
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
    let filter = Filter {
        catalog: catalog_name(
            if kind.identifiers { catalog.map(identifier) } else { catalog.map(str::to_string) }.as_deref(),
            false,
        ),
        schema: pattern(schema, kind),
        table: pattern(table, kind),
        column: pattern(column, kind),
    };
    CatalogQuery::new(COLUMNS, move |c| {
        let rows: Vec<MetadataRow> = read(c.columns(&filter))?
            .into_iter()
            .filter(|r| matches!(r.text("relkind").as_deref(), Some("r" | "v")))
            .collect();
        let builder = ResultBuilder::new()
            .text("table_cat", texts(&rows, "table_catalog"))
            .text("table_schem", texts(&rows, "table_schema"))
            .text("table_name", texts(&rows, "table_name"))
            .text("column_name", texts(&rows, "column_name"));
        described(builder, &rows)
    })
}

// ---------------------------------------------------------------------------------------------
// Keys

const PRIMARY_KEYS: &[&str] = &["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"];

/// The primary key of `table` (in any schema when `schema` is NULL or ""). Redwood, like
/// Redshift, records primary keys but does not enforce them.
pub(crate) fn primary_keys(catalog: Option<&str>, schema: Option<&str>, table: &str) -> CatalogQuery {
    let filter = table_filter(catalog, schema, table);
    CatalogQuery::new(PRIMARY_KEYS, move |c| {
        let rows = read(c.primary_keys(&filter))?;
        ResultBuilder::new()
            .text("table_cat", texts(&rows, "table_catalog"))
            .text("table_schem", texts(&rows, "table_schema"))
            .text("table_name", texts(&rows, "table_name"))
            .text("column_name", texts(&rows, "column_name"))
            .int16("key_seq", rows.iter().map(|r| small(r.int("key_seq"))))
            .text("pk_name", texts(&rows, "pk_name"))
            .finish()
    })
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

/// The contract's foreign keys, as they are (none yet: Redwood keeps a FOREIGN KEY only as the text of its
/// definition).
pub(crate) fn foreign_keys(
    pk_catalog: Option<&str>,
    pk_schema: Option<&str>,
    pk_table: Option<&str>,
    fk_catalog: Option<&str>,
    fk_schema: Option<&str>,
    fk_table: Option<&str>,
) -> CatalogQuery {
    let side = |catalog, schema, table: Option<&str>| Filter {
        catalog: catalog_name(catalog, false),
        schema: schema_name(schema),
        table: equal(table),
        ..Filter::default()
    };
    let (primary, foreign) = (side(pk_catalog, pk_schema, pk_table), side(fk_catalog, fk_schema, fk_table));
    // The contract gives SQLForeignKeys' shape: its columns, types and codes.
    CatalogQuery::new(FOREIGN_KEYS, move |c| c.foreign_keys(&primary, &foreign))
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
/// not reported and `unique_only` changes nothing). CARDINALITY is the contract's row count,
/// capped to INTEGER; PAGES is NULL, as Redwood's page count is always 0.
pub(crate) fn statistics(catalog: Option<&str>, schema: Option<&str>, table: &str, unique_only: bool) -> CatalogQuery {
    let _ = unique_only;
    let filter = table_filter(catalog, schema, table);
    CatalogQuery::new(STATISTICS, move |c| {
        // Ordered by schema: the spec's order (NON_UNIQUE, TYPE, …) is the same for every row here.
        let rows: Vec<MetadataRow> =
            read(c.tables(&filter))?.into_iter().filter(|r| r.text("relkind").as_deref() == Some("r")).collect();
        ResultBuilder::new()
            .text("table_cat", texts(&rows, "table_catalog"))
            .text("table_schem", texts(&rows, "table_schema"))
            .text("table_name", texts(&rows, "table_name"))
            .int16("non_unique", nulls(&rows))
            .text("index_qualifier", nulls::<&str>(&rows))
            .text("index_name", nulls::<&str>(&rows))
            .int16("type", rows.iter().map(|_| Some(SQL_TABLE_STAT)))
            .int16("ordinal_position", nulls(&rows))
            .text("column_name", nulls::<&str>(&rows))
            .text("asc_or_desc", nulls::<&str>(&rows))
            .int32("cardinality", rows.iter().map(|r| r.int("row_count").map(|n| n.min(i32::MAX as i64) as i32)))
            .int32("pages", nulls(&rows))
            .text("filter_condition", nulls::<&str>(&rows))
            .finish()
    })
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
    let filter = table_filter(catalog, schema, table);
    CatalogQuery::new(SPECIAL_COLUMNS, move |c| {
        let rows = if identifier_type == SQL_BEST_ROWID { read(c.primary_keys(&filter))? } else { vec![] };
        let types: Vec<ColumnDescription> = rows.iter().map(describe).collect();
        ResultBuilder::new()
            .int16("scope", rows.iter().map(|_| Some(SQL_SCOPE_SESSION)))
            .text("column_name", texts(&rows, "column_name"))
            .int16("data_type", types.iter().map(|t| Some(t.data_type)))
            .text("type_name", types.iter().map(|t| Some(t.type_name.as_str())))
            .int32("column_size", types.iter().map(|t| Some(t.column_size)))
            .int32("buffer_length", types.iter().map(|t| Some(t.buffer_length)))
            .int16("decimal_digits", types.iter().map(|t| t.decimal_digits))
            .int16("pseudo_column", rows.iter().map(|_| Some(SQL_PC_NOT_PSEUDO)))
            .finish()
    })
}

// ---------------------------------------------------------------------------------------------
// Procedures and privileges: Redwood has no user-defined procedures or functions (the contract
// lists none), and no GRANT (pg_class.relacl is always NULL), so these have no rows.

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

fn procedure_filter(catalog: Option<&str>, schema: Option<&str>, procedure: Option<&str>) -> Filter {
    let kind = ArgumentKind { identifiers: false };
    Filter {
        catalog: catalog_name(catalog, false),
        schema: pattern(schema, kind),
        table: pattern(procedure, kind),
        ..Filter::default()
    }
}

pub(crate) fn procedures(catalog: Option<&str>, schema: Option<&str>, procedure: Option<&str>) -> CatalogQuery {
    let filter = procedure_filter(catalog, schema, procedure);
    CatalogQuery::new(PROCEDURES, move |c| {
        let rows = read(c.procedures(&filter))?;
        // NUM_* are "reserved for future use" without a type: INTEGER, as psqlODBC gives them.
        ResultBuilder::new()
            .text("procedure_cat", texts(&rows, "procedure_catalog"))
            .text("procedure_schem", texts(&rows, "procedure_schema"))
            .text("procedure_name", texts(&rows, "procedure_name"))
            .int32("num_input_params", nulls(&rows))
            .int32("num_output_params", nulls(&rows))
            .int32("num_result_sets", nulls(&rows))
            .text("remarks", texts(&rows, "remarks"))
            .int16("procedure_type", rows.iter().map(|r| small(r.int("procedure_type"))))
            .finish()
    })
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
    let mut filter = procedure_filter(catalog, schema, procedure);
    filter.column = pattern(column, ArgumentKind { identifiers: false });
    CatalogQuery::new(PROCEDURE_COLUMNS, move |c| {
        let rows = read(c.procedure_columns(&filter))?;
        let builder = ResultBuilder::new()
            .text("procedure_cat", texts(&rows, "procedure_catalog"))
            .text("procedure_schem", texts(&rows, "procedure_schema"))
            .text("procedure_name", texts(&rows, "procedure_name"))
            .text("column_name", texts(&rows, "column_name"))
            .int16("column_type", rows.iter().map(|r| small(r.int("column_type"))));
        described(builder, &rows)
    })
}

const TABLE_PRIVILEGES: &[&str] =
    &["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "GRANTOR", "GRANTEE", "PRIVILEGE", "IS_GRANTABLE"];

/// No rows, with every column text.
fn no_privileges(names: &'static [&'static str]) -> CatalogQuery {
    CatalogQuery::new(names, move |_| {
        names
            .iter()
            .fold(ResultBuilder::new(), |b, name| {
                b.text(&name.to_ascii_lowercase(), std::iter::empty::<Option<&str>>())
            })
            .finish()
    })
}

pub(crate) fn table_privileges(catalog: Option<&str>, schema: Option<&str>, table: Option<&str>) -> CatalogQuery {
    let _ = (catalog, schema, table);
    no_privileges(TABLE_PRIVILEGES)
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
    no_privileges(COLUMN_PRIVILEGES)
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

/// The ODBC type of one of the contract's types (`pg_type.typname`).
fn type_of_pg_name(typname: &str) -> &'static TypeRow {
    TYPES.iter().find(|r| r.pg_names.contains(&typname)).unwrap_or_else(|| type_row(ColumnKind::Other))
}

/// The SQLGetTypeInfo rows for `data_type` (SQL_ALL_TYPES, 0: every type; ODBC 2's SQL_DATE,
/// SQL_TIME and SQL_TIMESTAMP are read as their ODBC 3 types), in its order: DATA_TYPE, then the
/// contract's (the closest match first: TIMESTAMP before TIMESTAMPTZ).
fn type_info_rows(rows: Vec<MetadataRow>, data_type: i16) -> Vec<(&'static TypeRow, MetadataRow)> {
    let wanted = match data_type {
        SQL_DATE => SQL_TYPE_DATE,
        SQL_TIME => SQL_TYPE_TIME,
        SQL_TIMESTAMP => SQL_TYPE_TIMESTAMP,
        other => other,
    };
    let mut rows: Vec<(&TypeRow, MetadataRow)> = rows
        .into_iter()
        .map(|r| (type_of_pg_name(&r.text("type_name").unwrap_or_default()), r))
        .filter(|(t, _)| wanted == 0 || t.sql_type == wanted)
        .collect();
    // Stable: the contract's order breaks ties.
    rows.sort_by_key(|(t, _)| t.sql_type);
    rows
}

/// The types Redwood's tables take, for `data_type` (SQL_ALL_TYPES or one SQL type; no rows for
/// a type Redwood lacks).
pub(crate) fn type_info(data_type: i16) -> CatalogQuery {
    CatalogQuery::new(TYPE_INFO, move |c| {
        let rows = type_info_rows(read(c.type_info())?, data_type);
        let numeric = |t: &TypeRow| t.radix != 0;
        // Characters and datetimes are written in quotes.
        let quote = |t: &TypeRow| (t.is_character() || t.datetime_sub != 0).then_some("'");
        ResultBuilder::new()
            .text("type_name", rows.iter().map(|(t, _)| Some(t.type_name)))
            .int16("data_type", rows.iter().map(|(t, _)| Some(t.sql_type)))
            .int32("column_size", rows.iter().map(|(t, r)| Some(int(r.int("max_size")).unwrap_or(t.sizes(-1).0))))
            .text("literal_prefix", rows.iter().map(|(t, _)| quote(t)))
            .text("literal_suffix", rows.iter().map(|(t, _)| quote(t)))
            .text("create_params", rows.iter().map(|(_, r)| r.text("create_params")))
            .int16("nullable", rows.iter().map(|_| Some(1))) // SQL_NULLABLE
            .int16("case_sensitive", rows.iter().map(|(t, _)| Some(i16::from(t.is_character()))))
            .int16(
                "searchable",
                rows.iter().map(|(t, _)| Some(if t.is_character() { SQL_SEARCHABLE } else { SQL_PRED_BASIC })),
            )
            // Signed numbers; NULL for the others.
            .int16("unsigned_attribute", rows.iter().map(|(t, _)| numeric(t).then_some(0)))
            .int16("fixed_prec_scale", rows.iter().map(|_| Some(0)))
            .int16("auto_unique_value", rows.iter().map(|(t, _)| numeric(t).then_some(0)))
            .text("local_type_name", rows.iter().map(|_| None::<&str>))
            .int16("minimum_scale", rows.iter().map(|(_, r)| small(r.int("minimum_scale"))))
            .int16("maximum_scale", rows.iter().map(|(_, r)| small(r.int("maximum_scale"))))
            .int16("sql_data_type", rows.iter().map(|(t, _)| Some(t.verbose_type())))
            .int16("sql_datetime_sub", rows.iter().map(|(t, _)| (t.datetime_sub != 0).then_some(t.datetime_sub)))
            .int32("num_prec_radix", rows.iter().map(|(t, _)| numeric(t).then_some(i32::from(t.radix))))
            .int16("interval_precision", rows.iter().map(|_| None))
            .finish()
    })
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERNS: ArgumentKind = ArgumentKind { identifiers: false };
    const IDENTIFIERS: ArgumentKind = ArgumentKind { identifiers: true };

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
    fn arguments_become_filters() {
        // NULL, "" and "%" catalogs do not filter; "" patterns match everything.
        assert_eq!(catalog_name(Some("%"), true), Name::Any);
        assert_eq!(catalog_name(Some("Dev"), true), Name::LikeIgnoringCase("Dev".into()));
        assert_eq!(catalog_name(Some("Dev"), false), Name::EqualIgnoringCase("Dev".into()));
        assert_eq!(pattern(Some(""), PATTERNS), Name::Any);
        assert_eq!(pattern(Some("a\\_b"), PATTERNS), Name::Like("a\\_b".into()));
        assert_eq!(schema_name(Some("")), Name::Any);
        assert_eq!(table_filter(None, Some("s"), "t").table, Name::Equal("t".into()));
    }

    #[test]
    fn identifiers_are_compared_folded() {
        assert_eq!(identifier("  Sales "), "sales");
        assert_eq!(identifier("\"My \"\"T\"\"\""), "my \"t\"");
        assert_eq!(identifier("a_b%"), "a_b%");
        assert_eq!(pattern(Some("\"Public\""), IDENTIFIERS), Name::Equal("public".into()));
        assert_eq!(pattern(Some("T1"), IDENTIFIERS), Name::Equal("t1".into()));
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
        // Every kind has its own row, and every type the contract lists has one.
        for row in TYPES {
            assert_eq!(type_row(row.kind).type_name, row.type_name);
        }
        for t in redwood_core::client::TYPE_INFO {
            assert_ne!(type_of_pg_name(t.type_name).kind, ColumnKind::Other, "{}", t.type_name);
        }
    }
}
