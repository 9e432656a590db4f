//! A sqllogictest driver for Redwood, embedded or through the SQL endpoint.
//!
//! Every `.slt` file gets its own database in a fresh directory. Named connections (`connection
//! a`) are separate sessions on that database, so files can test concurrent transactions. The
//! statement `\restart` closes the database and opens it again from disk, to test persistence.
//! In [`Mode::Endpoint`] the same files run through `redwood serve`'s endpoint with a real
//! PostgreSQL client (tokio-postgres, simple query protocol, text results), so both faces must
//! give identical answers.

use async_trait::async_trait;
use redwood_core::arrow::datatypes::DataType;
use redwood_core::endpoint::{Endpoint, EndpointConfig};
use redwood_core::sql::format::column_to_text;
use redwood_core::{Config, Database, Outcome, Session};
use sqllogictest::{DBOutput, DefaultColumnType};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const ADMIN_USER: &str = "admin";
pub const ADMIN_PASSWORD: &str = "Redwood-test-1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Embedded,
    Endpoint,
    /// A leader in this process with two `redwood compute` processes as its compute nodes.
    Cluster,
}

/// The secret test clusters use.
pub const CLUSTER_SECRET: &str = "redwood-test-cluster";

/// The `redwood` binary built with the tests (`REDWOOD_BIN` overrides).
pub fn redwood_binary() -> PathBuf {
    if let Ok(path) = std::env::var("REDWOOD_BIN") {
        return PathBuf::from(path);
    }
    // target/<profile>/deps/<test> → target/<profile>/redwood
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent().and_then(|deps| deps.parent()).expect("target directory").join("redwood")
}

/// A CA and a certificate it signed for the compute nodes (127.0.0.1 and localhost), as PEM files.
pub struct TestCa {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCa {
    pub fn create(dir: &std::path::Path) -> TestCa {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        std::fs::create_dir_all(dir).expect("certificate directory");
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(vec![]).expect("CA parameters");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca_params, ca_key);
        let node_key = KeyPair::generate().expect("node key");
        let node_params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).expect("node parameters");
        let node_cert = node_params.signed_by(&node_key, &issuer).expect("node certificate");
        let ca = TestCa { ca: dir.join("ca.pem"), cert: dir.join("node.pem"), key: dir.join("node.key") };
        std::fs::write(&ca.ca, ca_cert.pem()).unwrap();
        std::fs::write(&ca.cert, node_cert.pem()).unwrap();
        std::fs::write(&ca.key, node_key.serialize_pem()).unwrap();
        ca
    }

    /// The leader's side: it trusts the CA.
    pub fn cluster_tls(&self) -> redwood_core::compute::channels::ClusterTls {
        redwood_core::compute::channels::ClusterTls::from_files(Some(&self.ca), None, None).expect("cluster CA")
    }
}

/// A `redwood compute` process on a loopback port; killed when dropped.
pub struct ComputeProcess {
    pub address: String,
    pub dir: PathBuf,
    pub slices: u32,
    tls: Option<Arc<TestCa>>,
    child: std::process::Child,
}

impl ComputeProcess {
    /// A plaintext node on a free port.
    pub fn start(dir: PathBuf, slices: u32) -> std::io::Result<ComputeProcess> {
        Self::start_on(dir, slices, "127.0.0.1:0", None)
    }

    /// Starts a node on `listen`, over TLS with the test CA's certificate when given.
    pub fn start_on(dir: PathBuf, slices: u32, listen: &str, tls: Option<Arc<TestCa>>) -> std::io::Result<ComputeProcess> {
        use std::io::BufRead;
        let mut command = std::process::Command::new(redwood_binary());
        command.args(["compute", "--listen", listen, "--slices", &slices.to_string(), "--data"]).arg(&dir);
        if let Some(ca) = &tls {
            command.arg("--tls-cert").arg(&ca.cert).arg("--tls-key").arg(&ca.key).arg("--cluster-ca").arg(&ca.ca);
        }
        let mut child = command
            .env("REDWOOD_CLUSTER_SECRET", CLUSTER_SECRET)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()?;
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        let address = line
            .strip_prefix("redwood compute: listening on ")
            .and_then(|rest| rest.split_whitespace().next())
            .ok_or_else(|| std::io::Error::other(format!("redwood compute did not start: {line:?}")))?
            .to_string();
        Ok(ComputeProcess { address, dir, slices, tls, child })
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the node again where its leader expects it, as it was started.
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.kill();
        *self = Self::start_on(self.dir.clone(), self.slices, &self.address, self.tls.clone())?;
        Ok(())
    }
}

