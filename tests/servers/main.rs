//! Tests of Redwood's servers with real clients and processes: the SQL endpoint (`endpoint`) and
//! clusters of a leader with `redwood compute` processes (`cluster`).

mod cluster;
mod endpoint;
