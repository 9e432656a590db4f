//! `DatabaseMetaData`'s result sets as projections of the client API's metadata contract
//! (`redwood_core::client::metadata`, which runs the catalog queries, embedded or remote alike):
//! this module writes no SQL. It reads JDBC's arguments into the contract's filters (a null
//! catalog, pattern or name matches everything; patterns are LIKE patterns with `\` as the
//! escape), and shapes the rows as pgJDBC shapes the same calls: PostgreSQL type names such as
//! `int4` and `varchar`, pgJDBC's `java.sql.Types` codes and column sizes, upper-case labels.

use redwood_core::client::{renamed, Connection, Filter, MetadataRow, MetadataRows, Name, QueryResult, ResultBuilder};
use redwood_core::{err, Result};

// java.sql.Types
const BIT: i32 = -7;
const BIGINT: i32 = -5;
const BINARY: i32 = -2;
const CHAR: i32 = 1;
const NUMERIC: i32 = 2;
const INTEGER: i32 = 4;
const SMALLINT: i32 = 5;
const REAL: i32 = 7;
const DOUBLE: i32 = 8;
const VARCHAR: i32 = 12;
const DATE: i32 = 91;
const TIME: i32 = 92;
const TIMESTAMP: i32 = 93;
const OTHER: i32 = 1111;
const DISTINCT: i32 = 2001;
const STRUCT: i32 = 2002;
const ARRAY: i32 = 2003;
const SQLXML: i32 = 2009;
const REF_CURSOR: i32 = 2012;

// DatabaseMetaData's constants
const COLUMN_NO_NULLS: i32 = 0;
const COLUMN_NULLABLE: i32 = 1;
const TABLE_INDEX_OTHER: i16 = 3;
const BEST_ROW_SESSION: i16 = 2;
const BEST_ROW_NOT_PSEUDO: i16 = 1;
const TYPE_NULLABLE: i16 = 1;
const TYPE_SEARCHABLE: i16 = 3;

/// Every TABLE_TYPE the contract gives (pgJDBC's), sorted: getTableTypes.
const TABLE_TYPES: &[&str] = &[
    "FOREIGN TABLE",
    "INDEX",
    "MATERIALIZED VIEW",
    "SYSTEM INDEX",
    "SYSTEM TABLE",
    "SYSTEM VIEW",
    "TABLE",
    "TEMPORARY INDEX",
    "TEMPORARY TABLE",
    "TEMPORARY VIEW",
    "VIEW",
];

/// Runs metadata call `call` (a `DatabaseMetaData` method's name) with its string arguments (as
/// `RedwoodDatabaseMetaData` passes them; `None` for null).
pub(crate) fn call(connection: &mut Connection, call: &str, args: &[Option<String>]) -> Result<QueryResult> {
    let arg = |i: usize| args.get(i).cloned().flatten();
    let like = |i: usize| arg(i).map_or(Name::Any, Name::Like);
    let equal = |i: usize| arg(i).map_or(Name::Any, Name::Equal);
    // (catalog, schema, table) as names: getPrimaryKeys, getIndexInfo, getBestRowIdentifier, keys.
    let table = |first: usize| Filter {
        catalog: equal(first),
        schema: equal(first + 1),
        table: equal(first + 2),
        ..Filter::default()
    };
    // (catalog, schema pattern, name pattern, column pattern).
    let patterns = Filter { catalog: equal(0), schema: like(1), table: like(2), column: like(3) };
    match call {
        "getCatalogs" => {
            let rows = read(connection.catalogs())?;
            ResultBuilder::new().text("TABLE_CAT", texts(&rows, "table_catalog")).finish()
        }
        "getSchemas" => schemas(connection, &patterns),
        "getTableTypes" => ResultBuilder::new().text("TABLE_TYPE", TABLE_TYPES.iter().map(Some)).finish(),
        // Arguments 3 on: "types given" (null: every type), then the types.
        "getTables" => tables(connection, &patterns, arg(3).map(|_| args[4..].iter().flatten().cloned().collect())),
        "getColumns" => columns(connection, &patterns),
        "getPrimaryKeys" => primary_keys(connection, &table(0)),
        "getIndexInfo" => index_info(connection, &table(0)),
        "getBestRowIdentifier" => best_row_identifier(connection, &table(0)),
        "getImportedKeys" => upper_case(connection.foreign_keys(&Filter::default(), &table(0))),
        "getExportedKeys" => upper_case(connection.foreign_keys(&table(0), &Filter::default())),
        "getCrossReference" => upper_case(connection.foreign_keys(&table(0), &table(3))),
        "getTypeInfo" => type_info(connection),
        "getProcedures" => procedures(connection, &patterns),
        "getProcedureColumns" => procedure_columns(connection, &patterns),
        // Methods for what Redwood does not have: no rows, with the columns "NAME TYPE, ...".
        "empty" => empty(&arg(0).unwrap_or_default()),
        other => Err(err!(INTERNAL_ERROR, "unknown metadata call {other}")),
    }
}

