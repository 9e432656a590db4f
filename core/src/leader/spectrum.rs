//! Spectrum: external schemas and tables over files in the lake, queried in place.
//!
//! The DDL (`CREATE EXTERNAL SCHEMA`, `CREATE EXTERNAL TABLE`, `ALTER TABLE … ADD|DROP PARTITION`)
//! records definitions in the catalog. A query's scan ([`ExternalTable::scan`]) keeps the
//! partitions its filters on partition columns allow, lists their files and reads them with
//! DataFusion's Parquet or CSV source, which prunes row groups with the other filters. The scan
//! runs on the leader ([`ExternalScanExec`] is a step the compute nodes do not know).

use crate::catalog::*;
use crate::err;
use crate::error::{Error, Result};
use crate::leader::results::Outcome;
use crate::leader::session::Session;
use crate::load::lake::{Lake, LakeConfig, Location};
use crate::sql::copy::Credentials;
use crate::sql::ddl::{ident_name, qualified_name};
use crate::types::SqlType;
use async_trait::async_trait;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::{Session as PlannerSession, TableProvider};
use datafusion::common::config::CsvOptions;
use datafusion::common::stats::Precision;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::common::{DFSchema, ScalarValue, Statistics};
use datafusion::datasource::listing::helpers::expr_applicable_for_cols;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::physical_plan::{CsvSource, FileGroup, FileScanConfigBuilder, FileSource, ParquetSource};
use datafusion::datasource::source::DataSourceExec;
use datafusion::datasource::table_schema::TableSchema;
use datafusion::datasource::TableType;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::expr_rewriter::unnormalize_col;
use datafusion::logical_expr::utils::conjunction;
use datafusion::logical_expr::{cast, lit, when, Expr, TableProviderFilterPushDown};
use datafusion::physical_expr::create_physical_expr;
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::physical_plan::projection::{ProjectionExec, ProjectionExpr};
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties};
use datafusion::sql::sqlparser::ast::{
    self, AlterTableOperation, CreateTable, CreateTableOptions, FileFormat, HiveDelimiter, HiveDistributionStyle,
    HiveIOFormat, HiveRowFormat, Partition, SqlOption,
};
use std::fmt;
use std::sync::Arc;

/// Hive's default field delimiter for text files (Ctrl-A).
const HIVE_DEFAULT_DELIMITER: u8 = 0x01;
/// Hive's text for NULL.
const HIVE_NULL: &str = "\\N";

