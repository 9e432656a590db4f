//! `pg_catalog` as Redshift clients see it. datafusion-pg-catalog provides the static tables
//! (pg_type, pg_proc, …) and most functions; the tables that describe the user's objects are
//! computed here from the session's catalog snapshot, with Redshift's columns (`reldiststyle`,
//! `attisdistkey`, `attsortkeyord`, `attencodingtype`) and the owners and users of the catalog.

use crate::catalog::{AutoPlacement, CatalogState, Distribution, RelId, Relation, RelationKind, DEFAULT_OWNER};
use crate::types::SqlType;
use std::collections::HashMap;
use crate::leader::provider::SnapshotCell;
use async_trait::async_trait;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::catalog::{SchemaProvider, TableProvider};
use datafusion::common::{Result, ScalarValue};
use datafusion::datasource::MemTable;
use datafusion::logical_expr::{
    create_udf, ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature, Volatility,
};
use std::sync::Arc;

/// Oids of the schemas PostgreSQL fixes; other schemas get one derived from their name.
const PG_CATALOG_OID: i32 = 11;
const PUBLIC_OID: i32 = 2200;
/// Relation oids are the relation ids above this base (stable across restarts).
const RELATION_OID_BASE: i32 = 200_000;
/// The owner id of objects owned by the built-in owner (Redshift's `rdsdb` is 1).
const BUILTIN_OWNER_ID: i32 = 1;

/// The session's `pg_catalog`: Redwood's tables for the user's objects, datafusion-pg-catalog's
/// for the rest.
#[derive(Debug)]
pub struct PgCatalog {
    pub inner: Arc<dyn SchemaProvider>,
    pub cell: Arc<SnapshotCell>,
}

/// The tables computed here; Redshift's `svv_` views live in pg_catalog too, as on Redshift.
pub const OWN_TABLES: &[&str] =
    &["pg_namespace", "pg_class", "pg_attribute", "pg_attrdef", "pg_tables", "pg_views", "pg_user", "svv_tables"];

#[async_trait]
impl SchemaProvider for PgCatalog {
    fn table_names(&self) -> Vec<String> {
        let mut names = self.inner.table_names();
        names.extend(OWN_TABLES.iter().map(|t| t.to_string()).filter(|t| !names.contains(t)).collect::<Vec<_>>());
        names
    }

    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        let state = self.cell.get();
        // A view's columns are those of its planned query.
        let mut view_columns = HashMap::new();
        if name == "pg_attribute" {
            for rel in state.relations.values() {
                if let RelationKind::View(view) = &rel.kind {
                    if let Ok(plan) = self.cell.plan_view(view).await {
                        view_columns.insert(rel.id, plan.schema().as_arrow().clone());
                    }
                }
            }
        }
        match build(name, &state, &view_columns)? {
            Some(batch) => Ok(Some(Arc::new(MemTable::try_new(batch.schema(), vec![vec![batch]])?))),
            None => self.inner.table(name).await,
        }
    }

    fn table_exist(&self, name: &str) -> bool {
        OWN_TABLES.contains(&name) || self.inner.table_exist(name)
    }
}

/// Rows of one system table, column by column.
struct TableBuilder {
    fields: Vec<Field>,
    rows: Vec<Vec<ScalarValue>>,
}

impl TableBuilder {
    fn new(columns: &[(&str, DataType)]) -> TableBuilder {
        TableBuilder { fields: columns.iter().map(|(n, t)| Field::new(*n, t.clone(), true)).collect(), rows: vec![] }
    }

    fn row(&mut self, values: Vec<ScalarValue>) {
        debug_assert_eq!(values.len(), self.fields.len());
        self.rows.push(values);
    }

