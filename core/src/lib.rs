//! # Redwood core
//!
//! An Amazon-Redshift-compatible MPP data warehouse engine on Apache DataFusion.
//!
//! ```text
//!  SQL text ──► sql::parser (sqlparser, Redshift dialect + DIST/SORT attributes)
//!                  │
//!                  ▼
//!  leader::Session ── DDL/DML/transactions ──► catalog (snapshot, SQLite store)
//!                  │ queries
//!                  ▼
//!  DataFusion logical plan ──► physical plan over compute::scan::SliceScanExec
//!                  │              (one partition per slice, partitioning = distribution style)
//!                  ▼
//!  storage: per table, per slice, immutable sorted Parquet segments + deletion vectors
//! ```
//!
//! Entry points: [`Database::open`] (`":memory:"` or a directory) and [`Database::connect`] for a
//! [`Session`], whose [`Session::execute`] runs SQL and returns [`Outcome`]s.
//!
//! Modules, lowest layer first (`catalog` and `storage` share one; see `ARCHITECTURE.md` at the
//! repository root for the layer rule, the data flows and the cluster):
//!
//! - [`error`]: the one error type, with a SQLSTATE on every failure a user can see.
//! - [`types`]: Redshift column types and the Arrow types they map to.
//! - [`runtime`]: waiting for async work from synchronous callers (the client API's runtime).
//! - [`sync`]: locks taken one way: a lock poisoned by a panic is recovered, never propagated.
//! - [`net`]: the cluster's network: the leader–compute node protocol and its TLS channels.
//! - [`catalog`]: schemas, tables, distribution, sort keys, segment manifest, users and grants;
//!   immutable snapshots, persisted in SQLite.
//! - [`storage`]: Parquet segments per slice, placement by DISTSTYLE, sort keys, zone maps,
//!   deletion vectors, encryption at rest.
//! - [`sql`]: Redshift SQL: parsing, rewrites, DDL translation, dates and time zones, formatting.
//! - [`load`]: what COPY reads and UNLOAD writes: S3 and local files, text, JSON, Parquet.
//! - [`compute`]: what a slice executes (`SliceScanExec`) and the `redwood compute` node.
//! - [`leader`]: the database and its sessions, transactions, DDL/DML, access control,
//!   distribution-aware planning, system tables.
//! - [`endpoint`]: the PostgreSQL-wire SQL endpoint (`redwood serve`) and the Redshift API.
//! - [`client`]: `Connection`, embedded or remote: the API the C, ODBC, JDBC and Python faces use.
//! - [`layers`]: the layer order, and the test that no module imports a higher layer.

pub mod catalog;
pub mod client;
pub mod compute;
pub mod endpoint;
pub mod error;
pub mod layers;
pub mod leader;
pub mod load;
pub mod net;
pub mod runtime;
pub mod sql;
pub mod storage;
pub mod sync;
pub mod types;

pub use catalog::ClusterLayout;
pub use error::{Error, Result};
pub use leader::database::{Config, Database, MEMORY};
pub use leader::session::{Description, Outcome, Output, Prepared, QueryStream, Session, TransactionStatus};
pub use sql::params::Param;

/// Re-exported so embedders use the same Arrow as the engine.
pub use datafusion::arrow;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    /// A server runs each connection's session, and its statements, on any runtime thread.
    #[test]
    fn sessions_and_statement_futures_are_send() {
        let db = Database::open(MEMORY, Config::default()).unwrap();
        let mut session = db.connect();
        assert_send(&session.execute("SELECT 1"));
        std::thread::spawn(move || drop(session)).join().unwrap();
        assert_send(&db);
    }
}
