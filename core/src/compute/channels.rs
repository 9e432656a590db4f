//! The channels between a leader and its compute nodes, and between compute nodes: plain HTTP/2,
//! or TLS when the cluster has a CA (`--cluster-ca`) that signed every node's certificate
//! (`redwood compute --tls-cert/--tls-key`). The same settings serve Redwood's own node client
//! ([`crate::storage::remote`]) and `datafusion-distributed`'s worker channels ([`NodeChannels`]).

use crate::err;
use crate::error::{Error, Result};
use async_trait::async_trait;
use datafusion::common::DataFusionError;
use datafusion_distributed::grpc::{create_worker_client, BoxCloneSyncChannel};
use datafusion_distributed::{ChannelResolver, WorkerChannel};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity, ServerTlsConfig};
use url::Url;

/// How long connecting to a node may take before it counts as down.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The cluster's TLS settings: the CA that signed the nodes' certificates (a leader needs only
/// this) and, on a compute node, its own certificate and key.
#[derive(Clone, Default)]
pub struct ClusterTls {
    ca: Option<Certificate>,
    identity: Option<Identity>,
}

impl std::fmt::Debug for ClusterTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClusterTls {{ enabled: {} }}", self.enabled())
    }
}

impl ClusterTls {
    /// Reads PEM files. A node's certificate and key go together and need the CA too (the node
    /// verifies the other nodes it reads from).
    pub fn from_files(ca: Option<&Path>, cert: Option<&Path>, key: Option<&Path>) -> Result<ClusterTls> {
        let read = |path: &Path| std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e));
        let identity = match (cert, key) {
            (Some(cert), Some(key)) => Some(Identity::from_pem(read(cert)?, read(key)?)),
            (None, None) => None,
            _ => return Err(err!(INVALID_PARAMETER_VALUE, "--tls-cert and --tls-key go together")),
        };
        if identity.is_some() && ca.is_none() {
            return Err(err!(
                INVALID_PARAMETER_VALUE,
                "a compute node with --tls-cert needs --cluster-ca: it verifies the other nodes it reads from"
            ));
        }
        Ok(ClusterTls { ca: ca.map(read).transpose()?.map(Certificate::from_pem), identity })
    }

    pub fn enabled(&self) -> bool {
        self.ca.is_some()
    }

    /// `https://host:port` with TLS, `http://host:port` without; `address` is `host:port` or a URL.
    pub fn node_url(&self, address: &str) -> Result<String> {
        let scheme = if self.enabled() { "https" } else { "http" };
        let url = if address.contains("://") { address.to_string() } else { format!("{scheme}://{address}") };
        let parsed =
            Url::parse(&url).map_err(|e| err!(INVALID_PARAMETER_VALUE, "invalid compute node address \"{address}\": {e}"))?;
        if parsed.port().is_none() {
            return Err(err!(INVALID_PARAMETER_VALUE, "compute node address \"{address}\" needs a port (host:port)"));
        }
        if parsed.scheme() != scheme {
            return Err(match self.enabled() {
                true => err!(INVALID_PARAMETER_VALUE, "compute node address \"{address}\": with --cluster-ca the nodes are reached over https"),
                false => err!(INVALID_PARAMETER_VALUE, "compute node address \"{address}\": https needs the CA of the nodes' certificates (--cluster-ca)"),
            });
        }
        Ok(url.trim_end_matches('/').to_string())
    }

    /// An endpoint for a node's URL: connect timeout, keep-alives that notice a lost node within
    /// seconds, and TLS verified against the cluster's CA.
    pub fn endpoint(&self, url: &str) -> Result<Endpoint> {
        let mut endpoint = Endpoint::from_shared(url.to_string())
            .map_err(|e| err!(INVALID_PARAMETER_VALUE, "invalid compute node address \"{url}\": {e}"))?
            .connect_timeout(CONNECT_TIMEOUT)
            .tcp_nodelay(true)
            .tcp_keepalive(Some(Duration::from_secs(10)))
            .http2_keep_alive_interval(Duration::from_secs(2))
            .keep_alive_timeout(Duration::from_secs(3));
        if let Some(ca) = &self.ca {
            endpoint = endpoint
                .tls_config(ClientTlsConfig::new().ca_certificate(ca.clone()))
                .map_err(|e| err!(INVALID_PARAMETER_VALUE, "TLS for compute node {url}: {e}"))?;
        }
        Ok(endpoint)
    }

    /// The server side of a compute node: its certificate, when it has one.
    pub fn server_config(&self) -> Option<ServerTlsConfig> {
        self.identity.clone().map(|identity| ServerTlsConfig::new().identity(identity))
    }
}

/// `datafusion-distributed`'s channels to the compute nodes, one per node for the life of the
/// process, made with the cluster's TLS settings. Lazy channels reconnect by themselves once a
/// lost node is back.
#[derive(Clone, Default)]
pub struct NodeChannels {
    tls: ClusterTls,
    channels: Arc<Mutex<HashMap<Url, BoxCloneSyncChannel>>>,
}

impl std::fmt::Debug for NodeChannels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeChannels {{ {:?} }}", self.tls)
    }
}

impl NodeChannels {
    pub fn new(tls: ClusterTls) -> NodeChannels {
        NodeChannels { tls, channels: Arc::default() }
    }

    pub fn tls(&self) -> &ClusterTls {
        &self.tls
    }

    fn channel(&self, url: &Url) -> Result<BoxCloneSyncChannel> {
        let mut channels = self.channels.lock().unwrap();
        if let Some(channel) = channels.get(url) {
            return Ok(channel.clone());
        }
        let channel = BoxCloneSyncChannel::new(self.tls.endpoint(url.as_str())?.connect_lazy());
        channels.insert(url.clone(), channel.clone());
        Ok(channel)
    }
}

#[async_trait]
impl ChannelResolver for NodeChannels {
    async fn get_worker_client_for_url(&self, url: &Url) -> std::result::Result<Box<dyn WorkerChannel>, DataFusionError> {
        self.channel(url).map(create_worker_client).map_err(Error::into_datafusion)
    }
}
