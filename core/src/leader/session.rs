//! A session: one connection's statements, its transaction state and its DataFusion context.
//!
//! Every statement runs in a transaction: the explicit one opened by BEGIN, or an implicit one
//! committed right after the statement (autocommit). An error inside an explicit transaction
//! leaves it failed (25P02 for every statement) until ROLLBACK, as in PostgreSQL.
//!
//! Here: `Session` and its statement dispatch. Beside it: the result types (`results.rs`), the
//! settings and SET/SHOW/RESET (`settings.rs`), COPY FROM STDIN (`copy_in.rs`) and the
//! DataFusion state a session starts with (`session_state.rs`).

use crate::catalog::DEFAULT_SCHEMA;
use crate::err;
use crate::error::{Error, Result};
use crate::leader::database::Database;
use crate::leader::origins::typed_schema;
use crate::leader::provider::SnapshotCell;
use crate::leader::query_log::LoggedQuery;
use crate::leader::results::{display_schema, LoggedStream};
use crate::leader::session_state;
use crate::leader::settings::{default_settings, variable_name};
use crate::leader::transaction::{Savepoint, Transaction};
use crate::sql::copy::copy_plan;
use crate::sql::ddl::ident_name;
use crate::sql::params::{bind, placeholder_count, placeholder_index, Param};
use crate::sql::parser::{parse, ParsedStatement};
use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::LogicalPlan;
use datafusion::sql::sqlparser::ast::{ObjectType, Statement};
use std::sync::Arc;

// The result types live in `results.rs`; re-exported so that `leader::session::Outcome` (and the
// crate root's re-exports through it) still name them.
pub use crate::leader::results::{Description, Outcome, Output, Prepared, QueryStream, TransactionStatus};

pub struct Session {
    pub(crate) db: Database,
    pub(crate) context: Arc<SessionContext>,
    pub(crate) cell: Arc<SnapshotCell>,
    pub(crate) txn: Option<Transaction>,
    pub(super) explicit: bool,
    failed: bool,
    /// The explicit transaction refuses writes (`BEGIN READ ONLY`); implicit ones follow
    /// `default_transaction_read_only`.
    pub(super) read_only: bool,
    /// Set by whoever reads this session's rows when reading fails (see [`Session::result_failure`]).
    result_failed: Arc<std::sync::atomic::AtomicBool>,
    pub(super) notices: Vec<String>,
    /// The running COPY's or UNLOAD's progress.
    pub(crate) progress: Arc<crate::load::Progress>,
    /// Who this session runs as (`current_user`).
    pub(crate) user: String,
    /// Who logged in (`session_user`); a superuser may run as someone else (`SET SESSION
    /// AUTHORIZATION`).
    pub(crate) session_user: String,
    /// The open transaction block's savepoints, oldest first.
    savepoints: Vec<(String, Savepoint)>,
    deallocated: Vec<String>,
    /// Running the statements of one message as one implicit transaction.
    batch: bool,
    /// The open transaction block's cursors (DECLARE … CURSOR), by name.
    pub(crate) cursors: std::collections::HashMap<String, crate::leader::cursors::Cursor>,
    /// The backend pid clients see (`pg_backend_pid()`, STL_QUERY.pid); the process id when embedded.
    pub(crate) pid: i32,
}

impl Session {
    pub(crate) fn new(db: Database, user: &str) -> Session {
        let (context, cell) = session_state::session_context(&db, user);
        *crate::sync::write(&cell.settings) = default_settings();
        cell.set_current_user(user);
        let session = Session {
            db,
            context,
            cell,
            txn: None,
            explicit: false,
            failed: false,
            read_only: false,
            result_failed: Default::default(),
            notices: vec![],
            progress: Arc::default(),
            user: user.to_string(),
            session_user: user.to_string(),
            savepoints: vec![],
            deallocated: vec![],
            batch: false,
            cursors: Default::default(),
            pid: std::process::id() as i32,
        };
        session.apply_time_zone();
        session
    }

    /// Connects the session to the server's other sessions: `pg_backend_pid()`,
    /// `pg_cancel_backend(pid)` and `pg_terminate_backend(pid)` answer through `backends` (the
    /// endpoint's connections).
    pub fn set_backends(&mut self, backends: Arc<dyn Backends>) {
        self.pid = backends.own_pid();
        let superuser = self.db.snapshot().is_superuser(&self.user);
        for function in crate::leader::system::backend_functions(backends, &self.user, superuser) {
            self.context.register_udf(function);
        }
    }

    /// The user this session runs as.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// Makes the session's user a member of `groups` until the session ends (the DbGroups of
    /// temporary credentials), without changing the catalog.
    pub fn join_groups_for_session(&mut self, groups: Vec<String>) {
        self.cell.set_session_groups(&self.user, groups);
    }

