//! The DataFusion state every session starts with: its configuration, Redwood's analyzer and
//! physical optimizer rules, the catalog, and the functions Redwood registers (every node's,
//! `portable_functions`, and the system functions). Kept apart from `session.rs`, as DataFusion
//! keeps `SessionState` apart from `SessionContext`: building the state is not running statements.

use crate::catalog::{DEFAULT_DATABASE, DEFAULT_SCHEMA};
use crate::leader::database::Database;
use crate::leader::provider::{RedwoodCatalog, SnapshotCell};
use crate::sql::functions::portable_functions;
use datafusion::execution::context::{SessionConfig, SessionContext};
use std::sync::Arc;

/// A session's DataFusion context, and the snapshot cell its catalog reads from.
pub(super) fn session_context(db: &Database, user: &str) -> (Arc<SessionContext>, Arc<SnapshotCell>) {
    let layout = db.layout();
    // With compute nodes in other processes, a plan is written for one node (one partition
    // per slice of it) and run on each; in one process, one partition per slice of the cluster.
    let tasks = db.compute_nodes().map_or(1, |nodes| nodes.urls.len());
    let partitions = if tasks > 1 { layout.slices_per_node } else { layout.slice_count() };
    let mut config = SessionConfig::new()
        .with_default_catalog_and_schema(DEFAULT_DATABASE, DEFAULT_SCHEMA)
        .with_create_default_catalog_and_schema(false)
        .with_target_partitions(partitions as usize);
    config.options_mut().sql_parser.enable_ident_normalization = true;
    // 0.1 is NUMERIC in Redshift, not DOUBLE PRECISION.
    config.options_mut().sql_parser.parse_float_as_decimal = true;
    // An ORDER BY in a FROM subquery orders the outer rows, as in PostgreSQL and Redshift
    // (drivers' metadata queries rely on it).
    config.options_mut().sql_parser.enable_subquery_sort_elimination = false;
    // Redwood's analyzer rules run before DataFusion's type coercion.
    let mut analyzer_rules: Vec<Arc<dyn datafusion::optimizer::AnalyzerRule + Send + Sync>> =
        vec![Arc::new(crate::sql::literals::UntypedLiterals), Arc::new(crate::sql::timezone::SessionTimeZone)];
    analyzer_rules.extend(datafusion::optimizer::Analyzer::new().rules);
    // pg_catalog's static tables (pg_type, pg_proc, …) and functions come from
    // datafusion-pg-catalog, set up once per process: it decodes about a megabyte of tables.
    let template = pg_catalog_template();
    let mut builder = datafusion::execution::SessionStateBuilder::new_from_existing(template.state.clone())
        .with_config(config)
        .with_catalog_list(Arc::new(datafusion::catalog::MemoryCatalogProviderList::new()))
        .with_analyzer_rules(analyzer_rules)
        .with_physical_optimizer_rule(Arc::new(crate::leader::distribution::CoLocatedJoins));
    if db.is_encrypted() {
        // Nothing may reach the disk unencrypted: no spill files (none spill today, as no
        // memory limit is set; this keeps it so).
        use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
        let runtime = datafusion::execution::runtime_env::RuntimeEnvBuilder::new()
            .with_disk_manager_builder(DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled))
            .build_arc()
            .expect("a runtime without a disk manager");
        builder = builder.with_runtime_env(runtime);
    }
    if let (Some(nodes), true) = (db.compute_nodes(), tasks > 1) {
        builder =
            crate::leader::distribution::on_compute_nodes(builder, nodes, layout.slices_per_node, db.cluster_secret());
    }
    let context = Arc::new(SessionContext::new_with_state(builder.build()));
    let cell = SnapshotCell::new(db, tasks);
    cell.set_context(&context);
    let catalog = Arc::new(RedwoodCatalog::new(Arc::clone(&cell)));
    // Redwood's tables for the user's objects go in front of datafusion-pg-catalog's, which
    // answer the rest (their tables that list the user's objects are all Redwood's).
    if let Some(pg_catalog) = &template.pg_catalog {
        let _ = datafusion::catalog::CatalogProvider::register_schema(
            catalog.as_ref(),
            "pg_catalog",
            Arc::clone(pg_catalog),
        );
    }
    context.register_catalog(DEFAULT_DATABASE, catalog);
    for function in portable_functions() {
        context.register_udf(Arc::unwrap_or_clone(function));
    }
    for function in crate::leader::system::functions(&cell, user) {
        context.register_udf(function);
    }
    for (name, function) in crate::leader::system::table_functions(&cell) {
        context.register_udtf(name, function);
    }
    (context, cell)
}

/// A session state with datafusion-pg-catalog's functions and `pg_catalog` schema, which every
/// session starts from.
struct PgCatalogTemplate {
    state: datafusion::execution::SessionState,
    pg_catalog: Option<Arc<dyn datafusion::catalog::SchemaProvider>>,
}

fn pg_catalog_template() -> &'static PgCatalogTemplate {
    static TEMPLATE: std::sync::OnceLock<PgCatalogTemplate> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let context = SessionContext::new_with_config(
            SessionConfig::new().with_default_catalog_and_schema(DEFAULT_DATABASE, DEFAULT_SCHEMA),
        );
        if let Err(e) = datafusion_pg_catalog::pg_catalog::setup_pg_catalog(
            &context,
            DEFAULT_DATABASE,
            datafusion_pg_catalog::pg_catalog::context::EmptyContextProvider,
        ) {
            tracing::warn!("pg_catalog is unavailable: {e}");
        }
        let pg_catalog = context.catalog(DEFAULT_DATABASE).and_then(|c| c.schema("pg_catalog"));
        PgCatalogTemplate { state: context.state(), pg_catalog }
    })
}
