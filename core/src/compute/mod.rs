//! Compute side: what a slice does with its share of a table. Today compute nodes run inside the
//! leader's process and each slice is one partition of a scan; the multi-process cluster will run
//! the same scan inside `redwood compute` workers.

pub mod scan;