fn upper_case(result: Result<QueryResult>) -> Result<QueryResult> {
    renamed(result?, str::to_uppercase)
}

fn read(result: Result<QueryResult>) -> Result<Vec<MetadataRow>> {
    Ok(MetadataRows::read(result?)?.into_rows())
}

fn texts<'a>(rows: &'a [MetadataRow], column: &'a str) -> impl Iterator<Item = Option<String>> + 'a {
    rows.iter().map(move |r| r.text(column))
}

fn ints<'a>(rows: &'a [MetadataRow], column: &'a str) -> impl Iterator<Item = Option<i32>> + 'a {
    rows.iter().map(move |r| r.int(column).map(|v| v as i32))
}

fn smalls<'a>(rows: &'a [MetadataRow], column: &'a str) -> impl Iterator<Item = Option<i16>> + 'a {
    rows.iter().map(move |r| r.int(column).map(|v| v as i16))
}

fn same<'a, T: Clone + 'a>(rows: &'a [MetadataRow], value: Option<T>) -> impl Iterator<Item = Option<T>> + 'a {
    rows.iter().map(move |_| value.clone())
}

fn yes_no(value: bool) -> Option<&'static str> {
    Some(if value { "YES" } else { "NO" })
}

/// The TABLE_CAT, TABLE_SCHEM and TABLE_NAME columns.
fn table_names(builder: ResultBuilder, rows: &[MetadataRow]) -> ResultBuilder {
    builder
        .text("TABLE_CAT", texts(rows, "table_catalog"))
        .text("TABLE_SCHEM", texts(rows, "table_schema"))
        .text("TABLE_NAME", texts(rows, "table_name"))
}

// ------------------------------------------------------------------ types, as pgJDBC describes them

/// pgJDBC's description of a column's type: `java.sql.Types` code, COLUMN_SIZE and
/// DECIMAL_DIGITS, from the contract's `type_name`, `type_class`, `is_array` and `type_modifier`.
struct JdbcType {
    data_type: i32,
    size: i32,
    digits: i32,
}

/// java.sql.Types code of a type, as pgJDBC maps it (bool is BIT, timestamptz is TIMESTAMP).
fn data_type(typname: &str, class: &str, array: bool) -> i32 {
    match typname {
        "int2" => SMALLINT,
        "int4" => INTEGER,
        "int8" | "oid" => BIGINT,
        "numeric" => NUMERIC,
        "float4" => REAL,
        "float8" | "money" => DOUBLE,
        "bool" | "bit" => BIT,
        "char" | "bpchar" => CHAR,
        "varchar" | "text" | "name" => VARCHAR,
        "bytea" => BINARY,
        "date" => DATE,
        "time" | "timetz" => TIME,
        "timestamp" | "timestamptz" => TIMESTAMP,
        "refcursor" => REF_CURSOR,
        "xml" => SQLXML,
        _ if class == "c" => STRUCT,
        _ if class == "d" => DISTINCT,
        _ if class == "e" => VARCHAR,
        _ if array => ARRAY,
        _ => OTHER,
    }
}

/// Digits of fractional seconds plus the point, for a time type of modifier `m`.
fn seconds_size(m: i32) -> i32 {
    match m {
        -1 => 7,
        0 => 0,
        1 => 3,
        m => m + 1,
    }
}

