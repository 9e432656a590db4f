//! `redwood compute`: a compute node in its own process, for a leader started with
//! `redwood serve --compute ADDR,…`.

use redwood_core::compute::node::ComputeNode;
use redwood_core::net::channels::ClusterTls;
use redwood_core::{err, Result};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ComputeArgs {
    /// Address to listen on for the leader and the other compute nodes (port 0 picks a free one).
    #[arg(long, env = "REDWOOD_COMPUTE_LISTEN", default_value = "127.0.0.1:5440")]
    listen: SocketAddr,
    /// The node's data directory (created if missing): the segment files of its slices.
    #[arg(long, env = "REDWOOD_DATA")]
    data: PathBuf,
    /// Slices this node runs [default: the number of cores]; fixed once the node holds data.
    #[arg(long, env = "REDWOOD_SLICES")]
    slices: Option<u32>,
    /// The secret the leader and the other nodes of the cluster present.
    #[arg(long, env = "REDWOOD_CLUSTER_SECRET", hide_env_values = true)]
    cluster_secret: String,
    /// This node's TLS certificate (PEM, signed by --cluster-ca); without an operator's CA the
    /// channels' TLS is keyed by the cluster secret.
    #[arg(long, env = "REDWOOD_TLS_CERT", requires_all = ["tls_key", "cluster_ca"])]
    tls_cert: Option<PathBuf>,
    /// The key of --tls-cert (PEM).
    #[arg(long, env = "REDWOOD_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The CA (PEM) that signed every compute node's certificate.
    #[arg(long, env = "REDWOOD_CLUSTER_CA", requires_all = ["tls_cert", "tls_key"])]
    cluster_ca: Option<PathBuf>,
    #[command(flatten)]
    encryption: crate::EncryptionArgs,
}

pub async fn run(args: ComputeArgs) -> Result<()> {
    let slices = args.slices.unwrap_or_else(|| redwood_core::ClusterLayout::default().slices_per_node);
    let (encrypt, root_key) = args.encryption.root_key();
    let node = ComputeNode::open(&args.data, slices, &args.cluster_secret, root_key.as_ref(), encrypt)?;
    let (tls, transport) = match &args.cluster_ca {
        Some(ca) => {
            (ClusterTls::from_files(ca, args.tls_cert.as_deref(), args.tls_key.as_deref())?, "TLS, the cluster's CA")
        }
        None => (ClusterTls::from_secret(&args.cluster_secret)?, "TLS keyed by the cluster secret"),
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| err!(IO_ERROR, "cannot listen on {}: {e}", args.listen))?;
    let address = listener.local_addr().map_err(|e| err!(IO_ERROR, "{e}"))?;
    let identity = node.identity();
    let membership = match identity.cluster_id.as_str() {
        "" => "not yet in a cluster".to_string(),
        id => format!("node {} of cluster {id}", identity.node),
    };
    // Tests and scripts read the chosen address from this line.
    println!("redwood compute: listening on {address} ({transport}, {} slices, {membership})", identity.slices);
    let _ = std::io::stdout().flush();
    tokio::select! {
        result = node.serve(listener, tls) => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
