//! The system catalog as Redshift clients see it: `pg_catalog`, `information_schema` and
//! Redshift's `svv_`/`pg_table_def` views.
//!
//! datafusion-pg-catalog provides PostgreSQL's static tables (pg_type, pg_proc, …) and most
//! functions. The tables that describe the user's objects are computed here from the session's
//! catalog snapshot ([`pg`], [`information_schema`], [`redshift`]); Redshift's views that are
//! plain queries over those tables are defined as SQL ([`redshift::VIEWS`]).

mod functions;
mod information_schema;
mod pg;
mod redshift;

pub use functions::{backend_functions, functions, table_functions};

use crate::catalog::{
    CatalogState, ColumnId, Encoding, ExternalTableDef, RelId, Relation, RelationKind, SortKind, TableDef,
    DEFAULT_OWNER,
};
use crate::leader::provider::SnapshotCell;
use crate::sql::parser::OWN_TABLES;
use crate::types::SqlType;
use async_trait::async_trait;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::catalog::{SchemaProvider, TableProvider};
use datafusion::common::{Result, ScalarValue};
use datafusion::datasource::{MemTable, ViewTable};
use std::collections::HashMap;
use std::sync::Arc;

/// The session's `pg_catalog`: Redwood's tables for the user's objects, datafusion-pg-catalog's
/// for the rest.
#[derive(Debug)]
pub struct PgCatalog {
    pub inner: Arc<dyn SchemaProvider>,
    pub cell: Arc<SnapshotCell>,
}

#[async_trait]
impl SchemaProvider for PgCatalog {
    fn table_names(&self) -> Vec<String> {
        let mut names = self.inner.table_names();
        names.extend(OWN_TABLES.iter().map(|t| t.to_string()).filter(|t| !names.contains(t)).collect::<Vec<_>>());
        names
    }

    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        if let Some(sql) = redshift::view_sql(name) {
            let plan = self.cell.plan_sql(sql).await?;
            return Ok(Some(Arc::new(ViewTable::new(plan, Some(sql.to_string())))));
        }
        if !OWN_TABLES.contains(&name) {
            return self.inner.table(name).await;
        }
        let mut facts = Facts::gather(&self.cell, matches!(name, "pg_attribute")).await;
        // A user sees their own queries and load errors; a superuser sees everyone's.
        let (superuser, user_id) = (facts.security_admin(), facts.user_id(&facts.current_user));
        let own = |id: i32| superuser || id == user_id;
        if redshift::DESCRIBE_QUERIES.contains(&name) {
            let queries = self.cell.database.query_log().settled_entries().await;
            facts.queries = queries.into_iter().filter(|q| own(q.user_id)).collect();
        }
        let audit = self.cell.database.audit();
        match name {
            "stl_connection_log" if superuser => facts.connections = audit.connections(),
            "stl_userlog" if superuser => facts.user_events = audit.user_events(),
            "sys_query_history" => {
                facts.statements = audit.statements().into_iter().filter(|s| own(s.user_id)).collect()
            }
            _ => {}
        }
        if name == "stl_load_errors" {
            facts.load_errors =
                self.cell.database.load_errors().entries().into_iter().filter(|e| own(e.user_id)).collect();
        }
        if redshift::DESCRIBE_NODES.contains(&name) {
            facts.nodes = self.cell.database.node_status();
        }
        let batch = match pg::build(name, &facts)? {
            Some(batch) => batch,
            None => redshift::build(name, &facts)?.expect("every own table has a builder"),
        };
        Ok(Some(Arc::new(MemTable::try_new(batch.schema(), vec![vec![batch]])?)))
    }

    fn table_exist(&self, name: &str) -> bool {
        OWN_TABLES.contains(&name) || self.inner.table_exist(name)
    }
}

/// The session's `information_schema`, computed from its catalog snapshot with PostgreSQL's type
/// names (DataFusion's own would show Arrow types).
#[derive(Debug)]
pub struct InformationSchema {
    pub cell: Arc<SnapshotCell>,
}