impl Session {
    pub(crate) fn create_external_table(&mut self, create: &CreateTable) -> Result<Outcome> {
        const TAG: &str = "CREATE EXTERNAL TABLE";
        let name = qualified_name(&create.name)?;
        let state = Arc::clone(self.txn().state());
        let schema = state.require_schema(&name.schema)?;
        if schema.external.is_none() {
            return Err(err!(WRONG_OBJECT_TYPE, "schema \"{}\" is not an external schema", name.schema)
                .with_hint("Create external tables in a schema made by CREATE EXTERNAL SCHEMA."));
        }
        self.require_on_schema(&name.schema, crate::catalog::Privileges::CREATE)?;
        if state.lookup(&name).is_some() {
            if create.if_not_exists {
                self.notice(format!("relation \"{}\" already exists, skipping", name.name));
                return Ok(Outcome::command(TAG));
            }
            return Err(err!(DUPLICATE_TABLE, "relation \"{}\" already exists", name.name));
        }
        if create.query.is_some() || create.like.is_some() {
            return Err(err!(FEATURE_NOT_SUPPORTED, "CREATE EXTERNAL TABLE … AS / LIKE is not supported yet"));
        }
        let columns = external_columns(&create.columns)?;
        let partition_columns = match &create.hive_distribution {
            HiveDistributionStyle::PARTITIONED { columns } => external_columns(columns)?,
            HiveDistributionStyle::NONE => vec![],
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "{other:?} is not supported for external tables")),
        };
        if columns.is_empty() {
            return Err(err!(INVALID_TABLE_DEFINITION, "external table \"{}\" needs at least one column", name.name));
        }
        let mut seen = std::collections::HashSet::new();
        for column in columns.iter().chain(&partition_columns) {
            if !seen.insert(column.name.as_str()) {
                return Err(err!(DUPLICATE_COLUMN, "column \"{}\" specified more than once", column.name));
            }
        }
        let hive = create.hive_formats.as_ref();
        let format = match hive.and_then(|h| h.storage.as_ref()) {
            Some(HiveIOFormat::FileFormat { format: FileFormat::PARQUET }) => ExternalFormat::Parquet,
            Some(HiveIOFormat::FileFormat { format: FileFormat::TEXTFILE }) => {
                ExternalFormat::Text { delimiter: text_delimiter(hive.and_then(|h| h.row_format.as_ref()))? }
            }
            Some(HiveIOFormat::FileFormat { format }) => {
                return Err(err!(FEATURE_NOT_SUPPORTED, "external tables STORED AS {format} are not supported yet")
                    .with_hint("Use STORED AS PARQUET or TEXTFILE."))
            }
            Some(_) => return Err(err!(FEATURE_NOT_SUPPORTED, "INPUTFORMAT/OUTPUTFORMAT classes are not supported")),
            None => return Err(Error::syntax("CREATE EXTERNAL TABLE needs STORED AS PARQUET | TEXTFILE")),
        };
        if format == ExternalFormat::Parquet && hive.is_some_and(|h| h.row_format.is_some()) {
            return Err(err!(INVALID_TABLE_DEFINITION, "ROW FORMAT applies to TEXTFILE tables, not PARQUET"));
        }
        let location = create
            .location
            .clone()
            .or_else(|| hive.and_then(|h| h.location.clone()))
            .ok_or_else(|| Error::syntax("CREATE EXTERNAL TABLE needs LOCATION 's3://bucket/folder/'"))?;
        self.check_lake_location(&location)?;
        let properties = match &create.table_options {
            CreateTableOptions::TableProperties(options) => options.iter().map(property).collect::<Result<Vec<_>>>()?,
            CreateTableOptions::None => vec![],
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "table options {other} are not supported")),
        };
        let def = ExternalTableDef { columns, partition_columns, location, format, properties, partitions: vec![] };
        header_lines(&def)?;
        self.add_relation(name, RelationKind::External(def));
        Ok(Outcome::command(TAG))
    }

    /// A lake location an external table may read: S3, or (for a superuser) the server's files.
    fn check_lake_location(&mut self, location: &str) -> Result<()> {
        if Location::parse(location)?.is_local() {
            self.require_superuser("define external tables over files on the server")?;
        }
        Ok(())
    }

    /// `ALTER TABLE … ADD|DROP PARTITION` of an external table.
    pub(crate) fn alter_external(
        &mut self,
        rel: &mut Relation,
        operation: &AlterTableOperation,
        locations: &mut std::vec::IntoIter<String>,
    ) -> Result<()> {
        let table_name = rel.name.clone();
        let RelationKind::External(def) = &mut rel.kind else { unreachable!("an external table") };
        match operation {
            AlterTableOperation::AddPartitions { if_not_exists, new_partitions } => {
                for partition in new_partitions {
                    let values = partition_values(def, partition_exprs(partition)?, &table_name)?;
                    let location = locations
                        .next()
                        .ok_or_else(|| Error::syntax("ADD PARTITION (…) needs LOCATION 's3://bucket/folder/'"))?;
                    check_same_store(&def.location, &location)?;
                    if def.partitions.iter().any(|p| p.values == values) {
                        if *if_not_exists {
                            continue;
                        }
                        return Err(err!(
                            DUPLICATE_OBJECT,
                            "partition ({}) of \"{table_name}\" already exists",
                            describe_partition(def, &values)
                        ));
                    }
                    def.partitions.push(ExternalPartition { values, location });
                }
                let location = def.location.clone();
                self.check_lake_location(&location)?;
            }
            AlterTableOperation::DropPartitions { partitions, if_exists } => {
                let values = partition_values(def, partitions, &table_name)?;
                match def.partitions.iter().position(|p| p.values == values) {
                    Some(at) => {
                        def.partitions.remove(at);
                    }
                    None if *if_exists => {}
                    None => {
                        return Err(err!(
                            UNDEFINED_OBJECT,
                            "partition ({}) of \"{table_name}\" does not exist",
                            describe_partition(def, &values)
                        ))
                    }
                }
            }
            AlterTableOperation::RenameTable { .. } => {
                return Err(err!(FEATURE_NOT_SUPPORTED, "renaming external tables is not supported yet"))
            }
            other => {
                return Err(err!(FEATURE_NOT_SUPPORTED, "ALTER TABLE {other} is not supported for external tables"))
            }
        }
        Ok(())
    }
}

