//! `redwood`: the SQL shell on an embedded database, the SQL endpoint (`serve`), compute nodes,
//! temporary credentials, and the demo.

mod compute;
mod credentials;
mod demo;
mod serve;
mod shell;

use clap::{Parser, Subcommand};
use redwood_core::storage::encryption::RootKeySource;
use redwood_core::{Config, Database};
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its position in `mi_option_e`, mimalloc.h; the Rust
/// bindings name no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the OS once unused for this long, not after mimalloc's default
/// 10 ms: loads and sorts free and allocate buffers of tens of MB in a loop, and memory handed
/// back at once is paid for again in page faults and zeroing (COPY of Parquet: 3.5 s → 3.1 s,
/// `bench/copy_load.py --formats parquet`).
const ALLOCATOR_PURGE_DELAY_MS: std::ffi::c_long = 5000;

#[derive(Parser)]
#[command(
    name = "redwood",
    version,
    about = "Redwood: a Redshift-compatible data warehouse",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// Database directory (created if missing), or :memory: (the default).
    target: Option<String>,
    /// Run this SQL and exit (may be given several times).
    #[arg(short = 'c', long = "command")]
    commands: Vec<String>,
    /// Run the SQL in this file and exit.
    #[arg(short = 'f', long = "file")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    layout: LayoutArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve a database on the PostgreSQL wire protocol (Redshift's SQL endpoint, port 5439).
    Serve(serve::ServeArgs),
    /// Run a compute node for a leader started with `redwood serve --compute`.
    Compute(compute::ComputeArgs),
    /// Issue temporary credentials (as GetClusterCredentials) for a database user.
    Credentials(credentials::CredentialsArgs),
    /// Build a sample TPC-H database with Redshift distribution and sort keys, and query it.
    Demo {
        /// Where to build it.
        #[arg(default_value = "redwood-demo")]
        dir: PathBuf,
        /// TPC-H scale factor (1 = 6 million lineitem rows).
        #[arg(long, default_value_t = 0.1)]
        scale: f64,
        #[command(flatten)]
        layout: LayoutArgs,
    },
}

/// The cluster: the shape of a database being created (an existing one keeps its own), or the
/// compute node processes it runs on.
#[derive(clap::Args, Clone)]
pub(crate) struct LayoutArgs {
    /// Compute nodes (in-process) of a new database.
    #[arg(long, env = "REDWOOD_NODES", default_value_t = 1)]
    nodes: u32,
    /// Slices per compute node of a new database [default: the number of cores].
    #[arg(long = "slices-per-node", env = "REDWOOD_SLICES_PER_NODE")]
    slices_per_node: Option<u32>,
    /// Compute nodes started with `redwood compute`, in node order (host:port,host:port,…);
    /// without them the compute nodes run in this process.
    #[arg(long, env = "REDWOOD_COMPUTE", value_delimiter = ',')]
    compute: Vec<String>,
    /// The secret the compute nodes were started with.
    #[arg(long, env = "REDWOOD_CLUSTER_SECRET", hide_env_values = true)]
    cluster_secret: Option<String>,
    /// The CA (PEM) that signed the compute nodes' certificates (the nodes run with
    /// --tls-cert/--tls-key/--cluster-ca); without it the channels' TLS is keyed by the cluster secret.
    #[arg(long, env = "REDWOOD_CLUSTER_CA", requires = "compute")]
    cluster_ca: Option<std::path::PathBuf>,
    /// An S3-compatible endpoint for COPY, UNLOAD and external tables (http://host:port for a
    /// local server); AWS_ENDPOINT_URL takes precedence. Credentials come with each statement.
    #[arg(long = "s3-endpoint", env = "REDWOOD_S3_ENDPOINT")]
    s3_endpoint: Option<String>,
    #[command(flatten)]
    encryption: EncryptionArgs,
}

