//! An embedded connection: a session on a database in this process.

use super::{client_schema, to_client_batch, QueryResult, RowSource, Rows, Statement, StatementKind, Value};
use crate::err;
use crate::error::{Error, Result};
use crate::leader::database::WeakDatabase;
use crate::runtime::{wait_on, CLIENT};
use crate::{Database, Output, Param, Prepared, Session};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

pub(super) struct EmbeddedConnection {
    /// Held across awaits on the client runtime; one statement at a time.
    session: Arc<tokio::sync::Mutex<Session>>,
    cancel: Cancel,
    /// The session's [`Session::result_failure`]: set when reading rows fails.
    result_failure: Arc<AtomicBool>,
}

/// The current query's cancellation: a new token for every statement.
#[derive(Clone, Default)]
pub(super) struct Cancel {
    current: Arc<Mutex<CancellationToken>>,
}

impl Cancel {
    pub(super) fn cancel(&self) {
        crate::sync::lock(&self.current).cancel();
    }

    fn start(&self) -> CancellationToken {
        let token = CancellationToken::new();
        *crate::sync::lock(&self.current) = token.clone();
        token
    }
}

fn cancelled() -> Error {
    err!(QUERY_CANCELED, "canceling statement due to user request")
}

/// Runs `work` on the client runtime until it ends or `token` is cancelled.
fn run<T: Send + 'static>(
    token: CancellationToken,
    work: impl std::future::Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    wait_on(&CLIENT, async move {
        tokio::select! {
            result = work => result,
            _ = token.cancelled() => Err(cancelled()),
        }
    })
}

impl EmbeddedConnection {
    /// Opens `target`: `:memory:` is a new private database each time; a directory already
    /// open in this process is shared (its first opener's configuration holds), as a process
    /// may hold a directory only once.
    pub(super) fn open(target: &str, config: crate::Config) -> Result<EmbeddedConnection> {
        static OPEN: std::sync::LazyLock<Mutex<HashMap<PathBuf, WeakDatabase>>> =
            std::sync::LazyLock::new(Default::default);
        if target == crate::MEMORY {
            return Ok(EmbeddedConnection::new(Self::open_database(target, config)?));
        }
        let path = std::path::absolute(target).map_err(|e| Error::io(format!("resolving {target}"), e))?;
        let key = std::fs::canonicalize(&path).unwrap_or(path);
        // Held while opening, so that two threads opening one directory share it.
        let mut open = crate::sync::lock(&OPEN);
        open.retain(|_, database| database.upgrade().is_some());
        let database = match open.get(&key).and_then(WeakDatabase::upgrade) {
            Some(database) => database,
            None => {
                let database = Self::open_database(target, config)?;
                open.insert(key, database.downgrade());
                database
            }
        };
        Ok(EmbeddedConnection::new(database))
    }

    fn open_database(target: &str, config: crate::Config) -> Result<Database> {
        let target = target.to_string();
        // Opening reaches compute nodes through blocking calls: off the caller's runtime, if any.
        wait_on(&CLIENT, async move { tokio::task::spawn_blocking(move || Database::open(&target, config)).await })
            .map_err(|e| Error::internal(format!("opening the database: {e}")))?
    }

    pub(super) fn new(database: Database) -> EmbeddedConnection {
        let session = database.connect();
        let result_failure = session.result_failure();
        EmbeddedConnection {
            session: Arc::new(tokio::sync::Mutex::new(session)),
            cancel: Cancel::default(),
            result_failure,
        }
    }

    pub(super) fn cancel_handle(&self) -> Cancel {
        self.cancel.clone()
    }

