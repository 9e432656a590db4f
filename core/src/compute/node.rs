//! `redwood compute`: a compute node in its own process. It owns the segment files of its slices
//! (a data directory of its own), runs the plan fragments a leader sends it as a
//! `datafusion-distributed` worker, and stores, serves and deletes segments for that leader
//! through an Arrow Flight service on the same port.
//!
//! A new node belongs to no cluster; the first leader that lists it adopts it (records its
//! cluster id and node position in `node.id`), after which only that cluster can use it.

use crate::compute::codec::RedwoodCodec;
use crate::err;
use crate::error::{Error, Result};
use crate::net::channels::{ClusterTls, NodeChannels};
use crate::net::protocol::{self, action, Count, NodeIdentity, PutSegment, SegmentIds, SegmentKey, SegmentKeys};
use crate::storage::remote::MAX_MESSAGE_BYTES;
use crate::storage::Storage;
use arrow_flight::flight_service_server::{FlightService, FlightServiceServer};
use arrow_flight::{
    Action, ActionType, Criteria, Empty, FlightData, FlightDescriptor, FlightInfo, HandshakeRequest, HandshakeResponse,
    PollInfo, PutResult, SchemaResult, Ticket,
};
use datafusion::execution::SessionState;
use datafusion_distributed::{DistributedExt, Worker, WorkerQueryContext};

use futures::stream::BoxStream;
use futures::StreamExt;
use prost::Message;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tonic::{Request, Response, Status, Streaming};

/// Pieces a segment is sent back in.
const PIECE_BYTES: usize = 8 << 20;
const IDENTITY_FILE: &str = "node.id";

/// One compute node: its storage, identity and the cluster secret its leader must present.
pub struct ComputeNode {
    dir: PathBuf,
    storage: Arc<Storage>,
    identity: Mutex<NodeIdentity>,
    secret: String,
}