    /// Runs the session's next statements as `user` (`SET SESSION AUTHORIZATION`).
    pub(crate) fn set_current_user(&mut self, user: &str) {
        self.user = user.to_string();
        self.cell.set_current_user(user);
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    pub fn transaction_status(&self) -> TransactionStatus {
        match (self.explicit, self.failed) {
            (false, _) => TransactionStatus::Idle,
            (true, false) => TransactionStatus::InTransaction,
            (true, true) => TransactionStatus::Failed,
        }
    }

    /// How far a COPY or UNLOAD running in this session is (read from another task).
    pub fn progress(&self) -> Arc<crate::load::Progress> {
        Arc::clone(&self.progress)
    }

    /// Warnings and notices raised since the last call (e.g. "there is no transaction in progress").
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Runs every statement of `sql` in order; stops at the first error. Several statements
    /// outside a transaction block run as one transaction (see [`Session::begin_batch`]).
    pub async fn execute(&mut self, sql: &str) -> Result<Vec<Outcome>> {
        let statements = self.prepare_batch(sql)?;
        let batch = statements.len() > 1;
        if batch {
            self.begin_batch();
        }
        let result = self.execute_all(&statements).await;
        if batch {
            self.end_batch(result.is_ok())?;
        }
        result
    }

    async fn execute_all(&mut self, statements: &[Prepared]) -> Result<Vec<Outcome>> {
        let mut outcomes = Vec::with_capacity(statements.len());
        for statement in statements {
            let output = self.run(statement, &[]).await?;
            match output.collect().await {
                Ok(outcome) => outcomes.push(outcome),
                Err(e) => {
                    self.fail_transaction();
                    return Err(e);
                }
            }
        }
        Ok(outcomes)
    }

    /// The statements of one message (a simple query with several statements) run in one
    /// implicit transaction, as in PostgreSQL: an error rolls back those before it, and they
    /// commit together at [`Session::end_batch`]. BEGIN … COMMIT inside the message work as usual.
    pub fn begin_batch(&mut self) {
        self.batch = true;
    }

    /// Ends the message's implicit transaction: commits it when every statement succeeded.
    pub fn end_batch(&mut self, succeeded: bool) -> Result<()> {
        self.batch = false;
        if self.explicit {
            return Ok(());
        }
        match self.txn.take() {
            Some(txn) if succeeded => self.commit(txn),
            _ => Ok(()),
        }
    }

    /// Runs exactly one statement and returns its outcome.
    pub async fn execute_one(&mut self, sql: &str) -> Result<Outcome> {
        let mut outcomes = self.execute(sql).await?;
        match outcomes.len() {
            1 => Ok(outcomes.pop().expect("one")),
            0 => Ok(Outcome::command("EMPTY")),
            n => Err(err!(SYNTAX_ERROR, "expected one statement, found {n}")),
        }
    }

    /// Runs one query and returns its rows as a stream of record batches, read in the snapshot
    /// the query starts with (held by the stream): for clients that fetch results in pieces.
    /// Errors that surface while the stream is read do not mark an explicit transaction failed.
    pub async fn query_stream(&mut self, sql: &str) -> Result<QueryStream> {
        let statement = self.prepare(sql)?.ok_or_else(|| err!(SYNTAX_ERROR, "expected exactly one query"))?;
        if !statement.is_query() {
            return Err(err!(FEATURE_NOT_SUPPORTED, "only queries can be streamed; use execute"));
        }
        match self.run(&statement, &[]).await? {
            Output::Rows(stream) => Ok(stream),
            Output::Command { .. } => Err(err!(INTERNAL_ERROR, "a query produced no rows")),
        }
    }

    /// Parses a string of statements. A syntax error inside BEGIN … fails the transaction.
    pub fn prepare_batch(&mut self, sql: &str) -> Result<Vec<Prepared>> {
        let parsed = parse(sql).and_then(|statements| {
            statements
                .into_iter()
                .map(|parsed| Ok(Prepared { param_count: placeholder_count(&parsed.statement)?, parsed }))
                .collect::<Result<Vec<_>>>()
        });
        if parsed.is_err() && self.explicit {
            self.failed = true;
        }
        parsed
    }

    /// Parses one statement to run later, any number of times, with `$n` parameters bound each
    /// time (`None`: the string holds no statement).
    pub fn prepare(&mut self, sql: &str) -> Result<Option<Prepared>> {
        let mut statements = self.prepare_batch(sql)?;
        if statements.len() > 1 {
            return Err(err!(SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement"));
        }
        Ok(statements.pop())
    }

    /// The parameter types and result columns of a prepared statement, without running it.
    /// `declared` are the types the client gave; the others are inferred where the statement
    /// determines them (comparisons with columns, INSERT … VALUES), else left `None`.
    pub async fn describe(&mut self, statement: &Prepared, declared: &[Option<DataType>]) -> Result<Description> {
        self.take_result_failure();
        let mut params: Vec<Option<DataType>> =
            (0..statement.param_count).map(|i| declared.get(i).cloned().flatten()).collect();
        let plans = matches!(
            statement.parsed.statement,
            Statement::Query(_)
                | Statement::Explain { .. }
                | Statement::Update { .. }
                | Statement::Delete(_)
                | Statement::Insert(_)
        );
        if !plans {
            // Described without a snapshot: ROLLBACK must be describable in a failed block.
            let columns = self.describe_in_transaction(&statement.parsed.statement, &mut params).await?;
            return Ok(Description { params, columns });
        }
        self.check_not_failed()?;
        let implicit = self.begin_statement();
        let described = self.describe_in_transaction(&statement.parsed.statement, &mut params).await;
        if implicit {
            // Nothing was changed: the snapshot is simply released.
            self.txn = None;
        } else if described.is_err() {
            // As in PostgreSQL, a statement that fails to plan fails the transaction block.
            self.fail_transaction();
        }
        Ok(Description { params, columns: described? })
    }

    async fn describe_in_transaction(
        &mut self,
        statement: &Statement,
        params: &mut [Option<DataType>],
    ) -> Result<Option<SchemaRef>> {
        match statement {
            Statement::Query(_) | Statement::Explain { .. } => {
                let declared = params.iter().any(Option::is_some);
                let plan = match self.plan(statement.clone()).await {
                    Ok(plan) => plan,
                    // DataFusion plans a parameter of unknown type as NULL, which some operators
                    // refuse (`$1 || $2`); PostgreSQL takes such parameters as text.
                    Err(e) if params.iter().any(Option::is_none) => {
                        let plan = self.plan_with_parameter_types(statement, params).await.map_err(|_| e)?;
                        params.iter_mut().for_each(|p| {
                            p.get_or_insert(DataType::Utf8);
                        });
                        plan
                    }
                    Err(e) => return Err(e),
                };
                self.take_parameter_types(&plan, params)?;
                // Declared types give the result its types (`SELECT $1` declared BIGINT returns a
                // BIGINT), as binding the values will.
                let plan = match declared {
                    true => self.plan_with_parameter_types(statement, params).await.unwrap_or(plan),
                    false => plan,
                };
                Ok(Some(display_schema(&Arc::new(typed_schema(&plan, plan.schema().as_arrow(), &self.cell.get())))))
            }
            // Parameters compared with or assigned to columns take the columns' types; a
            // statement DataFusion cannot plan (UPDATE … FROM) leaves them undeclared.
            Statement::Update { .. } | Statement::Delete(_) => {
                if let Ok(plan) = self.plan(statement.clone()).await {
                    self.take_parameter_types(&plan, params)?;
                }
                Ok(None)
            }
            Statement::Insert(insert) => {
                self.infer_insert_params(insert, params)?;
                Ok(None)
            }
            // A FETCH returns its cursor's columns (a missing cursor fails when it runs).
            Statement::Fetch { name, .. } => Ok(self.cursor_schema(&name.value)),
            Statement::ShowVariable { variable } => match self.show(&variable_name(variable))? {
                Outcome::Rows { schema, .. } => Ok(Some(schema)),
                Outcome::Command { .. } => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// Plans `statement` with its parameters of these types (those still unknown as text).
    async fn plan_with_parameter_types(
        &mut self,
        statement: &Statement,
        params: &[Option<DataType>],
    ) -> Result<LogicalPlan> {
        let plan = self.plan(prepared_with_text_parameters(statement, params)).await?;
        let LogicalPlan::Statement(datafusion::logical_expr::Statement::Prepare(prepare)) = plan else {
            return Err(Error::internal("PREPARE did not plan as a prepared statement"));
        };
        Ok(Arc::unwrap_or_clone(prepare.input))
    }

    /// Fills the parameter types a plan determines into the slots not declared by the client.
    fn take_parameter_types(&self, plan: &LogicalPlan, params: &mut [Option<DataType>]) -> Result<()> {
        for (name, data_type) in plan.get_parameter_types()? {
            if let (Some(slot), Some(data_type)) = (placeholder_index(&name).and_then(|i| params.get_mut(i)), data_type)
            {
                slot.get_or_insert(data_type);
            }
        }
        Ok(())
    }

    /// Runs a prepared statement with its parameters bound. A query's rows come as a stream.
    pub async fn run(&mut self, statement: &Prepared, params: &[Param]) -> Result<Output> {
        let start = std::time::SystemTime::now();
        let xid = self.txn.as_ref().map_or(0, |t| t.xid) as i64;
        let result = self.run_statement(statement, params).await;
        let kind = match &statement.parsed.access {
            Some(crate::sql::access::AccessCommand::SetSessionAuthorization { .. }) => "UTILITY",
            Some(_) => "DDL",
            None => crate::leader::audit::statement_kind(&statement.parsed.statement),
        };
        let xid = self.txn.as_ref().map_or(xid, |t| t.xid as i64);
        let (user_id, user) = (self.user_id(), self.user.clone());
        self.db.audit().statement(
            user_id,
            &user,
            self.pid,
            xid,
            start,
            kind,
            &statement.parsed.text,
            result.as_ref().err(),
        );
        result
    }

    /// The catalog id of the session's user (1 for the built-in embedded user).
    pub(crate) fn user_id(&self) -> i32 {
        self.cell.get().users.get(&self.user).map_or(1, |u| u.id as i32)
    }

    async fn run_statement(&mut self, statement: &Prepared, params: &[Param]) -> Result<Output> {
        self.take_result_failure();
        if params.len() != statement.param_count {
            return Err(err!(
                PROTOCOL_VIOLATION,
                "bind message supplies {} parameters, but prepared statement requires {}",
                params.len(),
                statement.param_count
            ));
        }
        let mut parsed = statement.parsed.clone();
        if statement.param_count > 0 {
            bind(&mut parsed.statement, params)?;
        }
        if matches!(parsed.statement, Statement::Query(_) | Statement::Explain { .. }) {
            self.check_not_failed()?;
            let implicit = self.begin_statement();
            let stream = self.start_query(parsed.statement, parsed.reads_catalog).await;
            return Ok(Output::Rows(self.finish_statement(implicit, stream)?));
        }
        Ok(match self.execute_parsed(parsed).await? {
            Outcome::Rows { schema, batches } => Output::Rows(QueryStream::from_batches(schema, batches)),
            Outcome::Command { tag, rows } => Output::Command { tag, rows },
        })
    }

    /// Plans a query and starts it; its rows come as they are read (the stream holds the
    /// snapshot it reads).
    pub(crate) async fn start_query(&mut self, statement: Statement, reads_catalog: bool) -> Result<QueryStream> {
        let user_id = self.user_id();
        let xid = self.txn.as_ref().map_or(0, |t| t.xid) as i64;
        let logged = self.db.query_log().start(user_id, self.pid, xid, &statement.to_string());
        self.cell.query_started(logged.query);
        let started = self.run_query(statement, reads_catalog, &logged).await;
        if started.is_err() {
            logged.finish(true);
        }
        started
    }

    async fn run_query(
        &mut self,
        statement: Statement,
        reads_catalog: bool,
        logged: &Arc<LoggedQuery>,
    ) -> Result<QueryStream> {
        let plan = self.plan(statement).await?;
        let typed = typed_schema(&plan, plan.schema().as_arrow(), &self.cell.get());
        let mut state = self.context.state();
        if reads_catalog {
            state.config_mut().options_mut().execution.target_partitions = 1;
        }
        let LogicalPlan::Explain(explain) = &plan else {
            let physical = state.create_physical_plan(&plan).await?;
            let stream = datafusion::physical_plan::execute_stream(Arc::clone(&physical), state.task_ctx())?;
            let stream = LoggedStream { inner: stream, query: Arc::clone(logged), plan: Some(physical) };
            return Ok(QueryStream::renamed(Box::pin(stream), &typed));
        };
        let query = Arc::clone(&explain.plan);
        let stream = datafusion::dataframe::DataFrame::new(state.clone(), plan).execute_stream().await?;
        // EXPLAIN's physical plan carries the data-movement labels.
        let steps = crate::leader::explain::render(&state.create_physical_plan(&query).await?);
        let schema = stream.schema();
        let mut batches = datafusion::physical_plan::common::collect(stream).await?;
        for batch in &mut batches {
            let kinds = batch.column(0).as_string::<i32>();
            let plans = batch.column(1).as_string::<i32>();
            let labelled: datafusion::arrow::array::StringArray = kinds
                .iter()
                .zip(plans.iter())
                .map(|(kind, plan)| if kind == Some("physical_plan") { Some(steps.as_str()) } else { plan })
                .collect();
            *batch = RecordBatch::try_new(Arc::clone(&schema), vec![Arc::clone(batch.column(0)), Arc::new(labelled)])?;
        }
        logged.finish(false);
        let stream = QueryStream::from_batches(Arc::clone(&schema), batches);
        Ok(QueryStream::renamed(stream.batches, &typed))
    }

    /// Runs `f` as one statement: in the open transaction, or in its own committed one.
    pub(crate) fn run_internal<T>(&mut self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        self.check_not_failed()?;
        let implicit = self.begin_statement();
        let result = f(self);
        self.finish_statement(implicit, result)
    }

    async fn execute_parsed(&mut self, parsed: ParsedStatement) -> Result<Outcome> {
        match &parsed.statement {
            Statement::StartTransaction { begin, modes, .. } => {
                let tag = if *begin { "BEGIN" } else { "START TRANSACTION" };
                if self.explicit {
                    self.notices.push("WARNING: there is already a transaction in progress".into());
                } else {
                    // The snapshot is taken by the first statement, as on Redshift.
                    self.explicit = true;
                    self.failed = false;
                    self.read_only = access_mode(modes).unwrap_or_else(|| self.default_read_only());
                }
                return Ok(Outcome::command(tag));
            }
            Statement::Commit { .. } => {
                if !self.explicit {
                    self.notices.push("WARNING: there is no transaction in progress".into());
                    return Ok(Outcome::command("COMMIT"));
                }
                let failed = self.failed;
                let txn = self.end_transaction();
                if failed {
                    drop(txn);
                    return Ok(Outcome::command("ROLLBACK"));
                }
                self.commit(txn)?;
                return Ok(Outcome::command("COMMIT"));
            }
            Statement::Savepoint { name } => {
                self.require_transaction_block("SAVEPOINT")?;
                self.check_not_failed()?;
                self.begin_statement();
                let savepoint = self.txn().savepoint();
                self.savepoints.push((name.value.clone(), savepoint));
                return Ok(Outcome::command("SAVEPOINT"));
            }
            Statement::ReleaseSavepoint { name } => {
                self.require_transaction_block("RELEASE SAVEPOINT")?;
                self.check_not_failed()?;
                let position = self.savepoint_position(&name.value)?;
                self.savepoints.truncate(position);
                return Ok(Outcome::command("RELEASE"));
            }
            // Allowed in a failed block: it is how a client recovers from an error.
            Statement::Rollback { savepoint: Some(name), .. } => {
                self.require_transaction_block("ROLLBACK TO SAVEPOINT")?;
                let position = self.savepoint_position(&name.value)?;
                self.savepoints.truncate(position + 1);
                let savepoint = self.savepoints[position].1.clone();
                self.txn().rollback_to(&savepoint);
                self.failed = false;
                return Ok(Outcome::command("ROLLBACK"));
            }
            Statement::Declare { .. } | Statement::Fetch { .. } | Statement::Close { .. } => {
                return self.cursor_statement(parsed).await;
            }
            Statement::Deallocate { name, .. } => {
                self.deallocated.push(name.value.clone());
                return Ok(Outcome::command("DEALLOCATE"));
            }
            Statement::Rollback { savepoint: None, .. } => {
                if !self.explicit {
                    self.notices.push("WARNING: there is no transaction in progress".into());
                }
                drop(self.end_transaction());
                return Ok(Outcome::command("ROLLBACK"));
            }
            _ => {}
        }
        self.check_not_failed()?;
        let implicit = self.begin_statement();
        let result = self.dispatch(parsed).await;
        self.finish_statement(implicit, result)
    }

    /// Commits, then merges the small segments the transaction's writes left behind.
    fn commit(&mut self, txn: Transaction) -> Result<()> {
        let written: Vec<_> = txn.touched_relations().collect();
        self.db.commit(txn)?;
        self.merge_small_segments(&written);
        Ok(())
    }

    /// A statement was stopped midway (cancelled): an implicit transaction is rolled back, an
    /// explicit one fails.
    pub fn abandon_statement(&mut self) {
        if self.explicit {
            self.failed = true;
        } else {
            self.txn = None;
        }
    }

    /// Reads every row of a result now, so that an error in it is the statement's error (a
    /// message of several statements stops at it); the transaction block fails with it.
    pub async fn materialize(&mut self, stream: QueryStream) -> Result<QueryStream> {
        use futures::TryStreamExt;
        let schema = Arc::clone(&stream.schema);
        match stream.batches.try_collect::<Vec<_>>().await {
            Ok(batches) => Ok(QueryStream::from_batches(schema, batches)),
            Err(e) => {
                self.fail_transaction();
                Err(e.into())
            }
        }
    }

    /// The flag a reader of this session's result streams sets when reading fails (an error in
    /// the plan's execution, a cancel, a client that could not take the rows): the statement
    /// failed, so an open transaction block fails with it before the next statement runs.
    pub fn result_failure(&self) -> Arc<std::sync::atomic::AtomicBool> {
        Arc::clone(&self.result_failed)
    }

    /// A result that failed while it was read failed its statement (see `result_failure`).
    fn take_result_failure(&mut self) {
        if self.result_failed.swap(false, std::sync::atomic::Ordering::Relaxed) {
            self.fail_transaction();
        }
    }

    /// A statement failed: an open transaction block fails with it.
    fn fail_transaction(&mut self) {
        if self.explicit {
            self.failed = true;
        }
    }

    pub(crate) fn require_transaction_block(&self, statement: &str) -> Result<()> {
        if !self.explicit {
            return Err(err!(NO_ACTIVE_SQL_TRANSACTION, "{statement} can only be used in transaction blocks"));
        }
        Ok(())
    }

    /// The index of the latest savepoint named `name`; if there is none, 3B001 fails the block.
    fn savepoint_position(&mut self, name: &str) -> Result<usize> {
        let position = self.savepoints.iter().rposition(|(n, _)| n == name);
        position.ok_or_else(|| {
            self.failed = true;
            err!(INVALID_SAVEPOINT_SPECIFICATION, "savepoint \"{name}\" does not exist")
        })
    }

    /// Prepared statements a `DEALLOCATE name` asked to remove (the endpoint owns them).
    pub fn take_deallocated(&mut self) -> Vec<String> {
        std::mem::take(&mut self.deallocated)
    }

    /// After an error inside BEGIN … everything but ROLLBACK/COMMIT is refused (25P02).
    pub(crate) fn check_not_failed(&self) -> Result<()> {
        if self.failed {
            return Err(err!(
                IN_FAILED_SQL_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block"
            ));
        }
        Ok(())
    }

    /// Makes sure a transaction is open (an explicit one takes its snapshot at its first
    /// statement); returns whether it is an implicit, autocommit one.
    pub(crate) fn begin_statement(&mut self) -> bool {
        if self.txn.is_none() {
            self.txn = Some(Transaction::new(self.db.snapshot(), self.db.allocate_xid()));
        }
        !self.explicit
    }

    /// Commits an implicit transaction, or marks an explicit one failed after an error.
    pub(crate) fn finish_statement<T>(&mut self, implicit: bool, result: Result<T>) -> Result<T> {
        if implicit && self.batch {
            // The message's implicit transaction goes on, or is rolled back by the error.
            if result.is_err() {
                self.txn = None;
            }
            result
        } else if implicit {
            let txn = self.txn.take().expect("implicit transaction");
            let value = result?;
            self.commit(txn)?;
            Ok(value)
        } else {
            if result.is_err() {
                self.failed = true;
            }
            result
        }
    }

    /// Bulk load: appends Arrow record batches to `table` (`name` or `schema.name`), matching
    /// columns by position and casting them to the table's types. Returns the rows added.
    pub fn append(&mut self, table: &str, batches: Vec<RecordBatch>) -> Result<u64> {
        self.run_internal(|s| s.append_in_transaction(table, batches))
    }

    /// The columns `COPY table [(columns)] FROM STDIN` fills, by index into the table.
    pub(crate) fn copy_columns(
        &mut self,
        table: &crate::catalog::QualifiedName,
        columns: &[String],
    ) -> Result<Vec<usize>> {
        // The open transaction's view (it may have created the table), else the committed one.
        let state = self.txn.as_ref().map_or_else(|| self.db.snapshot(), |t| Arc::clone(t.state()));
        let (rel, def) = state.require_table(table)?;
        if columns.is_empty() {
            return Ok((0..def.columns.len()).collect());
        }
        columns.iter().map(|c| def.column_index(c).ok_or_else(|| Error::undefined_column(c, &rel.name))).collect()
    }

    fn append_in_transaction(&mut self, table: &str, batches: Vec<RecordBatch>) -> Result<u64> {
        self.check_writable("COPY")?;
        let parts: Vec<String> = table.split('.').map(|p| p.to_ascii_lowercase()).collect();
        let name = match parts.as_slice() {
            [n] => crate::catalog::QualifiedName { schema: DEFAULT_SCHEMA.into(), name: n.clone() },
            [s, n] => crate::catalog::QualifiedName { schema: s.clone(), name: n.clone() },
            _ => return Err(err!(SYNTAX_ERROR, "invalid table name \"{table}\"")),
        };
        let state = Arc::clone(self.txn().state());
        let (rel, _) = state.require_table(&name)?;
        self.append_batches(rel, batches)
    }

    /// Casts batches (columns by position) to the table's types and appends them.
    pub(crate) fn append_batches(&mut self, rel: &crate::catalog::Relation, batches: Vec<RecordBatch>) -> Result<u64> {
        // Nullable here: NOT NULL is checked by the write path with its own error.
        let schema = Arc::new(datafusion::arrow::datatypes::Schema::new(
            crate::leader::provider::table_schema(rel)
                .fields()
                .iter()
                .map(|f| f.as_ref().clone().with_nullable(true))
                .collect::<Vec<_>>(),
        ));
        let zone = self.time_zone();
        let mut conformed = Vec::with_capacity(batches.len());
        for batch in batches {
            if batch.num_columns() != schema.fields().len() {
                return Err(err!(
                    DATATYPE_MISMATCH,
                    "table \"{}\" has {} columns but the data has {}",
                    rel.name,
                    schema.fields().len(),
                    batch.num_columns()
                ));
            }
            let columns = batch
                .columns()
                .iter()
                .zip(schema.fields())
                .map(|(c, f)| {
                    // Text becomes dates and times as SQL reads it (PostgreSQL's forms, the session's
                    // time zone).
                    if let Some(texts) = c.as_any().downcast_ref::<datafusion::arrow::array::StringArray>() {
                        if let Some(read) = crate::sql::timezone::read_text_as(texts, f.data_type(), &zone, false) {
                            return read;
                        }
                    }
                    // A value that does not convert is an error, not a NULL.
                    let options = datafusion::arrow::compute::CastOptions { safe: false, ..Default::default() };
                    Ok(datafusion::arrow::compute::cast_with_options(c, f.data_type(), &options)?)
                })
                .collect::<Result<Vec<_>>>()?;
            conformed.push(RecordBatch::try_new(Arc::clone(&schema), columns)?);
        }
        self.write_rows(rel.id, conformed)
    }

    pub(crate) fn notice(&mut self, message: String) {
        self.notices.push(format!("NOTICE: {message}"));
    }

    pub(crate) fn end_transaction(&mut self) -> Transaction {
        self.explicit = false;
        self.failed = false;
        self.savepoints.clear();
        self.cursors.clear();
        self.txn.take().unwrap_or_else(|| Transaction::new(self.db.snapshot(), self.db.allocate_xid()))
    }

    /// `default_transaction_read_only`: implicit transactions (and BEGIN without a mode) are read-only.
    fn default_read_only(&self) -> bool {
        crate::sync::read(&self.cell.settings).get("default_transaction_read_only").is_some_and(|v| v == "on")
    }

    /// Refuses `command` (a write) in a read-only transaction, as PostgreSQL does.
    pub(super) fn check_writable(&self, command: &str) -> Result<()> {
        let read_only = if self.explicit { self.read_only } else { self.default_read_only() };
        if read_only {
            return Err(err!(READ_ONLY_SQL_TRANSACTION, "cannot execute {command} in a read-only transaction"));
        }
        Ok(())
    }

    /// Inside BEGIN … COMMIT.
    pub(crate) fn in_transaction_block(&self) -> bool {
        self.explicit
    }

    pub(crate) fn txn(&mut self) -> &mut Transaction {
        self.txn.as_mut().expect("statements run inside a transaction")
    }

    /// Makes the planner see this transaction's catalog.
    pub(crate) fn sync_snapshot(&mut self) {
        let state = Arc::clone(self.txn().state());
        self.cell.set(state);
    }

    /// Runs a statement other than a query or EXPLAIN (those stream, see [`Session::run`]).
    async fn dispatch(&mut self, parsed: ParsedStatement) -> Result<Outcome> {
        self.sync_snapshot();
        if let Some(command) = parsed.access {
            if command.writes() {
                self.check_writable(command.tag())?;
            }
            return self.run_access(command).await;
        }
        if let Some(command) = write_command(&parsed.statement) {
            self.check_writable(command)?;
        }
        match parsed.statement {
            Statement::Insert(insert) => self.insert(&insert).await,
            Statement::Update(update) => self.update(&update).await,
            Statement::Delete(delete) => self.delete(&delete).await,
            Statement::CreateTable(create) if create.external => self.create_external_table(&create),
            Statement::CreateTable(create) => self.create_table(&create, &parsed.attributes).await,
            Statement::CreateView(view) => self.create_view(&view).await,
            Statement::CreateSchema { schema_name, if_not_exists, .. } => {
                self.create_schema(&schema_name, if_not_exists, parsed.attributes.external.schema)
            }
            Statement::Drop { object_type: ObjectType::User, if_exists, names, .. } => {
                let names: Vec<String> = names.iter().map(|n| n.to_string().to_ascii_lowercase()).collect();
                self.drop_users(&names, if_exists)
            }
            Statement::Drop { object_type, if_exists, names, cascade, .. } => {
                // Redwood is the external database's catalog: dropping it drops its tables.
                self.drop(object_type, if_exists, &names, cascade || parsed.attributes.external.drop_database)
            }
            Statement::AlterTable(alter) => {
                self.alter_table(&alter, parsed.attributes.external.partition_locations).await
            }
            Statement::Comment { object_type, object_name, comment, .. } => {
                self.comment(object_type, &object_name, comment.as_deref())
            }
            Statement::Truncate(truncate) => self.truncate(&truncate),
            Statement::Vacuum(vacuum) => self.vacuum(&vacuum).await,
            Statement::Analyze(analyze) => self.analyze(&analyze),
            Statement::Set(set) => self.set(&set),
            Statement::Reset(reset) => self.reset(&reset.reset),
            Statement::ShowVariable { variable } => self.show(&variable_name(&variable)),
            Statement::CreateUser(create) => {
                self.create_user(&ident_name(&create.name), &parsed.attributes.user.unwrap_or_default())
            }
            Statement::AlterUser(alter) => {
                self.alter_user(&ident_name(&alter.name), &parsed.attributes.user.unwrap_or_default())
            }
            unload @ Statement::Unload { .. } => match crate::sql::copy::unload_plan(&unload, &parsed.attributes.load)?
            {
                Some(plan) => self.unload(plan).await,
                None => unreachable!("an UNLOAD statement"),
            },
            copy @ Statement::Copy { .. } => match crate::sql::copy::load_plan(&copy, &parsed.attributes.load)? {
                Some(plan) => self.copy_from_lake(plan).await,
                None => Err(copy_plan(&copy).err().unwrap_or_else(|| {
                    err!(
                        FEATURE_NOT_SUPPORTED,
                        "COPY … FROM STDIN / TO STDOUT needs a client that exchanges the data (psql \\copy, psycopg)"
                    )
                })),
            },
            other => Err(err!(FEATURE_NOT_SUPPORTED, "statement not supported: {}", first_words(&other.to_string()))),
        }
    }

    /// Plans a statement against this transaction's snapshot.
    pub(crate) async fn plan(&mut self, mut statement: Statement) -> Result<LogicalPlan> {
        self.sync_snapshot();
        let state = self.context.state();
        // A name the planner cannot find may be a lateral column alias (Redshift's
        // `SELECT a + 1 AS b, b * 2 …`): substitute its expression and plan again.
        for _ in 0..MAX_LATERAL_ALIASES {
            let statement_copy = datafusion::sql::parser::Statement::Statement(Box::new(statement.clone()));
            match state.statement_to_plan(statement_copy).await {
                Err(e) => match missing_column(&e) {
                    Some(name) if crate::sql::lateral::substitute_alias(&mut statement, &name) => continue,
                    _ => return Err(e.into()),
                },
                Ok(plan) => return Ok(plan),
            }
        }
        Ok(state.statement_to_plan(datafusion::sql::parser::Statement::Statement(Box::new(statement))).await?)
    }

    /// Executes a plan to completion.
    pub(crate) async fn run_plan(&self, plan: LogicalPlan) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        let frame = self.context.execute_logical_plan(plan).await?;
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let batches = frame.collect().await?;
        Ok((schema, batches))
    }
}

/// The access mode `READ ONLY` (true) or `READ WRITE` (false) among transaction modes, if given.
pub(super) fn access_mode(modes: &[datafusion::sql::sqlparser::ast::TransactionMode]) -> Option<bool> {
    use datafusion::sql::sqlparser::ast::{TransactionAccessMode, TransactionMode};
    modes.iter().rev().find_map(|mode| match mode {
        TransactionMode::AccessMode(access) => Some(*access == TransactionAccessMode::ReadOnly),
        TransactionMode::IsolationLevel(_) => None,
    })
}

/// The command a statement that writes is named by in errors (`None`: it does not write).
fn write_command(statement: &Statement) -> Option<&'static str> {
    Some(match statement {
        Statement::Insert(_) => "INSERT",
        Statement::Update(_) => "UPDATE",
        Statement::Delete(_) => "DELETE",
        Statement::CreateTable(_) => "CREATE TABLE",
        Statement::CreateView(_) => "CREATE VIEW",
        Statement::CreateSchema { .. } => "CREATE SCHEMA",
        Statement::Drop { .. } => "DROP",
        Statement::AlterTable(_) => "ALTER TABLE",
        Statement::Comment { .. } => "COMMENT",
        Statement::Truncate(_) => "TRUNCATE",
        Statement::Vacuum(_) => "VACUUM",
        Statement::Analyze(_) => "ANALYZE",
        Statement::CreateUser(_) => "CREATE USER",
        Statement::AlterUser(_) => "ALTER USER",
        Statement::Copy { to: false, .. } => "COPY",
        _ => return None,
    })
}

/// `PREPARE s(types) AS statement`, with the parameters of unknown type declared as text.
fn prepared_with_text_parameters(statement: &Statement, params: &[Option<DataType>]) -> Statement {
    use datafusion::sql::sqlparser::ast::{DataType as SqlDataType, Ident};
    let data_types =
        params.iter().map(|p| p.as_ref().and_then(crate::sql::params::ast_type).unwrap_or(SqlDataType::Text)).collect();
    Statement::Prepare { name: Ident::new("describe"), data_types, statement: Box::new(statement.clone()) }
}

/// How many lateral column aliases one statement may chain.
const MAX_LATERAL_ALIASES: usize = 16;

/// The unqualified column name a planning error says does not exist.
fn missing_column(error: &datafusion::error::DataFusionError) -> Option<String> {
    let datafusion::error::DataFusionError::SchemaError(schema_error, _) = error.find_root() else { return None };
    match schema_error.as_ref() {
        datafusion::common::SchemaError::FieldNotFound { field, .. } if field.relation.is_none() => {
            Some(field.name.clone())
        }
        _ => None,
    }
}

/// The sessions of a server, as one of them sees them.
pub trait Backends: Send + Sync + std::fmt::Debug {
    /// This session's backend pid (as BackendKeyData gave it to the client).
    fn own_pid(&self) -> i32;
    /// The user of session `pid`, if there is one.
    fn user_of(&self, pid: i32) -> Option<String>;
    /// Cancels the query session `pid` is running; false when there is no such session.
    fn cancel(&self, pid: i32) -> bool;
    /// Closes session `pid`'s connection (its open transaction rolls back).
    fn terminate(&self, pid: i32) -> bool;
}

fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}
