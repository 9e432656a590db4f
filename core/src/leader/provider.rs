//! DataFusion's view of the catalog: a `CatalogProvider` for database `dev` whose schemas and
//! tables come from the snapshot the running statement sees, and a `TableProvider` per table
//! whose scan is a [`SliceScanExec`].

use crate::catalog::{
    CatalogState, ClusterLayout, Placement, Privileges, QualifiedName, RelId, Relation, RelationKind,
};
use crate::compute::scan::{ColumnSource, ScanSpec, SliceScanExec, ROW_COLUMN, SEGMENT_COLUMN};
use crate::error::Error;
use crate::leader::access::{denied_relation, denied_schema, readable_columns};
use crate::storage::{physical_column_name, SegmentRef};
use async_trait::async_trait;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::{CatalogProvider, SchemaProvider, Session as PlannerSession, TableProvider};
use datafusion::common::stats::Precision;
use datafusion::common::{DFSchema, Result, ScalarValue, Statistics};
use datafusion::datasource::{TableType, ViewTable};
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::utils::conjunction;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_expr::create_physical_expr;
use datafusion::physical_optimizer::pruning::PruningPredicateBuilder;
use datafusion::physical_plan::ExecutionPlan;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock, Weak};

/// What the providers of one session read: the snapshot of the statement being planned, and
/// the table (if any) whose scans must carry row locators for UPDATE/DELETE.
#[derive(Debug)]
pub struct SnapshotCell {
    /// The database the session is on: system tables describe its nodes and queries.
    pub database: crate::Database,
    state: RwLock<Arc<CatalogState>>,
    dml_target: Mutex<Option<RelId>>,
    layout: ClusterLayout,
    /// Tasks a table scan is split into: 1, or the number of compute nodes in other processes.
    tasks: usize,
    /// The session's DataFusion context, for planning views.
    context: Mutex<Weak<SessionContext>>,
    /// The session's configuration parameters (SET/SHOW/RESET, `pg_settings`), by lower-case name.
    pub settings: RwLock<BTreeMap<String, String>>,
    /// The session's running (or last) query and the one before it (`pg_last_query_id()`).
    queries: Mutex<(i32, i32)>,
    /// The user the session runs as (`current_user`).
    current_user: RwLock<String>,
    /// Groups the logged-in user joined for this session only (temporary credentials' DbGroups).
    session_groups: RwLock<(String, Vec<String>)>,
    /// Whose rights tables are read with while a view's query is planned: its owner's.
    view_owner: Mutex<Option<String>>,
    /// Tables whose row-level security filter is being planned: read unfiltered inside it.
    filtering: Mutex<Vec<RelId>>,
}

impl SnapshotCell {
    /// A view's query planned in this session (its result schema is the view's columns).
    /// Its tables are read with the rights of `owner`, the view's owner.
    pub async fn plan_view(
        &self,
        view: &crate::catalog::ViewDef,
        owner: &str,
    ) -> Result<datafusion::logical_expr::LogicalPlan> {
        let outer = crate::sync::lock(&self.view_owner).replace(owner.to_string());
        let plan = self.plan_sql(&view.sql).await;
        *crate::sync::lock(&self.view_owner) = outer;
        plan
    }

    /// `rel` as its reader may see it: its rows filtered by the row-level security `filter`.
    async fn plan_row_filter(&self, rel: &Relation, filter: &str) -> Result<datafusion::logical_expr::LogicalPlan> {
        let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
        let sql = format!("SELECT * FROM {}.{} WHERE {filter}", quote(&rel.schema), quote(&rel.name));
        crate::sync::lock(&self.filtering).push(rel.id);
        let plan = self.plan_sql(&sql).await;
        crate::sync::lock(&self.filtering).retain(|id| *id != rel.id);
        plan
    }

    /// The user the session runs as (`current_user`).
    pub fn current_user(&self) -> String {
        crate::sync::read(&self.current_user).clone()
    }

    pub fn set_current_user(&self, user: &str) {
        *crate::sync::write(&self.current_user) = user.to_string();
    }

    /// Makes `user` a member of `groups` for this session (not in the catalog).
    pub fn set_session_groups(&self, user: &str, groups: Vec<String>) {
        *crate::sync::write(&self.session_groups) = (user.to_string(), groups);
    }