/// COLUMN_SIZE as pgJDBC computes it: the precision, or the display size where the type has none
/// (dates, times), or Integer.MAX_VALUE when unbounded.
fn column_size(typname: &str, m: i32) -> i32 {
    let unbounded = i32::MAX;
    match typname {
        "int2" => 5,
        "int4" | "oid" => 10,
        "int8" => 19,
        "float4" => 8,
        "float8" => 17,
        // An unconstrained NUMERIC has no precision: pgJDBC gives its display size.
        "numeric" if m == -1 => 131089,
        "numeric" => (m - 4) / 65536,
        "char" | "bool" => 1,
        "bpchar" | "varchar" if m == -1 => unbounded,
        "bpchar" | "varchar" => m - 4,
        "date" => 13,
        "time" => 8 + seconds_size(m),
        "timetz" => 14 + seconds_size(m),
        "timestamp" => 22 + seconds_size(m),
        "timestamptz" => 28 + seconds_size(m),
        "interval" => 49,
        "bit" => m,
        "varbit" if m == -1 => unbounded,
        "varbit" => m,
        _ => unbounded,
    }
}

/// DECIMAL_DIGITS as pgJDBC computes it.
fn decimal_digits(typname: &str, m: i32) -> i32 {
    match typname {
        "float4" => 8,
        "float8" => 17,
        "numeric" if m == -1 => 0,
        "numeric" => (m - 4) % 65536,
        "time" | "timetz" | "timestamp" | "timestamptz" if m == -1 => 6,
        "time" | "timetz" | "timestamp" | "timestamptz" => m,
        "interval" if m == -1 => 6,
        "interval" => m % 65536,
        _ => 0,
    }
}

fn jdbc_type(row: &MetadataRow) -> JdbcType {
    let typname = row.text("type_name").unwrap_or_default();
    let m = row.int("type_modifier").unwrap_or(-1) as i32;
    let class = row.text("type_class").unwrap_or_default();
    JdbcType {
        data_type: data_type(&typname, &class, row.flag("is_array")),
        size: column_size(&typname, m),
        digits: decimal_digits(&typname, m),
    }
}

// ------------------------------------------------------------------ catalogs, schemas, tables, columns

fn schemas(connection: &mut Connection, filter: &Filter) -> Result<QueryResult> {
    let rows = read(connection.schemas(filter))?;
    ResultBuilder::new()
        .text("TABLE_SCHEM", texts(&rows, "table_schema"))
        .text("TABLE_CATALOG", texts(&rows, "table_catalog"))
        .finish()
}

/// Relations of the types given (`None`: every type), ordered by TABLE_TYPE and the names;
/// relations the contract gives no type are left out.
fn tables(connection: &mut Connection, filter: &Filter, types: Option<Vec<String>>) -> Result<QueryResult> {
    let mut rows: Vec<MetadataRow> = read(connection.tables(filter))?
        .into_iter()
        .filter(|r| r.text("table_type").is_some_and(|t| types.as_ref().is_none_or(|types| types.contains(&t))))
        .collect();
    let key = |r: &MetadataRow| ["table_type", "table_catalog", "table_schema", "table_name"].map(|c| r.text(c));
    rows.sort_by_key(key);
    let builder = table_names(ResultBuilder::new(), &rows)
        .text("TABLE_TYPE", texts(&rows, "table_type"))
        .text("REMARKS", texts(&rows, "remarks"));
    ["TYPE_CAT", "TYPE_SCHEM", "TYPE_NAME", "SELF_REFERENCING_COL_NAME", "REF_GENERATION"]
        .into_iter()
        .fold(builder, |b, name| b.text(name, same::<&str>(&rows, None)))
        .finish()
}