impl ComputeNode {
    /// Opens (or creates) a node's data directory. A directory used before keeps its slice count:
    /// `slices` must match it.
    /// Opens (or creates) the node in `dir`; `root_key` opens an encrypted node's keys, and
    /// `encrypt` makes a new node encrypt its files.
    pub fn open(
        dir: &Path,
        slices: u32,
        secret: &str,
        root_key: Option<&crate::storage::encryption::RootKeySource>,
        encrypt: bool,
    ) -> Result<Arc<ComputeNode>> {
        if slices == 0 {
            return Err(err!(INVALID_PARAMETER_VALUE, "a compute node needs at least one slice"));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        let new = !dir.join(IDENTITY_FILE).exists() && !dir.join("slices").exists();
        let keyring = crate::storage::encryption::Keyring::for_directory(dir, root_key, encrypt, new)?;
        let identity = match std::fs::read_to_string(dir.join(IDENTITY_FILE)) {
            Ok(text) => parse_identity(&text)
                .ok_or_else(|| err!(DATA_CORRUPTED, "{} is damaged", dir.join(IDENTITY_FILE).display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => NodeIdentity { slices, ..Default::default() },
            Err(e) => return Err(Error::io(format!("reading {}", dir.join(IDENTITY_FILE).display()), e)),
        };
        if identity.slices != slices {
            return Err(err!(
                INVALID_PARAMETER_VALUE,
                "the compute node in {} was created with {} slices; start it with --slices {}",
                dir.display(),
                identity.slices,
                identity.slices
            ));
        }
        Ok(Arc::new(ComputeNode {
            dir: dir.to_path_buf(),
            storage: Storage::new(Some(dir.to_path_buf()), keyring.map(|k| k.cipher())),
            identity: Mutex::new(identity),
            secret: secret.to_string(),
        }))
    }

    pub fn identity(&self) -> NodeIdentity {
        crate::sync::lock(&self.identity).clone()
    }

    /// Records the cluster that adopts this node; a node already in a cluster only accepts the
    /// same cluster and position again.
    fn join(&self, request: NodeIdentity) -> Result<NodeIdentity> {
        let mut identity = crate::sync::lock(&self.identity);
        if !identity.cluster_id.is_empty() {
            if identity.cluster_id != request.cluster_id {
                return Err(err!(
                    INVALID_PARAMETER_VALUE,
                    "this compute node belongs to cluster {}, not {}",
                    identity.cluster_id,
                    request.cluster_id
                ));
            }
            if identity.node != request.node {
                return Err(err!(
                    INVALID_PARAMETER_VALUE,
                    "this compute node is node {} of its cluster, but was listed as node {}",
                    identity.node,
                    request.node
                ));
            }
            return Ok(identity.clone());
        }
        let joined = NodeIdentity {
            cluster_id: request.cluster_id,
            node: request.node,
            slices: identity.slices,
            ..Default::default()
        };
        let path = self.dir.join(IDENTITY_FILE);
        let text = format!("cluster_id={}\nnode={}\nslices={}\n", joined.cluster_id, joined.node, joined.slices);
        let write = || -> std::io::Result<()> {
            let temporary = path.with_extension("tmp");
            std::fs::write(&temporary, text)?;
            std::fs::File::open(&temporary)?.sync_all()?;
            std::fs::rename(&temporary, &path)?;
            std::fs::File::open(&self.dir)?.sync_all()
        };
        write().map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        *identity = joined.clone();
        Ok(joined)
    }

    /// Checks that a slice a leader names is one of this node's.
    fn own_slice(&self, slice: u32) -> Result<()> {
        let identity = crate::sync::lock(&self.identity);
        if identity.cluster_id.is_empty() || slice / identity.slices != identity.node {
            return Err(err!(INVALID_PARAMETER_VALUE, "slice {slice} is not on this compute node"));
        }
        Ok(())
    }

    fn run_action(&self, kind: &str, body: &[u8]) -> Result<Vec<Vec<u8>>> {
        let decode_error = |e: prost::DecodeError| err!(PROTOCOL_VIOLATION, "bad {kind} request: {e}");
        match kind {
            action::IDENTIFY => {
                let mut identity = self.identity();
                if let Some(space) = crate::storage::DiskSpace::of(&self.dir) {
                    (identity.disk_bytes, identity.disk_free_bytes) = (space.total, space.free);
                }
                Ok(vec![identity.encode_to_vec()])
            }
            action::JOIN => Ok(vec![self.join(NodeIdentity::decode(body).map_err(decode_error)?)?.encode_to_vec()]),
            action::PUT_SEGMENT => {
                let put = PutSegment::decode(body).map_err(decode_error)?;
                let key = put.key.unwrap_or_default();
                self.own_slice(key.slice)?;
                self.storage.put(key.table, key.slice, key.id, put.data)?;
                Ok(vec![])
            }
            action::GET_SEGMENT => {
                let key = SegmentKey::decode(body).map_err(decode_error)?;
                self.own_slice(key.slice)?;
                let file = self.storage.existing(key.table, key.slice, key.id, 0);
                let data = self.storage.read_all(&file)?;
                Ok(data.chunks(PIECE_BYTES).map(|c| c.to_vec()).collect())
            }
            action::REMOVE_SEGMENTS => {
                for key in SegmentKeys::decode(body).map_err(decode_error)?.keys {
                    self.own_slice(key.slice)?;
                    self.storage.remove_file(key.table, key.slice, key.id);
                }
                Ok(vec![])
            }
            action::REMOVE_ORPHANS => {
                let referenced: HashSet<u64> =
                    SegmentIds::decode(body).map_err(decode_error)?.ids.into_iter().collect();
                let count = self.storage.remove_orphans(&referenced)? as u64;
                Ok(vec![Count { count }.encode_to_vec()])
            }
            other => Err(err!(FEATURE_NOT_SUPPORTED, "unknown compute node action \"{other}\"")),
        }
    }

    /// The session a plan fragment runs in: Redwood's scan codec over this node's storage, and
    /// the functions Redwood's plans use.
    async fn worker_session(
        storage: Arc<Storage>,
        secret: String,
        channels: NodeChannels,
        ctx: WorkerQueryContext,
    ) -> datafusion::common::Result<SessionState> {
        let mut builder = ctx
            .builder
            .with_distributed_user_codec(RedwoodCodec::compute(storage))
            .with_distributed_channel_resolver(channels);
        // In addition to DataFusion's own.
        builder.scalar_functions().get_or_insert_default().extend(crate::sql::functions::portable_functions());
        // A stage reads the stage below it from other nodes: with the cluster secret too.
        Ok(protocol::with_cluster_secret(builder, &secret).build())
    }

    /// Serves this node on `listener` over TLS until the process ends.
    pub async fn serve(self: Arc<Self>, listener: tokio::net::TcpListener, tls: ClusterTls) -> Result<()> {
        let storage = Arc::clone(&self.storage);
        let secret = self.secret.clone();
        let server_tls = tls.server_config()?;
        let channels = NodeChannels::new(tls);
        let worker = Worker::from_session_builder(move |ctx: WorkerQueryContext| {
            Self::worker_session(Arc::clone(&storage), secret.clone(), channels.clone(), ctx)
        });
        let secret = self.secret.clone();
        let authenticate = move |request: Request<()>| -> std::result::Result<Request<()>, Status> {
            let given = request.metadata().get(protocol::SECRET_HEADER).and_then(|v| v.to_str().ok());
            match given == Some(secret.as_str()) {
                true => Ok(request),
                false => Err(Status::unauthenticated("wrong or missing cluster secret")),
            }
        };
        let flight = FlightServiceServer::new(NodeService { node: self })
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        let incoming = tokio_stream_from(listener);
        tonic::transport::Server::builder()
            .tls_config(server_tls)
            .map_err(|e| err!(INVALID_PARAMETER_VALUE, "compute node TLS: {e}"))?
            .layer(tonic::service::InterceptorLayer::new(authenticate))
            .add_service(flight)
            .add_service(worker.into_worker_server())
            .serve_with_incoming(incoming)
            .await
            .map_err(|e| err!(IO_ERROR, "compute node server failed: {e}"))
    }
}

fn tokio_stream_from(
    listener: tokio::net::TcpListener,
) -> impl futures::Stream<Item = std::io::Result<tokio::net::TcpStream>> {
    futures::stream::unfold(listener, |listener| async move {
        let accepted = listener.accept().await.map(|(stream, _)| {
            let _ = stream.set_nodelay(true);
            stream
        });
        Some((accepted, listener))
    })
}

fn parse_identity(text: &str) -> Option<NodeIdentity> {
    let mut identity = NodeIdentity::default();
    for line in text.lines() {
        let (key, value) = line.split_once('=')?;
        match key {
            "cluster_id" => identity.cluster_id = value.to_string(),
            "node" => identity.node = value.parse().ok()?,
            "slices" => identity.slices = value.parse().ok()?,
            _ => {}
        }
    }
    (identity.slices > 0).then_some(identity)
}

struct NodeService {
    node: Arc<ComputeNode>,
}

type Reply<T> = std::result::Result<Response<BoxStream<'static, std::result::Result<T, Status>>>, Status>;

fn unsupported<T>() -> std::result::Result<T, Status> {
    Err(Status::unimplemented("compute nodes only answer Redwood's actions"))
}

#[tonic::async_trait]
impl FlightService for NodeService {
    type HandshakeStream = BoxStream<'static, std::result::Result<HandshakeResponse, Status>>;
    type ListFlightsStream = BoxStream<'static, std::result::Result<FlightInfo, Status>>;
    type DoGetStream = BoxStream<'static, std::result::Result<FlightData, Status>>;
    type DoPutStream = BoxStream<'static, std::result::Result<PutResult, Status>>;
    type DoExchangeStream = BoxStream<'static, std::result::Result<FlightData, Status>>;
    type DoActionStream = BoxStream<'static, std::result::Result<arrow_flight::Result, Status>>;
    type ListActionsStream = BoxStream<'static, std::result::Result<ActionType, Status>>;

    async fn handshake(&self, _: Request<Streaming<HandshakeRequest>>) -> Reply<HandshakeResponse> {
        unsupported()
    }
    async fn list_flights(&self, _: Request<Criteria>) -> Reply<FlightInfo> {
        unsupported()
    }
    async fn get_flight_info(&self, _: Request<FlightDescriptor>) -> std::result::Result<Response<FlightInfo>, Status> {
        unsupported()
    }
    async fn poll_flight_info(&self, _: Request<FlightDescriptor>) -> std::result::Result<Response<PollInfo>, Status> {
        unsupported()
    }
    async fn get_schema(&self, _: Request<FlightDescriptor>) -> std::result::Result<Response<SchemaResult>, Status> {
        unsupported()
    }
    async fn do_get(&self, _: Request<Ticket>) -> Reply<FlightData> {
        unsupported()
    }
    async fn do_put(&self, _: Request<Streaming<FlightData>>) -> Reply<PutResult> {
        unsupported()
    }
    async fn do_exchange(&self, _: Request<Streaming<FlightData>>) -> Reply<FlightData> {
        unsupported()
    }

    async fn do_action(&self, request: Request<Action>) -> Reply<arrow_flight::Result> {
        let action = request.into_inner();
        let node = Arc::clone(&self.node);
        // File I/O and fsync: off the async threads.
        let result = tokio::task::spawn_blocking(move || node.run_action(&action.r#type, &action.body))
            .await
            .map_err(|e| Status::internal(format!("compute node action failed: {e}")))?;
        let bodies = result.map_err(|e| protocol::to_status(&e))?;
        let stream =
            futures::stream::iter(bodies.into_iter().map(|body| Ok(arrow_flight::Result { body: body.into() })));
        Ok(Response::new(stream.boxed()))
    }

    async fn list_actions(&self, _: Request<Empty>) -> Reply<ActionType> {
        let actions = [
            action::IDENTIFY,
            action::JOIN,
            action::PUT_SEGMENT,
            action::GET_SEGMENT,
            action::REMOVE_SEGMENTS,
            action::REMOVE_ORPHANS,
        ];
        let stream = futures::stream::iter(
            actions.map(|a| Ok(ActionType { r#type: a.to_string(), description: String::new() })),
        );
        Ok(Response::new(stream.boxed()))
    }
}
