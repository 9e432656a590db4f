//! The SQL endpoint: Redshift's PostgreSQL-wire interface on pgwire (`redwood serve`).
//!
//! Each connection gets its own [`Session`] (and so its own transaction) once it has
//! authenticated against the users in the catalog (`auth`). Queries run through the same
//! session API as embedded use; results stream out as they are produced (`handler`, `encode`).
//! A CancelRequest on another connection stops the query in progress with 57014.

mod auth;
pub mod encode;
mod handler;
pub mod redshift_api;
mod sigv4;
mod tls;

use crate::catalog::DEFAULT_DATABASE;
use crate::error::{Error, Result};
use crate::leader::audit::ConnectionEvent;
use crate::leader::database::Database;
use crate::leader::session::Session;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// How clients prove who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// SCRAM-SHA-256; md5 for users whose password was given as an md5 hash and for Amazon's
    /// Redshift drivers.
    Scram,
    /// PostgreSQL's md5 challenge, as Redshift uses by default.
    Md5,
    /// The password itself; refused on connections without TLS.
    Password,
}

/// Settings of `redwood serve`.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    pub listen: SocketAddr,
    pub auth: AuthMethod,
    /// Certificate and key (PEM); when absent a self-signed pair is generated (see `tls`).
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Where a generated certificate is kept (the data directory), so it survives restarts.
    pub tls_dir: Option<PathBuf>,
    /// Refuse sessions that did not negotiate TLS (Redshift's `require_ssl`).
    pub require_ssl: bool,
    /// The client networks allowed to connect (a security group's inbound rules); empty: any.
    /// Others are disconnected before their startup message is read.
    pub allowed_clients: Vec<ipnet::IpNet>,
    /// Also serve the Redshift API (temporary credentials) over HTTPS.
    pub api: Option<redshift_api::ApiConfig>,
}

impl EndpointConfig {
    pub fn new(listen: SocketAddr) -> EndpointConfig {
        EndpointConfig {
            listen,
            auth: AuthMethod::Scram,
            tls_cert: None,
            tls_key: None,
            tls_dir: None,
            require_ssl: false,
            allowed_clients: vec![],
            api: None,
        }
    }
}

/// What all connections of one endpoint share.
struct Shared {
    db: Database,
    config: EndpointConfig,
    next_pid: AtomicI32,
    /// Connections by backend pid, for CancelRequest.
    connections: Mutex<HashMap<i32, Arc<ConnectionState>>>,
}

/// One client connection: its session (after authentication) and its cancellation token.
struct ConnectionState {
    session: tokio::sync::Mutex<Option<Session>>,
    pid: AtomicI32,
    secret: Mutex<Vec<u8>>,
    /// Cancelled by a CancelRequest; replaced at the start of each query.
    current_query: Mutex<QueryCancel>,
    /// The authenticated user.
    user: Mutex<String>,
    /// Cancelled by `pg_terminate_backend` to close the connection.
    terminated: CancellationToken,
    /// A `COPY … FROM STDIN` in progress: what it loads and the data received so far.
    copy_in: Mutex<Option<crate::leader::copy_in::CopyIn>>,
    /// The client's address.
    peer: SocketAddr,
    /// When authentication succeeded, and how (for the connection log).
    authenticated: Mutex<Option<(std::time::SystemTime, &'static str)>>,
}

impl ConnectionState {
    fn new(peer: SocketAddr) -> ConnectionState {
        ConnectionState {
            peer,
            authenticated: Mutex::new(None),
            session: tokio::sync::Mutex::new(None),
            pid: AtomicI32::new(0),
            secret: Mutex::new(vec![]),
            current_query: Mutex::new(QueryCancel::default()),
            user: Mutex::new(String::new()),
            terminated: CancellationToken::new(),
            copy_in: Mutex::new(None),
        }
    }

    /// A fresh cancellation for the query about to start, cancelled by the client's
    /// CancelRequest or after `timeout` (`statement_timeout`).
    fn start_query(&self, timeout: Option<std::time::Duration>) -> QueryCancel {
        let query = QueryCancel::default();
        let previous = std::mem::replace(&mut *crate::sync::lock(&self.current_query), query.clone());
        previous.finished.cancel();
        if let Some(timeout) = timeout {
            let timer = query.clone();
            tokio::spawn(async move {
                tokio::select! {
                    _ = tokio::time::sleep(timeout) => {
                        timer.timed_out.store(true, std::sync::atomic::Ordering::Relaxed);
                        timer.token.cancel();
                    }
                    _ = timer.token.cancelled() => {}
                    _ = timer.finished.cancelled() => {}
                }
            });
        }
        query
    }
}

/// How a running query is stopped: by the client (CancelRequest) or by `statement_timeout`.
#[derive(Clone, Default)]
pub(super) struct QueryCancel {
    token: CancellationToken,
    timed_out: Arc<std::sync::atomic::AtomicBool>,
    /// Cancelled when the next query starts: this one's timer is no longer needed.
    finished: CancellationToken,
}

impl QueryCancel {
    pub(super) fn cancel(&self) {
        self.token.cancel();
    }
    pub(super) async fn cancelled(&self) {
        self.token.cancelled().await
    }
    pub(super) fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
    /// 57014, saying why.
    pub(super) fn error(&self) -> crate::error::Error {
        if self.timed_out.load(std::sync::atomic::Ordering::Relaxed) {
            crate::err!(QUERY_CANCELED, "canceling statement due to statement timeout")
        } else {
            crate::err!(QUERY_CANCELED, "canceling statement due to user request")
        }
    }
}

/// A running endpoint.
pub struct Endpoint {
    shared: Arc<Shared>,
    listener: TcpListener,
    tls: Option<pgwire::tokio::TlsAcceptor>,
    api: Option<redshift_api::RedshiftApi>,
}

impl Endpoint {
    /// Binds the listening socket (port 0 picks a free one; see [`Endpoint::local_addr`]).
    pub async fn bind(db: Database, config: EndpointConfig) -> Result<Endpoint> {
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| Error::io(format!("listening on {}", config.listen), e))?;
        let tls = tls::acceptor(&config)?;
        let api = match &config.api {
            Some(api) => Some(
                redshift_api::RedshiftApi::bind(
                    db.clone(),
                    api,
                    listener.local_addr().expect("bound socket"),
                    tls.clone(),
                )
                .await?,
            ),
            None => None,
        };
        let shared = Arc::new(Shared {
            db,
            config,
            next_pid: AtomicI32::new(std::process::id() as i32 % 10_000 * 1000 + 1),
            connections: Mutex::new(HashMap::new()),
        });
        Ok(Endpoint { shared, listener, tls: Some(tls), api })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound socket")
    }