fn columns(connection: &mut Connection, filter: &Filter) -> Result<QueryResult> {
    let rows = read(connection.columns(filter))?;
    let types: Vec<JdbcType> = rows.iter().map(jdbc_type).collect();
    let nullable: Vec<bool> = rows.iter().map(|r| r.flag("is_nullable")).collect();
    let builder = table_names(ResultBuilder::new(), &rows)
        .text("COLUMN_NAME", texts(&rows, "column_name"))
        .int32("DATA_TYPE", types.iter().map(|t| Some(t.data_type)))
        .text("TYPE_NAME", texts(&rows, "type_name"))
        .int32("COLUMN_SIZE", types.iter().map(|t| Some(t.size)))
        .int32("BUFFER_LENGTH", same(&rows, None))
        .int32("DECIMAL_DIGITS", types.iter().map(|t| Some(t.digits)))
        .int32(
            "NUM_PREC_RADIX",
            rows.iter()
                .map(|r| Some(if matches!(r.text("type_name").as_deref(), Some("bit" | "varbit")) { 2 } else { 10 })),
        )
        .int32("NULLABLE", nullable.iter().map(|n| Some(if *n { COLUMN_NULLABLE } else { COLUMN_NO_NULLS })));
    remarks_to_nullability(builder, &rows, &types, &nullable)
        .text("SCOPE_CATALOG", same::<&str>(&rows, None))
        .text("SCOPE_SCHEMA", same::<&str>(&rows, None))
        .text("SCOPE_TABLE", same::<&str>(&rows, None))
        .int16("SOURCE_DATA_TYPE", same(&rows, None))
        .text("IS_AUTOINCREMENT", rows.iter().map(|r| yes_no(r.flag("is_autoincrement"))))
        .text("IS_GENERATEDCOLUMN", rows.iter().map(|r| yes_no(r.flag("is_generated"))))
        .finish()
}

/// REMARKS to IS_NULLABLE, as getColumns and getProcedureColumns give them.
fn remarks_to_nullability(
    builder: ResultBuilder,
    rows: &[MetadataRow],
    types: &[JdbcType],
    nullable: &[bool],
) -> ResultBuilder {
    builder
        .text("REMARKS", texts(rows, "remarks"))
        .text("COLUMN_DEF", texts(rows, "column_default"))
        .int32("SQL_DATA_TYPE", same(rows, None))
        .int32("SQL_DATETIME_SUB", same(rows, None))
        .int32("CHAR_OCTET_LENGTH", types.iter().map(|t| matches!(t.data_type, CHAR | VARCHAR).then_some(t.size)))
        .int32("ORDINAL_POSITION", ints(rows, "ordinal_position"))
        .text("IS_NULLABLE", nullable.iter().map(|n| yes_no(*n)))
}

// ------------------------------------------------------------------ keys and indexes

/// Ordered by COLUMN_NAME, as pgJDBC orders them.
fn primary_keys(connection: &mut Connection, filter: &Filter) -> Result<QueryResult> {
    let mut rows = read(connection.primary_keys(filter))?;
    rows.sort_by_key(|r| r.text("column_name"));
    table_names(ResultBuilder::new(), &rows)
        .text("COLUMN_NAME", texts(&rows, "column_name"))
        .int16("KEY_SEQ", smalls(&rows, "key_seq"))
        .text("PK_NAME", texts(&rows, "pk_name"))
        .finish()
}

/// The primary key's index: the only index Redwood's catalog has, unique by nature, with its
/// table's row and page counts.
fn index_info(connection: &mut Connection, filter: &Filter) -> Result<QueryResult> {
    let keys = read(connection.primary_keys(filter))?;
    let tables = read(connection.tables(filter))?;
    let table_of = |key: &MetadataRow| {
        let names = |r: &MetadataRow| (r.text("table_schema"), r.text("table_name"));
        tables.iter().find(|t| names(t) == names(key)).cloned()
    };
    let mut rows: Vec<(MetadataRow, Option<MetadataRow>)> =
        keys.into_iter().map(|k| (k.clone(), table_of(&k))).collect();
    // NON_UNIQUE and TYPE are the same for every row.
    rows.sort_by_key(|(k, _)| (k.text("pk_name"), k.int("key_seq")));
    let keys: Vec<MetadataRow> = rows.iter().map(|(k, _)| k.clone()).collect();
    let count = |column: &'static str| rows.iter().map(move |(_, t)| t.as_ref().and_then(|t| t.int(column)));
    table_names(ResultBuilder::new(), &keys)
        .boolean("NON_UNIQUE", same(&keys, Some(false)))
        .text("INDEX_QUALIFIER", same::<&str>(&keys, None))
        .text("INDEX_NAME", texts(&keys, "pk_name"))
        .int16("TYPE", same(&keys, Some(TABLE_INDEX_OTHER)))
        .int16("ORDINAL_POSITION", smalls(&keys, "key_seq"))
        .text("COLUMN_NAME", texts(&keys, "column_name"))
        .text("ASC_OR_DESC", same(&keys, Some("A")))
        .int64("CARDINALITY", count("row_count"))
        .int64("PAGES", count("pages"))
        .text("FILTER_CONDITION", same::<&str>(&keys, None))
        .finish()
}

