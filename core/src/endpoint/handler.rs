//! Simple and extended query protocol over a connection's [`Session`].
//!
//! Statements are parsed once per Parse message ([`Prepared`]); Bind values are decoded to text
//! and bound into the syntax tree (`sql::params`). Rows stream to the client batch by batch, and
//! pgwire's portals suspend them at Execute's row limit (JDBC fetch size). The transaction status
//! in ReadyForQuery follows the session: BEGIN starts a block, COMMIT/ROLLBACK (and statements
//! that commit, like TRUNCATE) end it, an error fails it.

use super::auth::Authenticator;
use super::encode::{arrow_type, binary_param_to_text, encode_batch, fields, pg_type, to_pgwire};
use super::{ConnectionState, QueryCancel, Shared};
use crate::err;
use crate::error::{Error, Result};
use crate::leader::results::{Output, Prepared, QueryStream, TransactionStatus};
use crate::leader::session::Session;
use crate::sql::copy::{CopyOptions, CopyPlan};
use crate::sql::params::Param;
use async_trait::async_trait;
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::DataType;
use futures::{stream, Sink, SinkExt, Stream, StreamExt};
use pgwire::api::cancel::CancelHandler;
use pgwire::api::copy::CopyHandler;
use pgwire::api::portal::{Format, Portal};
use pgwire::api::query::{send_describe_response, ExtendedQueryHandler, SimpleQueryHandler};
use pgwire::api::results::{
    CopyResponse, DescribePortalResponse, DescribeStatementResponse, FieldFormat, FieldInfo, QueryResponse, Response,
    Tag,
};
use pgwire::api::stmt::{QueryParser, StoredStatement};
use pgwire::api::store::{Entry, PortalStore};
use pgwire::api::ClientPortalStore;
use pgwire::api::{ClientInfo, PgWireServerHandlers, Type};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::cancel::CancelRequest;
use pgwire::messages::copy::{CopyData, CopyDone, CopyFail};
use pgwire::messages::data::{NoData, ParameterDescription};
use pgwire::messages::extendedquery::{Describe, TARGET_TYPE_BYTE_PORTAL, TARGET_TYPE_BYTE_STATEMENT};
use pgwire::messages::response::NoticeResponse;
use pgwire::messages::simplequery::Query;
use pgwire::messages::PgWireBackendMessage;
use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The handlers pgwire asks for, one set per connection.
pub(super) struct ConnectionHandlers {
    shared: Arc<Shared>,
    connection: Arc<ConnectionState>,
    authenticator: Arc<Authenticator>,
    queries: Arc<QueryHandler>,
    cancels: Arc<CancelRequests>,
}

impl ConnectionHandlers {
    pub(super) fn new(shared: Arc<Shared>, peer: std::net::SocketAddr) -> ConnectionHandlers {
        let connection = Arc::new(ConnectionState::new(peer));
        ConnectionHandlers {
            authenticator: Arc::new(Authenticator::new(Arc::clone(&shared), Arc::clone(&connection))),
            queries: Arc::new(QueryHandler {
                connection: Arc::clone(&connection),
                parser: Arc::new(StatementParser { connection: Arc::clone(&connection) }),
            }),
            cancels: Arc::new(CancelRequests { shared: Arc::clone(&shared) }),
            shared,
            connection,
        }
    }
}

impl ConnectionHandlers {
    /// Cancelled by `pg_terminate_backend`: the connection is closed.
    pub(super) fn terminated(&self) -> tokio_util::sync::CancellationToken {
        self.connection.terminated.clone()
    }
}

impl Drop for ConnectionHandlers {
    /// The connection is gone: its session (and any open transaction, rolled back) with it.
    fn drop(&mut self) {
        let pid = self.connection.pid.load(Ordering::Relaxed);
        self.shared.unregister(pid);
        if let Some((since, method)) = *crate::sync::lock(&self.connection.authenticated) {
            let user = crate::sync::lock(&self.connection.user).clone();
            let lasted = since.elapsed().unwrap_or_default().as_micros() as i64;
            self.shared.db.audit().connection(crate::leader::audit::ConnectionEvent {
                pid,
                user,
                method: method.to_string(),
                duration_us: lasted,
                ..crate::leader::audit::ConnectionEvent::new("disconnecting session", self.connection.peer)
            });
        }
    }
}