#[async_trait]
impl SchemaProvider for InformationSchema {
    fn table_names(&self) -> Vec<String> {
        information_schema::TABLES.iter().map(|t| t.to_string()).collect()
    }

    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        if !information_schema::TABLES.contains(&name) {
            return Ok(None);
        }
        let facts = Facts::gather(&self.cell, name == "columns").await;
        let batch = information_schema::build(name, &facts)?;
        Ok(Some(Arc::new(MemTable::try_new(batch.schema(), vec![vec![batch]])?)))
    }

    fn table_exist(&self, name: &str) -> bool {
        information_schema::TABLES.contains(&name)
    }
}

/// What the system tables say about the user's objects, gathered from one snapshot.
struct Facts {
    state: Arc<CatalogState>,
    layout: crate::catalog::ClusterLayout,
    /// A view's columns are those of its planned query (absent when not asked for, or when the
    /// view no longer plans).
    view_columns: HashMap<RelId, Schema>,
    /// The session's configuration parameters.
    settings: std::collections::BTreeMap<String, String>,
    /// The finished queries in the leader's log (gathered for the tables that show them).
    queries: Vec<Arc<crate::leader::query_log::LoggedQuery>>,
    /// The compute nodes' status (gathered for the tables that show them).
    nodes: Vec<crate::leader::database::NodeStatus>,
    /// The rows COPY rejected (gathered for STL_LOAD_ERRORS).
    load_errors: Vec<Arc<crate::leader::load::LoadError>>,
    /// Who is asking (some views show a user only their own rows).
    current_user: String,
    /// The audit trail (gathered for STL_CONNECTION_LOG, STL_USERLOG, SYS_QUERY_HISTORY).
    connections: Vec<Arc<crate::leader::audit::ConnectionEvent>>,
    user_events: Vec<Arc<crate::leader::audit::UserEvent>>,
    statements: Vec<Arc<crate::leader::audit::StatementRecord>>,
}

impl Facts {
    async fn gather(cell: &SnapshotCell, with_view_columns: bool) -> Facts {
        let state = cell.get();
        let mut view_columns = HashMap::new();
        if with_view_columns {
            for rel in state.relations.values() {
                if let RelationKind::View(view) = &rel.kind {
                    if let Ok(plan) = cell.plan_view(view, &rel.owner).await {
                        view_columns.insert(
                            rel.id,
                            crate::leader::origins::typed_schema(&plan, plan.schema().as_arrow(), &state),
                        );
                    }
                }
            }
        }
        let settings = crate::sync::read(&cell.settings).clone();
        Facts {
            state,
            layout: cell.layout(),
            view_columns,
            settings,
            queries: vec![],
            nodes: vec![],
            load_errors: vec![],
            current_user: cell.current_user(),
            connections: vec![],
            user_events: vec![],
            statements: vec![],
        }
    }

    /// Local tables and views: external tables are listed only by the SVV_EXTERNAL_ views, as
    /// on Redshift.
    fn relations(&self) -> impl Iterator<Item = &Arc<Relation>> {
        self.state.relations.values().filter(|r| r.external().is_none())
    }

    fn external_tables(&self) -> impl Iterator<Item = (&Arc<Relation>, &ExternalTableDef)> {
        self.state.relations.values().filter_map(|r| r.external().map(|e| (r, e)))
    }

    fn tables(&self) -> impl Iterator<Item = (&Arc<Relation>, &TableDef)> {
        self.relations().filter_map(|r| r.table().map(|t| (r, t)))
    }

    /// The columns of a table, or of a view whose columns were gathered.
    fn columns<'a>(&'a self, rel: &'a Relation) -> Vec<ColumnFacts<'a>> {
        match &rel.kind {
            RelationKind::Table(table) => table_columns(rel, table),
            RelationKind::View(_) => self.view_columns.get(&rel.id).map(view_columns).unwrap_or_default(),
            RelationKind::External(_) => vec![],
        }
    }

    /// Whether the session's user may see the security catalog views (a superuser).
    fn security_admin(&self) -> bool {
        self.state.is_superuser(&self.current_user)
    }

    /// A grantee's id, name and kind as the SVV_ privilege views show them.
    fn grantee_identity(&self, grantee: &crate::catalog::Grantee) -> (i32, String, &'static str) {
        use crate::catalog::Grantee;
        match grantee {
            Grantee::Public => (0, "public".into(), "public"),
            Grantee::User(name) => (self.user_id(name), name.clone(), "user"),
            Grantee::Group(name) => (self.state.groups.get(name).map_or(0, |g| g.id as i32), name.clone(), "group"),
            Grantee::Role(name) => (self.state.roles.get(name).map_or(0, |r| r.id as i32), name.clone(), "role"),
        }
    }

