//! The channels between a leader and its compute nodes, and between compute nodes: always TLS.
//!
//! By default the TLS is keyed by the cluster secret (mutual TLS without certificates to manage):
//! every process derives the same CA key from the secret, makes itself a certificate signed by it,
//! and trusts only certificates signed by it. A leader and a node thus prove to each other that
//! they know the secret without sending it, and a client without it cannot complete a handshake.
//! An operator with a PKI instead gives the CA that signed every node's certificate
//! (`--cluster-ca`, `redwood compute --tls-cert/--tls-key`); the nodes then check the secret each
//! request carries. The same settings serve Redwood's own node client ([`crate::storage::remote`])
//! and `datafusion-distributed`'s worker channels ([`NodeChannels`]).

use crate::err;
use crate::error::{Error, Result};
use async_trait::async_trait;
use datafusion::common::DataFusionError;
use datafusion_distributed::grpc::{create_worker_client, BoxCloneSyncChannel};
use datafusion_distributed::{ChannelResolver, WorkerChannel};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity, ServerTlsConfig};
use url::Url;

/// How long connecting to a node may take before it counts as down.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The name in the certificates keyed by the cluster secret: the nodes are verified as members of
/// the cluster, whatever address they are reached at.
const KEYED_NODE_NAME: &str = "redwood-compute";
/// PBKDF2 rounds from the cluster secret to the CA key: a certificate seen on the network lets
/// anyone test guesses of the secret offline, so each guess is made expensive.
const KEY_DERIVATION_ROUNDS: u32 = 100_000;
const KEY_DERIVATION_SALT: &[u8] = b"redwood cluster CA v1";

/// The cluster's TLS settings.
#[derive(Clone)]
pub struct ClusterTls {
    /// Trusted for the nodes' certificates (and, keyed by the secret, for the leader's too).
    ca: Certificate,
    /// This process's certificate: a node's server certificate; keyed by the secret, also the
    /// client certificate every process presents.
    identity: Option<Identity>,
    /// Keyed by the cluster secret (rather than an operator's CA).
    keyed: bool,
}

impl std::fmt::Debug for ClusterTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys = if self.keyed { "keyed by the cluster secret" } else { "the operator's CA" };
        write!(f, "ClusterTls {{ {keys} }}")
    }
}

impl ClusterTls {
    /// Mutual TLS keyed by the cluster secret: a CA key derived from it, and a fresh certificate
    /// for this process signed by that key.
    pub fn from_secret(secret: &str) -> Result<ClusterTls> {
        use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair};
        let failed = |e: rcgen::Error| err!(INTERNAL_ERROR, "making the cluster's TLS certificates: {e}");
        if secret.is_empty() {
            return Err(err!(INVALID_PARAMETER_VALUE, "the cluster secret must not be empty"));
        }
        let mut seed = [0u8; 32];
        let rounds = NonZeroU32::new(KEY_DERIVATION_ROUNDS).expect("rounds");
        ring::pbkdf2::derive(
            ring::pbkdf2::PBKDF2_HMAC_SHA256,
            rounds,
            KEY_DERIVATION_SALT,
            secret.as_bytes(),
            &mut seed,
        );
        let ca_key =
            KeyPair::try_from(&tokio_rustls::rustls::pki_types::PrivatePkcs8KeyDer::from(ed25519_pkcs8(&seed)))
                .map_err(failed)?;
        let mut ca_params = CertificateParams::new(vec![]).map_err(failed)?;
        ca_params.distinguished_name.push(DnType::CommonName, "Redwood cluster CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).map_err(failed)?;

        let key = KeyPair::generate().map_err(failed)?;
        let mut params = CertificateParams::new(vec![KEYED_NODE_NAME.to_string()]).map_err(failed)?;
        params.distinguished_name.push(DnType::CommonName, KEYED_NODE_NAME);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
        let certificate = params.signed_by(&key, &Issuer::new(ca_params, ca_key)).map_err(failed)?;
        Ok(ClusterTls {
            ca: Certificate::from_pem(ca.pem()),
            identity: Some(Identity::from_pem(certificate.pem(), key.serialize_pem())),
            keyed: true,
        })
    }