impl PgWireServerHandlers for ConnectionHandlers {
    fn simple_query_handler(&self) -> Arc<impl SimpleQueryHandler> {
        Arc::clone(&self.queries)
    }
    fn extended_query_handler(&self) -> Arc<impl ExtendedQueryHandler> {
        Arc::clone(&self.queries)
    }
    fn startup_handler(&self) -> Arc<impl pgwire::api::auth::StartupHandler> {
        Arc::clone(&self.authenticator)
    }
    fn cancel_handler(&self) -> Arc<impl CancelHandler> {
        Arc::clone(&self.cancels)
    }
    fn copy_handler(&self) -> Arc<impl CopyHandler> {
        Arc::clone(&self.queries)
    }
}

/// CancelRequest: stops the query in progress on the connection with that pid and secret.
pub(super) struct CancelRequests {
    shared: Arc<Shared>,
}

#[async_trait]
impl CancelHandler for CancelRequests {
    async fn on_cancel_request(&self, request: CancelRequest) {
        let target = crate::sync::lock(&self.shared.connections).get(&request.pid).cloned();
        if let Some(connection) = target {
            if *crate::sync::lock(&connection.secret) == request.secret_key.to_bytes().to_vec() {
                crate::sync::lock(&connection.current_query).cancel();
            }
        }
    }
}

/// A statement from a Parse message, with the parameter types the client declared.
#[derive(Debug, Clone)]
pub(super) struct ParsedStatement {
    prepared: Prepared,
    declared: Vec<Option<Type>>,
    /// The parameter types the statement implies, found at the first Describe or Bind that
    /// needs them (psqlODBC declares none and sends every value as text).
    inferred: std::sync::OnceLock<Vec<Option<DataType>>>,
}

impl ParsedStatement {
    /// The declared parameter types as the engine binds them (`None`: not declared or unknown).
    fn declared_types(&self) -> Vec<Option<DataType>> {
        self.declared.iter().map(|t| t.as_ref().and_then(arrow_type)).collect()
    }

    /// The declared type of parameter `i`, else the one the statement implies, else text.
    fn wire_type(&self, inferred: &[Option<DataType>], i: usize) -> Type {
        match self.declared.get(i).cloned().flatten().filter(|t| *t != Type::UNKNOWN) {
            Some(t) => t,
            None => inferred.get(i).cloned().flatten().map(|t| pg_type(&t)).unwrap_or(Type::TEXT),
        }
    }
}

pub(super) struct StatementParser {
    connection: Arc<ConnectionState>,
}

#[async_trait]
impl QueryParser for StatementParser {
    type Statement = ParsedStatement;

    async fn parse_sql<C>(
        &self,
        _client: &C,
        sql: &str,
        types: &[Option<Type>],
    ) -> PgWireResult<Option<ParsedStatement>>
    where
        C: ClientInfo + Unpin + Send + Sync,
    {
        let mut guard = self.connection.session.lock().await;
        let session = active(&mut guard)?;
        let prepared = session.prepare(sql).map_err(to_pgwire)?;
        Ok(prepared.map(|prepared| ParsedStatement {
            prepared,
            declared: types.to_vec(),
            inferred: Default::default(),
        }))
    }

    fn get_parameter_types(&self, _statement: &ParsedStatement) -> PgWireResult<Vec<Type>> {
        Ok(vec![])
    }

    fn get_result_schema(
        &self,
        _statement: &ParsedStatement,
        _format: Option<&Format>,
    ) -> PgWireResult<Vec<FieldInfo>> {
        Ok(vec![])
    }
}

pub(super) struct QueryHandler {
    connection: Arc<ConnectionState>,
    parser: Arc<StatementParser>,
}

fn active(guard: &mut Option<Session>) -> PgWireResult<&mut Session> {
    guard.as_mut().ok_or(PgWireError::NotReadyForQuery)
}

impl QueryHandler {
    /// Runs one statement, stopping it if the client cancels, and turns its result into a
    /// response. Rows are not read yet: the response streams them.
    async fn run<C>(
        &self,
        client: &mut C,
        session: &mut Session,
        statement: &Prepared,
        params: &[Param],
        formats: Format,
        materialize: bool,
    ) -> Result<Response>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
    {
        if let Some(plan) = statement.copy_plan()? {
            return self.start_copy(session, plan).await;
        }
        let before = session.transaction_status();
        let token = self.connection.start_query(session.statement_timeout());
        let result = tokio::select! {
            result = session.run(statement, params) => result,
            _ = token.cancelled() => Err(token.error()),
        };
        if token.is_cancelled() {
            session.abandon_statement();
        }
        send_notices(client, session).await;
        let after = session.transaction_status();
        Ok(match result? {
            Output::Rows(stream) => {
                let stream = if materialize {
                    tokio::select! {
                        result = session.materialize(stream) => result?,
                        _ = token.cancelled() => {
                            session.abandon_statement();
                            return Err(token.error());
                        }
                    }
                } else {
                    stream
                };
                let fields = Arc::new(fields(&stream.schema, |i| formats.format_for(i)));
                let formats: Vec<FieldFormat> = fields.iter().map(|f| f.format()).collect();
                let zone = session.time_zone();
                let rows = batch_stream(stream, token, session.result_failure(), move |batch| {
                    encode_batch(batch, &formats, &zone)
                });
                Response::Query(QueryResponse::new(fields, rows))
            }
            Output::Command { tag, .. } => {
                let tag = Tag::new(&tag);
                match (before, after) {
                    (TransactionStatus::Idle, TransactionStatus::InTransaction) => Response::TransactionStart(tag),
                    (TransactionStatus::InTransaction | TransactionStatus::Failed, TransactionStatus::Idle) => {
                        Response::TransactionEnd(tag)
                    }
                    _ => Response::Execution(tag),
                }
            }
        })
    }
}

