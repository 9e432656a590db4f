//! Runs `COPY table FROM 's3://…' | 'file' …`: finds the files (every object under a prefix, or
//! those a manifest lists), reads each in pieces on a blocking thread (decompressing, splitting
//! records), converts pieces to the table's types on other threads, and appends the rows in the
//! statement's transaction, so a COPY is all or nothing across its files. Rejected rows are
//! recorded in `STL_LOAD_ERRORS`; more than MAXERROR of them fail the load.

use super::results::Outcome;
use super::session::Session;
use crate::catalog::{QualifiedName, Relation, TableDef};
use crate::err;
use crate::error::{Error, Result};
use crate::load::convert::{text_to_batch, TargetColumn, TimeFormat, ValueRules};
use crate::load::delimited::{TextRows, Tokenizer};
use crate::load::json::{JsonMapping, JsonPath};
use crate::load::lake::{Lake, LakeObject, Location};
use crate::load::Reject;
use crate::sql::copy::{Compression, DelimitedFormat};
use crate::sql::copy::{LoadFormat, LoadPlan};
use bytes::{Bytes, BytesMut};
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use futures::TryStreamExt;
use object_store::ObjectStoreExt;
use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Bytes of a file read (and its records split) at a time.
const PIECE_BYTES: usize = 8 << 20;
/// Pieces converting at once, besides the one being read.
const PIECES_IN_FLIGHT: usize = 2;
/// Rows are appended to the table once this much has been converted (fewer, larger segments).
const APPEND_BYTES: usize = 256 << 20;
/// Rows per batch read from a Parquet file: large batches split into few, large pieces per slice,
/// which sort and encode faster than many small ones.
const PARQUET_BATCH_ROWS: usize = 64 * 1024;
/// Rejected rows kept in STL_LOAD_ERRORS (the most recent).
const LOAD_ERRORS_KEPT: usize = 10_000;

/// A row of `STL_LOAD_ERRORS`.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub user_id: i32,
    pub table_id: i64,
    pub start: SystemTime,
    pub pid: i32,
    pub query: i32,
    pub file: String,
    pub reject: Reject,
    /// The refused value's column: name, type, and length for CHAR/VARCHAR.
    pub column: Option<(String, String, u32)>,
}

/// The rows COPY rejected (STL_LOAD_ERRORS): kept in memory, the most recent ones.
#[derive(Debug, Default)]
pub struct LoadErrorLog {
    entries: Mutex<VecDeque<Arc<LoadError>>>,
}

impl LoadErrorLog {
    fn record(&self, error: LoadError) {
        let mut entries = crate::sync::lock(&self.entries);
        if entries.len() == LOAD_ERRORS_KEPT {
            entries.pop_front();
        }
        entries.push_back(Arc::new(error));
    }

    pub fn entries(&self) -> Vec<Arc<LoadError>> {
        crate::sync::lock(&self.entries).iter().cloned().collect()
    }
}

/// One COPY under way (from files, or from the client): where rows and rejects go.
pub(crate) struct Load {
    rel: Arc<Relation>,
    table: Vec<TargetColumn>,
    schema: SchemaRef,
    /// Table columns filled from the files, in the files' order.
    listed: Vec<usize>,
    /// The other columns' DEFAULT values (evaluated once per COPY).
    defaults: Vec<(usize, datafusion::scalar::ScalarValue)>,
    rules: Arc<ValueRules>,
    max_errors: u64,
    rejected: u64,
    /// The first rejected row (the error when the load fails).
    first_reject: Option<(String, Reject)>,
    rows: u64,
    pending: Vec<RecordBatch>,
    pending_bytes: usize,
    /// Rows being encoded into segments while the next ones are read.
    writing: Option<std::thread::JoinHandle<Result<Vec<crate::storage::SegmentRef>>>>,
    /// For STL_LOAD_ERRORS (`None`: rejects are not recorded, as for COPY FROM STDIN).
    query: Option<i32>,
    user_id: i32,
    pid: i32,
    start: SystemTime,
}

