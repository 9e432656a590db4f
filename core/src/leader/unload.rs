//! Runs `UNLOAD ('query') TO 's3://…' | 'file' …`: the query's rows go to files whose names start
//! with the target: a series of files per slice (PARALLEL ON, rows dealt out batch by batch) or
//! one series in the query's order (PARALLEL OFF), each file at most MAXFILESIZE; Redshift's
//! delimited text, CSV, Parquet or JSON lines; compressed if asked; in Hive-style directories
//! (`col=value/`) with PARTITION BY; listed in `<target>manifest` with MANIFEST. Files are
//! streamed to the store as multipart uploads. Existing files are kept unless ALLOWOVERWRITE.

use super::results::Outcome;
use super::session::Session;
use crate::err;
use crate::error::Result;
use crate::load::lake::{lake_error, Lake, Location};
use crate::load::Compressor;
use crate::sql::copy::{encode_row, CopyOptions, UnloadFormat, UnloadPlan};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{ArrayRef, RecordBatch};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::sql::sqlparser::ast::Statement;
use futures::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, WriteMultipart};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Upload parts in flight per file.
const PARTS_IN_FLIGHT: usize = 4;

impl Session {
    /// `UNLOAD (…) TO …` (see the module doc).
    pub(crate) async fn unload(&mut self, plan: UnloadPlan) -> Result<Outcome> {
        let location = Location::parse(&plan.target)?;
        if location.is_local() {
            self.require_superuser("UNLOAD to a file on the server")?;
        }
        let lake = Lake::open(&location, &plan.credentials, &self.db.lake_config())?;
        let prefix = match &location {
            Location::S3 { key, .. } => key.clone(),
            Location::Local(path) => path.to_string_lossy().trim_start_matches('/').to_string(),
        };
        let existing = lake.objects_under(&location).await.unwrap_or_default();
        if plan.clean_path {
            for object in &existing {
                lake.store().delete(&object.path).await.map_err(|e| lake_error(e, &object.name))?;
            }
        } else if let (Some(first), false) = (existing.first(), plan.allow_overwrite) {
            return Err(err!(
                DUPLICATE_FILE,
                "UNLOAD would overwrite \"{}\" (and maybe other files under \"{}\")",
                first.name,
                plan.target
            )
            .with_hint("add ALLOWOVERWRITE (or CLEANPATH to remove them first), or choose another prefix"));
        }
        let statement = crate::sql::parser::parse_one(&plan.query)?;
        if !matches!(statement, Statement::Query(_)) {
            return Err(err!(SYNTAX_ERROR, "UNLOAD needs a query (SELECT …)"));
        }
        let stream = self.start_query(statement, false).await?;
        self.progress.start("UNLOAD");
        let schema = stream.schema;
        let partition_columns = match &plan.partition_by {
            None => vec![],
            Some((columns, _)) => columns
                .iter()
                .map(|c| {
                    schema.index_of(c).map_err(|_| {
                        err!(UNDEFINED_COLUMN, "PARTITION BY column \"{c}\" is not in the query's columns")
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        };
        let include = plan.partition_by.as_ref().is_some_and(|(_, include)| *include);
        let file_columns: Vec<usize> =
            (0..schema.fields().len()).filter(|i| include || !partition_columns.contains(i)).collect();
        let file_schema = Arc::new(schema.project(&file_columns)?);
        let slices = if plan.parallel { self.db.layout().slice_count().max(1) } else { 1 };
        let mut writer = Unloader {
            lake: &lake,
            plan: &plan,
            prefix,
            schema: file_schema,
            zone: self.time_zone(),
            progress: Arc::clone(&self.progress),
            series: BTreeMap::new(),
            written: vec![],
            rows: 0,
        };
        let mut batches = stream.batches;
        let mut next_slice = 0u32;
        let result: Result<()> = async {
            while let Some(batch) = batches.next().await {
                let batch = batch?;
                if batch.num_rows() == 0 {
                    continue;
                }
                let slice = next_slice % slices;
                next_slice += 1;
                for (directory, rows) in partitions(&batch, &partition_columns, &self.time_zone())? {
                    let rows = rows.project(&file_columns)?;
                    writer.write(directory, slice, &rows).await?;
                }
            }
            if writer.series.is_empty() {
                // An empty result still leaves a file (with its header or Parquet schema).
                let empty = RecordBatch::new_empty(Arc::clone(&writer.schema));
                writer.write(String::new(), 0, &empty).await?;
            }
            writer.finish().await
        }
        .await;
        self.progress.stop();
        if let Err(e) = result {
            writer.abort().await;
            return Err(e);
        }
        if plan.manifest {
            let entries: Vec<serde_json::Value> = writer
                .written
                .iter()
                .map(|(name, bytes)| serde_json::json!({"url": name, "meta": {"content_length": bytes}}))
                .collect();
            let manifest = serde_json::to_vec_pretty(&serde_json::json!({ "entries": entries })).expect("JSON");
            lake.write(&ObjectPath::from(format!("{}manifest", writer.prefix)), manifest.into()).await?;
        }
        let rows = writer.rows;
        self.notice(format!("UNLOAD completed, {rows} record(s) unloaded successfully."));
        Ok(Outcome::Command { tag: "UNLOAD".into(), rows: Some(rows) })
    }
}

/// The files of one UNLOAD, by partition directory and slice.
struct Unloader<'a> {
    lake: &'a Lake,
    plan: &'a UnloadPlan,
    /// The target as an object path prefix.
    prefix: String,
    schema: SchemaRef,
    zone: Tz,
    progress: Arc<crate::load::Progress>,
    series: BTreeMap<(String, u32), Series>,
    /// Finished files: name and size.
    written: Vec<(String, u64)>,
    rows: u64,
}

/// The files one slice writes into one directory: `part` counts them (MAXFILESIZE).
struct Series {
    part: u32,
    file: Option<OpenFile>,
}

struct OpenFile {
    name: String,
    upload: WriteMultipart,
    encoder: Encoder,
    /// Bytes handed to the upload so far.
    sent: u64,
}

enum Encoder {
    Text { options: CopyOptions, compressor: Compressor },
    Json { compressor: Compressor, kinds: Vec<JsonKind> },
    Parquet(Box<ArrowWriter<Vec<u8>>>),
}

#[derive(Clone, Copy)]
enum JsonKind {
    Number,
    Boolean,
    Text,
}

impl Unloader<'_> {
    async fn write(&mut self, directory: String, slice: u32, rows: &RecordBatch) -> Result<()> {
        let key = (directory, slice);
        if !self.series.contains_key(&key) {
            self.series.insert(key.clone(), Series { part: 0, file: None });
        }
        if self.series[&key].file.is_none() {
            let (path, encoder) = self.new_file(&key.0, slice, self.series[&key].part)?;
            let lake: &Lake = self.lake;
            let name = lake.name_of(&path);
            let upload = lake.store().put_multipart(&path).await.map_err(|e| lake_error(e, &name))?;
            let file = OpenFile { name, upload: WriteMultipart::new(upload), encoder, sent: 0 };
            self.series.get_mut(&key).expect("inserted").file = Some(file);
        }
        let series = self.series.get_mut(&key).expect("inserted");
        let file = series.file.as_mut().expect("opened");
        let bytes = file.encoder.encode(rows, &self.zone)?;
        file.sent += bytes.len() as u64;
        file.upload.write(&bytes);
        file.upload.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(|e| lake_error(e, &file.name))?;
        self.rows += rows.num_rows() as u64;
        self.progress.add(rows.num_rows() as u64, bytes.len() as u64);
        if file.sent + file.encoder.buffered() as u64 >= self.plan.max_file_bytes {
            let file = series.file.take().expect("open");
            series.part += 1;
            self.written.push(close(file).await?);
        }
        Ok(())
    }

    /// The path and encoder of a slice's next file in a directory.
    fn new_file(&self, directory: &str, slice: u32, part: u32) -> Result<(ObjectPath, Encoder)> {
        let (dir, base) = match self.prefix.rfind('/') {
            Some(i) => (&self.prefix[..=i], &self.prefix[i + 1..]),
            None => ("", self.prefix.as_str()),
        };
        let number = if self.plan.parallel { format!("{slice:04}_part_{part:02}") } else { format!("{part:03}") };
        let mut extension = match (&self.plan.extension, &self.plan.format) {
            (Some(ext), _) => format!(".{ext}"),
            (None, UnloadFormat::Parquet) => ".parquet".to_string(),
            (None, _) => String::new(),
        };
        extension.push_str(self.plan.compression.extension());
        let path = ObjectPath::from(format!("{dir}{directory}{base}{number}{extension}"));
        let mut encoder = match &self.plan.format {
            UnloadFormat::Text(options) => {
                Encoder::Text { options: options.clone(), compressor: self.plan.compression.encoder()? }
            }
            UnloadFormat::Json => Encoder::Json {
                compressor: self.plan.compression.encoder()?,
                kinds: self.schema.fields().iter().map(|f| json_kind(f.data_type())).collect(),
            },
            UnloadFormat::Parquet => {
                let properties = datafusion::parquet::file::properties::WriterProperties::builder()
                    .set_compression(datafusion::parquet::basic::Compression::SNAPPY)
                    .build();
                Encoder::Parquet(Box::new(
                    ArrowWriter::try_new(vec![], Arc::clone(&self.schema), Some(properties))
                        .map_err(|e| err!(INTERNAL_ERROR, "{e}"))?,
                ))
            }
        };
        if self.plan.header {
            if let Encoder::Text { options, compressor } = &mut encoder {
                let names: Vec<Option<&str>> = self.schema.fields().iter().map(|f| Some(f.name().as_str())).collect();
                let mut line = vec![];
                encode_row(&names, options, &mut line);
                compressor.write(&line)?;
            }
        }
        Ok((path, encoder))
    }

    async fn finish(&mut self) -> Result<()> {
        let files: Vec<OpenFile> = self.series.values_mut().filter_map(|s| s.file.take()).collect();
        for file in files {
            self.written.push(close(file).await?);
        }
        self.written.sort();
        Ok(())
    }

    /// Abandons the uploads under way (files already finished stay).
    async fn abort(&mut self) {
        for series in self.series.values_mut() {
            if let Some(file) = series.file.take() {
                let _ = file.upload.abort().await;
            }
        }
    }
}

async fn close(file: OpenFile) -> Result<(String, u64)> {
    let OpenFile { name, mut upload, encoder, sent } = file;
    let rest = encoder.finish()?;
    upload.write(&rest);
    upload.finish().await.map_err(|e| lake_error(e, &name))?;
    Ok((name, sent + rest.len() as u64))
}

impl Encoder {
    /// The file's next bytes, for these rows.
    fn encode(&mut self, rows: &RecordBatch, zone: &Tz) -> Result<Vec<u8>> {
        match self {
            Encoder::Text { options, compressor } => {
                let mut out = vec![];
                crate::sql::copy::encode_batch(rows, options, zone, |line| out.extend_from_slice(line))?;
                compressor.write(&out)?;
                Ok(compressor.take())
            }
            Encoder::Json { compressor, kinds } => {
                let names: Vec<&str> = rows.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
                let columns = rows
                    .columns()
                    .iter()
                    .map(|c| crate::sql::format::column_to_text(c, zone))
                    .collect::<Result<Vec<_>>>()?;
                let mut out = vec![];
                for row in 0..rows.num_rows() {
                    let mut object = serde_json::Map::new();
                    for ((name, column), kind) in names.iter().zip(&columns).zip(kinds.iter()) {
                        let Some(text) = column[row].as_deref() else { continue };
                        let value = match kind {
                            JsonKind::Number => serde_json::from_str(text)
                                .unwrap_or_else(|_| serde_json::Value::String(text.to_string())),
                            JsonKind::Boolean => serde_json::Value::Bool(text == "t" || text == "true"),
                            JsonKind::Text => serde_json::Value::String(text.to_string()),
                        };
                        object.insert(name.to_string(), value);
                    }
                    serde_json::to_writer(&mut out, &object).expect("JSON to memory");
                    out.push(b'\n');
                }
                compressor.write(&out)?;
                Ok(compressor.take())
            }
            Encoder::Parquet(writer) => {
                writer.write(rows).map_err(|e| err!(INTERNAL_ERROR, "writing Parquet: {e}"))?;
                Ok(std::mem::take(writer.inner_mut()))
            }
        }
    }

    /// Bytes encoded but not yet handed out (a Parquet row group being built).
    fn buffered(&self) -> usize {
        match self {
            Encoder::Parquet(writer) => writer.in_progress_size(),
            _ => 0,
        }
    }

    fn finish(self) -> Result<Vec<u8>> {
        match self {
            Encoder::Text { compressor, .. } | Encoder::Json { compressor, .. } => compressor.finish(),
            Encoder::Parquet(writer) => writer.into_inner().map_err(|e| err!(INTERNAL_ERROR, "writing Parquet: {e}")),
        }
    }
}

fn json_kind(data_type: &DataType) -> JsonKind {
    match data_type {
        DataType::Boolean => JsonKind::Boolean,
        t if t.is_numeric() => JsonKind::Number,
        _ => JsonKind::Text,
    }
}

/// The rows of a batch by partition directory (`col=value/…`; everything in `""` without
/// PARTITION BY).
fn partitions(batch: &RecordBatch, columns: &[usize], zone: &Tz) -> Result<Vec<(String, RecordBatch)>> {
    if columns.is_empty() {
        return Ok(vec![(String::new(), batch.clone())]);
    }
    let schema = batch.schema();
    let texts = columns
        .iter()
        .map(|&c| crate::sql::format::column_to_text(batch.column(c), zone))
        .collect::<Result<Vec<_>>>()?;
    let mut groups: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for row in 0..batch.num_rows() {
        let mut directory = String::new();
        for (&c, text) in columns.iter().zip(&texts) {
            let value = text[row].as_deref().map_or("__HIVE_DEFAULT_PARTITION__".to_string(), escape_partition_value);
            directory.push_str(&format!("{}={value}/", schema.field(c).name()));
        }
        groups.entry(directory).or_default().push(row as u32);
    }
    groups
        .into_iter()
        .map(|(directory, rows)| {
            let indices = datafusion::arrow::array::UInt32Array::from(rows);
            let columns = batch
                .columns()
                .iter()
                .map(|c| Ok(datafusion::arrow::compute::take(c.as_ref(), &indices, None)?))
                .collect::<Result<Vec<ArrayRef>>>()?;
            Ok((directory, RecordBatch::try_new(Arc::clone(&schema), columns)?))
        })
        .collect()
}

/// A partition value in a path: characters that would break it are %-escaped, as Hive does.
fn escape_partition_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_control()
            || matches!(c, '/' | '\\' | '%' | '=' | ':' | '#' | '?' | '"' | '\'' | '*' | '[' | ']' | '^' | '{')
        {
            for b in c.to_string().bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_values_escape_path_characters() {
        assert_eq!(escape_partition_value("a/b=c d"), "a%2Fb%3Dc d");
        let batch = RecordBatch::try_from_iter(vec![
            ("k", Arc::new(datafusion::arrow::array::StringArray::from(vec![Some("x"), None, Some("x")])) as ArrayRef),
            ("v", Arc::new(datafusion::arrow::array::Int32Array::from(vec![1, 2, 3])) as ArrayRef),
        ])
        .unwrap();
        let parts = partitions(&batch, &[0], &"UTC".parse().unwrap()).unwrap();
        let shape: Vec<(String, usize)> = parts.iter().map(|(d, b)| (d.clone(), b.num_rows())).collect();
        assert_eq!(shape, vec![("k=__HIVE_DEFAULT_PARTITION__/".to_string(), 1), ("k=x/".to_string(), 2)]);
        assert!(parts[0].1.column(1).is_valid(0));
    }
}