impl Drop for ComputeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The database every connection of one test file uses.
pub struct TestDatabase {
    dir: PathBuf,
    config: Config,
    mode: Mode,
    db: Mutex<Option<Database>>,
    server: Mutex<Option<(SocketAddr, tokio::task::JoinHandle<()>)>>,
    /// The compute node processes of [`Mode::Cluster`].
    compute: Vec<ComputeProcess>,
}

/// An error as the test files see it: SQLSTATE and message.
#[derive(Debug)]
pub struct TestError {
    pub sqlstate: String,
    pub message: String,
}

impl std::fmt::Display for TestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for TestError {}

impl From<redwood_core::Error> for TestError {
    fn from(e: redwood_core::Error) -> Self {
        TestError { sqlstate: e.sqlstate.to_string(), message: e.message }
    }
}

impl From<tokio_postgres::Error> for TestError {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) => TestError { sqlstate: db.code().code().to_string(), message: db.message().to_string() },
            None => TestError { sqlstate: "08006".into(), message: e.to_string() },
        }
    }
}

impl TestDatabase {
    pub async fn open(dir: PathBuf, mut config: Config, mode: Mode) -> Arc<Self> {
        let mut compute = vec![];
        if mode == Mode::Cluster {
            let layout = config.layout.expect("a cluster test names its layout");
            // The cluster's channels run over TLS, as a deployment's should.
            let ca = Arc::new(TestCa::create(&dir.with_extension("tls")));
            for node in 0..layout.nodes {
                let node_dir = dir.with_extension(format!("node{node}"));
                let process = ComputeProcess::start_on(node_dir, layout.slices_per_node, "127.0.0.1:0", Some(Arc::clone(&ca)));
                compute.push(process.expect("start redwood compute"));
            }
            config.cluster_tls = ca.cluster_tls();
            config.compute = compute.iter().map(|c| c.address.clone()).collect();
            config.cluster_secret = CLUSTER_SECRET.to_string();
        }
        let test = Arc::new(TestDatabase { dir, config, mode, db: Mutex::new(None), server: Mutex::new(None), compute });
        test.reopen().await.expect("open test database");
        test
    }

    /// The open database (the leader, in [`Mode::Cluster`]).
    pub fn database(&self) -> Database {
        self.db.lock().unwrap().clone().expect("database open")
    }

    /// The compute node processes of [`Mode::Cluster`], in node order.
    pub fn compute_nodes(&mut self) -> &mut [ComputeProcess] {
        &mut self.compute
    }

    pub async fn connect(self: &Arc<Self>) -> Result<RedwoodDriver, TestError> {
        let connection = match self.mode {
            Mode::Embedded | Mode::Cluster => {
                Connection::Embedded(self.db.lock().unwrap().as_ref().expect("database open").connect())
            }
            Mode::Endpoint => {
                let addr = self.server.lock().unwrap().as_ref().expect("server running").0;
                Connection::Remote(connect(addr).await?)
            }
        };
        Ok(RedwoodDriver { database: Arc::clone(self), connection: Some(connection) })
    }

    /// (Re)opens the database from its directory, and in endpoint mode serves it on a free port.
    pub async fn reopen(&self) -> Result<(), TestError> {
        if let Some((_, task)) = self.server.lock().unwrap().take() {
            task.abort();
        }
        self.db.lock().unwrap().take();
        // Connections of the previous server close asynchronously; its sessions hold the
        // directory lock until they have.
        let mut attempts = 0;
        let db = loop {
            match Database::open(self.dir.to_str().expect("utf-8 path"), self.config.clone()) {
                Ok(db) => break db,
                Err(e) if attempts < 100 && e.message.contains("already open") => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(e.into()),
            }
        };
        if self.mode == Mode::Endpoint {
            if db.snapshot().users.is_empty() {
                redwood_core::leader::users::bootstrap_admin(&mut db.connect(), ADMIN_USER, ADMIN_PASSWORD)?;
            }
            let endpoint = Endpoint::bind(db.clone(), EndpointConfig::new("127.0.0.1:0".parse().unwrap())).await?;
            let addr = endpoint.local_addr();
            let task = tokio::spawn(async move {
                let _ = endpoint.run().await;
            });
            *self.server.lock().unwrap() = Some((addr, task));
        }
        *self.db.lock().unwrap() = Some(db);
        Ok(())
    }
}