impl Drop for Load {
    /// A load that failed still waits for its write under way (whose files the next start of the
    /// database removes, as they joined no table).
    fn drop(&mut self) {
        if let Some(writing) = self.writing.take() {
            let _ = writing.join();
        }
    }
}

impl Load {
    /// The number of values each row of the data has.
    pub(crate) fn width(&self) -> usize {
        self.listed.len()
    }

    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// The converted rows not written yet.
    fn take_pending(&mut self) -> Vec<RecordBatch> {
        self.pending_bytes = 0;
        std::mem::take(&mut self.pending)
    }
}

impl Session {
    /// `COPY table [(columns)] FROM 's3://…' | 'file' …` (see the module doc).
    pub(crate) async fn copy_from_lake(&mut self, plan: LoadPlan) -> Result<Outcome> {
        let location = Location::parse(&plan.source)?;
        if location.is_local() {
            // As PostgreSQL's pg_read_server_files: files on the server are not every user's.
            self.require_superuser("COPY from a file on the server (load from S3, or use COPY … FROM STDIN)")?;
        }
        let rules = ValueRules {
            empty_as_null: plan.empty_as_null,
            blanks_as_null: plan.blanks_as_null,
            truncate_columns: plan.truncate_columns,
            trim_blanks: plan.trim_blanks,
            replace_invalid: plan.accept_invalid_chars,
            date_format: TimeFormat::parse(plan.date_format.as_deref(), false)?,
            time_format: TimeFormat::parse(plan.time_format.as_deref(), true)?,
            zone: self.time_zone(),
        };
        let mut load = self.begin_load(&plan.table, &plan.columns, rules, plan.max_errors, None)?;
        let lake = Lake::open(&location, &plan.credentials, &self.db.lake_config())?;
        let objects = if plan.manifest {
            self.manifest_objects(&lake, &location, &plan).await?
        } else {
            lake.objects_under(&location).await?.into_iter().map(|o| (lake.clone(), o)).collect()
        };
        let json = match &plan.format {
            LoadFormat::Json { paths: Some(paths), .. } => {
                let at = Location::parse(paths)?;
                let lake = Lake::open(&at, &plan.credentials, &self.db.lake_config())?;
                Some(JsonMapping::Paths(JsonPath::parse_file(&lake.read(&Lake::path_of(&at)?).await?)?))
            }
            LoadFormat::Json { paths: None, ignore_case } => Some(JsonMapping::Auto { ignore_case: *ignore_case }),
            _ => None,
        };
        let xid = self.txn.as_ref().map_or(0, |t| t.xid) as i64;
        let logged = self.db.query_log().start(
            load.user_id,
            self.pid,
            xid,
            &format!("COPY {} FROM '{}'", plan.table, plan.source),
        );
        load.query = Some(logged.query);
        self.progress.start("COPY");
        let mut result = Ok(());
        for (lake, object) in &objects {
            result = match (&plan.format, &json) {
                (LoadFormat::Delimited(format), _) => self.load_text(&mut load, lake, object, format, &plan).await,
                (LoadFormat::Json { .. }, Some(mapping)) => {
                    self.load_json(&mut load, lake, object, mapping, plan.compression).await
                }
                _ => self.load_parquet(&mut load, lake, object).await,
            };
            if result.is_err() {
                break;
            }
        }
        result = match result {
            Ok(()) => self.append_pending(&mut load),
            // The write under way joins the transaction, which removes its files.
            Err(e) => {
                let _ = self.settle_write(&mut load);
                Err(e)
            }
        };
        self.progress.stop();
        logged.finish(result.is_err());
        result?;
        let table = &plan.table.name;
        let mut message = format!("Load into table '{table}' completed, {} record(s) loaded successfully.", load.rows);
        if load.rejected > 0 {
            message.push_str(&format!(
                " {} record(s) could not be loaded. Check 'stl_load_errors' system table for details.",
                load.rejected
            ));
        }
        self.notice(message);
        Ok(Outcome::counted("COPY", load.rows))
    }