    fn finish(self) -> Result<RecordBatch> {
        let columns = (0..self.fields.len())
            .map(|c| {
                let values = self.rows.iter().map(|r| r[c].clone());
                if self.rows.is_empty() {
                    Ok(datafusion::arrow::array::new_empty_array(self.fields[c].data_type()))
                } else {
                    ScalarValue::iter_to_array(values)
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(RecordBatch::try_new(Arc::new(Schema::new(self.fields)), columns)?)
    }
}

fn text(s: &str) -> ScalarValue {
    ScalarValue::Utf8(Some(s.to_string()))
}
fn null_text() -> ScalarValue {
    ScalarValue::Utf8(None)
}
fn int(v: i32) -> ScalarValue {
    ScalarValue::Int32(Some(v))
}
fn small(v: i16) -> ScalarValue {
    ScalarValue::Int16(Some(v))
}
fn flag(v: bool) -> ScalarValue {
    ScalarValue::Boolean(Some(v))
}

fn schema_oid(name: &str) -> i32 {
    match name {
        "pg_catalog" => PG_CATALOG_OID,
        "public" => PUBLIC_OID,
        // FNV-1a: stable across restarts without storing an id per schema.
        other => 100_000 + (other.bytes().fold(0x811c9dc5u32, |h, b| (h ^ b as u32).wrapping_mul(0x01000193)) % 90_000) as i32,
    }
}

fn relation_oid(rel: &Relation) -> i32 {
    RELATION_OID_BASE + rel.id as i32
}

fn user_id(state: &CatalogState, name: &str) -> i32 {
    state.users.get(name).map_or(BUILTIN_OWNER_ID, |u| u.id as i32)
}

/// The user name for an owner id (`pg_get_userbyid`).
fn user_name(state: &CatalogState, id: i32) -> String {
    state.users.values().find(|u| u.id as i32 == id).map_or(DEFAULT_OWNER.to_string(), |u| u.name.clone())
}

/// Redshift's `pg_class.reldiststyle` codes.
fn diststyle_code(distribution: &Distribution) -> i32 {
    match distribution {
        Distribution::Even => 0,
        Distribution::Key(_) => 1,
        Distribution::All => 8,
        Distribution::Auto(AutoPlacement::All) => 10,
        Distribution::Auto(AutoPlacement::Even) => 11,
    }
}

/// One `pg_attribute` row's facts.
struct Attribute<'a> {
    name: &'a str,
    sql_type: Option<SqlType>,
    not_null: bool,
    has_default: bool,
    identity: &'static str,
    distkey: bool,
    sort_position: i32,
    encoding: i16,
}

fn table_attributes(table: &crate::catalog::TableDef) -> Vec<Attribute<'_>> {
    let interleaved = table.sort_key.as_ref().is_some_and(|k| k.kind == crate::catalog::SortKind::Interleaved);
    table
        .columns
        .iter()
        .map(|column| {
            let position = table.sort_key.as_ref().and_then(|k| k.columns.iter().position(|c| *c == column.id));
            Attribute {
                name: &column.name,
                sql_type: Some(column.sql_type),
                not_null: column.not_null,
                has_default: column.default.is_some(),
                identity: match &column.identity {
                    Some(identity) if identity.by_default => "d",
                    Some(_) => "a",
                    None => "",
                },
                distkey: table.distribution == Distribution::Key(column.id),
                // 1-based; interleaved sort key columns are negative, as on Redshift.
                sort_position: position.map_or(0, |p| if interleaved { -(p as i32 + 1) } else { p as i32 + 1 }),
                encoding: column.encoding as i16,
            }
        })
        .collect()
}

fn view_attributes(schema: &Schema) -> Vec<Attribute<'_>> {
    schema
        .fields()
        .iter()
        .map(|f| Attribute {
            name: f.name(),
            sql_type: SqlType::from_arrow(f.data_type()).ok(),
            not_null: false,
            has_default: false,
            identity: "",
            distkey: false,
            sort_position: 0,
            encoding: 0,
        })
        .collect()
}