    /// `user` with their groups and roles in `state`, and the groups they joined for this
    /// session (those that still exist).
    pub fn principal(&self, state: &CatalogState, user: &str) -> crate::catalog::Principal {
        let mut principal = state.principal(user);
        let (member, groups) = &*crate::sync::read(&self.session_groups);
        if member == user {
            principal.groups.extend(groups.iter().filter(|g| state.groups.contains_key(*g)).cloned());
        }
        principal
    }

    /// Whose rights the tables being planned are read with.
    fn reader(&self) -> String {
        crate::sync::lock(&self.view_owner).clone().unwrap_or_else(|| self.current_user())
    }

    /// A query (Redshift SQL, one statement) planned in this session: views, and the system views
    /// defined over other system tables.
    pub async fn plan_sql(&self, sql: &str) -> Result<datafusion::logical_expr::LogicalPlan> {
        let context = crate::sync::lock(&self.context).upgrade();
        let Some(context) = context else {
            return Err(Error::internal("session closed while planning a view").into_datafusion());
        };
        let statement = crate::sql::parser::parse_one(sql).map_err(Error::into_datafusion)?;
        context.state().statement_to_plan(datafusion::sql::parser::Statement::Statement(Box::new(statement))).await
    }

    pub fn new(database: &crate::Database, tasks: usize) -> Arc<Self> {
        Arc::new(SnapshotCell {
            database: database.clone(),
            layout: database.layout(),
            state: RwLock::new(database.snapshot()),
            dml_target: Mutex::new(None),
            tasks,
            context: Mutex::new(Weak::new()),
            settings: RwLock::new(BTreeMap::new()),
            queries: Mutex::new((-1, -1)),
            current_user: RwLock::new(String::new()),
            session_groups: RwLock::new((String::new(), vec![])),
            view_owner: Mutex::new(None),
            filtering: Mutex::new(vec![]),
        })
    }
    pub fn set(&self, state: Arc<CatalogState>) {
        *crate::sync::write(&self.state) = state;
    }
    pub fn get(&self) -> Arc<CatalogState> {
        Arc::clone(&crate::sync::read(&self.state))
    }
    pub fn layout(&self) -> ClusterLayout {
        self.layout
    }
    pub fn query_started(&self, query: i32) {
        let mut queries = crate::sync::lock(&self.queries);
        *queries = (query, queries.0);
    }

    /// The session's last query before the one running: Redshift's `pg_last_query_id()`
    /// (-1 before the first).
    pub fn last_query(&self) -> i32 {
        crate::sync::lock(&self.queries).1
    }

    pub fn set_dml_target(&self, target: Option<RelId>) {
        *crate::sync::lock(&self.dml_target) = target;
    }
    pub fn set_context(&self, context: &Arc<SessionContext>) {
        *crate::sync::lock(&self.context) = Arc::downgrade(context);
    }
}

#[derive(Debug)]
pub struct RedwoodCatalog {
    pub cell: Arc<SnapshotCell>,
    /// Schemas computed from the catalog rather than stored in it (`pg_catalog`,
    /// `information_schema`).
    system: RwLock<BTreeMap<String, Arc<dyn SchemaProvider>>>,
}

impl RedwoodCatalog {
    pub fn new(cell: Arc<SnapshotCell>) -> RedwoodCatalog {
        let information_schema: Arc<dyn SchemaProvider> =
            Arc::new(crate::leader::system::InformationSchema { cell: Arc::clone(&cell) });
        let system = BTreeMap::from([("information_schema".to_string(), information_schema)]);
        RedwoodCatalog { cell, system: RwLock::new(system) }
    }
}

impl CatalogProvider for RedwoodCatalog {
    fn schema_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.cell.get().schemas.keys().cloned().collect();
        names.extend(crate::sync::read(&self.system).keys().cloned());
        names
    }
    fn schema(&self, name: &str) -> Option<Arc<dyn SchemaProvider>> {
        if let Some(system) = crate::sync::read(&self.system).get(name) {
            return Some(Arc::clone(system));
        }
        self.cell.get().schemas.contains_key(name).then(|| {
            Arc::new(RedwoodSchema { name: name.to_string(), cell: Arc::clone(&self.cell) }) as Arc<dyn SchemaProvider>
        })
    }
    /// Only system schemas are registered this way; user schemas are created through the catalog.
    /// `pg_catalog` gets Redwood's tables for the user's objects in front of it.
    fn register_schema(&self, name: &str, schema: Arc<dyn SchemaProvider>) -> Result<Option<Arc<dyn SchemaProvider>>> {
        let schema: Arc<dyn SchemaProvider> = if name == "pg_catalog" {
            Arc::new(crate::leader::system::PgCatalog { inner: schema, cell: Arc::clone(&self.cell) })
        } else {
            schema
        };
        Ok(crate::sync::write(&self.system).insert(name.to_string(), schema))
    }
}

