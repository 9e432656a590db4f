//! The metadata contract: the catalog questions every driver asks (catalogs, schemas, tables,
//! columns, primary keys, foreign keys, procedures, types), answered once, here, as SQL over
//! Redwood's `pg_catalog` and `information_schema` with every argument a bound `$n` parameter.
//! The SQL runs on the [`Connection`] like any statement, so embedded and remote connections give
//! the same answers. Drivers (ODBC, JDBC) only project these rows into their standard shapes and
//! map type names to their type codes: none writes catalog SQL of its own.
//!
//! Each call returns rows (a [`QueryResult::Rows`]) whose columns are listed in its
//! documentation, in that order and with those names; [`MetadataRows`] reads them by name, and
//! [`ResultBuilder`] makes a driver's projection into a result again.
//!
//! Name arguments are [`Name`]s: any name, one name, or a LIKE pattern (escape `\`, LIKE's
//! default in Redwood), compared as they are or case-insensitively. Each driver decides how its
//! own arguments read (ODBC's "" is any name, JDBC's null is; SQL_ATTR_METADATA_ID's
//! identifiers are names, not patterns). The catalog is the current database: a catalog
//! argument compares with `current_database()`.
//!
//! Every query names a `pg_catalog` relation, so Redwood parses it as PostgreSQL (as it does
//! drivers' metadata queries).

use super::{Connection, QueryResult, RowSource, Rows, Value};
use crate::err;
use crate::error::{Error, Result};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Int16Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Int64Type, Schema};
use std::sync::Arc;

/// How a name argument selects names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Name {
    /// Every name.
    #[default]
    Any,
    /// This name exactly.
    Equal(String),
    /// Names the LIKE pattern matches (`\` escapes `%` and `_`).
    Like(String),
    /// This name, case aside.
    EqualIgnoringCase(String),
    /// Names the LIKE pattern matches, case aside.
    LikeIgnoringCase(String),
}

/// What a metadata call lists: names of the catalog (the current database), schema, table (or
/// procedure) and column; each [`Name::Any`] by default. Calls read the parts they take.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub catalog: Name,
    pub schema: Name,
    pub table: Name,
    pub column: Name,
}

/// A query's text and its parameters, built condition by condition.
struct Query {
    sql: String,
    params: Vec<Value>,
}

impl Query {
    fn new(sql: impl Into<String>) -> Query {
        Query { sql: sql.into(), params: vec![] }
    }

    fn push(&mut self, text: &str) {
        self.sql.push_str(text);
    }

    /// ` AND <column matches name>`, the value bound as the next parameter.
    fn name(&mut self, column: &str, name: &Name) {
        let (value, condition) = match name {
            Name::Any => return,
            Name::Equal(v) => (v, "{c} = {p}"),
            Name::Like(v) => (v, "{c} LIKE {p}"),
            Name::EqualIgnoringCase(v) => (v, "lower({c}) = lower(CAST({p} AS varchar))"),
            Name::LikeIgnoringCase(v) => (v, "lower({c}) LIKE lower(CAST({p} AS varchar))"),
        };
        self.params.push(Value::Text(value.clone()));
        let parameter = format!("${}", self.params.len());
        self.push(" AND ");
        self.push(&condition.replace("{c}", column).replace("{p}", &parameter));
    }

    fn run(self, connection: &mut Connection) -> Result<QueryResult> {
        let statement = connection.prepare(&self.sql)?;
        connection.execute_prepared(&statement, &self.params)
    }
}

/// Comments on relations and columns are pg_description rows under pg_class's oid.
const CLASS_COMMENT: &str = "d.classoid = CAST('pg_class' AS regclass)";

/// A relation's type as pgJDBC names it, from `c.relkind` and the schema `n` (NULL for other
/// relations).
const TABLE_TYPE: &str = "CASE \
    WHEN n.nspname IN ('pg_catalog', 'information_schema') THEN CASE c.relkind \
      WHEN 'r' THEN 'SYSTEM TABLE' WHEN 'v' THEN 'SYSTEM VIEW' WHEN 'i' THEN 'SYSTEM INDEX' END \
    WHEN substr(n.nspname, 1, 8) = 'pg_temp_' THEN CASE c.relkind \
      WHEN 'r' THEN 'TEMPORARY TABLE' WHEN 'v' THEN 'TEMPORARY VIEW' WHEN 'i' THEN 'TEMPORARY INDEX' END \
    ELSE CASE c.relkind \
      WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' \
      WHEN 'i' THEN 'INDEX' WHEN 'f' THEN 'FOREIGN TABLE' END \
    END";

