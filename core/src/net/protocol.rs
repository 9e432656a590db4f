//! What a leader and its compute nodes say to each other besides query plans (which travel in
//! `datafusion-distributed`'s own protocol): Arrow Flight actions that join a node to a cluster
//! and store, read and delete the segment files of its slices. Bodies are protobuf messages.

use crate::error::{sqlstate, Error};
use datafusion::execution::SessionStateBuilder;
use datafusion_distributed::DistributedExt;

/// Arrow Flight action names.
pub mod action {
    /// Body: empty → [`super::NodeIdentity`].
    pub const IDENTIFY: &str = "redwood.identify";
    /// Body: [`super::NodeIdentity`] (cluster and node index) → the node's identity.
    pub const JOIN: &str = "redwood.join";
    /// Body: [`super::PutSegment`] → nothing; the file is durable when the action returns.
    pub const PUT_SEGMENT: &str = "redwood.put_segment";
    /// Body: [`super::SegmentKey`] → the file's bytes, in pieces.
    pub const GET_SEGMENT: &str = "redwood.get_segment";
    /// Body: [`super::SegmentKeys`] → nothing.
    pub const REMOVE_SEGMENTS: &str = "redwood.remove_segments";
    /// Body: [`super::SegmentIds`] (every segment the catalog references) → [`super::Count`] removed.
    pub const REMOVE_ORPHANS: &str = "redwood.remove_orphans";
}

/// The gRPC metadata key that carries the cluster secret on every request to a compute node.
pub const SECRET_HEADER: &str = "x-redwood-cluster-secret";

/// Who a compute node is: the cluster it belongs to (empty until a leader adopts it), its
/// position in that cluster, and how many slices it runs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeIdentity {
    #[prost(string, tag = "1")]
    pub cluster_id: String,
    #[prost(uint32, tag = "2")]
    pub node: u32,
    #[prost(uint32, tag = "3")]
    pub slices: u32,
    /// The file system of the node's data directory: its size and free bytes (in IDENTIFY's
    /// reply; 0 when unknown).
    #[prost(uint64, tag = "4")]
    pub disk_bytes: u64,
    #[prost(uint64, tag = "5")]
    pub disk_free_bytes: u64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct SegmentKey {
    #[prost(uint64, tag = "1")]
    pub table: u64,
    #[prost(uint32, tag = "2")]
    pub slice: u32,
    #[prost(uint64, tag = "3")]
    pub id: u64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PutSegment {
    #[prost(message, optional, tag = "1")]
    pub key: Option<SegmentKey>,
    #[prost(bytes = "vec", tag = "2")]
    pub data: Vec<u8>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct SegmentKeys {
    #[prost(message, repeated, tag = "1")]
    pub keys: Vec<SegmentKey>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct SegmentIds {
    #[prost(uint64, repeated, tag = "1")]
    pub ids: Vec<u64>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Count {
    #[prost(uint64, tag = "1")]
    pub count: u64,
}

/// A compute node's error as a gRPC status: the SQLSTATE travels in the status details.
pub fn to_status(e: &Error) -> tonic::Status {
    let code = match e.sqlstate {
        sqlstate::INVALID_AUTHORIZATION => tonic::Code::Unauthenticated,
        sqlstate::INVALID_PARAMETER_VALUE => tonic::Code::InvalidArgument,
        _ => tonic::Code::Internal,
    };
    tonic::Status::with_details(code, e.message.clone(), e.sqlstate.as_bytes().to_vec().into())
}

/// The error a leader reports for a failed request to compute node `address`.
pub fn from_status(address: &str, status: &tonic::Status) -> Error {
    if let Some(refused) = crate::net::channels::handshake_failure(address, status) {
        return refused;
    }
    if status.code() == tonic::Code::Unauthenticated {
        return Error::new(
            sqlstate::INVALID_AUTHORIZATION,
            format!(
                "compute node {address} refused the cluster secret: start the leader with the nodes' --cluster-secret"
            ),
        );
    }
    if let Ok(state) = std::str::from_utf8(status.details()) {
        if state.len() == 5 {
            return Error::new(leak_sqlstate(state), format!("compute node {address}: {}", status.message()));
        }
    }
    Error::new(
        sqlstate::CONNECTION_FAILURE,
        format!("compute node {address} is unreachable or failed: {}", status.message()),
    )
}

/// SQLSTATEs are `&'static str` throughout; the few a node sends back are the known constants.
fn leak_sqlstate(state: &str) -> &'static str {
    use sqlstate::*;
    [INVALID_AUTHORIZATION, INVALID_PARAMETER_VALUE, IO_ERROR, DATA_CORRUPTED, DISK_FULL, INTERNAL_ERROR]
        .into_iter()
        .find(|s| *s == state)
        .unwrap_or(INTERNAL_ERROR)
}

/// Requests to compute nodes carry the cluster secret (the leader's, and a node's to another).
pub fn with_cluster_secret(builder: SessionStateBuilder, secret: &str) -> SessionStateBuilder {
    let mut headers = http::HeaderMap::new();
    match secret.parse() {
        Ok(value) => {
            headers.insert(SECRET_HEADER, value);
        }
        Err(_) => tracing::warn!("the cluster secret is not printable ASCII; compute nodes will refuse it"),
    }
    match builder.with_distributed_passthrough_headers(headers) {
        Ok(builder) => builder,
        Err(e) => unreachable!("the cluster secret header is not reserved: {e}"),
    }
}