fn build(name: &str, state: &CatalogState, view_columns: &HashMap<RelId, Schema>) -> Result<Option<RecordBatch>> {
    let relations = || state.relations.values();
    let batch = match name {
        "pg_namespace" => {
            let mut t = TableBuilder::new(&[
                ("oid", DataType::Int32),
                ("nspname", DataType::Utf8),
                ("nspowner", DataType::Int32),
                ("nspacl", DataType::Utf8),
            ]);
            for system in ["pg_catalog", "information_schema"] {
                t.row(vec![int(schema_oid(system)), text(system), int(BUILTIN_OWNER_ID), null_text()]);
            }
            for schema in state.schemas.values() {
                t.row(vec![int(schema_oid(&schema.name)), text(&schema.name), int(user_id(state, &schema.owner)), null_text()]);
            }
            t.finish()?
        }
        "pg_class" => {
            let mut t = TableBuilder::new(&[
                ("oid", DataType::Int32),
                ("relname", DataType::Utf8),
                ("relnamespace", DataType::Int32),
                ("reltype", DataType::Int32),
                ("reloftype", DataType::Int32),
                ("relowner", DataType::Int32),
                ("relam", DataType::Int32),
                ("relfilenode", DataType::Int32),
                ("reltablespace", DataType::Int32),
                ("relpages", DataType::Int32),
                ("reltuples", DataType::Float64),
                ("relallvisible", DataType::Int32),
                ("reltoastrelid", DataType::Int32),
                ("relhasindex", DataType::Boolean),
                ("relisshared", DataType::Boolean),
                ("relpersistence", DataType::Utf8),
                ("relkind", DataType::Utf8),
                ("relnatts", DataType::Int16),
                ("relchecks", DataType::Int16),
                ("relhasoids", DataType::Boolean),
                ("relhaspkey", DataType::Boolean),
                ("relhasrules", DataType::Boolean),
                ("relhastriggers", DataType::Boolean),
                ("relhassubclass", DataType::Boolean),
                ("relrowsecurity", DataType::Boolean),
                ("relforcerowsecurity", DataType::Boolean),
                ("relispopulated", DataType::Boolean),
                ("relreplident", DataType::Utf8),
                ("relispartition", DataType::Boolean),
                ("relfrozenxid", DataType::Int32),
                ("relminmxid", DataType::Int32),
                ("relacl", DataType::Utf8),
                ("reloptions", DataType::Utf8),
                ("relpartbound", DataType::Utf8),
                ("reldiststyle", DataType::Int32),
            ]);
            for rel in relations() {
                let oid = relation_oid(rel);
                let (kind, columns, rows, has_pkey, diststyle) = match &rel.kind {
                    RelationKind::Table(table) => (
                        "r",
                        table.columns.len(),
                        table.live_rows() as f64,
                        !table.primary_key.is_empty(),
                        diststyle_code(&table.distribution),
                    ),
                    RelationKind::View(_) => ("v", 0, 0.0, false, 0),
                };
                t.row(vec![
                    int(oid),
                    text(&rel.name),
                    int(schema_oid(&rel.schema)),
                    int(0),
                    int(0),
                    int(user_id(state, &rel.owner)),
                    int(0),
                    int(oid),
                    int(0),
                    int(0),
                    ScalarValue::Float64(Some(rows)),
                    int(0),
                    int(0),
                    flag(false),
                    flag(false),
                    text("p"),
                    text(kind),
                    small(columns as i16),
                    small(0),
                    flag(false),
                    flag(has_pkey),
                    flag(kind == "v"),
                    flag(false),
                    flag(false),
                    flag(false),
                    flag(false),
                    flag(true),
                    text("d"),
                    flag(false),
                    int(0),
                    int(0),
                    null_text(),
                    null_text(),
                    null_text(),
                    int(diststyle),
                ]);
            }
            t.finish()?
        }
        "pg_attribute" => {
            let mut t = TableBuilder::new(&[
                ("attrelid", DataType::Int32),
                ("attname", DataType::Utf8),
                ("atttypid", DataType::Int32),
                ("attstattarget", DataType::Int32),
                ("attlen", DataType::Int16),
                ("attnum", DataType::Int16),
                ("attndims", DataType::Int32),
                ("attcacheoff", DataType::Int32),
                ("atttypmod", DataType::Int32),
                ("attbyval", DataType::Boolean),
                ("attalign", DataType::Utf8),
                ("attstorage", DataType::Utf8),
                ("attnotnull", DataType::Boolean),
                ("atthasdef", DataType::Boolean),
                ("atthasmissing", DataType::Boolean),
                ("attidentity", DataType::Utf8),
                ("attgenerated", DataType::Utf8),
                ("attisdropped", DataType::Boolean),
                ("attislocal", DataType::Boolean),
                ("attinhcount", DataType::Int32),
                ("attcollation", DataType::Int32),
                ("attacl", DataType::Utf8),
                ("attoptions", DataType::Utf8),
                ("attfdwoptions", DataType::Utf8),
                ("attisdistkey", DataType::Boolean),
                ("attsortkeyord", DataType::Int32),
                ("attencodingtype", DataType::Int16),
            ]);
            for rel in relations() {
                let attributes = match &rel.kind {
                    RelationKind::Table(table) => table_attributes(table),
                    RelationKind::View(_) => view_columns.get(&rel.id).map(view_attributes).unwrap_or_default(),
                };
                for (i, a) in attributes.iter().enumerate() {
                    let (type_oid, len, typmod) = a.sql_type.map_or((25, -1, -1), |t| (t.pg_oid(), t.pg_len(), t.pg_typmod()));
                    t.row(vec![
                        int(relation_oid(rel)),
                        text(a.name),
                        int(type_oid),
                        int(-1),
                        small(len),
                        small(i as i16 + 1),
                        int(0),
                        int(-1),
                        int(typmod),
                        flag(len > 0),
                        text("i"),
                        text(if len > 0 { "p" } else { "x" }),
                        flag(a.not_null),
                        flag(a.has_default),
                        flag(false),
                        text(a.identity),
                        text(""),
                        flag(false),
                        flag(true),
                        int(0),
                        int(0),
                        null_text(),
                        null_text(),
                        null_text(),
                        flag(a.distkey),
                        int(a.sort_position),
                        small(a.encoding),
                    ]);
                }
            }
            t.finish()?
        }
        "pg_attrdef" => {
            let mut t = TableBuilder::new(&[
                ("oid", DataType::Int32),
                ("adrelid", DataType::Int32),
                ("adnum", DataType::Int16),
                ("adbin", DataType::Utf8),
                ("adsrc", DataType::Utf8),
            ]);
            for rel in relations() {
                let Some(table) = rel.table() else { continue };
                for (i, column) in table.columns.iter().enumerate() {
                    if let Some(default) = &column.default {
                        let oid = relation_oid(rel) * 1000 + i as i32;
                        t.row(vec![int(oid), int(relation_oid(rel)), small(i as i16 + 1), text(default), text(default)]);
                    }
                }
            }
            t.finish()?
        }
        "pg_tables" | "pg_views" => {
            let tables = name == "pg_tables";
            let mut t = if tables {
                TableBuilder::new(&[
                    ("schemaname", DataType::Utf8),
                    ("tablename", DataType::Utf8),
                    ("tableowner", DataType::Utf8),
                    ("tablespace", DataType::Utf8),
                    ("hasindexes", DataType::Boolean),
                    ("hasrules", DataType::Boolean),
                    ("hastriggers", DataType::Boolean),
                    ("rowsecurity", DataType::Boolean),
                ])
            } else {
                TableBuilder::new(&[
                    ("schemaname", DataType::Utf8),
                    ("viewname", DataType::Utf8),
                    ("viewowner", DataType::Utf8),
                    ("definition", DataType::Utf8),
                ])
            };
            for rel in relations() {
                match (&rel.kind, tables) {
                    (RelationKind::Table(_), true) => t.row(vec![
                        text(&rel.schema),
                        text(&rel.name),
                        text(&rel.owner),
                        null_text(),
                        flag(false),
                        flag(false),
                        flag(false),
                        flag(false),
                    ]),
                    (RelationKind::View(view), false) => {
                        t.row(vec![text(&rel.schema), text(&rel.name), text(&rel.owner), text(&view.sql)])
                    }
                    _ => {}
                }
            }
            t.finish()?
        }
        "svv_tables" => {
            let mut t = TableBuilder::new(&[
                ("table_catalog", DataType::Utf8),
                ("table_schema", DataType::Utf8),
                ("table_name", DataType::Utf8),
                ("table_type", DataType::Utf8),
                ("remarks", DataType::Utf8),
            ]);
            for rel in relations() {
                let kind = if rel.table().is_some() { "BASE TABLE" } else { "VIEW" };
                t.row(vec![text(crate::catalog::DEFAULT_DATABASE), text(&rel.schema), text(&rel.name), text(kind), null_text()]);
            }
            t.finish()?
        }
        "pg_user" => {
            let mut t = TableBuilder::new(&[
                ("usename", DataType::Utf8),
                ("usesysid", DataType::Int32),
                ("usecreatedb", DataType::Boolean),
                ("usesuper", DataType::Boolean),
                ("usecatupd", DataType::Boolean),
                ("userepl", DataType::Boolean),
                ("passwd", DataType::Utf8),
                ("valuntil", DataType::Utf8),
                ("useconfig", DataType::Utf8),
            ]);
            for user in state.users.values() {
                t.row(vec![
                    text(&user.name),
                    int(user.id as i32),
                    flag(user.create_db),
                    flag(user.superuser),
                    flag(user.superuser),
                    flag(false),
                    text("********"),
                    user.valid_until.as_deref().map_or(null_text(), text),
                    null_text(),
                ]);
            }
            t.finish()?
        }
        _ => return Ok(None),
    };
    Ok(Some(batch))
}