/// The columns that describe a column's type, from its `pg_type` row `t` and its modifier `m`
/// (PostgreSQL's: n + 4 for CHAR(n)/VARCHAR(n), (p << 16 | s) + 4 for NUMERIC(p, s), -1 for
/// none): `type_name`, `type_class`, `is_array`, `type_modifier`, `character_maximum_length`,
/// `numeric_precision`, `numeric_scale` (see [`Connection::columns`]).
fn type_facts(t: &str, m: &str) -> String {
    format!(
        "{t}.typname AS type_name, CAST({t}.typtype AS varchar) AS type_class, \
         CASE WHEN {t}.typelem <> 0 AND {t}.typlen = -1 AND substr({t}.typname, 1, 1) = '_' THEN true ELSE false END \
         AS is_array, CAST({m} AS integer) AS type_modifier, \
         CAST(CASE WHEN {t}.typname IN ('bpchar', 'varchar') AND {m} > 4 THEN {m} - 4 END AS integer) \
         AS character_maximum_length, \
         CAST(CASE WHEN {t}.typname = 'numeric' AND {m} > 4 THEN ({m} - 4) / 65536 END AS integer) \
         AS numeric_precision, \
         CAST(CASE WHEN {t}.typname = 'numeric' AND {m} > 4 THEN ({m} - 4) % 65536 END AS integer) AS numeric_scale"
    )
}

/// The key columns `k` of primary keys (information_schema's view of Redwood's constraints),
/// with their table `c`, attribute `a` and type `t`.
const PRIMARY_KEY_COLUMNS: &str = "FROM information_schema.table_constraints tc \
    JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema \
    AND k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name \
    JOIN pg_catalog.pg_namespace n ON n.nspname = k.table_schema \
    JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = k.table_name AND c.relkind = 'r' \
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = k.column_name \
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid \
    WHERE tc.constraint_type = 'PRIMARY KEY'";

impl Connection {
    /// The catalogs: the current database, the only one a session sees. Column: `table_catalog`.
    pub fn catalogs(&mut self) -> Result<QueryResult> {
        Query::new(
            "SELECT d.datname AS table_catalog FROM pg_catalog.pg_database d WHERE d.datname = current_database()",
        )
        .run(self)
    }

    /// Schemas (but PostgreSQL's `pg_toast`) matching `filter.catalog` and `filter.schema`,
    /// ordered by name. Columns: `table_catalog`, `table_schema`.
    pub fn schemas(&mut self, filter: &Filter) -> Result<QueryResult> {
        let mut q = Query::new(
            "SELECT current_database() AS table_catalog, n.nspname AS table_schema \
             FROM pg_catalog.pg_namespace n WHERE n.nspname <> 'pg_toast'",
        );
        q.name("current_database()", &filter.catalog);
        q.name("n.nspname", &filter.schema);
        q.push(" ORDER BY n.nspname");
        q.run(self)
    }

    /// Relations (tables, views, …) matching `filter`'s catalog, schema and table, ordered by
    /// schema and name. Columns:
    /// - `table_catalog`, `table_schema`, `table_name` (text)
    /// - `table_type` (text): `TABLE`, `VIEW`, `SYSTEM TABLE` (in `pg_catalog` and
    ///   `information_schema`), `SYSTEM VIEW`, `INDEX`, … as pgJDBC names them; NULL for kinds
    ///   of relation it does not name
    /// - `relkind` (text): `pg_class.relkind` (`r` table, `v` view, `i` index, …)
    /// - `remarks` (text): COMMENT ON TABLE, or NULL
    /// - `row_count` (bigint): the live row count Redwood keeps in `pg_class.reltuples`
    /// - `pages` (bigint): `pg_class.relpages`
    pub fn tables(&mut self, filter: &Filter) -> Result<QueryResult> {
        let mut q = Query::new(format!(
            "SELECT current_database() AS table_catalog, n.nspname AS table_schema, c.relname AS table_name, \
             {TABLE_TYPE} AS table_type, CAST(c.relkind AS varchar) AS relkind, d.description AS remarks, \
             CAST(c.reltuples AS bigint) AS row_count, CAST(c.relpages AS bigint) AS pages \
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 AND {CLASS_COMMENT} \
             WHERE true"
        ));
        q.name("current_database()", &filter.catalog);
        q.name("n.nspname", &filter.schema);
        q.name("c.relname", &filter.table);
        q.push(" ORDER BY n.nspname, c.relname");
        q.run(self)
    }

