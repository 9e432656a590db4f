//! Cursors, as Redshift has them: `DECLARE name CURSOR FOR query` inside a transaction block,
//! `FETCH [NEXT | ALL | FORWARD n | FORWARD ALL] FROM name`, `CLOSE name`. The query runs as a
//! stream when declared; each FETCH reads the next rows from it, so a large result is read a
//! piece at a time (psycopg's server-side cursors, clients paging through results).

use crate::err;
use crate::error::Result;
use crate::leader::results::{Outcome, QueryStream};
use crate::leader::session::Session;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::sql::sqlparser::ast::{CloseCursor, DeclareType, FetchDirection, Statement, Value};
use futures::StreamExt;
use std::sync::Arc;

pub struct Cursor {
    schema: SchemaRef,
    /// The running query (in a mutex only so that sessions stay `Sync`; it is reached through
    /// `&mut`, never locked).
    batches: std::sync::Mutex<SendableRecordBatchStream>,
    /// The rest of a batch a FETCH read only part of.
    pending: Option<RecordBatch>,
}

impl Cursor {
    fn new(stream: QueryStream) -> Cursor {
        Cursor { schema: stream.schema, batches: std::sync::Mutex::new(stream.batches), pending: None }
    }
}

impl Cursor {
    /// The next `limit` rows (all of them for `None`).
    async fn fetch(&mut self, limit: Option<usize>) -> Result<Vec<RecordBatch>> {
        let mut wanted = limit.unwrap_or(usize::MAX);
        let mut rows = vec![];
        while wanted > 0 {
            let batch = match self.pending.take() {
                Some(batch) => batch,
                None => match self.batches.get_mut().unwrap_or_else(|e| e.into_inner()).next().await {
                    Some(batch) => batch?,
                    None => break,
                },
            };
            if batch.num_rows() > wanted {
                self.pending = Some(batch.slice(wanted, batch.num_rows() - wanted));
                rows.push(batch.slice(0, wanted));
                wanted = 0;
            } else {
                wanted -= batch.num_rows();
                rows.push(batch);
            }
        }
        Ok(rows)
    }
}

impl Session {
    /// DECLARE … CURSOR, FETCH and CLOSE.
    pub(crate) async fn cursor_statement(&mut self, parsed: crate::sql::parser::ParsedStatement) -> Result<Outcome> {
        match parsed.statement {
            Statement::Declare { stmts } => {
                let [declare] = stmts.as_slice() else {
                    return Err(err!(FEATURE_NOT_SUPPORTED, "DECLARE declares one cursor at a time"));
                };
                let (Some(DeclareType::Cursor), Some(query), [name]) =
                    (&declare.declare_type, &declare.for_query, declare.names.as_slice())
                else {
                    return Err(err!(FEATURE_NOT_SUPPORTED, "only DECLARE name CURSOR FOR query is supported"));
                };
                self.require_transaction_block("DECLARE CURSOR")?;
                self.check_not_failed()?;
                if self.cursors.contains_key(&name.value) {
                    return self.finish_statement(
                        false,
                        Err(err!(DUPLICATE_CURSOR, "cursor \"{}\" already exists", name.value)),
                    );
                }
                self.begin_statement();
                let stream = self.start_query(Statement::Query(query.clone()), parsed.reads_catalog).await;
                let stream = self.finish_statement(false, stream)?;
                self.cursors.insert(name.value.clone(), Cursor::new(stream));
                Ok(Outcome::command("DECLARE CURSOR"))
            }
            Statement::Fetch { name, direction, .. } => {
                self.check_not_failed()?;
                let fetched = self.fetch(&name.value, &direction).await;
                let (schema, batches) = self.finish_statement(false, fetched)?;
                Ok(Outcome::Rows { schema, batches })
            }
            Statement::Close { cursor } => {
                self.check_not_failed()?;
                match cursor {
                    CloseCursor::All => self.cursors.clear(),
                    CloseCursor::Specific { name } => {
                        if self.cursors.remove(&name.value).is_none() {
                            return self.finish_statement(false, Err(no_cursor(&name.value)));
                        }
                    }
                }
                Ok(Outcome::command("CLOSE CURSOR"))
            }
            other => Err(crate::error::Error::internal(format!("not a cursor statement: {other}"))),
        }
    }

    /// The columns of an open cursor (a client may Describe it as a portal, as psycopg does).
    pub fn cursor_schema(&self, name: &str) -> Option<SchemaRef> {
        self.cursors.get(name).map(|c| Arc::clone(&c.schema))
    }

    async fn fetch(&mut self, name: &str, direction: &FetchDirection) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        let limit = fetch_count(direction)?;
        let cursor = self.cursors.get_mut(name).ok_or_else(|| no_cursor(name))?;
        let batches = cursor.fetch(limit).await?;
        Ok((Arc::clone(&cursor.schema), batches))
    }
}

fn no_cursor(name: &str) -> crate::error::Error {
    err!(INVALID_CURSOR_NAME, "cursor \"{name}\" does not exist")
}

/// How many rows a FETCH reads (`None`: all). Redshift's cursors only move forward.
fn fetch_count(direction: &FetchDirection) -> Result<Option<usize>> {
    let count = |value: &Value| match value {
        Value::Number(n, _) => n.parse::<usize>().map_err(|_| err!(INVALID_PARAMETER_VALUE, "invalid FETCH count {n}")),
        other => Err(err!(INVALID_PARAMETER_VALUE, "invalid FETCH count {other}")),
    };
    Ok(match direction {
        FetchDirection::Next | FetchDirection::Forward { limit: None } => Some(1),
        FetchDirection::Count { limit } | FetchDirection::Forward { limit: Some(limit) } => Some(count(&limit.value)?),
        FetchDirection::All | FetchDirection::ForwardAll => None,
        other => return Err(err!(FEATURE_NOT_SUPPORTED, "FETCH {other} is not supported: cursors only move forward")),
    })
}