/// Partition folders must be in the table's store (its bucket, or the local file system): a
/// table reads through one connection.
fn check_same_store(table_location: &str, partition_location: &str) -> Result<()> {
    let (table, partition) = (Location::parse(table_location)?, Location::parse(partition_location)?);
    let same = match (&table, &partition) {
        (Location::S3 { bucket: a, .. }, Location::S3 { bucket: b, .. }) => a == b,
        (Location::Local(_), Location::Local(_)) => true,
        _ => false,
    };
    if !same {
        return Err(err!(
            FEATURE_NOT_SUPPORTED,
            "partition location \"{partition_location}\" is not in the table's bucket ({table_location})"
        ));
    }
    Ok(())
}

fn external_columns(defs: &[ast::ColumnDef]) -> Result<Vec<ExternalColumn>> {
    defs.iter()
        .map(|def| {
            if let Some(option) = def.options.first() {
                return Err(err!(
                    FEATURE_NOT_SUPPORTED,
                    "column option {} is not supported for external tables",
                    option.option
                ));
            }
            Ok(ExternalColumn { name: ident_name(&def.name), sql_type: SqlType::from_ast(&def.data_type)? })
        })
        .collect()
}

/// `ROW FORMAT DELIMITED FIELDS TERMINATED BY 'c'`: one byte, written plainly, as an escape
/// (`'\t'`) or in octal (`'\001'`).
fn text_delimiter(row_format: Option<&HiveRowFormat>) -> Result<u8> {
    let text = match row_format {
        None => return Ok(HIVE_DEFAULT_DELIMITER),
        Some(HiveRowFormat::SERDE { class }) if class.ends_with("LazySimpleSerDe") => {
            return Ok(HIVE_DEFAULT_DELIMITER)
        }
        Some(HiveRowFormat::SERDE { class }) => {
            return Err(err!(FEATURE_NOT_SUPPORTED, "ROW FORMAT SERDE '{class}' is not supported yet"))
        }
        Some(HiveRowFormat::DELIMITED { delimiters }) => {
            if let Some(other) = delimiters.iter().find(|d| d.delimiter != HiveDelimiter::FieldsTerminatedBy) {
                return Err(err!(FEATURE_NOT_SUPPORTED, "{} is not supported yet", other.delimiter));
            }
            match delimiters.first() {
                Some(d) => d.char.value.clone(),
                None => return Ok(HIVE_DEFAULT_DELIMITER),
            }
        }
    };
    let byte = match text.as_bytes() {
        [b] => Some(*b),
        [b'\\', b't'] => Some(b'\t'),
        [b'\\', digits @ ..] if !digits.is_empty() && digits.iter().all(|d| (b'0'..=b'7').contains(d)) => {
            u8::from_str_radix(std::str::from_utf8(digits).unwrap_or_default(), 8).ok()
        }
        [b'\\', b] => Some(*b),
        _ => None,
    };
    byte.filter(|b| *b != b'\n' && *b != b'\r')
        .ok_or_else(|| err!(INVALID_PARAMETER_VALUE, "FIELDS TERMINATED BY needs a single character, not \"{text}\""))
}

