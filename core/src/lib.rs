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
//! Modules own one layer each: [`catalog`] (schemas, tables, distribution, sort keys, segment
//! manifest; persisted), [`storage`] (segments, zone maps, encodings, placement on slices),
//! [`sql`] (Redshift parsing, DDL translation, value formatting), [`leader`] (sessions,
//! transactions, planning glue), [`compute`] (what a slice executes).

pub mod catalog;
pub mod client;
pub mod compute;
pub mod endpoint;
pub mod error;
pub mod leader;
pub mod load;
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