    /// Prepares to load rows into `table` (the `columns` listed, or all), converted by `rules`;
    /// more than `max_errors` rejected rows fail the load.
    pub(crate) fn begin_load(
        &mut self,
        table: &QualifiedName,
        columns: &[String],
        rules: ValueRules,
        max_errors: u64,
        query: Option<i32>,
    ) -> Result<Load> {
        let state = Arc::clone(self.txn().state());
        let (rel, def) = state.require_table(table)?;
        self.require_on_relation(rel, crate::catalog::Privileges::INSERT)?;
        let listed = self.copy_columns(table, columns)?;
        let targets = target_columns(def);
        if let Some(missing) = targets.iter().enumerate().find(|(i, c)| c.required && !listed.contains(i)) {
            return Err(err!(
                NOT_NULL_VIOLATION,
                "column \"{}\" is NOT NULL but not in COPY's column list",
                missing.1.name
            ));
        }
        let mut defaults = vec![];
        for (i, column) in def.columns.iter().enumerate() {
            if column.default.is_some() && column.identity.is_none() && !listed.contains(&i) {
                defaults.push((i, self.evaluate_constant(self.default_value(column)?)?));
            }
        }
        let schema = Arc::new(Schema::new(
            crate::leader::provider::table_schema(rel)
                .fields()
                .iter()
                .map(|f| f.as_ref().clone().with_nullable(true))
                .collect::<Vec<_>>(),
        ));
        Ok(Load {
            rel: Arc::clone(rel),
            table: targets,
            schema,
            listed,
            defaults,
            rules: Arc::new(rules),
            max_errors,
            rejected: 0,
            first_reject: None,
            rows: 0,
            pending: vec![],
            pending_bytes: 0,
            writing: None,
            query,
            user_id: self.user_id(),
            pid: self.pid,
            start: SystemTime::now(),
        })
    }

    /// Converts a piece of delimited text (`raw`, read into `rows`) and takes its rows.
    pub(crate) fn load_text_piece(&mut self, load: &mut Load, source: &str, rows: TextRows, raw: &[u8]) -> Result<()> {
        let piece = text_to_batch(rows, raw, &load.table, &load.listed, &load.rules, &load.schema);
        self.take_piece(load, source, piece)
    }

    /// The files a manifest lists (`{"entries": [{"url": "s3://…", "mandatory": true}, …]}`);
    /// a missing mandatory one is an error, a missing optional one is skipped.
    async fn manifest_objects(
        &self,
        lake: &Lake,
        location: &Location,
        plan: &LoadPlan,
    ) -> Result<Vec<(Lake, LakeObject)>> {
        let data = lake.read(&Lake::path_of(location)?).await?;
        let invalid = |why: &str| err!(INVALID_PARAMETER_VALUE, "invalid manifest \"{}\": {why}", plan.source);
        let manifest: serde_json::Value = serde_json::from_slice(&data).map_err(|e| invalid(&e.to_string()))?;
        let entries =
            manifest.get("entries").and_then(|e| e.as_array()).ok_or_else(|| invalid("no \"entries\" list"))?;
        let mut objects = vec![];
        for entry in entries {
            let url = entry.get("url").and_then(|u| u.as_str()).ok_or_else(|| invalid("an entry has no \"url\""))?;
            let mandatory = entry.get("mandatory").and_then(|m| m.as_bool()).unwrap_or(false);
            let at = Location::parse(url)?;
            if at.is_local() != location.is_local() {
                return Err(invalid("its files must be where the manifest is (S3 or local)"));
            }
            let lake = Lake::open(&at, &plan.credentials, &self.db.lake_config())?;
            let path = Lake::path_of(&at)?;
            match lake.store().head(&path).await {
                Ok(meta) => objects.push((lake.clone(), LakeObject { name: url.to_string(), path, size: meta.size })),
                Err(object_store::Error::NotFound { .. }) if !mandatory => {}
                Err(e) => return Err(crate::load::lake::lake_error(e, url)),
            }
        }
        if objects.is_empty() {
            return Err(invalid("it lists no file that exists"));
        }
        Ok(objects)
    }