/// The primary key's columns, which identify a row for as long as the session lasts.
fn best_row_identifier(connection: &mut Connection, filter: &Filter) -> Result<QueryResult> {
    let mut rows = read(connection.primary_keys(filter))?;
    rows.sort_by_key(|r| r.int("key_seq"));
    let types: Vec<JdbcType> = rows.iter().map(jdbc_type).collect();
    ResultBuilder::new()
        .int16("SCOPE", same(&rows, Some(BEST_ROW_SESSION)))
        .text("COLUMN_NAME", texts(&rows, "column_name"))
        .int32("DATA_TYPE", types.iter().map(|t| Some(t.data_type)))
        .text("TYPE_NAME", texts(&rows, "type_name"))
        .int32("COLUMN_SIZE", types.iter().map(|t| Some(t.size)))
        .int32("BUFFER_LENGTH", same(&rows, None))
        .int16("DECIMAL_DIGITS", types.iter().map(|t| Some(t.digits as i16)))
        .int16("PSEUDO_COLUMN", same(&rows, Some(BEST_ROW_NOT_PSEUDO)))
        .finish()
}

// ------------------------------------------------------------------ types

/// The types a Redwood column can have, with Redshift's limits, ordered by DATA_TYPE and name.
fn type_info(connection: &mut Connection) -> Result<QueryResult> {
    let mut rows: Vec<(MetadataRow, String, i32)> = read(connection.type_info())?
        .into_iter()
        .map(|r| {
            let name = r.text("type_name").unwrap_or_default();
            let code = data_type(&name, "b", false);
            (r, name, code)
        })
        .collect();
    rows.sort_by(|a, b| (a.2, &a.1).cmp(&(b.2, &b.1)));
    let numeric = |code: i32| matches!(code, BIGINT | INTEGER | SMALLINT | REAL | DOUBLE | NUMERIC);
    let quote = |code: i32| (!numeric(code)).then_some("'");
    let names: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    let metadata: Vec<MetadataRow> = rows.iter().map(|r| r.0.clone()).collect();
    ResultBuilder::new()
        .text("TYPE_NAME", names.iter().map(Some))
        .int32("DATA_TYPE", rows.iter().map(|r| Some(r.2)))
        .int32("PRECISION", rows.iter().map(|r| Some(r.0.int("max_size").map_or(column_size(&r.1, -1), |n| n as i32))))
        .text("LITERAL_PREFIX", rows.iter().map(|r| quote(r.2)))
        .text("LITERAL_SUFFIX", rows.iter().map(|r| quote(r.2)))
        .text("CREATE_PARAMS", texts(&metadata, "create_params"))
        .int16("NULLABLE", same(&metadata, Some(TYPE_NULLABLE)))
        .boolean("CASE_SENSITIVE", names.iter().map(|n| Some(matches!(*n, "varchar" | "bpchar"))))
        .int16("SEARCHABLE", same(&metadata, Some(TYPE_SEARCHABLE)))
        .boolean("UNSIGNED_ATTRIBUTE", rows.iter().map(|r| Some(!numeric(r.2))))
        .boolean("FIXED_PREC_SCALE", same(&metadata, Some(false)))
        .boolean("AUTO_INCREMENT", metadata.iter().map(|r| Some(r.flag("auto_increment"))))
        .text("LOCAL_TYPE_NAME", same::<&str>(&metadata, None))
        .int16("MINIMUM_SCALE", same(&metadata, Some(0)))
        // pgJDBC's: a NUMERIC's scale may be as large as its precision.
        .int16("MAXIMUM_SCALE", names.iter().map(|n| Some(if *n == "numeric" { 38 } else { 0 })))
        .int32("SQL_DATA_TYPE", same(&metadata, None))
        .int32("SQL_DATETIME_SUB", same(&metadata, None))
        .int32("NUM_PREC_RADIX", same(&metadata, Some(10)))
        .finish()
}

