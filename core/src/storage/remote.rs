//! A leader's handle on a compute node in another process: joins it to the cluster and stores,
//! reads and deletes its segment files through the node's Arrow Flight service.
//!
//! Storage calls come from synchronous code (the write path); they run on a small runtime of
//! their own so that a caller on any thread, inside or outside an async runtime, can wait for them.

use crate::err;
use crate::error::Result;
use crate::net::channels::ClusterTls;
use crate::net::protocol::{self, action, NodeIdentity, PutSegment, SegmentIds, SegmentKey, SegmentKeys};
use crate::storage::SegmentId;
use arrow_flight::flight_service_client::FlightServiceClient;
use arrow_flight::Action;
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use prost::Message;
use std::collections::HashSet;
use std::future::Future;
use std::sync::LazyLock;
use tonic::transport::Channel;

/// Largest message either side accepts: a segment travels in one (segments are at most a million
/// rows; see `storage::layout::MAX_SEGMENT_ROWS`).
pub const MAX_MESSAGE_BYTES: usize = 1 << 30;
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("redwood-node-client")
        .enable_all()
        .build()
        .expect("node client runtime")
});

/// Runs `future` on the node-client runtime and waits for it from any thread.
fn block_on<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> T {
    crate::runtime::wait_on(&RUNTIME, future)
}

#[derive(Debug)]
pub struct NodeClient {
    /// `http://host:port`, as given to `redwood serve --compute`.
    url: String,
    secret: String,
    client: FlightServiceClient<Channel>,
}

impl NodeClient {
    /// A client for the node at `address` (`host:port` or a URL); connects on first use.
    pub fn new(address: &str, secret: &str, tls: &ClusterTls) -> Result<NodeClient> {
        let url = tls.node_url(address)?;
        let endpoint = tls.endpoint(&url)?;
        let channel = {
            let _guard = RUNTIME.enter();
            endpoint.connect_lazy()
        };
        let client = FlightServiceClient::new(channel)
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        Ok(NodeClient { url, secret: secret.to_string(), client })
    }

    pub fn address(&self) -> &str {
        &self.url
    }

    /// An action request carrying the cluster secret.
    fn request(&self, kind: &'static str, body: Vec<u8>) -> Result<tonic::Request<Action>> {
        let mut request = tonic::Request::new(Action { r#type: kind.to_string(), body: body.into() });
        let secret = self
            .secret
            .parse()
            .map_err(|_| err!(INVALID_PARAMETER_VALUE, "the cluster secret must be printable ASCII"))?;
        request.metadata_mut().insert(protocol::SECRET_HEADER, secret);
        Ok(request)
    }

    /// Runs one action and collects its result bodies.
    fn call(&self, kind: &'static str, body: Vec<u8>) -> Result<Vec<Bytes>> {
        let mut client = self.client.clone();
        let request = self.request(kind, body)?;
        let url = self.url.clone();
        block_on(async move {
            let stream = client.do_action(request).await?.into_inner();
            stream.map_ok(|r| r.body).try_collect::<Vec<Bytes>>().await
        })
        .map_err(|status| protocol::from_status(&url, &status))
    }

    fn call_one<T: Message + Default>(&self, kind: &'static str, body: Vec<u8>) -> Result<T> {
        let bodies = self.call(kind, body)?;
        let first = bodies.into_iter().next().unwrap_or_default();
        T::decode(first).map_err(|e| err!(PROTOCOL_VIOLATION, "compute node {}: bad {kind} reply: {e}", self.url))
    }

    pub fn identify(&self) -> Result<NodeIdentity> {
        self.call_one(action::IDENTIFY, vec![])
    }

    /// Makes a new node part of `cluster_id` as node `node`.
    pub fn join(&self, cluster_id: &str, node: u32) -> Result<NodeIdentity> {
        let body = NodeIdentity { cluster_id: cluster_id.to_string(), node, ..Default::default() }.encode_to_vec();
        self.call_one(action::JOIN, body)
    }

    pub fn put_segment(&self, table: u64, slice: u32, id: SegmentId, data: Vec<u8>) -> Result<()> {
        let body = PutSegment { key: Some(SegmentKey { table, slice, id }), data }.encode_to_vec();
        self.call(action::PUT_SEGMENT, body).map(|_| ())
    }

    pub fn get_segment(&self, table: u64, slice: u32, id: SegmentId) -> Result<Bytes> {
        let pieces = self.call(action::GET_SEGMENT, SegmentKey { table, slice, id }.encode_to_vec())?;
        Ok(match pieces.len() {
            1 => pieces.into_iter().next().expect("one piece"),
            _ => Bytes::from(pieces.concat()),
        })
    }

    /// Deletes an obsolete segment in the background (it runs when the last snapshot using it
    /// goes away); if the node is down, the file is removed as an orphan when the leader next starts.
    pub fn remove_segment_later(&self, table: u64, slice: u32, id: SegmentId) {
        let mut client = self.client.clone();
        let body = SegmentKeys { keys: vec![SegmentKey { table, slice, id }] }.encode_to_vec();
        let Ok(request) = self.request(action::REMOVE_SEGMENTS, body) else { return };
        let url = self.url.clone();
        RUNTIME.spawn(async move {
            let result = async {
                client.do_action(request).await?.into_inner().collect::<Vec<_>>().await;
                Ok::<_, tonic::Status>(())
            };
            if let Err(e) = result.await {
                tracing::warn!("could not remove segment {id} on compute node {url}: {}", e.message());
            }
        });
    }

    pub fn remove_orphans(&self, referenced: &HashSet<SegmentId>) -> Result<usize> {
        let body = SegmentIds { ids: referenced.iter().copied().collect() }.encode_to_vec();
        let count: protocol::Count = self.call_one(action::REMOVE_ORPHANS, body)?;
        Ok(count.count as usize)
    }
}