#[derive(Debug)]
struct RedwoodSchema {
    name: String,
    cell: Arc<SnapshotCell>,
}

#[async_trait]
impl SchemaProvider for RedwoodSchema {
    fn table_names(&self) -> Vec<String> {
        self.cell.get().relations_in(&self.name).map(|r| r.name.clone()).collect()
    }
    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        let state = self.cell.get();
        let Some(rel) = state.lookup(&QualifiedName { schema: self.name.clone(), name: name.to_string() }) else {
            return Ok(None);
        };
        let principal = self.cell.principal(&state, &self.cell.reader());
        let schema_privileges = state.schemas.get(&self.name).map(|s| state.schema_privileges(&principal, s).0);
        if !schema_privileges.unwrap_or_default().contains(Privileges::USAGE) {
            return Err(denied_schema(&self.name).into_datafusion());
        }
        // UPDATE and DELETE find their rows with a query over the target, which needs only the
        // columns their expressions read, not SELECT on the whole table.
        let locator = *crate::sync::lock(&self.cell.dml_target) == Some(rel.id);
        let readable = readable_columns(&state, &principal, rel);
        if !locator && readable.as_ref().is_some_and(|columns| !columns.contains(&true)) {
            return Err(denied_relation(&rel.name).into_datafusion());
        }
        let filtering = crate::sync::lock(&self.cell.filtering).contains(&rel.id);
        if let Some(filter) = state.row_filter(&principal, rel).filter(|_| !filtering) {
            let plan = self.cell.plan_row_filter(rel, &filter).await?;
            return Ok(Some(Arc::new(ViewTable::new(plan, None))));
        }
        match &rel.kind {
            RelationKind::Table(_) => {
                let mut table = RedwoodTable::new(Arc::clone(rel), self.cell.layout, self.cell.tasks, locator)?;
                // The target of UPDATE/DELETE is read whole to rewrite rows: its statement checks
                // the columns its expressions read (`Session::require_columns_read`).
                table.readable = if locator { None } else { readable };
                Ok(Some(Arc::new(table)))
            }
            RelationKind::View(view) => {
                Ok(Some(Arc::new(ViewTable::new(self.cell.plan_view(view, &rel.owner).await?, Some(view.sql.clone())))))
            }
            RelationKind::External(def) => {
                let schema = state.schemas.get(&rel.schema).and_then(|s| s.external.as_ref());
                let schema = schema.ok_or_else(|| {
                    Error::internal(format!("external table {} outside an external schema", rel.name)).into_datafusion()
                })?;
                let config = self.cell.database.lake_config();
                Ok(Some(Arc::new(crate::leader::spectrum::ExternalTable::new(rel, def, schema, config))))
            }
        }
    }
    fn table_exist(&self, name: &str) -> bool {
        self.cell.get().lookup(&QualifiedName { schema: self.name.clone(), name: name.to_string() }).is_some()
    }
}

/// A table at one snapshot.
#[derive(Debug)]
pub struct RedwoodTable {
    spec: Arc<ScanSpec>,
    /// When only column grants let the reader see the table: which columns (by position) a scan
    /// may read.
    readable: Option<Vec<bool>>,
}

/// Arrow schema of a table as queries see it (column names, types, nullability).
pub fn table_schema(rel: &Relation) -> SchemaRef {
    let table = rel.table().expect("a table");
    Arc::new(Schema::new(
        table.columns.iter().map(|c| Field::new(&c.name, c.sql_type.arrow_type(), !c.not_null)).collect::<Vec<_>>(),
    ))
}

impl RedwoodTable {
    /// What a scan of this table reads.
    pub fn spec(&self) -> Arc<ScanSpec> {
        Arc::clone(&self.spec)
    }

