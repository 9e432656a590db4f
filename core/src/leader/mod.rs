//! The leader: the database handle, sessions, transactions, and the planning glue between
//! Redwood's catalog and DataFusion.

pub mod cursors;
pub mod database;
mod ddl;
mod literals;
pub(crate) mod timezone;
mod maintenance;
pub mod origins;
pub mod dml;
pub mod provider;
pub mod session;
pub mod system;
pub mod transaction;
pub mod users;