/// A tokio-postgres client on the endpoint at `addr`, as the admin user.
pub async fn connect(addr: SocketAddr) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let config = format!(
        "host={} port={} user={ADMIN_USER} password={ADMIN_PASSWORD} dbname=dev",
        addr.ip(),
        addr.port()
    );
    let (client, connection) = tokio_postgres::connect(&config, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

enum Connection {
    Embedded(Session),
    Remote(tokio_postgres::Client),
}

pub struct RedwoodDriver {
    database: Arc<TestDatabase>,
    connection: Option<Connection>,
}

/// A value as the test files spell it.
fn cell(value: Option<&str>) -> String {
    match value {
        None => "NULL".to_string(),
        Some("") => "(empty)".to_string(),
        Some(s) => s.to_string(),
    }
}

#[async_trait]
impl sqllogictest::AsyncDB for RedwoodDriver {
    type Error = TestError;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, Self::Error> {
        if sql.trim() == "\\restart" {
            self.connection = None;
            self.database.reopen().await?;
            self.connection = self.database.connect().await?.connection.take();
            return Ok(DBOutput::StatementComplete(0));
        }
        match self.connection.as_mut().expect("connection open") {
            Connection::Embedded(session) => run_embedded(session, sql).await,
            Connection::Remote(client) => run_remote(client, sql).await,
        }
    }

    async fn shutdown(&mut self) {
        self.connection = None;
    }

    fn engine_name(&self) -> &str {
        "redwood"
    }

    fn error_sql_state(err: &Self::Error) -> Option<String> {
        Some(err.sqlstate.clone())
    }
}

async fn run_embedded(session: &mut Session, sql: &str) -> Result<DBOutput<DefaultColumnType>, TestError> {
    let outcomes = session.execute(sql).await?;
    Ok(match outcomes.into_iter().last() {
        Some(Outcome::Rows { schema, batches }) => {
            let mut rows = vec![];
            for batch in &batches {
                let zone = session.time_zone();
                let columns = batch.columns().iter().map(|c| column_to_text(c, &zone)).collect::<Result<Vec<_>, _>>()?;
                for row in 0..batch.num_rows() {
                    rows.push(columns.iter().map(|c| cell(c[row].as_deref())).collect());
                }
            }
            DBOutput::Rows { types: schema.fields().iter().map(|f| column_type(f.data_type())).collect(), rows }
        }
        Some(Outcome::Command { rows, .. }) => DBOutput::StatementComplete(rows.unwrap_or(0)),
        None => DBOutput::StatementComplete(0),
    })
}

/// The last statement's result, as psql would show it.
async fn run_remote(client: &mut tokio_postgres::Client, sql: &str) -> Result<DBOutput<DefaultColumnType>, TestError> {
    use tokio_postgres::SimpleQueryMessage;
    let mut output = DBOutput::StatementComplete(0);
    let mut rows: Vec<Vec<String>> = vec![];
    let mut width = 0;
    for message in client.simple_query(sql).await? {
        match message {
            SimpleQueryMessage::RowDescription(columns) => {
                rows.clear();
                width = columns.len();
            }
            SimpleQueryMessage::Row(row) => rows.push((0..row.len()).map(|i| cell(row.get(i))).collect()),
            SimpleQueryMessage::CommandComplete(count) => {
                output = if width > 0 {
                    DBOutput::Rows { types: vec![DefaultColumnType::Any; width], rows: std::mem::take(&mut rows) }
                } else {
                    DBOutput::StatementComplete(count)
                };
                width = 0;
            }
            _ => {}
        }
    }
    Ok(output)
}

fn column_type(data_type: &DataType) -> DefaultColumnType {
    match data_type {
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 | DataType::UInt8 | DataType::UInt16
        | DataType::UInt32 | DataType::UInt64 => DefaultColumnType::Integer,
        DataType::Float32 | DataType::Float64 | DataType::Decimal128(..) => DefaultColumnType::FloatingPoint,
        _ => DefaultColumnType::Text,
    }
}