    fn user_id(&self, name: &str) -> i32 {
        self.state.users.get(name).map_or(BUILTIN_OWNER_ID, |u| u.id as i32)
    }
}

/// One column of a table or view, as every system table describes it.
struct ColumnFacts<'a> {
    /// 1-based, as `attnum` and `ordinal_position`.
    position: i16,
    name: &'a str,
    /// `None` for a view column whose Arrow type has no Redshift counterpart (shown as text).
    sql_type: Option<SqlType>,
    not_null: bool,
    /// The DEFAULT as SQL text; IDENTITY columns show Redshift's `"identity"(…)` form.
    default: Option<String>,
    /// `attidentity`: `a` (ALWAYS), `d` (BY DEFAULT) or empty.
    identity: &'static str,
    distkey: bool,
    /// 1-based position in the sort key, negative for INTERLEAVED, 0 when not in it.
    sort_position: i32,
    encoding: Encoding,
}

impl ColumnFacts<'_> {
    fn type_oid(&self) -> i32 {
        self.sql_type.map_or(TEXT_OID, |t| t.pg_oid())
    }
    /// `format_type` of the column: `character varying(20)`, `numeric(8,2)`, `integer`.
    fn type_text(&self) -> String {
        self.sql_type.map_or("text".to_string(), |t| t.to_string())
    }
}

fn table_columns<'a>(rel: &Relation, table: &'a TableDef) -> Vec<ColumnFacts<'a>> {
    let interleaved = table.sort_key.as_ref().is_some_and(|k| k.kind == SortKind::Interleaved);
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let position = table.sort_key.as_ref().and_then(|k| k.columns.iter().position(|c| *c == column.id));
            let default = match &column.identity {
                Some(identity) => Some(format!(
                    "{}({}, {}, '{},{}'::text)",
                    if identity.by_default { "default_identity" } else { "\"identity\"" },
                    relation_oid(rel),
                    column.id,
                    identity.seed,
                    identity.step
                )),
                None => column.default.clone(),
            };
            ColumnFacts {
                position: i as i16 + 1,
                name: &column.name,
                sql_type: Some(column.sql_type),
                not_null: column.not_null,
                default,
                identity: match &column.identity {
                    Some(identity) if identity.by_default => "d",
                    Some(_) => "a",
                    None => "",
                },
                distkey: table.distribution == crate::catalog::Distribution::Key(column.id),
                sort_position: position.map_or(0, |p| if interleaved { -(p as i32 + 1) } else { p as i32 + 1 }),
                encoding: column.encoding,
            }
        })
        .collect()
}

fn view_columns(schema: &Schema) -> Vec<ColumnFacts<'_>> {
    schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| ColumnFacts {
            position: i as i16 + 1,
            name: f.name(),
            sql_type: crate::leader::origins::field_type(f).or_else(|| SqlType::from_arrow(f.data_type()).ok()),
            not_null: false,
            default: None,
            identity: "",
            distkey: false,
            sort_position: 0,
            encoding: Encoding::Raw,
        })
        .collect()
}

/// An informational constraint (Redshift records them but does not enforce them).
struct ConstraintFacts {
    oid: i32,
    name: String,
    /// `pg_constraint.contype`: p, u, f or c.
    kind: &'static str,
    /// Positions (1-based) of the constrained columns.
    columns: Vec<i16>,
    /// `pg_get_constraintdef`.
    definition: String,
}

impl ConstraintFacts {
    fn standard_type(&self) -> &'static str {
        match self.kind {
            "p" => "PRIMARY KEY",
            "u" => "UNIQUE",
            "f" => "FOREIGN KEY",
            _ => "CHECK",
        }
    }
}