fn property(option: &SqlOption) -> Result<(String, String)> {
    let SqlOption::KeyValue { key, value } = option else {
        return Err(Error::syntax("TABLE PROPERTIES needs 'name'='value' pairs"));
    };
    Ok((key.value.to_ascii_lowercase(), literal_text(value)))
}

/// A literal as written, without the quotes of a string.
fn literal_text(expr: &ast::Expr) -> String {
    match expr {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) => s.clone(),
            other => other.to_string(),
        },
        other => other.to_string(),
    }
}

/// Lines to skip at the top of each text file (`'skip.header.line.count'`): 0 or 1.
fn header_lines(def: &ExternalTableDef) -> Result<bool> {
    match def.property("skip.header.line.count") {
        None | Some("0") => Ok(false),
        Some("1") if matches!(def.format, ExternalFormat::Text { .. }) => Ok(true),
        Some(other) => Err(err!(
            FEATURE_NOT_SUPPORTED,
            "'skip.header.line.count'='{other}' is not supported (0 or 1, for TEXTFILE tables)"
        )),
    }
}

fn partition_exprs(partition: &Partition) -> Result<&[ast::Expr]> {
    match partition {
        Partition::Partitions(exprs) => Ok(exprs),
        other => Err(err!(FEATURE_NOT_SUPPORTED, "PARTITION {other} is not supported")),
    }
}

/// `(col = value, …)` as the table's partition values, in partition-column order, each checked
/// against its column's type.
fn partition_values(def: &ExternalTableDef, exprs: &[ast::Expr], table: &str) -> Result<Vec<String>> {
    if def.partition_columns.is_empty() {
        return Err(err!(INVALID_TABLE_DEFINITION, "table \"{table}\" is not partitioned"));
    }
    let mut values: Vec<Option<String>> = vec![None; def.partition_columns.len()];
    for expr in exprs {
        let ast::Expr::BinaryOp { left, op: ast::BinaryOperator::Eq, right } = expr else {
            return Err(Error::syntax(format!("PARTITION needs column = value pairs, not {expr}")));
        };
        let ast::Expr::Identifier(column) = left.as_ref() else {
            return Err(Error::syntax(format!("PARTITION needs a partition column name, not {left}")));
        };
        let name = ident_name(column);
        let index = def
            .partition_columns
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| err!(UNDEFINED_COLUMN, "\"{name}\" is not a partition column of \"{table}\""))?;
        let text = literal_text(right);
        let column = &def.partition_columns[index];
        ScalarValue::try_from_string(text.clone(), &column.sql_type.arrow_type()).map_err(|_| {
            err!(
                INVALID_TEXT_REPRESENTATION,
                "invalid value \"{text}\" for partition column \"{name}\" of type {}",
                column.sql_type
            )
        })?;
        values[index] = Some(text);
    }
    values
        .into_iter()
        .zip(&def.partition_columns)
        .map(|(v, c)| {
            v.ok_or_else(|| Error::syntax(format!("PARTITION needs a value for partition column \"{}\"", c.name)))
        })
        .collect()
}

fn describe_partition(def: &ExternalTableDef, values: &[String]) -> String {
    def.partition_columns.iter().zip(values).map(|(c, v)| format!("{}='{v}'", c.name)).collect::<Vec<_>>().join(", ")
}

/// An external table at one snapshot, as DataFusion plans it.
#[derive(Debug)]
pub struct ExternalTable {
    id: RelId,
    name: String,
    def: ExternalTableDef,
    credentials: Credentials,
    config: LakeConfig,
    /// The files' columns, then the partition columns.
    schema: SchemaRef,
}

impl ExternalTable {
    pub fn new(rel: &Relation, def: &ExternalTableDef, schema: &ExternalSchema, config: LakeConfig) -> ExternalTable {
        let fields: Vec<Field> =
            def.all_columns().map(|c| Field::new(&c.name, c.sql_type.arrow_type(), true)).collect();
        ExternalTable {
            id: rel.id,
            name: format!("{}.{}", rel.schema, rel.name),
            def: def.clone(),
            credentials: Credentials {
                iam_role: Some(schema.iam_role.clone()),
                region: schema.region.clone(),
                ..Default::default()
            },
            config,
            schema: Arc::new(Schema::new(fields)),
        }
    }