    /// A delimited text file, read in pieces whose conversion overlaps the reading.
    async fn load_text(
        &mut self,
        load: &mut Load,
        lake: &Lake,
        object: &LakeObject,
        format: &DelimitedFormat,
        plan: &LoadPlan,
    ) -> Result<()> {
        let (input, compression) = (open_input(lake, object).await?, plan.compression);
        let (sender, mut pieces) = tokio::sync::mpsc::channel::<Result<(TextRows, Bytes)>>(1);
        let tokenizer = Tokenizer::new(format.clone(), load.listed.len(), plan.ignore_header);
        let name = object.name.clone();
        let reader = tokio::task::spawn_blocking(move || read_pieces(input, compression, tokenizer, &name, &sender));
        let mut converting = VecDeque::new();
        let mut result = Ok(());
        while let Some(piece) = pieces.recv().await {
            let (rows, raw) = match piece {
                Ok(piece) => piece,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            self.progress.add(0, raw.len() as u64);
            let (table, listed, rules, schema) =
                (load.table.clone(), load.listed.clone(), Arc::clone(&load.rules), Arc::clone(&load.schema));
            converting.push_back(tokio::task::spawn_blocking(move || {
                text_to_batch(rows, &raw, &table, &listed, &rules, &schema)
            }));
            if converting.len() > PIECES_IN_FLIGHT {
                let done = converting.pop_front().expect("not empty");
                if let Err(e) = self.take_piece(load, &object.name, joined(done.await)) {
                    result = Err(e);
                    break;
                }
            }
        }
        // Stops the reader if it is still going.
        drop(pieces);
        while let Some(done) = converting.pop_front() {
            if result.is_ok() {
                result = self.take_piece(load, &object.name, joined(done.await));
            }
        }
        joined(reader.await)?;
        result
    }

    async fn load_json(
        &mut self,
        load: &mut Load,
        lake: &Lake,
        object: &LakeObject,
        mapping: &JsonMapping,
        compression: Compression,
    ) -> Result<()> {
        let input = open_input(lake, object).await?;
        let names: Vec<String> = load.listed.iter().map(|&i| load.table[i].name.clone()).collect();
        let (table, listed, rules, schema) =
            (load.table.clone(), load.listed.clone(), Arc::clone(&load.rules), Arc::clone(&load.schema));
        let (mapping, name, progress) = (mapping.clone(), object.name.clone(), Arc::clone(&self.progress));
        let piece = tokio::task::spawn_blocking(move || {
            let mut data = vec![];
            let mut input = compression.decoder(input).map_err(|e| read_error(&name, e))?;
            input.read_to_end(&mut data).map_err(|e| read_error(&name, e))?;
            progress.add(0, data.len() as u64);
            let rows = crate::load::json::read_rows(&data, &mapping, &names)?;
            text_to_batch(rows, &data, &table, &listed, &rules, &schema)
        });
        self.take_piece(load, &object.name, joined(piece.await))
    }

    /// A Parquet file: its columns, in order, fill the listed columns. Row groups are decoded
    /// (and converted to the table's types) on every core in turn and stream to the write in
    /// file order, a few at a time: memory the written rows free is reused for the next ones,
    /// rather than the whole file decoded at once into fresh pages (which the kernel zeroes:
    /// a third of the load's time before).
    async fn load_parquet(&mut self, load: &mut Load, lake: &Lake, object: &LakeObject) -> Result<()> {
        let data = lake.read(&object.path).await?;
        self.progress.add(0, data.len() as u64);
        let target = Arc::new(ParquetTarget {
            name: object.name.clone(),
            schema: Arc::clone(&load.schema),
            listed: load.listed.clone(),
            sql_types: load.table.iter().map(|c| c.sql_type.to_string()).collect(),
        });
        let metadata = target.metadata(&data)?;
        let groups = metadata.metadata().num_row_groups();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, groups.max(1));
        let mut receivers = (0..threads)
            .map(|first| {
                let (sender, receiver) = tokio::sync::mpsc::channel(2);
                let (data, metadata, target) = (data.clone(), metadata.clone(), Arc::clone(&target));
                std::thread::spawn(move || {
                    for group in (first..groups).step_by(threads) {
                        let decoded = target.decode(&data, &metadata, group);
                        let failed = decoded.is_err();
                        // The load stopped (an error elsewhere): nothing more to decode.
                        if sender.blocking_send(decoded).is_err() || failed {
                            break;
                        }
                    }
                });
                receiver
            })
            .collect::<Vec<_>>();
        for group in 0..groups {
            let decoded =
                receivers[group % threads].recv().await.ok_or_else(|| Error::internal("Parquet decoding stopped"))?;
            for batch in decoded? {
                self.take_piece(load, &object.name, Ok((batch, vec![])))?;
            }
        }
        Ok(())
    }