/// Functions over the catalog that need the session's snapshot: `pg_get_userbyid(oid)` and
/// `pg_get_expr(expr, relid)` (defaults are kept as SQL text, so the expression is its text).
pub fn functions(cell: &Arc<SnapshotCell>) -> Vec<ScalarUDF> {
    let users = Arc::clone(cell);
    let user_by_id = create_udf(
        "pg_get_userbyid",
        vec![DataType::Int32],
        DataType::Utf8,
        Volatility::Stable,
        Arc::new(move |args: &[ColumnarValue]| {
            let state = users.get();
            let ids = ColumnarValue::values_to_arrays(args)?;
            let ids = datafusion::arrow::array::AsArray::as_primitive::<datafusion::arrow::datatypes::Int32Type>(ids[0].as_ref());
            let names: datafusion::arrow::array::StringArray = ids.iter().map(|id| id.map(|id| user_name(&state, id))).collect();
            Ok(ColumnarValue::Array(Arc::new(names)))
        }),
    );
    vec![user_by_id, ScalarUDF::new_from_impl(PgGetExpr::new())]
}

/// `pg_get_expr(expr, relid [, pretty])`: defaults are kept as SQL text, so an expression is its
/// own text.
#[derive(Debug, PartialEq, Eq, Hash)]
struct PgGetExpr {
    signature: Signature,
}

impl PgGetExpr {
    fn new() -> PgGetExpr {
        let two = TypeSignature::Exact(vec![DataType::Utf8, DataType::Int32]);
        let three = TypeSignature::Exact(vec![DataType::Utf8, DataType::Int32, DataType::Boolean]);
        PgGetExpr { signature: Signature::one_of(vec![two, three], Volatility::Stable) }
    }
}

impl ScalarUDFImpl for PgGetExpr {
    fn name(&self) -> &str {
        "pg_get_expr"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Ok(args.args[0].clone())
    }
}