    /// Columns of tables, views, materialized views and foreign tables matching `filter`,
    /// ordered by schema, table and position. Columns:
    /// - `table_catalog`, `table_schema`, `table_name`, `column_name` (text)
    /// - `relkind` (text): the relation's `pg_class.relkind`
    /// - `ordinal_position` (integer): from 1
    /// - `type_name` (text): `pg_type.typname` (`int4`, `varchar`, `timestamptz`, …)
    /// - `type_class` (text): `pg_type.typtype` (`b` base, `c` composite, `d` domain, `e` enum, …)
    /// - `is_array` (boolean): an array type (`_int4`, …)
    /// - `type_modifier` (integer): `pg_attribute.atttypmod`, -1 for none
    /// - `character_maximum_length` (integer): n of CHAR(n)/VARCHAR(n), else NULL
    /// - `numeric_precision`, `numeric_scale` (integer): p and s of NUMERIC(p, s), else NULL
    /// - `is_nullable` (boolean): false for NOT NULL columns (views' columns are nullable)
    /// - `column_default` (text): the default as written, or NULL
    /// - `is_identity` (boolean): an IDENTITY column
    /// - `is_autoincrement` (boolean): IDENTITY, or a default from a sequence (`nextval(…)`)
    /// - `is_generated` (boolean): a generated column
    /// - `remarks` (text): COMMENT ON COLUMN, or NULL
    pub fn columns(&mut self, filter: &Filter) -> Result<QueryResult> {
        let default = "pg_catalog.pg_get_expr(def.adbin, def.adrelid)";
        let mut q = Query::new(format!(
            "SELECT current_database() AS table_catalog, n.nspname AS table_schema, c.relname AS table_name, \
             a.attname AS column_name, CAST(c.relkind AS varchar) AS relkind, \
             CAST(a.attnum AS integer) AS ordinal_position, {types}, \
             CASE WHEN a.attnotnull THEN false ELSE true END AS is_nullable, {default} AS column_default, \
             CASE WHEN a.attidentity IN ('a', 'd') THEN true ELSE false END AS is_identity, \
             CASE WHEN a.attidentity IN ('a', 'd') OR {default} LIKE '%nextval(%' THEN true ELSE false END \
             AS is_autoincrement, \
             CASE WHEN a.attgenerated IN ('s', 'v') THEN true ELSE false END AS is_generated, \
             d.description AS remarks \
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid \
             JOIN pg_catalog.pg_type t ON t.oid = a.atttypid \
             LEFT JOIN pg_catalog.pg_attrdef def ON def.adrelid = a.attrelid AND def.adnum = a.attnum \
             LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = a.attnum AND {CLASS_COMMENT} \
             WHERE c.relkind IN ('r', 'p', 'v', 'f', 'm') AND a.attnum > 0 AND NOT a.attisdropped",
            types = type_facts("t", "a.atttypmod"),
        ));
        q.name("current_database()", &filter.catalog);
        q.name("n.nspname", &filter.schema);
        q.name("c.relname", &filter.table);
        q.name("a.attname", &filter.column);
        q.push(" ORDER BY n.nspname, c.relname, a.attnum");
        q.run(self)
    }