    /// A converted piece: its rows wait to be appended, its rejects are recorded (and fail the
    /// load past MAXERROR).
    fn take_piece(&mut self, load: &mut Load, source: &str, piece: Result<(RecordBatch, Vec<Reject>)>) -> Result<()> {
        let (batch, rejects) = piece.map_err(|e| in_file(e, source))?;
        for reject in rejects {
            load.rejected += 1;
            let column = reject.column.map(|i| {
                let c = &load.table[i];
                (c.name.clone(), c.sql_type.pg_name().to_string(), c.sql_type.max_bytes().unwrap_or(0))
            });
            if let Some(query) = load.query {
                self.db.load_errors().record(LoadError {
                    user_id: load.user_id,
                    table_id: load.rel.id as i64,
                    start: load.start,
                    pid: load.pid,
                    query,
                    file: source.to_string(),
                    reject: reject.clone(),
                    column,
                });
            }
            if load.first_reject.is_none() {
                load.first_reject = Some((source.to_string(), reject));
            }
        }
        if load.rejected > load.max_errors {
            let (file, first) = load.first_reject.as_ref().expect("a row was rejected");
            let column = first.column.map(|i| format!(", column \"{}\"", load.table[i].name)).unwrap_or_default();
            let value =
                if first.raw_value.is_empty() { String::new() } else { format!(", value \"{}\"", first.raw_value) };
            let mut message = format!(
                "Load into table '{}' failed: {} (file \"{file}\", line {}{column}{value})",
                load.rel.name,
                first.reason(),
                first.line
            );
            if load.max_errors > 0 {
                message.push_str(&format!("; {} rows rejected, more than MAXERROR {}", load.rejected, load.max_errors));
            }
            let error = Error::new(first.kind.sqlstate(), message);
            return Err(if load.query.is_some() {
                error.with_hint("check 'stl_load_errors' system table for details")
            } else {
                error
            });
        }
        let batch = with_defaults(batch, &load.defaults)?;
        self.progress.add(batch.num_rows() as u64, 0);
        load.pending_bytes += batch.get_array_memory_size();
        load.pending.push(batch);
        if load.pending_bytes >= APPEND_BYTES {
            self.append_in_background(load)?;
        }
        Ok(())
    }

    /// Writes the rows converted so far on another thread while more are read and converted
    /// (the write before is waited for first).
    fn append_in_background(&mut self, load: &mut Load) -> Result<()> {
        self.settle_write(load)?;
        let batches = load.take_pending();
        if let Some(staged) = self.stage_rows(load.rel.id, batches)? {
            load.rows += staged.rows;
            let db = self.db.clone();
            load.writing = Some(std::thread::spawn(move || staged.encode(&db)));
        }
        Ok(())
    }

