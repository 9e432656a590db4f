//! The leader: the database handle, sessions, transactions, and the planning glue between
//! Redwood's catalog and DataFusion.

pub mod access;
pub mod audit;
pub mod copy_in;
pub mod credentials;
pub mod cursors;
pub mod database;
mod ddl;
pub mod distribution;
pub mod dml;
pub mod explain;
mod literals;
pub mod load;
mod maintenance;
pub mod origins;
pub mod provider;
pub mod query_log;
pub mod results;
pub mod session;
mod session_state;
pub mod settings;
mod spectrum;
pub mod system;
pub(crate) mod timezone;
pub mod transaction;
mod unload;
pub mod users;

/// The functions that Redwood's plans call and that compute nodes must know by name (planning
/// happens on the leader; a compute node only decodes plan fragments). Functions that read the
/// leader's catalog or session are not among them: steps using them stay on the leader.
pub fn worker_functions() -> Vec<std::sync::Arc<datafusion::logical_expr::ScalarUDF>> {
    let mut functions: Vec<_> = timezone::conversion_functions().into_iter().map(std::sync::Arc::new).collect();
    functions.push(std::sync::Arc::new(session_state::redshift_version()));
    functions
}
