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
pub mod transaction;
mod unload;
pub mod users;
