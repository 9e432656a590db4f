//! Tests of Redwood's servers with real clients and processes: the SQL endpoint (`endpoint`),
//! the client API embedded and remote (`client`), and clusters of a leader with `redwood compute`
//! processes (`cluster`).

mod client;
mod cluster;
mod endpoint;