    /// Where the Redshift API listens, when it was asked for.
    pub fn api_addr(&self) -> Option<SocketAddr> {
        self.api.as_ref().map(|api| api.local_addr())
    }

    /// Accepts connections until the process ends; each runs in its own task, so an error or a
    /// panic in one session ends only that connection.
    pub async fn run(mut self) -> Result<()> {
        if let Some(api) = self.api.take() {
            let shared = Arc::clone(&self.shared);
            tokio::spawn(api.run(move |peer| shared.allows(peer)));
        }
        loop {
            let (socket, peer) = match self.listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    continue;
                }
            };
            if !self.shared.allows(peer) {
                let detail = "client address not allowed".to_string();
                self.shared.db.audit().connection(ConnectionEvent { detail, ..ConnectionEvent::new("rejected", peer) });
                tracing::info!("connection from {peer} rejected: not in the allowed client networks");
                continue;
            }
            let _ = socket.set_nodelay(true);
            self.shared.db.audit().connection(ConnectionEvent::new("initiating session", peer));
            let handlers = Arc::new(handler::ConnectionHandlers::new(Arc::clone(&self.shared), peer));
            let terminated = handlers.terminated();
            let tls = self.tls.clone();
            tokio::spawn(async move {
                // Termination first: a statement that arrived meanwhile must not run.
                tokio::select! {
                    biased;
                    // pg_terminate_backend: dropping the connection rolls its session back.
                    _ = terminated.cancelled() => tracing::info!("connection from {peer} terminated"),
                    result = pgwire::tokio::process_socket(socket, tls, handlers) => {
                        if let Err(e) = result {
                            tracing::debug!("connection from {peer} ended: {e}");
                        }
                    }
                }
            });
        }
    }
}

impl Shared {
    /// Whether the allow-list lets `peer` in (IPv4 clients of an IPv6 socket count as IPv4).
    fn allows(&self, peer: SocketAddr) -> bool {
        let allowed = &self.config.allowed_clients;
        let ip = match peer.ip() {
            std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(std::net::IpAddr::V6(v6), std::net::IpAddr::V4),
            v4 => v4,
        };
        allowed.is_empty() || allowed.iter().any(|net| net.contains(&ip))
    }

    fn register(&self, state: &Arc<ConnectionState>, user: &str) -> i32 {
        let pid = self.next_pid.fetch_add(1, Ordering::Relaxed);
        *crate::sync::lock(&state.user) = user.to_string();
        state.pid.store(pid, Ordering::Relaxed);
        crate::sync::lock(&self.connections).insert(pid, Arc::clone(state));
        pid
    }

    fn unregister(&self, pid: i32) {
        crate::sync::lock(&self.connections).remove(&pid);
    }

    /// Open sessions of `user` (for CONNECTION LIMIT).
    fn sessions_of(&self, user: &str) -> usize {
        crate::sync::lock(&self.connections).values().filter(|c| *crate::sync::lock(&c.user) == user).count()
    }

    fn backends(self: &Arc<Self>, pid: i32) -> Arc<dyn crate::leader::session::Backends> {
        Arc::new(EndpointBackends { shared: Arc::downgrade(self), pid })
    }

    fn database_name(&self) -> &str {
        DEFAULT_DATABASE
    }
}

/// The endpoint's connections as a session sees them (`pg_backend_pid`, `pg_cancel_backend`).
#[derive(Debug)]
struct EndpointBackends {
    shared: std::sync::Weak<Shared>,
    pid: i32,
}

impl crate::leader::session::Backends for EndpointBackends {
    fn own_pid(&self) -> i32 {
        self.pid
    }
    fn user_of(&self, pid: i32) -> Option<String> {
        let shared = self.shared.upgrade()?;
        let connection = crate::sync::lock(&shared.connections).get(&pid).cloned()?;
        let user = crate::sync::lock(&connection.user).clone();
        Some(user)
    }
    fn cancel(&self, pid: i32) -> bool {
        self.connection(pid).map(|c| crate::sync::lock(&c.current_query).cancel()).is_some()
    }
    fn terminate(&self, pid: i32) -> bool {
        self.connection(pid).map(|c| c.terminated.cancel()).is_some()
    }
}

impl EndpointBackends {
    fn connection(&self, pid: i32) -> Option<Arc<ConnectionState>> {
        let shared = self.shared.upgrade()?;
        let connection = crate::sync::lock(&shared.connections).get(&pid).cloned();
        connection
    }
}