// ------------------------------------------------------------------ routines

fn procedures(connection: &mut Connection, filter: &Filter) -> Result<QueryResult> {
    let rows = read(connection.procedures(filter))?;
    ResultBuilder::new()
        .text("PROCEDURE_CAT", texts(&rows, "procedure_catalog"))
        .text("PROCEDURE_SCHEM", texts(&rows, "procedure_schema"))
        .text("PROCEDURE_NAME", texts(&rows, "procedure_name"))
        .text("RESERVED1", same::<&str>(&rows, None))
        .text("RESERVED2", same::<&str>(&rows, None))
        .text("RESERVED3", same::<&str>(&rows, None))
        .text("REMARKS", texts(&rows, "remarks"))
        .int16("PROCEDURE_TYPE", smalls(&rows, "procedure_type"))
        .text("SPECIFIC_NAME", texts(&rows, "specific_name"))
        .finish()
}

fn procedure_columns(connection: &mut Connection, filter: &Filter) -> Result<QueryResult> {
    let rows = read(connection.procedure_columns(filter))?;
    let types: Vec<JdbcType> = rows.iter().map(jdbc_type).collect();
    let nullable: Vec<bool> = rows.iter().map(|r| r.flag("is_nullable")).collect();
    let builder = ResultBuilder::new()
        .text("PROCEDURE_CAT", texts(&rows, "procedure_catalog"))
        .text("PROCEDURE_SCHEM", texts(&rows, "procedure_schema"))
        .text("PROCEDURE_NAME", texts(&rows, "procedure_name"))
        .text("COLUMN_NAME", texts(&rows, "column_name"))
        .int16("COLUMN_TYPE", smalls(&rows, "column_type"))
        .int32("DATA_TYPE", types.iter().map(|t| Some(t.data_type)))
        .text("TYPE_NAME", texts(&rows, "type_name"))
        .int32("PRECISION", types.iter().map(|t| Some(t.size)))
        .int32("LENGTH", same(&rows, None))
        .int16("SCALE", types.iter().map(|t| Some(t.digits as i16)))
        .int16("RADIX", same(&rows, Some(10)))
        .int16("NULLABLE", nullable.iter().map(|n| Some(i16::from(*n))));
    remarks_to_nullability(builder, &rows, &types, &nullable)
        .text("SPECIFIC_NAME", texts(&rows, "specific_name"))
        .finish()
}

// ------------------------------------------------------------------ the rest

/// No rows, with the columns `spec` lists ("NAME TYPE, ...": VARCHAR, INT, SMALLINT).
fn empty(spec: &str) -> Result<QueryResult> {
    spec.split(',')
        .try_fold(ResultBuilder::new(), |builder, column| {
            let mut parts = column.split_whitespace();
            let (name, sql_type) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
            Ok(match sql_type.to_ascii_uppercase().as_str() {
                "VARCHAR" => builder.text(name, std::iter::empty::<Option<&str>>()),
                "INT" => builder.int32(name, std::iter::empty()),
                "SMALLINT" => builder.int16(name, std::iter::empty()),
                other => return Err(err!(INTERNAL_ERROR, "unknown column type {other} of an empty metadata result")),
            })
        })?
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_as_pgjdbc_describes_them() {
        assert_eq!(data_type("int4", "b", false), INTEGER);
        assert_eq!(data_type("timestamptz", "b", false), TIMESTAMP);
        assert_eq!(data_type("_int4", "b", true), ARRAY);
        assert_eq!(data_type("mood", "e", false), VARCHAR);
        assert_eq!((column_size("varchar", 24), column_size("varchar", -1)), (20, i32::MAX));
        assert_eq!(
            (column_size("numeric", (12 << 16 | 4) + 4), decimal_digits("numeric", (12 << 16 | 4) + 4)),
            (12, 4)
        );
        assert_eq!((column_size("timestamp", -1), decimal_digits("timestamp", -1)), (29, 6));
    }

    #[test]
    fn empty_results_have_their_columns() {
        let QueryResult::Rows(rows) = empty("A VARCHAR, B INT, C SMALLINT").unwrap() else { panic!() };
        let names: Vec<String> = rows.schema().fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert!(empty("A BLOB").is_err());
    }
}