    /// The operator's PKI, from PEM files: the CA that signed the nodes' certificates (a leader
    /// needs only this) and, on a compute node, its own certificate and key.
    pub fn from_files(ca: &Path, cert: Option<&Path>, key: Option<&Path>) -> Result<ClusterTls> {
        let read = |path: &Path| std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e));
        let identity = match (cert, key) {
            (Some(cert), Some(key)) => Some(Identity::from_pem(read(cert)?, read(key)?)),
            (None, None) => None,
            _ => return Err(err!(INVALID_PARAMETER_VALUE, "--tls-cert and --tls-key go together")),
        };
        Ok(ClusterTls { ca: Certificate::from_pem(read(ca)?), identity, keyed: false })
    }

    /// `https://host:port`; `address` is `host:port` or an https URL.
    pub fn node_url(&self, address: &str) -> Result<String> {
        let url = if address.contains("://") { address.to_string() } else { format!("https://{address}") };
        let parsed = Url::parse(&url)
            .map_err(|e| err!(INVALID_PARAMETER_VALUE, "invalid compute node address \"{address}\": {e}"))?;
        if parsed.port().is_none() {
            return Err(err!(INVALID_PARAMETER_VALUE, "compute node address \"{address}\" needs a port (host:port)"));
        }
        if parsed.scheme() != "https" {
            return Err(err!(INVALID_PARAMETER_VALUE, "compute node address \"{address}\": compute nodes are reached over TLS (host:port or https://host:port)"));
        }
        Ok(url.trim_end_matches('/').to_string())
    }

    /// An endpoint for a node's URL: connect timeout, keep-alives that notice a lost node within
    /// seconds, and TLS verified against the cluster's CA.
    pub fn endpoint(&self, url: &str) -> Result<Endpoint> {
        let mut tls = ClientTlsConfig::new().ca_certificate(self.ca.clone());
        if self.keyed {
            tls = tls.domain_name(KEYED_NODE_NAME);
        }
        if let Some(identity) = &self.identity {
            tls = tls.identity(identity.clone());
        }
        Endpoint::from_shared(url.to_string())
            .map_err(|e| err!(INVALID_PARAMETER_VALUE, "invalid compute node address \"{url}\": {e}"))?
            .connect_timeout(CONNECT_TIMEOUT)
            .tcp_nodelay(true)
            .tcp_keepalive(Some(Duration::from_secs(10)))
            .http2_keep_alive_interval(Duration::from_secs(2))
            .keep_alive_timeout(Duration::from_secs(3))
            .tls_config(tls)
            .map_err(|e| err!(INVALID_PARAMETER_VALUE, "TLS for compute node {url}: {e}"))
    }

    /// The server side of a compute node: its certificate and, keyed by the secret, the client
    /// certificates it requires.
    pub fn server_config(&self) -> Result<ServerTlsConfig> {
        let identity = self.identity.clone().ok_or_else(|| {
            err!(
                INVALID_PARAMETER_VALUE,
                "a compute node with --cluster-ca needs its certificate (--tls-cert/--tls-key)"
            )
        })?;
        let config = ServerTlsConfig::new().identity(identity);
        Ok(if self.keyed { config.client_ca_root(self.ca.clone()) } else { config })
    }
}

/// The PKCS#8 (v1) document of the Ed25519 key with `seed` (RFC 8410): a fixed prefix, then the seed.
fn ed25519_pkcs8(seed: &[u8; 32]) -> Vec<u8> {
    const PREFIX: [u8; 16] =
        [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
    [PREFIX.as_slice(), seed].concat()
}

/// What a failed TLS handshake with compute node `address` means to whoever started the leader.
pub fn handshake_failure(address: &str, source: &(dyn std::error::Error + 'static)) -> Option<Error> {
    let mut next = Some(source);
    while let Some(error) = next {
        let tls = error.downcast_ref::<tokio_rustls::rustls::Error>().or_else(|| {
            error
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|e| e.downcast_ref::<tokio_rustls::rustls::Error>())
        });
        if let Some(tls) = tls {
            return Some(err!(
                INVALID_AUTHORIZATION,
                "compute node {address} failed the TLS handshake ({tls}): the leader and its nodes need the same --cluster-secret (or, with --cluster-ca, certificates that CA signed)"
            ));
        }
        next = error.source();
    }
    None
}

/// `datafusion-distributed`'s channels to the compute nodes, one per node for the life of the
/// process, made with the cluster's TLS settings. Lazy channels reconnect by themselves once a
/// lost node is back.
#[derive(Clone)]
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

    fn channel(&self, url: &Url) -> Result<BoxCloneSyncChannel> {
        let mut channels = crate::sync::lock(&self.channels);
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
    async fn get_worker_client_for_url(
        &self,
        url: &Url,
    ) -> std::result::Result<Box<dyn WorkerChannel>, DataFusionError> {
        self.channel(url).map(create_worker_client).map_err(Error::into_datafusion)
    }
}
