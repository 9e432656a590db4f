//! `redwood serve`: the leader behind the SQL endpoint, with in-process compute nodes or with
//! `redwood compute` processes (`--compute`).

use crate::LayoutArgs;
use redwood_core::endpoint::redshift_api::ApiConfig;
use redwood_core::endpoint::{AuthMethod, Endpoint, EndpointConfig};
use redwood_core::{err, Database, Result};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Data directory (created if missing), or :memory: for a database that lasts as long as the server.
    #[arg(long, env = "REDWOOD_DATA", default_value = "redwood-data")]
    data: String,
    /// Address to listen on.
    #[arg(long, env = "REDWOOD_LISTEN", default_value = "127.0.0.1")]
    listen: IpAddr,
    /// Port to listen on (0 picks a free one, printed at start).
    #[arg(long, env = "REDWOOD_PORT", default_value_t = 5439)]
    port: u16,
    /// The first superuser, created when the database has no users yet.
    #[arg(long, env = "REDWOOD_ADMIN_USER", default_value = "admin")]
    admin_user: String,
    /// Password of the first superuser (only used when the database has no users yet).
    #[arg(long, env = "REDWOOD_ADMIN_PASSWORD", hide_env_values = true)]
    admin_password: Option<String>,
    /// How clients authenticate.
    #[arg(long, value_enum, default_value = "scram-sha-256")]
    auth: AuthArg,
    /// TLS certificate (PEM); without it a self-signed one is generated into the data directory.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Refuse connections that do not use TLS.
    #[arg(long)]
    require_ssl: bool,
    /// Accept clients only from this network (CIDR, e.g. 10.0.0.0/16; repeat for several), as
    /// a security group's inbound rules: others are disconnected before they can log in.
    #[arg(long = "allow-client", value_name = "CIDR")]
    allowed_clients: Vec<ipnet::IpNet>,
    /// Also write the audit log to files in this directory (connectionlog, userlog,
    /// useractivitylog, as Redshift's audit logging); the system tables have it either way.
    #[arg(long, value_name = "DIR")]
    audit_log: Option<PathBuf>,
    /// Serve the Redshift API (GetClusterCredentials, DescribeClusters) over HTTPS to the
    /// holders of the access keys in this file (JSON, owner-only; see the README).
    #[arg(long, value_name = "FILE")]
    access_keys: Option<PathBuf>,
    /// Port of the Redshift API (0 picks a free one, printed at start).
    #[arg(long, default_value_t = 5440, requires = "access_keys")]
    api_port: u16,
    /// The cluster's name in the Redshift API (ClusterIdentifier).
    #[arg(long, default_value = "redwood")]
    cluster_identifier: String,
    #[command(flatten)]
    layout: LayoutArgs,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum AuthArg {
    #[value(name = "scram-sha-256")]
    Scram,
    Md5,
    Password,
}

pub async fn run(args: ServeArgs) -> Result<()> {
    let mut config = args.layout.config()?;
    config.audit_dir = args.audit_log;
    let compute = config.compute.clone();
    let db = Database::open(&args.data, config)?;
    if !compute.is_empty() {
        let layout = db.layout();
        println!(
            "redwood serve: {} compute nodes of {} slices: {}",
            layout.nodes,
            layout.slices_per_node,
            compute.join(", ")
        );
    }
    if db.snapshot().users.is_empty() {
        let password = args.admin_password.as_deref().ok_or_else(|| {
            err!(
                INVALID_PARAMETER_VALUE,
                "a new database needs a first user: pass --admin-password (or set REDWOOD_ADMIN_PASSWORD)"
            )
        })?;
        let mut session = db.connect();
        redwood_core::leader::users::bootstrap_admin(&mut session, &args.admin_user.to_ascii_lowercase(), password)?;
    }
    for node in db.node_status() {
        if let Some(problem) = &node.problem {
            eprintln!("redwood serve: compute node {} ({}) is down: {problem}; queries that read its slices fail until it is back", node.node, node.address);
        }
    }
    let mut config = EndpointConfig::new(SocketAddr::new(args.listen, args.port));
    config.auth = match args.auth {
        AuthArg::Scram => AuthMethod::Scram,
        AuthArg::Md5 => AuthMethod::Md5,
        AuthArg::Password => AuthMethod::Password,
    };
    config.tls_cert = args.tls_cert;
    config.tls_key = args.tls_key;
    config.tls_dir = (args.data != redwood_core::MEMORY).then(|| PathBuf::from(&args.data));
    config.require_ssl = args.require_ssl;
    config.allowed_clients = args.allowed_clients;
    config.api = args.access_keys.map(|access_keys| ApiConfig {
        listen: SocketAddr::new(args.listen, args.api_port),
        access_keys,
        cluster_identifier: args.cluster_identifier,
    });
    let endpoint = Endpoint::bind(db, config).await?;
    if let Some(api) = endpoint.api_addr() {
        println!("redwood serve: Redshift API on https://{api}");
    }
    // Tests and scripts read the chosen port from this line (printed last).
    println!("redwood serve: listening on {}", endpoint.local_addr());
    let _ = std::io::stdout().flush();
    tokio::select! {
        result = endpoint.run() => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