    /// The primary key columns of the tables matching `filter`'s catalog, schema and table,
    /// ordered by schema, table and position in the key. Redwood, like Redshift, records primary
    /// keys without enforcing them. Columns:
    /// - `table_catalog`, `table_schema`, `table_name`, `column_name` (text)
    /// - `key_seq` (smallint): the column's position in the key, from 1
    /// - `pk_name` (text): the constraint's name
    /// - the column's type as [`Connection::columns`] gives it: `type_name`, `type_class`,
    ///   `is_array`, `type_modifier`, `character_maximum_length`, `numeric_precision`,
    ///   `numeric_scale`
    pub fn primary_keys(&mut self, filter: &Filter) -> Result<QueryResult> {
        let mut q = Query::new(format!(
            "SELECT current_database() AS table_catalog, k.table_schema AS table_schema, \
             k.table_name AS table_name, k.column_name AS column_name, \
             CAST(k.ordinal_position AS smallint) AS key_seq, k.constraint_name AS pk_name, {types} \
             {PRIMARY_KEY_COLUMNS}",
            types = type_facts("t", "a.atttypmod"),
        ));
        q.name("current_database()", &filter.catalog);
        q.name("k.table_schema", &filter.schema);
        q.name("k.table_name", &filter.table);
        q.push(" ORDER BY k.table_schema, k.table_name, k.ordinal_position");
        q.run(self)
    }

    /// Foreign key columns whose referenced (primary) table matches `primary` and whose
    /// referencing table matches `foreign`, in the shape SQL/CLI gives them (ODBC's
    /// SQLForeignKeys and JDBC's getImportedKeys alike). No rows today: Redwood keeps a FOREIGN
    /// KEY only as the text of its definition (`pg_constraint` lacks the table and columns it
    /// references: `confrelid` 0, `confkey` NULL). Columns:
    /// - `pktable_cat`, `pktable_schem`, `pktable_name`, `pkcolumn_name`, `fktable_cat`,
    ///   `fktable_schem`, `fktable_name`, `fkcolumn_name` (text)
    /// - `key_seq` (smallint): from 1
    /// - `update_rule`, `delete_rule` (smallint): 0 CASCADE, 1 RESTRICT, 2 SET NULL, 3 NO
    ///   ACTION, 4 SET DEFAULT
    /// - `fk_name`, `pk_name` (text)
    /// - `deferrability` (smallint): 5 initially deferred, 6 initially immediate, 7 not
    ///   deferrable
    pub fn foreign_keys(&mut self, primary: &Filter, foreign: &Filter) -> Result<QueryResult> {
        let _ = (primary, foreign);
        let names = ["pktable_cat", "pktable_schem", "pktable_name", "pkcolumn_name"];
        let names = names.into_iter().chain(["fktable_cat", "fktable_schem", "fktable_name", "fkcolumn_name"]);
        let builder = names.fold(ResultBuilder::new(), |b, name| b.text(name, no_text()));
        let builder = ["key_seq", "update_rule", "delete_rule"].into_iter().fold(builder, |b, n| b.int16(n, None));
        builder.text("fk_name", no_text()).text("pk_name", no_text()).int16("deferrability", None).finish()
    }

    /// Procedures and functions matching `filter`'s catalog, schema and table (the routine's
    /// name). No rows today: Redwood has no user-defined procedures or functions. Columns:
    /// `procedure_catalog`, `procedure_schema`, `procedure_name` (text), `procedure_type`
    /// (smallint, as SQL/CLI and JDBC number it: 0 unknown, 1 a procedure, 2 a function),
    /// `remarks`, `specific_name` (text).
    pub fn procedures(&mut self, filter: &Filter) -> Result<QueryResult> {
        let _ = filter;
        let names = ["procedure_catalog", "procedure_schema", "procedure_name"];
        let builder = names.into_iter().fold(ResultBuilder::new(), |b, name| b.text(name, no_text()));
        builder.int16("procedure_type", None).text("remarks", no_text()).text("specific_name", no_text()).finish()
    }