    /// Waits for the write under way, if any, and adds its segments to the table.
    pub(crate) fn settle_write(&mut self, load: &mut Load) -> Result<()> {
        let Some(writing) = load.writing.take() else { return Ok(()) };
        let segments = writing.join().unwrap_or_else(|_| Err(Error::internal("segment writer panicked")))?;
        self.add_segments(load.rel.id, segments);
        Ok(())
    }

    /// Writes every row not written yet (the end of a load).
    pub(crate) fn append_pending(&mut self, load: &mut Load) -> Result<()> {
        self.settle_write(load)?;
        let batches = load.take_pending();
        load.rows += self.write_rows(load.rel.id, batches)?;
        Ok(())
    }
}

/// An object's bytes for a blocking reader (which decompresses them: decoders read as they are
/// made, and only a blocking thread may wait for the store). Local files are read directly, in
/// large reads, rather than as the store's stream of small pieces.
async fn open_input(lake: &Lake, object: &LakeObject) -> Result<Box<dyn Read + Send>> {
    if lake.is_local() {
        let file = std::fs::File::open(format!("/{}", object.path)).map_err(|e| read_error(&object.name, e))?;
        return Ok(Box::new(file));
    }
    let stream = lake.stream(&object.path).await?;
    let stream = stream.map_err(|e| std::io::Error::other(e.to_string()));
    Ok(Box::new(tokio_util::io::SyncIoBridge::new(tokio_util::io::StreamReader::new(stream))))
}

/// What a Parquet file's rows become: rows of the table, its listed columns filled in order.
struct ParquetTarget {
    name: String,
    schema: SchemaRef,
    listed: Vec<usize>,
    /// Every table column's SQL type, for messages.
    sql_types: Vec<String>,
}

impl ParquetTarget {
    fn invalid(&self, e: &dyn std::fmt::Display) -> Error {
        err!(BAD_COPY_FILE_FORMAT, "\"{}\" is not a readable Parquet file: {e}", self.name)
    }

    /// The file's metadata, with strings read as the table stores them (Utf8), not as views to
    /// be copied again.
    fn metadata(&self, data: &Bytes) -> Result<ArrowReaderMetadata> {
        let metadata = ArrowReaderMetadata::load(data, ArrowReaderOptions::default()).map_err(|e| self.invalid(&e))?;
        let plain_strings = plain_string_schema(metadata.schema());
        ArrowReaderMetadata::try_new(metadata.metadata().clone(), ArrowReaderOptions::new().with_schema(plain_strings))
            .map_err(|e| self.invalid(&e))
    }

    /// One row group's rows, as the table's.
    fn decode(&self, data: &Bytes, metadata: &ArrowReaderMetadata, group: usize) -> Result<Vec<RecordBatch>> {
        ParquetRecordBatchReaderBuilder::new_with_metadata(data.clone(), metadata.clone())
            .with_row_groups(vec![group])
            .with_batch_size(PARQUET_BATCH_ROWS)
            .build()
            .map_err(|e| self.invalid(&e))?
            .map(|batch| self.convert(batch.map_err(|e| self.invalid(&e))?))
            .collect()
    }

    fn convert(&self, batch: RecordBatch) -> Result<RecordBatch> {
        if batch.num_columns() != self.listed.len() {
            return Err(err!(
                BAD_COPY_FILE_FORMAT,
                "\"{}\" has {} columns but COPY fills {}",
                self.name,
                batch.num_columns(),
                self.listed.len()
            ));
        }
        let rows = batch.num_rows();
        let mut columns: Vec<datafusion::arrow::array::ArrayRef> = self
            .schema
            .fields()
            .iter()
            .map(|f| datafusion::arrow::array::new_null_array(f.data_type(), rows))
            .collect();
        let options = datafusion::arrow::compute::CastOptions { safe: false, ..Default::default() };
        for (source, &target) in batch.columns().iter().zip(&self.listed) {
            let field = self.schema.field(target);
            columns[target] = datafusion::arrow::compute::cast_with_options(source, field.data_type(), &options)
                .map_err(|e| {
                    err!(
                        DATATYPE_MISMATCH,
                        "\"{}\": column \"{}\" cannot be loaded as {}: {e}",
                        self.name,
                        field.name(),
                        self.sql_types[target]
                    )
                })?;
        }
        Ok(RecordBatch::try_new(Arc::clone(&self.schema), columns)?)
    }
}