    fn partition_column_names(&self) -> Vec<&str> {
        self.def.partition_columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// Filters on partition columns alone, which choose partitions exactly.
    fn on_partitions(&self, filter: &Expr) -> bool {
        let names = self.partition_column_names();
        !names.is_empty()
            && !filter.column_refs().is_empty()
            && expr_applicable_for_cols(&names, filter)
            && !filter
                .exists(|e| {
                    Ok(matches!(
                        e,
                        Expr::ScalarSubquery(_) | Expr::Exists(_) | Expr::InSubquery(_) | Expr::SetComparison(_)
                    ))
                })
                .unwrap_or(true)
    }

    /// The partitions `filters` keep (their indexes), with the partition values typed.
    fn kept_partitions(&self, state: &dyn PlannerSession, filters: &[Expr]) -> Result<Vec<(usize, Vec<ScalarValue>)>> {
        let columns = &self.def.partition_columns;
        let typed = self
            .def
            .partitions
            .iter()
            .map(|p| {
                p.values
                    .iter()
                    .zip(columns)
                    .map(|(v, c)| Ok(ScalarValue::try_from_string(v.clone(), &c.sql_type.arrow_type())?))
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        let predicate =
            conjunction(filters.iter().filter(|f| self.on_partitions(f)).map(|f| unnormalize_col(f.clone())));
        let Some(predicate) = predicate else { return Ok(typed.into_iter().enumerate().collect()) };
        if typed.is_empty() {
            return Ok(vec![]);
        }
        let schema = Arc::new(Schema::new(
            columns.iter().map(|c| Field::new(&c.name, c.sql_type.arrow_type(), true)).collect::<Vec<_>>(),
        ));
        let arrays = (0..columns.len())
            .map(|i| Ok(ScalarValue::iter_to_array(typed.iter().map(|values| values[i].clone()))?))
            .collect::<Result<Vec<ArrayRef>>>()?;
        let batch = RecordBatch::try_new(Arc::clone(&schema), arrays)?;
        let df_schema = DFSchema::try_from(schema.as_ref().clone())?;
        let physical = create_physical_expr(&predicate, &df_schema, state.execution_props(), &Default::default())?;
        let result = physical.evaluate(&batch)?.into_array(batch.num_rows())?;
        let keep = datafusion::arrow::compute::cast(&result, &DataType::Boolean)?;
        let keep = keep.as_boolean();
        Ok(typed.into_iter().enumerate().filter(|(i, _)| keep.is_valid(*i) && keep.value(*i)).collect())
    }

    fn file_source(&self, state: &dyn PlannerSession, filters: &[Expr]) -> Result<Arc<dyn FileSource>> {
        // Text fields are read as text and converted by `typed`, with Hive's rules for NULL.
        let file_type = |c: &ExternalColumn| match self.def.format {
            ExternalFormat::Parquet => c.sql_type.arrow_type(),
            ExternalFormat::Text { .. } => DataType::Utf8,
        };
        let file_schema = Arc::new(Schema::new(
            self.def.columns.iter().map(|c| Field::new(&c.name, file_type(c), true)).collect::<Vec<_>>(),
        ));
        let partition_fields = self.schema.fields()[self.def.columns.len()..].to_vec();
        let table_schema = TableSchema::builder(file_schema).with_table_partition_cols(partition_fields).build();
        Ok(match self.def.format {
            ExternalFormat::Parquet => {
                let mut source = ParquetSource::new(table_schema);
                // The filters prune row groups by their statistics (rows are filtered above).
                let df_schema = DFSchema::try_from(self.schema.as_ref().clone())?;
                let usable = filters.iter().map(|f| unnormalize_col(f.clone())).filter(|f| {
                    create_physical_expr(f, &df_schema, state.execution_props(), &Default::default()).is_ok()
                });
                if let Some(predicate) = conjunction(usable) {
                    source = source.with_predicate(create_physical_expr(
                        &predicate,
                        &df_schema,
                        state.execution_props(),
                        &Default::default(),
                    )?);
                }
                Arc::new(source)
            }
            ExternalFormat::Text { delimiter } => Arc::new(CsvSource::new(table_schema).with_csv_options(CsvOptions {
                has_header: Some(header_lines(&self.def)?),
                delimiter,
                // Hive text has no quoting: NUL is the one byte that never starts a quoted field.
                quote: 0,
                ..Default::default()
            })),
        })
    }

    /// Text fields converted to their columns' types: `\N` is NULL, and so is an empty field
    /// of any type but text (Hive's LazySimpleSerDe).
    fn typed(&self, state: &dyn PlannerSession, input: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
        let schema = input.schema();
        let df_schema = DFSchema::try_from(schema.as_ref().clone())?;
        let null = || lit(ScalarValue::Utf8(None));
        let expressions = schema
            .fields()
            .iter()
            .map(|field| {
                let value = Expr::Column(datafusion::common::Column::new_unqualified(field.name()));
                let expr = match self.def.columns.iter().find(|c| c.name == *field.name()) {
                    Some(c) if matches!(c.sql_type, SqlType::Char(_) | SqlType::Varchar(_)) => {
                        when(value.clone().eq(lit(HIVE_NULL)), null()).otherwise(value)?
                    }
                    Some(c) => cast(
                        when(value.clone().eq(lit(HIVE_NULL)).or(value.clone().eq(lit(""))), null())
                            .otherwise(value)?,
                        c.sql_type.arrow_type(),
                    ),
                    None => value,
                };
                let physical = create_physical_expr(&expr, &df_schema, state.execution_props(), &Default::default())?;
                Ok(ProjectionExpr::new(physical, field.name().clone()))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(ProjectionExec::try_new(expressions, input)?))
    }
}

#[async_trait]
impl TableProvider for ExternalTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }
    fn table_type(&self) -> TableType {
        TableType::Base
    }
    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> datafusion::common::Result<Vec<TableProviderFilterPushDown>> {
        Ok(filters
            .iter()
            .map(|f| {
                if self.on_partitions(f) {
                    TableProviderFilterPushDown::Exact
                } else {
                    TableProviderFilterPushDown::Inexact
                }
            })
            .collect())
    }
    fn statistics(&self) -> Option<Statistics> {
        // `TABLE PROPERTIES ('numRows'='n')`, as Spectrum uses it for join planning.
        let rows = self.def.property("numrows")?.parse::<usize>().ok()?;
        Some(Statistics::new_unknown(&self.schema).with_num_rows(Precision::Inexact(rows)))
    }
    async fn scan(
        &self,
        state: &dyn PlannerSession,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> datafusion::common::Result<Arc<dyn ExecutionPlan>> {
        self.plan_scan(state, projection, filters, limit).await.map_err(Error::into_datafusion)
    }
}

impl ExternalTable {
    async fn plan_scan(
        &self,
        state: &dyn PlannerSession,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let projected = match projection {
            Some(p) => Arc::new(self.schema.project(p)?),
            None => Arc::clone(&self.schema),
        };
        // What to read: each kept partition's folder, or the table's own.
        let (folders, total): (Vec<(String, Vec<ScalarValue>)>, usize) = if self.def.partition_columns.is_empty() {
            (vec![(self.def.location.clone(), vec![])], 1)
        } else {
            let kept = self.kept_partitions(state, filters)?;
            let folders =
                kept.into_iter().map(|(i, values)| (self.def.partitions[i].location.clone(), values)).collect();
            (folders, self.def.partitions.len())
        };
        let lake = Lake::open(&Location::parse(&self.def.location)?, &self.credentials, &self.config)?;
        let listings = futures::future::try_join_all(folders.iter().map(|(folder, _)| {
            let lake = &lake;
            async move { lake.files_in(&Location::parse(folder)?).await }
        }))
        .await?;
        let mut files = vec![];
        for ((_, values), listed) in folders.iter().zip(listings) {
            for meta in listed {
                files.push(PartitionedFile::new_from_meta(meta).with_partition_values(values.clone()));
            }
        }
        let summary = ScanSummary {
            table: self.name.clone(),
            format: match self.def.format {
                ExternalFormat::Parquet => "parquet",
                ExternalFormat::Text { .. } => "text",
            },
            partitioned: !self.def.partition_columns.is_empty(),
            partitions_kept: folders.len(),
            partitions_total: total,
            files: files.len(),
        };
        if files.is_empty() {
            return Ok(Arc::new(ExternalScanExec::new(summary, Arc::new(EmptyExec::new(projected)))));
        }
        // The files' store, under a name of this table's own: credentials differ between tables.
        let url = ObjectStoreUrl::parse(format!("spectrum://t{}", self.id))?;
        state.runtime_env().register_object_store(url.as_ref(), Arc::clone(lake.store()));
        let groups = state.config().target_partitions().clamp(1, files.len());
        let mut file_groups: Vec<Vec<PartitionedFile>> = vec![vec![]; groups];
        for (i, file) in files.into_iter().enumerate() {
            file_groups[i % groups].push(file);
        }
        let config = FileScanConfigBuilder::new(url, self.file_source(state, filters)?)
            .with_file_groups(file_groups.into_iter().map(FileGroup::new).collect())
            .with_projection_indices(projection.cloned())?
            .with_limit(limit)
            .build();
        let mut input: Arc<dyn ExecutionPlan> = DataSourceExec::from_data_source(config);
        if let ExternalFormat::Text { .. } = self.def.format {
            input = self.typed(state, input)?;
        }
        Ok(Arc::new(ExternalScanExec::new(summary, input)))
    }
}

/// What an external scan reads, as EXPLAIN shows it.
#[derive(Debug, Clone)]
struct ScanSummary {
    table: String,
    format: &'static str,
    partitioned: bool,
    partitions_kept: usize,
    partitions_total: usize,
    files: usize,
}

/// The scan of an external table (Redshift's `S3 Seq Scan`): its one-line description says
/// which partitions survived pruning; the file reading is its input.
#[derive(Debug)]
pub struct ExternalScanExec {
    summary: ScanSummary,
    input: Arc<dyn ExecutionPlan>,
}

impl ExternalScanExec {
    fn new(summary: ScanSummary, input: Arc<dyn ExecutionPlan>) -> Self {
        ExternalScanExec { summary, input }
    }
}

impl DisplayAs for ExternalScanExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let s = &self.summary;
        write!(f, "ExternalScanExec: table={}, format={}", s.table, s.format)?;
        if s.partitioned {
            write!(f, ", partitions={} of {}", s.partitions_kept, s.partitions_total)?;
        }
        write!(f, ", files={}", s.files)
    }
}

impl ExecutionPlan for ExternalScanExec {
    fn name(&self) -> &str {
        "ExternalScanExec"
    }
    fn properties(&self) -> &Arc<PlanProperties> {
        self.input.properties()
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(
            &Arc<dyn datafusion::physical_expr::PhysicalExpr>,
        ) -> datafusion::common::Result<TreeNodeRecursion>,
    ) -> datafusion::common::Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }
    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> datafusion::common::Result<Arc<dyn ExecutionPlan>> {
        let input = children.into_iter().next().expect("one input");
        Ok(Arc::new(ExternalScanExec::new(self.summary.clone(), input)))
    }
    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> datafusion::common::Result<SendableRecordBatchStream> {
        self.input.execute(partition, context)
    }
    fn partition_statistics(&self, partition: Option<usize>) -> datafusion::common::Result<Arc<Statistics>> {
        #[allow(deprecated)]
        self.input.partition_statistics(partition)
    }
}