/// A result's messages (DataRow, or CopyData for COPY TO STDOUT), encoded batch by batch; a
/// cancel or an error ends the stream with an error (and fails an open transaction block
/// before the next statement).
fn batch_stream<T: Send + 'static>(
    stream: QueryStream,
    token: QueryCancel,
    failed: Arc<AtomicBool>,
    encode: impl Fn(&RecordBatch) -> Result<Vec<T>> + Send + Sync + 'static,
) -> impl Stream<Item = PgWireResult<T>> + Send + 'static {
    let batches = stream.batches;
    let encode = Arc::new(encode);
    stream::unfold(Some(batches), move |state| {
        let (token, failed, encode) = (token.clone(), Arc::clone(&failed), Arc::clone(&encode));
        async move {
            let mut batches = state?;
            let next = tokio::select! {
                biased;
                _ = token.cancelled() => Some(Err(token.error())),
                batch = batches.next() => batch.map(|b| b.map_err(Error::from)),
            };
            let encoded = match next? {
                Ok(batch) => encode(&batch),
                Err(e) => Err(e),
            };
            match encoded {
                Ok(rows) => Some((Ok(rows), Some(batches))),
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    Some((Err(to_pgwire(e)), None))
                }
            }
        }
    })
    .flat_map(|rows: PgWireResult<Vec<T>>| match rows {
        Ok(rows) => stream::iter(rows.into_iter().map(Ok)).left_stream(),
        Err(e) => stream::iter(vec![Err(e)]).right_stream(),
    })
}

/// WARNING/NOTICE messages the statement raised, as NoticeResponse.
async fn send_notices<C>(client: &mut C, session: &mut Session)
where
    C: Sink<PgWireBackendMessage> + Unpin + Send,
{
    for notice in session.take_notices() {
        let (severity, message) = notice.split_once(": ").unwrap_or(("NOTICE", notice.as_str()));
        let code = if severity == "WARNING" { "01000" } else { "00000" };
        let info = ErrorInfo::new(severity.to_string(), code.to_string(), message.to_string());
        let _ = client.send(PgWireBackendMessage::NoticeResponse(NoticeResponse::from(info))).await;
    }
}

fn error_response(error: Error) -> Response {
    match to_pgwire(error) {
        PgWireError::UserError(info) => Response::Error(info),
        other => Response::Error(Box::new(ErrorInfo::new("ERROR".into(), "XX000".into(), other.to_string()))),
    }
}

#[async_trait]
impl SimpleQueryHandler for QueryHandler {
    /// As pgwire's, then the statements a `DEALLOCATE` named are removed from the connection's
    /// store (psqlODBC deallocates each plan it prepared).
    async fn on_query<C>(&self, client: &mut C, query: Query) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let result = self._on_query(client, query).await;
        let deallocated = match self.connection.session.lock().await.as_mut() {
            Some(session) => session.take_deallocated(),
            None => vec![],
        };
        for name in deallocated {
            client.portal_store().rm_statement(&name);
        }
        result
    }

    async fn do_query<C>(&self, client: &mut C, query: &str) -> PgWireResult<Vec<Response>>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let mut guard = self.connection.session.lock().await;
        let session = active(&mut guard)?;
        let statements = match session.prepare_batch(query) {
            Ok(statements) => statements,
            Err(e) => return Ok(vec![error_response(e)]),
        };
        let mut responses = Vec::with_capacity(statements.len());
        // pgwire sends the responses after they are all made: with several statements, each
        // result is read before the next statement runs, so that one failing stops the rest.
        let batch = statements.len() > 1;
        if batch {
            session.begin_batch();
        }
        let mut succeeded = true;
        for statement in &statements {
            match self.run(client, session, statement, &[], Format::UnifiedText, batch).await {
                Ok(response) => responses.push(response),
                Err(e) => {
                    // As in PostgreSQL, the statements after a failed one are not run.
                    responses.push(error_response(e));
                    succeeded = false;
                    break;
                }
            }
        }
        if batch {
            if let Err(e) = session.end_batch(succeeded) {
                responses.push(error_response(e));
            }
        }
        if responses.is_empty() {
            responses.push(Response::EmptyQuery);
        }
        Ok(responses)
    }
}