    /// Parameters and result columns of the procedures matching `filter` (`table`: the
    /// procedure's name; `column`: the parameter's). No rows today (see [`Connection::procedures`]).
    /// Columns: `procedure_catalog`, `procedure_schema`, `procedure_name`, `column_name` (text),
    /// `column_type` (smallint, as SQL/CLI and JDBC number it: 0 unknown, 1 IN, 2 INOUT, 3 a
    /// result column, 4 OUT, 5 the return value), `ordinal_position` (integer), the type as
    /// [`Connection::columns`] gives it (`type_name`, `type_class` (text), `is_array` (boolean),
    /// `type_modifier`, `character_maximum_length`, `numeric_precision`, `numeric_scale`
    /// (integer)), `is_nullable` (boolean), `column_default`, `remarks`, `specific_name` (text).
    pub fn procedure_columns(&mut self, filter: &Filter) -> Result<QueryResult> {
        let _ = filter;
        let names = ["procedure_catalog", "procedure_schema", "procedure_name", "column_name"];
        let builder = names.into_iter().fold(ResultBuilder::new(), |b, name| b.text(name, no_text()));
        let builder = builder.int16("column_type", None).int32("ordinal_position", None);
        let builder = builder.text("type_name", no_text()).text("type_class", no_text()).boolean("is_array", None);
        let numbers = ["type_modifier", "character_maximum_length", "numeric_precision", "numeric_scale"];
        let builder = numbers.into_iter().fold(builder, |b, name| b.int32(name, None)).boolean("is_nullable", None);
        let names = ["column_default", "remarks", "specific_name"];
        names.into_iter().fold(builder, |b, name| b.text(name, no_text())).finish()
    }

    /// The types a table's column can have, with Redshift's limits (CHAR up to 4096 bytes,
    /// VARCHAR 65535, NUMERIC 38 digits with scale up to 37), ordered as [`TYPE_INFO`] lists
    /// them. Columns:
    /// - `type_name` (text): `pg_type.typname`
    /// - `max_size` (integer): the largest length (CHAR, VARCHAR) or precision (NUMERIC); NULL
    ///   where the type's size is fixed
    /// - `create_params` (text): what DDL writes in parentheses (`length`,
    ///   `precision,scale`), or NULL
    /// - `minimum_scale`, `maximum_scale` (smallint): where a scale applies, else NULL
    /// - `auto_increment` (boolean): an IDENTITY column may have it
    pub fn type_info(&mut self) -> Result<QueryResult> {
        ResultBuilder::new()
            .text("type_name", TYPE_INFO.iter().map(|t| Some(t.type_name)))
            .int32("max_size", TYPE_INFO.iter().map(|t| t.max_size))
            .text("create_params", TYPE_INFO.iter().map(|t| t.create_params))
            .int16("minimum_scale", TYPE_INFO.iter().map(|t| t.scales.map(|s| s.0)))
            .int16("maximum_scale", TYPE_INFO.iter().map(|t| t.scales.map(|s| s.1)))
            .boolean("auto_increment", TYPE_INFO.iter().map(|t| Some(t.auto_increment)))
            .finish()
    }
}

/// A type a Redwood table column can have ([`Connection::type_info`]'s rows).
pub struct TypeInfo {
    /// `pg_type.typname`.
    pub type_name: &'static str,
    /// The largest CHAR/VARCHAR length or NUMERIC precision; `None`: the type's fixed size.
    pub max_size: Option<i32>,
    pub create_params: Option<&'static str>,
    /// (minimum, maximum) scale, where scale applies.
    pub scales: Option<(i16, i16)>,
    pub auto_increment: bool,
}