/// The constraints of a table: its primary key, then the others in declaration order.
/// A table's primary key (`<table>_pkey`), if it has one.
fn primary_key(rel: &Relation, table: &TableDef) -> Option<ConstraintFacts> {
    if table.primary_key.is_empty() {
        return None;
    }
    let position = |id: ColumnId| table.columns.iter().position(|c| c.id == id).map(|p| p as i16 + 1);
    let names: Vec<&str> =
        table.primary_key.iter().filter_map(|id| table.column_by_id(*id)).map(|c| c.name.as_str()).collect();
    Some(ConstraintFacts {
        oid: constraint_oid(rel, 0),
        name: format!("{}_pkey", rel.name),
        kind: "p",
        columns: table.primary_key.iter().filter_map(|id| position(*id)).collect(),
        definition: format!("PRIMARY KEY ({})", names.join(", ")),
    })
}

/// A table's constraints: its primary key, then the others as written.
fn constraints(rel: &Relation, table: &TableDef) -> Vec<ConstraintFacts> {
    let mut out: Vec<ConstraintFacts> = primary_key(rel, table).into_iter().collect();
    for (i, text) in table.constraints.iter().enumerate() {
        // Kept as written: `[CONSTRAINT name] UNIQUE (a, b)`, `FOREIGN KEY (a) REFERENCES t`, `CHECK (…)`.
        let (given_name, body) = match text.strip_prefix("CONSTRAINT ") {
            Some(rest) => rest.split_once(' ').map_or((None, rest), |(n, b)| (Some(n.trim_matches('"')), b)),
            None => (None, text.as_str()),
        };
        let upper = body.to_ascii_uppercase();
        let (kind, suffix) = if upper.starts_with("UNIQUE") {
            ("u", "key")
        } else if upper.starts_with("FOREIGN KEY") {
            ("f", "fkey")
        } else {
            ("c", "check")
        };
        let columns: Vec<i16> = match (body.find('('), body.find(')')) {
            (Some(open), Some(close)) if kind != "c" && open < close => body[open + 1..close]
                .split(',')
                .filter_map(|name| table.column_index(name.trim().trim_matches('"')).map(|p| p as i16 + 1))
                .collect(),
            _ => vec![],
        };
        let name = given_name.map(str::to_string).unwrap_or_else(|| {
            let first = columns.first().and_then(|p| table.columns.get(*p as usize - 1)).map(|c| c.name.as_str());
            match first {
                Some(column) => format!("{}_{column}_{suffix}", rel.name),
                None => format!("{}_{suffix}", rel.name),
            }
        });
        out.push(ConstraintFacts {
            oid: constraint_oid(rel, i + 1),
            name,
            kind,
            columns,
            definition: body.to_string(),
        });
    }
    out
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

    /// Reports `column` as the PostgreSQL type `oid` (kept as text here).
    fn with_pg_type(mut self, column: &str, oid: u32) -> TableBuilder {
        for field in self.fields.iter_mut().filter(|f| f.name() == column) {
            let metadata = [(crate::leader::origins::PG_OID_METADATA.to_string(), oid.to_string())].into();
            *field = field.clone().with_metadata(metadata);
        }
        self
    }

    fn schema(&self) -> Arc<Schema> {
        Arc::new(Schema::new(self.fields.clone()))
    }

    fn row(&mut self, values: Vec<ScalarValue>) {
        debug_assert_eq!(values.len(), self.fields.len());
        self.rows.push(values);
    }

    fn finish(self) -> Result<RecordBatch> {
        let columns = (0..self.fields.len())
            .map(|c| {
                if self.rows.is_empty() {
                    Ok(datafusion::arrow::array::new_empty_array(self.fields[c].data_type()))
                } else {
                    ScalarValue::iter_to_array(self.rows.iter().map(|r| r[c].clone()))
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
fn opt_text(s: Option<&str>) -> ScalarValue {
    ScalarValue::Utf8(s.map(str::to_string))
}
fn int(v: i32) -> ScalarValue {
    ScalarValue::Int32(Some(v))
}
fn opt_int(v: Option<i32>) -> ScalarValue {
    ScalarValue::Int32(v)
}
fn small(v: i16) -> ScalarValue {
    ScalarValue::Int16(Some(v))
}
fn flag(v: bool) -> ScalarValue {
    ScalarValue::Boolean(Some(v))
}
fn list_type(element: DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(element, true)))
}
/// An `int2[]` value.
fn small_list(values: &[i16]) -> ScalarValue {
    let values: Vec<ScalarValue> = values.iter().map(|v| small(*v)).collect();
    ScalarValue::List(ScalarValue::new_list_nullable(&values, &DataType::Int16))
}
/// A NULL `text[]`.
fn null_text_list() -> Result<ScalarValue> {
    ScalarValue::try_new_null(&list_type(DataType::Utf8))
}
/// A `text[]` value, or NULL.
fn text_list(values: Option<&[String]>) -> Result<ScalarValue> {
    match values {
        Some(values) => {
            let values: Vec<ScalarValue> = values.iter().map(|v| text(v)).collect();
            Ok(ScalarValue::List(ScalarValue::new_list_nullable(&values, &DataType::Utf8)))
        }
        None => null_text_list(),
    }
}
/// An `int4[]` value.
fn int_list(values: &[i32]) -> ScalarValue {
    let values: Vec<ScalarValue> = values.iter().map(|v| int(*v)).collect();
    ScalarValue::List(ScalarValue::new_list_nullable(&values, &DataType::Int32))
}
fn yes_no(v: bool) -> ScalarValue {
    text(if v { "YES" } else { "NO" })
}

/// `pg_type.oid` of `int2vector` (pg_index's column lists) and `oidvector`.
const INT2VECTOR_OID: u32 = 22;
const OIDVECTOR_OID: u32 = 30;
/// `pg_type.oid` of `text`, the type of view columns Redwood has no name for.
const TEXT_OID: i32 = 25;
/// Oids of the schemas PostgreSQL fixes; other schemas get one derived from their name.
const PG_CATALOG_OID: i32 = 11;
const PUBLIC_OID: i32 = 2200;
const INFORMATION_SCHEMA_OID: i32 = 13_000;
/// Relation oids are the relation ids above this base (stable across restarts).
const RELATION_OID_BASE: i32 = 200_000;
/// A primary key's index relation (`<table>_pkey` in pg_class and pg_index).
const PRIMARY_KEY_INDEX_OID_BASE: i32 = 100_000_000;
/// A view's `_RETURN` rule (pg_rewrite), which pg_depend ties to the relations it reads.
const REWRITE_OID_BASE: i32 = 300_000_000;
/// `pg_class` oids of the catalogs pg_depend refers to.
const PG_CLASS_OID: i32 = 1259;
const PG_REWRITE_OID: i32 = 2618;
/// Constraints: 256 oids per relation above this base.
const CONSTRAINT_OID_BASE: i32 = 1_000_000_000;
/// `pg_database.oid` of `dev`, and PostgreSQL's code for UTF8.
const DATABASE_OID: i32 = 16384;
const UTF8_ENCODING: i32 = 6;
/// The owner id of objects owned by the built-in owner (Redshift's `rdsdb` is 1).
const BUILTIN_OWNER_ID: i32 = 1;

fn schema_oid(name: &str) -> i32 {
    match name {
        "pg_catalog" => PG_CATALOG_OID,
        "public" => PUBLIC_OID,
        "information_schema" => INFORMATION_SCHEMA_OID,
        // FNV-1a: stable across restarts without storing an id per schema.
        other => {
            100_000
                + (other.bytes().fold(0x811c9dc5u32, |h, b| (h ^ b as u32).wrapping_mul(0x01000193)) % 90_000) as i32
        }
    }
}

fn relation_oid(rel: &Relation) -> i32 {
    RELATION_OID_BASE + rel.id as i32
}

fn rewrite_oid(rel: &Relation) -> i32 {
    REWRITE_OID_BASE + rel.id as i32
}

fn primary_key_index_oid(rel: &Relation) -> i32 {
    PRIMARY_KEY_INDEX_OID_BASE + rel.id as i32
}

fn constraint_oid(rel: &Relation, index: usize) -> i32 {
    CONSTRAINT_OID_BASE + ((rel.id as i32) << 8 | index.min(255) as i32)
}

/// The user name for an owner id (`pg_get_userbyid`).
fn user_name(state: &CatalogState, id: i32) -> String {
    state.users.values().find(|u| u.id as i32 == id).map_or(DEFAULT_OWNER.to_string(), |u| u.name.clone())
}