    /// A scan over `tasks` tasks: 1 when this process reads every slice, the node count when
    /// the compute nodes are other processes (each then reads its own slices).
    pub fn new(rel: Arc<Relation>, layout: ClusterLayout, tasks: usize, with_locator: bool) -> Result<Self> {
        let table = rel.table().expect("a table");
        let mut fields: Vec<Field> = table_schema(&rel).fields().iter().map(|f| f.as_ref().clone()).collect();
        if with_locator {
            fields.push(Field::new(SEGMENT_COLUMN, DataType::UInt64, false));
            fields.push(Field::new(ROW_COLUMN, DataType::UInt64, false));
        }
        let sources = table
            .columns
            .iter()
            .map(|c| {
                let data_type = c.sql_type.arrow_type();
                let missing = match &c.missing {
                    Some(text) => ScalarValue::try_from_string(text.clone(), &data_type)?,
                    None => ScalarValue::try_from(&data_type)?,
                };
                Ok(ColumnSource { physical: physical_column_name(c.id), missing })
            })
            .collect::<Result<Vec<_>>>()?;
        let slices = layout.slice_count() as usize;
        let (partitions, distkey, replicated) = match table.distribution.placement() {
            Placement::All => {
                // Each task reads its node's copy; one process reads node 0's.
                let copies = (0..tasks as u32)
                    .map(|node| table.segments.iter().filter(|s| layout.node_of(s.slice) == node).cloned().collect())
                    .collect();
                (copies, None, true)
            }
            placement => {
                let mut parts: Vec<Vec<SegmentRef>> = vec![vec![]; slices];
                for s in &table.segments {
                    parts[s.slice as usize].push(s.clone());
                }
                let key = match placement {
                    Placement::Key(id) => table.columns.iter().position(|c| c.id == id),
                    _ => None,
                };
                (parts, key, false)
            }
        };
        let table_schema = Arc::new(Schema::new(fields));
        let mut statistics = Statistics::new_unknown(&table_schema)
            .with_num_rows(Precision::Exact(table.logical_rows(&layout) as usize));
        // ANALYZE's bounds; inexact, since rows may have changed since.
        for (column, slot) in table.columns.iter().zip(statistics.column_statistics.iter_mut()) {
            let Some(stats) = table.statistics.iter().find(|s| s.column == column.id) else { continue };
            let data_type = column.sql_type.arrow_type();
            let bound = |text: &Option<String>| match text {
                Some(t) => {
                    ScalarValue::try_from_string(t.clone(), &data_type).map_or(Precision::Absent, Precision::Inexact)
                }
                None => Precision::Absent,
            };
            slot.null_count = Precision::Inexact(stats.null_count as usize);
            slot.min_value = bound(&stats.min);
            slot.max_value = bound(&stats.max);
        }
        Ok(RedwoodTable {
            spec: Arc::new(ScanSpec {
                table_name: rel.name.clone(),
                table_schema,
                sources,
                partitions,
                tasks,
                replicated,
                with_locator,
                distkey,
                statistics,
            }),
            readable: None,
        })
    }
}

#[async_trait]
impl TableProvider for RedwoodTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.spec.table_schema)
    }
    fn table_type(&self) -> TableType {
        TableType::Base
    }
    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> Result<Vec<TableProviderFilterPushDown>> {
        // Filters prune row groups by zone maps; DataFusion still applies them to the rows.
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }
    fn statistics(&self) -> Option<Statistics> {
        Some(self.spec.statistics.clone())
    }
    async fn scan(
        &self,
        state: &dyn PlannerSession,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if let Some(readable) = &self.readable {
            let all: Vec<usize> = (0..readable.len()).collect();
            // Row locators (beyond the table's columns) are not data.
            if projection.unwrap_or(&all).iter().any(|&i| i < readable.len() && !readable[i]) {
                return Err(denied_relation(&self.spec.table_name).into_datafusion());
            }
        }
        let pruning = conjunction(filters.iter().cloned()).and_then(|predicate| {
            let schema = DFSchema::try_from(self.spec.table_schema.as_ref().clone()).ok()?;
            let physical =
                create_physical_expr(&predicate, &schema, state.execution_props(), &Default::default()).ok()?;
            PruningPredicateBuilder::new().with_file_schema(Arc::clone(&self.spec.table_schema)).build(physical)
        });
        Ok(Arc::new(SliceScanExec::new(Arc::clone(&self.spec), projection.cloned(), pruning, limit)?))
    }
}