/// What CREATE TABLE takes. Not here: TIME, INTERVAL and binary types, which Redwood's tables do
/// not take yet.
pub const TYPE_INFO: &[TypeInfo] = &[
    TypeInfo { type_name: "bool", max_size: None, create_params: None, scales: None, auto_increment: false },
    TypeInfo { type_name: "int8", max_size: None, create_params: None, scales: Some((0, 0)), auto_increment: true },
    TypeInfo {
        type_name: "bpchar",
        max_size: Some(4096),
        create_params: Some("length"),
        scales: None,
        auto_increment: false,
    },
    TypeInfo {
        type_name: "numeric",
        max_size: Some(38),
        create_params: Some("precision,scale"),
        scales: Some((0, 37)),
        auto_increment: false,
    },
    TypeInfo { type_name: "int4", max_size: None, create_params: None, scales: Some((0, 0)), auto_increment: true },
    TypeInfo { type_name: "int2", max_size: None, create_params: None, scales: Some((0, 0)), auto_increment: true },
    TypeInfo { type_name: "float4", max_size: None, create_params: None, scales: None, auto_increment: false },
    TypeInfo { type_name: "float8", max_size: None, create_params: None, scales: None, auto_increment: false },
    TypeInfo {
        type_name: "varchar",
        max_size: Some(65535),
        create_params: Some("length"),
        scales: None,
        auto_increment: false,
    },
    TypeInfo { type_name: "date", max_size: None, create_params: None, scales: None, auto_increment: false },
    TypeInfo {
        type_name: "timestamp",
        max_size: None,
        create_params: None,
        scales: Some((6, 6)),
        auto_increment: false,
    },
    TypeInfo {
        type_name: "timestamptz",
        max_size: None,
        create_params: None,
        scales: Some((6, 6)),
        auto_increment: false,
    },
];

/// No values: an empty text column.
fn no_text() -> Option<Option<&'static str>> {
    None
}

// ---------------------------------------------------------------------------------------------
// Reading the contract's rows and making results of projections

/// A value of a metadata row.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Text(String),
    Int(i64),
    Bool(bool),
}

/// A metadata call's rows, read whole (they are few), with their columns found by name.
pub struct MetadataRows {
    rows: Vec<MetadataRow>,
}

/// One row of a metadata call.
#[derive(Debug, Clone)]
pub struct MetadataRow {
    names: Arc<[String]>,
    cells: Vec<Cell>,
}

impl MetadataRows {
    /// Reads every row of a metadata call's result.
    pub fn read(result: QueryResult) -> Result<MetadataRows> {
        let (schema, batches) = result.collect()?;
        let names: Arc<[String]> = schema.fields().iter().map(|f| f.name().to_string()).collect();
        let mut rows = vec![];
        for batch in batches {
            let columns = batch.columns().iter().map(cells).collect::<Result<Vec<_>>>()?;
            for row in 0..batch.num_rows() {
                let cells = columns.iter().map(|c| c[row].clone()).collect();
                rows.push(MetadataRow { names: Arc::clone(&names), cells });
            }
        }
        Ok(MetadataRows { rows })
    }

    pub fn into_rows(self) -> Vec<MetadataRow> {
        self.rows
    }
}

/// A column's values as cells: text, integers (of any width; floats truncated), booleans.
fn cells(column: &ArrayRef) -> Result<Vec<Cell>> {
    let out = match column.data_type() {
        DataType::Utf8 => {
            column.as_string::<i32>().iter().map(|v| v.map_or(Cell::Null, |s| Cell::Text(s.into()))).collect()
        }
        DataType::Boolean => column.as_boolean().iter().map(|v| v.map_or(Cell::Null, Cell::Bool)).collect(),
        DataType::Null => vec![Cell::Null; column.len()],
        t if t.is_integer() || t.is_floating() || matches!(t, DataType::Decimal128(..)) => {
            let ints = datafusion::arrow::compute::cast(column, &DataType::Int64)?;
            ints.as_primitive::<Int64Type>().iter().map(|v| v.map_or(Cell::Null, Cell::Int)).collect()
        }
        other => return Err(err!(INTERNAL_ERROR, "a metadata column of type {other} cannot be read")),
    };
    Ok(out)
}

impl MetadataRow {
    fn cell(&self, column: &str) -> &Cell {
        match self.names.iter().position(|n| n == column) {
            Some(i) => &self.cells[i],
            None => panic!("the metadata contract has no column {column}"),
        }
    }

    /// A text column's value (`None` for NULL).
    pub fn text(&self, column: &str) -> Option<String> {
        match self.cell(column) {
            Cell::Text(s) => Some(s.clone()),
            Cell::Int(i) => Some(i.to_string()),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Null => None,
        }
    }

    /// An integer column's value (`None` for NULL).
    pub fn int(&self, column: &str) -> Option<i64> {
        match self.cell(column) {
            Cell::Int(i) => Some(*i),
            Cell::Bool(b) => Some(i64::from(*b)),
            Cell::Text(s) => s.parse().ok(),
            Cell::Null => None,
        }
    }