#[async_trait]
impl ExtendedQueryHandler for QueryHandler {
    type Statement = ParsedStatement;
    type QueryParser = StatementParser;

    fn query_parser(&self) -> Arc<StatementParser> {
        Arc::clone(&self.parser)
    }

    /// As pgwire's, except that a statement with parameters but no result columns (an INSERT)
    /// is answered with NoData after its ParameterDescription, as PostgreSQL does: pgwire sends
    /// an empty RowDescription, which JDBC drivers take for a result set.
    async fn on_describe<C>(&self, client: &mut C, message: Describe) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let name = message.name.as_deref().unwrap_or("");
        // A cursor opened by DECLARE is a portal too.
        if message.target_type == TARGET_TYPE_BYTE_PORTAL && client.portal_store().get_portal(name).is_none() {
            let schema = self.connection.session.lock().await.as_ref().and_then(|s| s.cursor_schema(name));
            if let Some(schema) = schema {
                let response = DescribePortalResponse::new(fields(&schema, |_| FieldFormat::Text));
                return send_describe_response(client, &response).await;
            }
        }
        if message.target_type == TARGET_TYPE_BYTE_STATEMENT {
            if let Some(Entry::Value(statement)) = client.portal_store().get_statement(name) {
                let response = self.do_describe_statement(client, &statement).await?;
                if response.fields.is_empty() {
                    let types = response.parameters.iter().map(|t| t.oid()).collect();
                    client.send(PgWireBackendMessage::ParameterDescription(ParameterDescription::new(types))).await?;
                    client.send(PgWireBackendMessage::NoData(NoData::new())).await?;
                } else {
                    send_describe_response(client, &response).await?;
                }
                return Ok(());
            }
        }
        self._on_describe(client, message).await
    }

    async fn do_describe_statement<C>(
        &self,
        _client: &mut C,
        target: &StoredStatement<ParsedStatement>,
    ) -> PgWireResult<DescribeStatementResponse>
    where
        C: ClientInfo + Unpin + Send + Sync,
    {
        let statement = &target.statement;
        let description = self.describe(statement).await?;
        let params =
            (0..statement.prepared.param_count()).map(|i| statement.wire_type(&description.params, i)).collect();
        let columns = description.columns.map(|s| fields(&s, |_| FieldFormat::Text)).unwrap_or_default();
        Ok(DescribeStatementResponse::new(params, columns))
    }

    async fn do_describe_portal<C>(
        &self,
        _client: &mut C,
        portal: &Portal<ParsedStatement>,
    ) -> PgWireResult<DescribePortalResponse>
    where
        C: ClientInfo + Unpin + Send + Sync,
    {
        let description = self.describe(&portal.statement.statement).await?;
        let columns =
            description.columns.map(|s| fields(&s, |i| portal.result_column_format.format_for(i))).unwrap_or_default();
        Ok(DescribePortalResponse::new(columns))
    }

    async fn do_query<C>(
        &self,
        client: &mut C,
        portal: &Portal<ParsedStatement>,
        _max_rows: usize,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let mut guard = self.connection.session.lock().await;
        let session = active(&mut guard)?;
        let statement = &portal.statement.statement;
        let params = self.bind(session, statement, portal).await.map_err(to_pgwire)?;
        self.run(client, session, &statement.prepared, &params, portal.result_column_format.clone(), false)
            .await
            .map_err(to_pgwire)
    }
}

impl QueryHandler {
    /// COPY FROM STDIN: asks the client for the data (see the CopyHandler below). COPY TO STDOUT:
    /// streams the rows of its query as CopyData.
    async fn start_copy(&self, session: &mut Session, plan: CopyPlan) -> Result<Response> {
        match &plan {
            CopyPlan::In { .. } => {
                let copy = session.copy_in_begin(plan)?;
                let width = copy.width();
                *crate::sync::lock(&self.connection.copy_in) = Some(copy);
                Ok(Response::CopyIn(CopyResponse::new(0, width, stream::empty())))
            }
            CopyPlan::Out { query, options } => {
                let statement = session.prepare(query)?.ok_or_else(|| err!(SYNTAX_ERROR, "COPY needs a query"))?;
                let Output::Rows(rows) = session.run(&statement, &[]).await? else {
                    return Err(err!(WRONG_OBJECT_TYPE, "COPY TO needs a query that returns rows"));
                };
                let width = rows.schema.fields().len();
                let options = options.clone();
                let zone = session.time_zone();
                let token = self.connection.start_query(session.statement_timeout());
                let data =
                    batch_stream(rows, token, session.result_failure(), move |batch| copy_rows(batch, &options, &zone));
                Ok(Response::CopyOut(CopyResponse::new(0, width, data)))
            }
        }
    }