/// Encryption at rest of a new database or node, and the root key of an encrypted one.
#[derive(clap::Args, Clone)]
pub(crate) struct EncryptionArgs {
    /// Encrypt a new database (or node) at rest: AES-256, under the root key given by one of
    /// the options below. An encrypted database needs its root key every time it is opened.
    #[arg(long)]
    encrypt: bool,
    /// File holding the root key (32 bytes, 64 hex digits or base64; mode 600).
    #[arg(long, env = "REDWOOD_ROOT_KEY_FILE", conflicts_with_all = ["root_key_env", "root_key_kms"])]
    root_key_file: Option<std::path::PathBuf>,
    /// Name of the environment variable holding the root key (64 hex digits or base64).
    #[arg(long, conflicts_with = "root_key_kms")]
    root_key_env: Option<String>,
    /// A KMS key (id, ARN or alias/name) that encrypts the cluster key; KMS is reached as the
    /// AWS environment says (AWS_ENDPOINT_URL_KMS or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID…).
    #[arg(long, env = "REDWOOD_ROOT_KEY_KMS")]
    root_key_kms: Option<String>,
}

impl EncryptionArgs {
    /// Whether to encrypt a new database, and the root key of an encrypted one.
    pub(crate) fn root_key(self) -> (bool, Option<RootKeySource>) {
        let source = match (self.root_key_file, self.root_key_env, self.root_key_kms) {
            (Some(file), _, _) => Some(RootKeySource::File(file)),
            (None, Some(var), _) => Some(RootKeySource::Env(var)),
            (None, None, Some(key)) => Some(RootKeySource::Kms(key)),
            (None, None, None) => None,
        };
        (self.encrypt, source)
    }
}

impl LayoutArgs {
    pub(crate) fn config(self) -> redwood_core::Result<Config> {
        let default = redwood_core::ClusterLayout::default();
        let cluster_secret = match (self.compute.is_empty(), self.cluster_secret) {
            (true, _) => String::new(),
            (false, Some(secret)) => secret,
            (false, None) => {
                return Err(redwood_core::err!(
                    INVALID_PARAMETER_VALUE,
                    "--compute needs the compute nodes' --cluster-secret (or REDWOOD_CLUSTER_SECRET)"
                ))
            }
        };
        let (encrypt, root_key) = self.encryption.root_key();
        Ok(Config {
            layout: Some(redwood_core::ClusterLayout {
                nodes: self.nodes.max(1),
                slices_per_node: self.slices_per_node.unwrap_or(default.slices_per_node).max(1),
            }),
            compute: self.compute,
            cluster_secret,
            cluster_tls: self
                .cluster_ca
                .map(|ca| redwood_core::net::channels::ClusterTls::from_files(&ca, None, None))
                .transpose()?,
            lake: redwood_core::load::lake::LakeConfig { s3_endpoint: self.s3_endpoint },
            root_key,
            encrypt,
            audit_dir: None,
        })
    }
}

fn main() -> ExitCode {
    // SAFETY: sets one of mimalloc's documented options, by value, before any thread starts.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, ALLOCATOR_PURGE_DELAY_MS) };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("REDWOOD_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::Serve(args)) => serve::run(args).await.map_err(|e| (e, None)),
            Some(Command::Compute(args)) => compute::run(args).await.map_err(|e| (e, None)),
            Some(Command::Credentials(args)) => credentials::run(args).map_err(|e| (e, None)),
            Some(Command::Demo { dir, scale, layout }) => {
                let config = layout.config().map_err(|e| (e, None))?;
                demo::run(&dir, scale, config).await.map_err(|e| (e, None))
            }
            None => {
                let target = cli.target.unwrap_or_else(|| redwood_core::MEMORY.to_string());
                let config = cli.layout.config().map_err(|e| (e, None))?;
                let db = Database::open(&target, config).map_err(|e| (e, None))?;
                let mut shell = shell::Shell::new(db.connect());
                if cli.commands.is_empty() && cli.files.is_empty() {
                    return shell.interactive(&target).await.map_err(|e| (e, None));
                }
                let mut scripts: Vec<String> = cli.commands.clone();
                for file in &cli.files {
                    let sql = std::fs::read_to_string(file)
                        .map_err(|e| (redwood_core::Error::io(format!("reading {}", file.display()), e), None))?;
                    scripts.push(sql);
                }
                for sql in scripts {
                    shell.run_script(&sql).await.map_err(|e| (e, Some(sql.clone())))?;
                }
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((e, sql)) => {
            shell::print_error(&e, sql.as_deref());
            ExitCode::FAILURE
        }
    }
}