    /// A boolean column's value (NULL is false).
    pub fn flag(&self, column: &str) -> bool {
        matches!(self.cell(column), Cell::Bool(true))
    }
}

/// A result made column by column: what a driver's projection of the contract's rows becomes.
/// Every column is nullable, as in every result.
#[derive(Default)]
pub struct ResultBuilder {
    fields: Vec<Field>,
    columns: Vec<ArrayRef>,
}

impl ResultBuilder {
    pub fn new() -> ResultBuilder {
        ResultBuilder::default()
    }

    fn column(mut self, name: &str, array: ArrayRef) -> ResultBuilder {
        self.fields.push(Field::new(name, array.data_type().clone(), true));
        self.columns.push(array);
        self
    }

    pub fn text<S: AsRef<str>>(self, name: &str, values: impl IntoIterator<Item = Option<S>>) -> ResultBuilder {
        let array: StringArray = values.into_iter().collect();
        self.column(name, Arc::new(array))
    }

    pub fn int16(self, name: &str, values: impl IntoIterator<Item = Option<i16>>) -> ResultBuilder {
        self.column(name, Arc::new(values.into_iter().collect::<Int16Array>()))
    }

    pub fn int32(self, name: &str, values: impl IntoIterator<Item = Option<i32>>) -> ResultBuilder {
        self.column(name, Arc::new(values.into_iter().collect::<Int32Array>()))
    }

    pub fn int64(self, name: &str, values: impl IntoIterator<Item = Option<i64>>) -> ResultBuilder {
        self.column(name, Arc::new(values.into_iter().collect::<Int64Array>()))
    }

    pub fn boolean(self, name: &str, values: impl IntoIterator<Item = Option<bool>>) -> ResultBuilder {
        self.column(name, Arc::new(values.into_iter().collect::<BooleanArray>()))
    }

    /// The columns as one result (their lengths must agree).
    pub fn finish(self) -> Result<QueryResult> {
        let schema = Arc::new(Schema::new(self.fields));
        let batch = RecordBatch::try_new(Arc::clone(&schema), self.columns).map_err(Error::from)?;
        let batches = if batch.num_rows() > 0 { vec![batch] } else { vec![] };
        Ok(QueryResult::Rows(Rows::new(schema, RowSource::Batches(batches.into_iter()))))
    }
}

/// The result with its columns renamed (JDBC's labels are upper case).
pub fn renamed(result: QueryResult, rename: impl Fn(&str) -> String) -> Result<QueryResult> {
    let (schema, batches) = result.collect()?;
    let fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone().with_name(rename(f.name()))).collect();
    let schema = Arc::new(Schema::new(fields));
    let batches = batches
        .into_iter()
        .map(|b| RecordBatch::try_new(Arc::clone(&schema), b.columns().to_vec()).map_err(Error::from))
        .collect::<Result<Vec<_>>>()?;
    Ok(QueryResult::Rows(Rows::new(schema, RowSource::Batches(batches.into_iter()))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_parameters() {
        let mut q = Query::new("SELECT 1 WHERE true");
        q.name("n.nspname", &Name::Any);
        q.name("n.nspname", &Name::Like("pub%".into()));
        q.name("current_database()", &Name::EqualIgnoringCase("DEV".into()));
        q.name("c.relname", &Name::Equal("o'brien".into()));
        assert_eq!(
            q.sql,
            "SELECT 1 WHERE true AND n.nspname LIKE $1 AND lower(current_database()) = lower(CAST($2 AS varchar)) \
             AND c.relname = $3"
        );
        assert_eq!(q.params.len(), 3);
    }

    #[test]
    fn built_results_read_back() {
        let result = ResultBuilder::new()
            .text("a", [Some("x"), None])
            .int16("b", [Some(1), None])
            .boolean("c", [Some(true), None])
            .finish()
            .unwrap();
        let rows = MetadataRows::read(result).unwrap().into_rows();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].text("a"), rows[0].int("b"), rows[0].flag("c")), (Some("x".into()), Some(1), true));
        assert_eq!((rows[1].text("a"), rows[1].int("b"), rows[1].flag("c")), (None, None, false));
    }
}
