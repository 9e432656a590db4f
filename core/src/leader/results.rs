//! What running a statement gives back: the public result types ([`Outcome`], [`Output`],
//! [`QueryStream`], [`Prepared`], [`Description`], [`TransactionStatus`]) and the stream that
//! records a query in the query log as its rows are read. They are kept apart from
//! `session.rs` because every statement handler (`ddl.rs`, `dml.rs`, …) and the endpoint
//! use them, while only the session makes them.

use crate::error::Result;
use crate::leader::query_log::LoggedQuery;
use crate::sql::copy::{copy_plan, CopyPlan};
use crate::sql::parser::ParsedStatement;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::SendableRecordBatchStream;
use datafusion::sql::sqlparser::ast::Statement;
use futures::StreamExt;
use std::sync::Arc;

/// What a statement produced.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A result set.
    Rows { schema: SchemaRef, batches: Vec<RecordBatch> },
    /// A command with its tag (`INSERT 0 5`, `CREATE TABLE`, …) and affected rows where it has them.
    Command { tag: String, rows: Option<u64> },
}

impl Outcome {
    pub fn command(tag: &str) -> Outcome {
        Outcome::Command { tag: tag.to_string(), rows: None }
    }
    pub fn counted(tag: &str, rows: u64) -> Outcome {
        Outcome::Command { tag: format!("{tag} {rows}"), rows: Some(rows) }
    }
    pub fn row_count(&self) -> u64 {
        match self {
            Outcome::Rows { batches, .. } => batches.iter().map(|b| b.num_rows() as u64).sum(),
            Outcome::Command { rows, .. } => rows.unwrap_or(0),
        }
    }
}

/// PostgreSQL's transaction status indicator (`I`, `T`, `E` in ReadyForQuery).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionStatus {
    Idle,
    InTransaction,
    Failed,
}

/// The result schema with the names clients see (see `sql::names`).
pub(super) fn display_schema(schema: &SchemaRef) -> SchemaRef {
    Arc::new(datafusion::arrow::datatypes::Schema::new(
        schema
            .fields()
            .iter()
            .map(|f| f.as_ref().clone().with_name(crate::sql::names::display_name(f.name())))
            .collect::<Vec<_>>(),
    ))
}

/// A running query's rows, recorded in the query log when they end: finished (with its steps'
/// metrics), failed, or abandoned by the client.
pub(super) struct LoggedStream {
    pub(super) inner: SendableRecordBatchStream,
    pub(super) query: Arc<LoggedQuery>,
    /// Until the end, when its metrics are gathered.
    pub(super) plan: Option<Arc<dyn datafusion::physical_plan::ExecutionPlan>>,
}

impl futures::Stream for LoggedStream {
    type Item = datafusion::common::Result<RecordBatch>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let polled = self.inner.poll_next_unpin(cx);
        match &polled {
            std::task::Poll::Ready(None) => {
                self.query.finish(false);
                if let Some(plan) = self.plan.take() {
                    self.query.gather_steps(plan);
                }
            }
            std::task::Poll::Ready(Some(Err(_))) => self.query.finish(true),
            _ => {}
        }
        polled
    }
}

impl datafusion::physical_plan::RecordBatchStream for LoggedStream {
    fn schema(&self) -> SchemaRef {
        self.inner.schema()
    }
}

impl Drop for LoggedStream {
    fn drop(&mut self) {
        // A no-op when the rows ran to their end.
        self.query.finish(true);
    }
}

/// A query's rows, produced as they are read.
pub struct QueryStream {
    pub schema: SchemaRef,
    pub batches: SendableRecordBatchStream,
}

impl QueryStream {
    /// An executing plan's stream, with the column names clients see.
    /// `typed` is the plan's logical schema with column types traced to tables. It is what a
    /// Describe reported, so the rows take its types where the physical plan's differ (a UNION
    /// of INTEGER and BIGINT branches): a client reading binary values relies on them.
    pub(super) fn renamed(
        stream: SendableRecordBatchStream,
        typed: &datafusion::arrow::datatypes::Schema,
    ) -> QueryStream {
        let physical = stream.schema();
        let schema = if typed.fields().len() == physical.fields().len() {
            // Nullability as the physical plan knows it.
            let fields: Vec<_> = typed
                .fields()
                .iter()
                .zip(physical.fields())
                .map(|(t, p)| t.as_ref().clone().with_nullable(t.is_nullable() || p.is_nullable()))
                .collect();
            display_schema(&Arc::new(datafusion::arrow::datatypes::Schema::new(fields)))
        } else {
            display_schema(&physical)
        };
        let renamed = Arc::clone(&schema);
        let batches = stream.map(move |batch| {
            batch.and_then(|b| {
                let columns = b
                    .columns()
                    .iter()
                    .zip(renamed.fields())
                    .map(|(column, field)| match column.data_type() == field.data_type() {
                        true => Ok(Arc::clone(column)),
                        false => datafusion::arrow::compute::cast(column, field.data_type()),
                    })
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                Ok(RecordBatch::try_new(Arc::clone(&renamed), columns)?)
            })
        });
        QueryStream { batches: Box::pin(RecordBatchStreamAdapter::new(Arc::clone(&schema), batches)), schema }
    }

    pub(crate) fn from_batches(schema: SchemaRef, batches: Vec<RecordBatch>) -> QueryStream {
        let stream = futures::stream::iter(batches.into_iter().map(Ok));
        QueryStream { batches: Box::pin(RecordBatchStreamAdapter::new(Arc::clone(&schema), stream)), schema }
    }
}

/// A statement parsed once, run with [`Session::run`].
#[derive(Debug, Clone)]
pub struct Prepared {
    pub(super) parsed: ParsedStatement,
    pub(super) param_count: usize,
}

impl Prepared {
    pub fn param_count(&self) -> usize {
        self.param_count
    }

    /// A query: it returns rows (SELECT, VALUES, WITH …).
    pub fn is_query(&self) -> bool {
        matches!(self.parsed.statement, Statement::Query(_))
    }

    /// The data exchange a `COPY … FROM STDIN / TO STDOUT` asks of the client.
    pub fn copy_plan(&self) -> Result<Option<CopyPlan>> {
        copy_plan(&self.parsed.statement)
    }
}

/// What [`Session::describe`] learns about a prepared statement.
#[derive(Debug, Clone)]
pub struct Description {
    /// One per `$n`; `None` where neither the client nor the statement fixes the type.
    pub params: Vec<Option<DataType>>,
    /// The result columns, for statements that return rows.
    pub columns: Option<SchemaRef>,
}

/// What running a statement produced: rows to read, or a completed command.
pub enum Output {
    Rows(QueryStream),
    Command { tag: String, rows: Option<u64> },
}

impl Output {
    /// Reads all rows.
    pub async fn collect(self) -> Result<Outcome> {
        match self {
            Output::Rows(stream) => {
                let schema = stream.schema;
                let batches: Vec<RecordBatch> =
                    stream.batches.collect::<Vec<_>>().await.into_iter().collect::<std::result::Result<_, _>>()?;
                Ok(Outcome::Rows { schema, batches })
            }
            Output::Command { tag, rows } => Ok(Outcome::Command { tag, rows }),
        }
    }
}
