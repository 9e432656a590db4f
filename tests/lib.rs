//! A sqllogictest driver over an embedded Redwood session.
//!
//! Every `.slt` file gets its own database in a fresh directory. Named connections (`connection
//! a`) are separate sessions on that database, so files can test concurrent transactions. The
//! statement `\restart` closes the database and opens it again from disk, to test persistence.

use async_trait::async_trait;
use redwood_core::arrow::datatypes::DataType;
use redwood_core::sql::format::column_to_text;
use redwood_core::{Config, Database, Outcome, Session};
use sqllogictest::{DBOutput, DefaultColumnType};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The database every connection of one test file uses.
pub struct TestDatabase {
    dir: PathBuf,
    config: Config,
    db: Mutex<Option<Database>>,
}

impl TestDatabase {
    pub fn open(dir: PathBuf, config: Config) -> Arc<Self> {
        let db = Database::open(dir.to_str().expect("utf-8 path"), config.clone()).expect("open test database");
        Arc::new(TestDatabase { dir, config, db: Mutex::new(Some(db)) })
    }

    pub fn connect(self: &Arc<Self>) -> RedwoodDriver {
        let session = self.db.lock().unwrap().as_ref().expect("database open").connect();
        RedwoodDriver { database: Arc::clone(self), session: Some(session) }
    }

    fn reopen(&self) -> Result<Database, redwood_core::Error> {
        let mut slot = self.db.lock().unwrap();
        slot.take();
        let db = Database::open(self.dir.to_str().expect("utf-8 path"), self.config.clone())?;
        *slot = Some(db.clone());
        Ok(db)
    }
}

pub struct RedwoodDriver {
    database: Arc<TestDatabase>,
    session: Option<Session>,
}

#[async_trait]
impl sqllogictest::AsyncDB for RedwoodDriver {
    type Error = redwood_core::Error;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, Self::Error> {
        if sql.trim() == "\\restart" {
            self.session = None;
            self.session = Some(self.database.reopen()?.connect());
            return Ok(DBOutput::StatementComplete(0));
        }
        let session = self.session.as_mut().expect("session open");
        let outcomes = session.execute(sql).await?;
        Ok(match outcomes.into_iter().last() {
            Some(Outcome::Rows { schema, batches }) => {
                let types = schema.fields().iter().map(|f| column_type(f.data_type())).collect();
                let mut rows = vec![];
                for batch in &batches {
                    let columns = batch
                        .columns()
                        .iter()
                        .map(column_to_text)
                        .collect::<Result<Vec<_>, _>>()?;
                    for row in 0..batch.num_rows() {
                        rows.push(
                            columns
                                .iter()
                                .map(|c| match &c[row] {
                                    None => "NULL".to_string(),
                                    Some(s) if s.is_empty() => "(empty)".to_string(),
                                    Some(s) => s.clone(),
                                })
                                .collect(),
                        );
                    }
                }
                DBOutput::Rows { types, rows }
            }
            Some(Outcome::Command { rows, .. }) => DBOutput::StatementComplete(rows.unwrap_or(0)),
            None => DBOutput::StatementComplete(0),
        })
    }

    async fn shutdown(&mut self) {
        self.session = None;
    }

    fn engine_name(&self) -> &str {
        "redwood"
    }

    fn error_sql_state(err: &Self::Error) -> Option<String> {
        Some(err.sqlstate.to_string())
    }
}

fn column_type(data_type: &DataType) -> DefaultColumnType {
    match data_type {
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 | DataType::UInt8 | DataType::UInt16
        | DataType::UInt32 | DataType::UInt64 => DefaultColumnType::Integer,
        DataType::Float32 | DataType::Float64 | DataType::Decimal128(..) => DefaultColumnType::FloatingPoint,
        _ => DefaultColumnType::Text,
    }
}