    async fn describe(&self, statement: &ParsedStatement) -> PgWireResult<crate::leader::results::Description> {
        let mut guard = self.connection.session.lock().await;
        let session = active(&mut guard)?;
        let description =
            session.describe(&statement.prepared, &statement.declared_types()).await.map_err(to_pgwire)?;
        statement.inferred.get_or_init(|| description.params.clone());
        Ok(description)
    }

    /// Decodes a Bind message's values. Types come from the client, else from the statement.
    async fn bind(
        &self,
        session: &mut Session,
        statement: &ParsedStatement,
        portal: &Portal<ParsedStatement>,
    ) -> Result<Vec<Param>> {
        let count = statement.prepared.param_count();
        if portal.parameters.len() != count {
            return Err(err!(
                PROTOCOL_VIOLATION,
                "bind message supplies {} parameters, but prepared statement requires {count}",
                portal.parameters.len()
            ));
        }
        let declared = statement.declared_types();
        let inferred = match statement.inferred.get() {
            Some(inferred) => inferred.clone(),
            None if (0..count).all(|i| declared.get(i).cloned().flatten().is_some()) => declared.clone(),
            None => {
                let inferred = session.describe(&statement.prepared, &declared).await?.params;
                statement.inferred.get_or_init(|| inferred).clone()
            }
        };
        let mut params = Vec::with_capacity(count);
        for (i, raw) in portal.parameters.iter().enumerate() {
            let wire_type = statement.wire_type(&inferred, i);
            let value = match raw {
                None => None,
                Some(bytes) if portal.parameter_format.is_binary(i) => Some(binary_param_to_text(&wire_type, bytes)?),
                Some(bytes) => Some(
                    String::from_utf8(bytes.to_vec())
                        .map_err(|_| err!(CHARACTER_NOT_IN_REPERTOIRE, "invalid UTF-8 in bind parameter ${}", i + 1))?,
                ),
            };
            params.push(Param { value, data_type: inferred.get(i).cloned().flatten() });
        }
        Ok(params)
    }
}

/// A batch as COPY rows, one CopyData message each.
fn copy_rows(batch: &RecordBatch, options: &CopyOptions, zone: &Tz) -> Result<Vec<CopyData>> {
    let mut rows = Vec::with_capacity(batch.num_rows());
    crate::sql::copy::encode_batch(batch, options, zone, |line| {
        rows.push(CopyData::new(bytes::Bytes::copy_from_slice(line)))
    })?;
    Ok(rows)
}

#[async_trait]
impl CopyHandler for QueryHandler {
    async fn on_copy_data<C>(&self, _client: &mut C, data: CopyData) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let mut guard = self.connection.session.lock().await;
        let session = active(&mut guard)?;
        if let Some(copy) = crate::sync::lock(&self.connection.copy_in).as_mut() {
            session.copy_in_data(copy, &data.data);
        }
        Ok(())
    }

    async fn on_copy_done<C>(&self, client: &mut C, _done: CopyDone) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let pending = crate::sync::lock(&self.connection.copy_in).take();
        let Some(copy) = pending else {
            return Err(to_pgwire(err!(PROTOCOL_VIOLATION, "CopyDone without a COPY in progress")));
        };
        let mut guard = self.connection.session.lock().await;
        let session = active(&mut guard)?;
        let rows = session.copy_in_end(copy).map_err(to_pgwire)?;
        client.send(PgWireBackendMessage::CommandComplete(Tag::new(&format!("COPY {rows}")).into())).await?;
        Ok(())
    }

    async fn on_copy_fail<C>(&self, _client: &mut C, fail: CopyFail) -> PgWireError
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let error = err!(QUERY_CANCELED, "COPY from stdin failed: {}", fail.message);
        let copy = crate::sync::lock(&self.connection.copy_in).take();
        match (copy, self.connection.session.lock().await.as_mut()) {
            (Some(copy), Some(session)) => to_pgwire(session.copy_in_abort(copy, error)),
            _ => to_pgwire(error),
        }
    }
}
