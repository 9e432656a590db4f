//! A sqllogictest driver for Redwood, embedded or through the SQL endpoint.
//!
//! Every `.slt` file gets its own database in a fresh directory. Named connections (`connection
//! a`) are separate sessions on that database, so files can test concurrent transactions. The
//! statement `\restart` closes the database and opens it again from disk, to test persistence.
//! In [`Mode::Endpoint`] the same files run through `redwood serve`'s endpoint with a real
//! PostgreSQL client (tokio-postgres, simple query protocol, text results), so both faces must
//! give identical answers. In [`Mode::Client`] every statement runs through the client API
//! (`redwood_core::client`) twice, embedded and remote, on two databases kept in step; the two
//! must give identical Arrow batches (or the same error).

use async_trait::async_trait;
use redwood_core::arrow::array::timezone::Tz;
use redwood_core::arrow::array::RecordBatch;
use redwood_core::arrow::compute::concat_batches;
use redwood_core::arrow::datatypes::DataType;
use redwood_core::client::{self, QueryResult};
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
    /// The client API, embedded on one database and remote on a served twin of it.
    Client,
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
        let node_params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).expect("node parameters");
        let node_cert = node_params.signed_by(&node_key, &issuer).expect("node certificate");
        let ca = TestCa { ca: dir.join("ca.pem"), cert: dir.join("node.pem"), key: dir.join("node.key") };
        std::fs::write(&ca.ca, ca_cert.pem()).unwrap();
        std::fs::write(&ca.cert, node_cert.pem()).unwrap();
        std::fs::write(&ca.key, node_key.serialize_pem()).unwrap();
        ca
    }

    /// The leader's side: it trusts the CA.
    pub fn cluster_tls(&self) -> Option<redwood_core::net::channels::ClusterTls> {
        Some(redwood_core::net::channels::ClusterTls::from_files(&self.ca, None, None).expect("cluster CA"))
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
    /// A node on a free port, its TLS keyed by the cluster secret.
    pub fn start(dir: PathBuf, slices: u32) -> std::io::Result<ComputeProcess> {
        Self::start_on(dir, slices, "127.0.0.1:0", None)
    }

    /// Starts a node on `listen`, with the test CA's certificate when given.
    pub fn start_on(
        dir: PathBuf,
        slices: u32,
        listen: &str,
        tls: Option<Arc<TestCa>>,
    ) -> std::io::Result<ComputeProcess> {
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
    /// The endpoint of [`Mode::Endpoint`] (serving `db`) or [`Mode::Client`] (serving a twin).
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
            for node in 0..layout.nodes {
                let node_dir = dir.with_extension(format!("node{node}"));
                compute.push(ComputeProcess::start(node_dir, layout.slices_per_node).expect("start redwood compute"));
            }
            config.compute = compute.iter().map(|c| c.address.clone()).collect();
            config.cluster_secret = CLUSTER_SECRET.to_string();
        }
        let test =
            Arc::new(TestDatabase { dir, config, mode, db: Mutex::new(None), server: Mutex::new(None), compute });
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
                Connection::Embedded(Box::new(self.db.lock().unwrap().as_ref().expect("database open").connect()))
            }
            Mode::Endpoint => Connection::Remote(connect(self.server_address()).await?),
            Mode::Client => {
                let embedded =
                    client::Connection::from_database(self.db.lock().unwrap().as_ref().expect("database open"));
                let addr = self.server_address();
                let url = format!("redwood://{ADMIN_USER}:{ADMIN_PASSWORD}@{}:{}/dev", addr.ip(), addr.port());
                let remote = tokio::task::spawn_blocking(move || client::Connection::open(&url, Default::default()))
                    .await
                    .expect("connect")?;
                Connection::Client(Box::new(ClientPair { embedded, remote }))
            }
        };
        Ok(RedwoodDriver { database: Arc::clone(self), connection: Some(connection) })
    }

    fn server_address(&self) -> SocketAddr {
        self.server.lock().unwrap().as_ref().expect("server running").0
    }

    /// (Re)opens the database from its directory, and serves it (endpoint mode) or its twin
    /// (client mode) on a free port.
    pub async fn reopen(&self) -> Result<(), TestError> {
        if let Some((_, task)) = self.server.lock().unwrap().take() {
            task.abort();
        }
        self.db.lock().unwrap().take();
        let db = self.open_database(&self.dir).await?;
        let served = match self.mode {
            Mode::Endpoint => Some(db.clone()),
            Mode::Client => Some(self.open_database(&self.dir.with_extension("served")).await?),
            Mode::Embedded | Mode::Cluster => None,
        };
        if let Some(served) = served {
            if served.snapshot().users.is_empty() {
                redwood_core::leader::users::bootstrap_admin(&mut served.connect(), ADMIN_USER, ADMIN_PASSWORD)?;
            }
            let endpoint = Endpoint::bind(served, EndpointConfig::new("127.0.0.1:0".parse().unwrap())).await?;
            let addr = endpoint.local_addr();
            let task = tokio::spawn(async move {
                let _ = endpoint.run().await;
            });
            *self.server.lock().unwrap() = Some((addr, task));
        }
        *self.db.lock().unwrap() = Some(db);
        Ok(())
    }

    async fn open_database(&self, dir: &std::path::Path) -> Result<Database, TestError> {
        // Connections of a previous server close asynchronously; its sessions hold the
        // directory lock until they have.
        let mut attempts = 0;
        loop {
            match Database::open(dir.to_str().expect("utf-8 path"), self.config.clone()) {
                Ok(db) => return Ok(db),
                Err(e) if attempts < 100 && e.message.contains("already open") => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// A tokio-postgres client on the endpoint at `addr`, as the admin user.
pub async fn connect(addr: SocketAddr) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let config =
        format!("host={} port={} user={ADMIN_USER} password={ADMIN_PASSWORD} dbname=dev", addr.ip(), addr.port());
    let (client, connection) = tokio_postgres::connect(&config, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

enum Connection {
    Embedded(Box<Session>),
    Remote(tokio_postgres::Client),
    Client(Box<ClientPair>),
}

/// The client API's two modes, each on its own database; both get every statement.
struct ClientPair {
    embedded: client::Connection,
    remote: client::Connection,
}

pub struct RedwoodDriver {
    database: Arc<TestDatabase>,
    connection: Option<Connection>,
}

/// A value as the test files spell it. A final line break is dropped (an EXPLAIN plan ends with
/// one): a record's expected rows end at the first empty line.
fn cell(value: Option<&str>) -> String {
    match value {
        None => "NULL".to_string(),
        Some("") => "(empty)".to_string(),
        Some(s) => s.strip_suffix('\n').unwrap_or(s).to_string(),
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
            Connection::Client(pair) => tokio::task::block_in_place(|| pair.run(sql)),
        }
    }

    async fn shutdown(&mut self) {
        self.connection = None;
    }

    /// The mode, so that a file can hold records for some modes only (`onlyif cluster`, `skipif
    /// cluster`): an EXPLAIN plan differs between one process and a leader with compute nodes.
    fn engine_name(&self) -> &str {
        match self.database.mode {
            Mode::Embedded => "embedded",
            Mode::Endpoint => "endpoint",
            Mode::Cluster => "cluster",
            Mode::Client => "client",
        }
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
                let columns =
                    batch.columns().iter().map(|c| column_to_text(c, &zone)).collect::<Result<Vec<_>, _>>()?;
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

/// A statement's whole result through the client API.
enum ClientOutcome {
    Rows(RecordBatch),
    Command { tag: String, rows: Option<u64> },
}

impl ClientOutcome {
    fn of(connection: &mut client::Connection, sql: &str) -> redwood_core::Result<ClientOutcome> {
        Ok(match connection.execute(sql)? {
            QueryResult::Command { tag, rows } => ClientOutcome::Command { tag, rows },
            rows => {
                let (schema, batches) = rows.collect()?;
                ClientOutcome::Rows(concat_batches(&schema, &batches)?)
            }
        })
    }
}

/// Statements whose answers differ from run to run (clocks, query ids, logs): their two results
/// must have the same schema, not the same values.
fn is_volatile(sql: &str) -> bool {
    let sql = sql.to_ascii_lowercase();
    [
        "now()",
        "getdate",
        "sysdate",
        "random(",
        "current_timestamp",
        "timeofday",
        "pg_last_query_id",
        "pg_backend_pid",
        "stl_",
        "svl_",
        "stv_",
        "svv_",
    ]
    .iter()
    .any(|word| sql.contains(word))
}

fn utc() -> Tz {
    "UTC".parse().expect("UTC")
}

/// Rows as text, sorted: for comparing results whose order the query leaves open.
fn sorted_rows(batch: &RecordBatch) -> Result<Vec<Vec<Option<String>>>, TestError> {
    let columns = batch.columns().iter().map(|c| column_to_text(c, &utc())).collect::<Result<Vec<_>, _>>()?;
    let mut rows: Vec<Vec<Option<String>>> =
        (0..batch.num_rows()).map(|r| columns.iter().map(|c| c[r].clone()).collect()).collect();
    rows.sort();
    Ok(rows)
}

fn clone_outcome(outcome: &redwood_core::Result<ClientOutcome>) -> redwood_core::Result<ClientOutcome> {
    match outcome {
        Ok(ClientOutcome::Rows(batch)) => Ok(ClientOutcome::Rows(batch.clone())),
        Ok(ClientOutcome::Command { tag, rows }) => Ok(ClientOutcome::Command { tag: tag.clone(), rows: *rows }),
        Err(e) => Err(e.clone()),
    }
}

impl ClientPair {
    /// Runs `sql` in both modes; their results must be identical. An UNLOAD writes files both
    /// databases share, so it runs once (embedded) and its files stand for both.
    fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, TestError> {
        let embedded = ClientOutcome::of(&mut self.embedded, sql);
        let writes_files = sql.trim_start().get(..6).is_some_and(|w| w.eq_ignore_ascii_case("unload"));
        let remote = if writes_files { clone_outcome(&embedded) } else { ClientOutcome::of(&mut self.remote, sql) };
        let differ = |what: String| TestError {
            sqlstate: "XX000".into(),
            message: format!("embedded and remote clients differ on {sql:?}: {what}"),
        };
        match (embedded, remote) {
            // A data exception names the value that failed, which the two databases may meet in
            // different orders; DataFusion's "Did you mean" hint picks among equals at random.
            (Err(e), Err(r))
                if e.sqlstate == r.sqlstate
                    && (e.sqlstate.starts_with("22") || e.message.lines().next() == r.message.lines().next()) =>
            {
                Err(e.into())
            }
            (Err(e), Err(r)) => {
                Err(differ(format!("error {} {:?} vs {} {:?}", e.sqlstate, e.message, r.sqlstate, r.message)))
            }
            (
                Ok(ClientOutcome::Command { tag, rows }),
                Ok(ClientOutcome::Command { tag: remote_tag, rows: remote_rows }),
            ) => {
                // The remote client names tags from the statement (tokio-postgres keeps the
                // server's tag to itself): the COMMIT of a failed block, which the server
                // reports as ROLLBACK, is the one case it cannot know.
                let commit_of_failed_block = tag == "ROLLBACK" && remote_tag == "COMMIT";
                if (&tag, rows) != (&remote_tag, remote_rows) && !commit_of_failed_block {
                    return Err(differ(format!("{tag} ({rows:?} rows) vs {remote_tag} ({remote_rows:?} rows)")));
                }
                Ok(DBOutput::StatementComplete(rows.unwrap_or(0)))
            }
            (Ok(ClientOutcome::Rows(batch)), Ok(ClientOutcome::Rows(remote_batch))) => {
                if batch.schema() != remote_batch.schema() {
                    return Err(differ(format!("schema {:?} vs {:?}", batch.schema(), remote_batch.schema())));
                }
                if batch != remote_batch && !is_volatile(sql) && sorted_rows(&batch)? != sorted_rows(&remote_batch)? {
                    return Err(differ(format!(
                        "rows\n{:?}\nvs\n{:?}",
                        sorted_rows(&batch)?,
                        sorted_rows(&remote_batch)?
                    )));
                }
                self.format(&batch)
            }
            (e, r) => {
                let describe = |outcome: &redwood_core::Result<ClientOutcome>| match outcome {
                    Err(e) => format!("error {} {}", e.sqlstate, e.message),
                    Ok(ClientOutcome::Rows(batch)) => format!("{} rows", batch.num_rows()),
                    Ok(ClientOutcome::Command { tag, .. }) => tag.clone(),
                };
                Err(differ(format!("{} vs {}", describe(&e), describe(&r))))
            }
        }
    }

    /// The rows as the test files spell them, times with a zone shown in the session's zone.
    fn format(&mut self, batch: &RecordBatch) -> Result<DBOutput<DefaultColumnType>, TestError> {
        let has_zone = |t: &DataType| matches!(t, DataType::Timestamp(_, Some(_)));
        let zone: Tz = if batch.schema().fields().iter().any(|f| has_zone(f.data_type())) {
            // On both sides, to keep their query logs alike.
            let _ = ClientOutcome::of(&mut self.remote, "SHOW timezone");
            match ClientOutcome::of(&mut self.embedded, "SHOW timezone")? {
                ClientOutcome::Rows(shown) => {
                    sorted_rows(&shown)?[0][0].as_deref().and_then(|z| z.parse().ok()).unwrap_or_else(utc)
                }
                ClientOutcome::Command { .. } => utc(),
            }
        } else {
            utc()
        };
        let columns = batch.columns().iter().map(|c| column_to_text(c, &zone)).collect::<Result<Vec<_>, _>>()?;
        let rows = (0..batch.num_rows()).map(|r| columns.iter().map(|c| cell(c[r].as_deref())).collect()).collect();
        Ok(DBOutput::Rows { types: batch.schema().fields().iter().map(|f| column_type(f.data_type())).collect(), rows })
    }
}

fn column_type(data_type: &DataType) -> DefaultColumnType {
    match data_type {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => DefaultColumnType::Integer,
        DataType::Float32 | DataType::Float64 | DataType::Decimal128(..) => DefaultColumnType::FloatingPoint,
        _ => DefaultColumnType::Text,
    }
}
