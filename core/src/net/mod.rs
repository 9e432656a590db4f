//! The cluster's network, below storage and compute: what a leader and its compute nodes say to
//! each other besides query plans ([`protocol`]) and the TLS channels they say it over
//! ([`channels`]). Storage's node client and the compute node's server both speak it.

pub mod channels;
pub mod protocol;