/// A Parquet file's Arrow schema with string and binary views read as plain arrays.
fn plain_string_schema(schema: &SchemaRef) -> SchemaRef {
    use datafusion::arrow::datatypes::{DataType, Field};
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8View => f.as_ref().clone().with_data_type(DataType::Utf8),
            DataType::BinaryView => f.as_ref().clone().with_data_type(DataType::Binary),
            _ => f.as_ref().clone(),
        })
        .collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}

/// The batch with the columns COPY did not fill set to their DEFAULT.
fn with_defaults(batch: RecordBatch, defaults: &[(usize, datafusion::scalar::ScalarValue)]) -> Result<RecordBatch> {
    if defaults.is_empty() {
        return Ok(batch);
    }
    let mut columns = batch.columns().to_vec();
    for (i, value) in defaults {
        columns[*i] = value.to_array_of_size(batch.num_rows())?;
    }
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}

fn target_columns(def: &TableDef) -> Vec<TargetColumn> {
    def.columns
        .iter()
        .map(|c| TargetColumn {
            name: c.name.clone(),
            sql_type: c.sql_type,
            required: c.not_null && c.identity.is_none(),
        })
        .collect()
}

/// Reads `input` in pieces of whole records and sends them on; stops when the receiver has gone.
fn read_pieces(
    input: Box<dyn Read + Send>,
    compression: Compression,
    mut tokenizer: Tokenizer,
    name: &str,
    sender: &tokio::sync::mpsc::Sender<Result<(TextRows, Bytes)>>,
) -> Result<()> {
    let mut input = match compression.decoder(input) {
        Ok(input) => input,
        Err(e) => {
            let _ = sender.blocking_send(Err(read_error(name, e)));
            return Ok(());
        }
    };
    let mut buffer = BytesMut::new();
    loop {
        let mut filled = buffer.len();
        buffer.resize(filled + PIECE_BYTES, 0);
        let mut at_end = false;
        let read = (|| -> std::io::Result<()> {
            while filled < buffer.len() {
                let n = input.read(&mut buffer[filled..])?;
                if n == 0 {
                    at_end = true;
                    break;
                }
                filled += n;
            }
            Ok(())
        })();
        buffer.truncate(filled);
        if let Err(e) = read {
            let _ = sender.blocking_send(Err(read_error(name, e)));
            return Ok(());
        }
        let (rows, used) = tokenizer.read(&buffer, at_end);
        let raw = buffer.split_to(used).freeze();
        if sender.blocking_send(Ok((rows, raw))).is_err() || at_end || tokenizer.ended() {
            return Ok(());
        }
    }
}

fn read_error(name: &str, error: std::io::Error) -> Error {
    let text = error.to_string();
    let corrupt = matches!(
        error.kind(),
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput | std::io::ErrorKind::UnexpectedEof
    );
    if corrupt {
        err!(BAD_COPY_FILE_FORMAT, "\"{name}\" could not be decompressed (corrupt or truncated?): {text}")
    } else {
        err!(IO_ERROR, "could not read \"{name}\": {text}")
    }
}

/// An error converting a piece, naming its file.
fn in_file(mut error: Error, name: &str) -> Error {
    error.message = format!("{} (file \"{name}\")", error.message);
    error
}

fn joined<T>(result: std::result::Result<Result<T>, tokio::task::JoinError>) -> Result<T> {
    result.map_err(|e| err!(INTERNAL_ERROR, "a loading task failed: {e}"))?
}
