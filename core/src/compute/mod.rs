//! Compute side: what a slice does with its share of a table ([`scan`]), and the compute node
//! that runs slices in a process of its own ([`node`]): a `datafusion-distributed` worker that
//! decodes Redwood's scans ([`codec`]) and stores segments for its leader ([`crate::net::protocol`]).

pub mod codec;
pub mod first_task;
pub mod node;
pub mod scan;