    pub(super) fn execute(&mut self, sql: &str) -> Result<QueryResult> {
        let (session, sql, token) = (Arc::clone(&self.session), sql.to_string(), self.cancel.start());
        let run_token = token.clone();
        let output = run(token, async move {
            let mut session = session.lock().await;
            let statements = session.prepare_batch(&sql)?;
            match statements.len() {
                0 => Ok(Output::Command { tag: "EMPTY".to_string(), rows: None }),
                // One statement streams its rows.
                1 => session.run(&statements[0], &[]).await,
                // Several run as one message does, in one implicit transaction; the last gives the result.
                _ => {
                    let outcome = session.execute(&sql).await?.pop().expect("several outcomes");
                    Ok(match outcome {
                        crate::Outcome::Rows { schema, batches } => {
                            Output::Rows(crate::QueryStream::from_batches(schema, batches))
                        }
                        crate::Outcome::Command { tag, rows } => Output::Command { tag, rows },
                    })
                }
            }
        })?;
        Ok(self.result(output, run_token))
    }

    pub(super) fn prepare(&mut self, sql: &str, types: &[Option<DataType>]) -> Result<Statement> {
        let (session, sql, sql_text, types) =
            (Arc::clone(&self.session), sql.to_string(), sql.to_string(), types.to_vec());
        let (prepared, description) = run(self.cancel.start(), async move {
            let mut session = session.lock().await;
            let prepared =
                session.prepare(&sql)?.ok_or_else(|| err!(SYNTAX_ERROR, "there is no statement to prepare"))?;
            let description = session.describe(&prepared, &types).await?;
            Ok((prepared, description))
        })?;
        Ok(Statement {
            sql: sql_text,
            param_count: description.params.len(),
            param_types: description
                .params
                .iter()
                .map(|t| t.as_ref().map(crate::endpoint::encode::wire_arrow_type))
                .collect(),
            columns: description.columns.map(|schema| client_schema(&schema)),
            inner: StatementKind::Embedded(Box::new(prepared), description.params),
        })
    }

    /// Binds the values as text read as the parameters' described types, as the endpoint does.
    pub(super) fn execute_prepared(
        &mut self,
        prepared: &Prepared,
        types: &[Option<DataType>],
        params: &[Value],
    ) -> Result<QueryResult> {
        let params: Vec<Param> =
            params.iter().zip(types).map(|(v, t)| Param { value: v.to_text(), data_type: t.clone() }).collect();
        let (session, prepared, token) = (Arc::clone(&self.session), prepared.clone(), self.cancel.start());
        let run_token = token.clone();
        let output = run(token, async move { session.lock().await.run(&prepared, &params).await })?;
        Ok(self.result(output, run_token))
    }

    pub(super) fn append(&mut self, table: &str, batches: Vec<RecordBatch>) -> Result<u64> {
        let (session, table) = (Arc::clone(&self.session), table.to_string());
        run(self.cancel.start(), async move { session.lock().await.append(&table, batches) })
    }

    fn result(&self, output: Output, token: CancellationToken) -> QueryResult {
        match output {
            Output::Command { tag, rows } => QueryResult::Command { tag, rows },
            Output::Rows(stream) => {
                let schema = client_schema(&stream.schema);
                let stream = Arc::new(tokio::sync::Mutex::new(stream.batches));
                let rows = EmbeddedRows { stream, token, result_failure: Arc::clone(&self.result_failure) };
                QueryResult::Rows(Rows::new(schema, RowSource::Embedded(rows)))
            }
        }
    }
}

pub(super) struct EmbeddedRows {
    stream: Arc<tokio::sync::Mutex<SendableRecordBatchStream>>,
    /// The query's cancellation (the connection's cancel handle reaches it while it is current).
    token: CancellationToken,
    result_failure: Arc<AtomicBool>,
}

impl EmbeddedRows {
    pub(super) fn next_batch(&mut self, schema: &SchemaRef) -> Result<Option<RecordBatch>> {
        let stream = Arc::clone(&self.stream);
        let next =
            run(self.token.clone(), async move { stream.lock().await.next().await.transpose().map_err(Error::from) })
                .and_then(|batch| batch.map(|batch| to_client_batch(&batch, schema)).transpose());
        if next.is_err() {
            self.result_failure.store(true, Ordering::Relaxed);
        }
        next
    }
}
