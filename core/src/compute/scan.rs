//! `SliceScanExec`: one partition per slice, reading that slice's segments of a table.
//!
//! For each segment it prunes row groups with the zone maps (row-group min/max) against the
//! pushed-down filters, skips rows in the deletion vector, reads only the projected columns, and
//! fills columns added after the segment was written with their default. It declares the table's
//! distribution as its output partitioning so DataFusion plans distkey joins without moving rows.

use crate::error::{sqlstate, Error};
use crate::storage::{SegmentReader, SegmentRef};
use datafusion::arrow::array::{ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions, UInt64Array};
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::common::pruning::PruningStatistics;
use datafusion::common::stats::Precision;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{Column, Result, ScalarValue, Statistics};
use datafusion::execution::TaskContext;
use datafusion::parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use datafusion::parquet::arrow::arrow_reader::{ParquetRecordBatchReaderBuilder, RowSelection};
use datafusion::parquet::arrow::ProjectionMask;
use datafusion::parquet::file::metadata::ParquetMetaData;
use datafusion::parquet::schema::types::SchemaDescriptor;
use datafusion::physical_expr::{EquivalenceProperties, Partitioning, PhysicalExpr};
use datafusion::physical_optimizer::pruning::PruningPredicate;
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::metrics::{Count, ExecutionPlanMetricsSet, MetricBuilder, MetricsSet, Time};
use datafusion::physical_plan::stream::RecordBatchReceiverStreamBuilder;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties, SendableRecordBatchStream,
};
use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Rows per batch a scan produces.
const BATCH_ROWS: usize = 8192;

/// Names of the hidden columns a DML scan adds to locate each row: its segment and row number.
pub const SEGMENT_COLUMN: &str = "__redwood_segment";
pub const ROW_COLUMN: &str = "__redwood_row";

/// Where a table column's values come from in a segment.
#[derive(Debug, Clone)]
pub struct ColumnSource {
    /// Name inside segment files.
    pub physical: String,
    /// Value for segments written before the column existed.
    pub missing: ScalarValue,
}

/// Everything a scan of one table at one snapshot needs.
#[derive(Debug)]
pub struct ScanSpec {
    pub table_name: String,
    /// Table columns, then the two locator columns when `with_locator`.
    pub table_schema: SchemaRef,
    pub sources: Vec<ColumnSource>,
    /// Segments per slice, in slice order (a `DISTSTYLE ALL` table: per node, each node's copy).
    pub partitions: Vec<Vec<SegmentRef>>,
    /// How many tasks (compute nodes) the slices are spread over: 1 when this process runs them
    /// all; else task `i` reads the `i`-th run of `partitions.len() / tasks` slices.
    pub tasks: usize,
    /// A `DISTSTYLE ALL` table: every node holds all rows.
    pub replicated: bool,
    pub with_locator: bool,
    /// Column (index into `table_schema`) the rows are hash-distributed on over all slices.
    pub distkey: Option<usize>,
    /// The table's row count and ANALYZE's column bounds (for `table_schema`).
    pub statistics: Statistics,
}

/// The bytes assumed for a value of a type without a fixed width (strings), in size estimates.
const STRING_WIDTH: usize = 24;

#[derive(Debug)]
pub struct SliceScanExec {
    spec: Arc<ScanSpec>,
    projection: Vec<usize>,
    schema: SchemaRef,
    pruning: Option<Arc<PruningPredicate>>,
    limit: Option<usize>,
    properties: Arc<PlanProperties>,
    metrics: ExecutionPlanMetricsSet,
}

impl SliceScanExec {
    pub fn new(
        spec: Arc<ScanSpec>,
        projection: Option<Vec<usize>>,
        pruning: Option<Arc<PruningPredicate>>,
        limit: Option<usize>,
    ) -> Result<Self> {
        let projection = projection.unwrap_or_else(|| (0..spec.table_schema.fields().len()).collect());
        let schema = Arc::new(spec.table_schema.project(&projection)?);
        // Partitions of one task: slice `task * count + p` is partition `p` of task `task`, so a
        // hash partitioning over all slices is, per task, a hash partitioning over `count`.
        let partition_count = if spec.replicated { 1 } else { (spec.partitions.len() / spec.tasks).max(1) };
        let partitioning = match spec.distkey.and_then(|key| projection.iter().position(|p| *p == key)) {
            Some(out) => Partitioning::Hash(
                vec![Arc::new(datafusion::physical_expr::expressions::Column::new(schema.field(out).name(), out))],
                partition_count,
            ),
            None => Partitioning::UnknownPartitioning(partition_count),
        };
        let properties = PlanProperties::new(
            EquivalenceProperties::new(Arc::clone(&schema)),
            partitioning,
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        Ok(SliceScanExec {
            spec,
            projection,
            schema,
            pruning,
            limit,
            properties: Arc::new(properties),
            metrics: ExecutionPlanMetricsSet::new(),
        })
    }

    pub fn spec(&self) -> &Arc<ScanSpec> {
        &self.spec
    }
    pub fn projection(&self) -> &[usize] {
        &self.projection
    }
    pub fn pruning(&self) -> Option<&Arc<PruningPredicate>> {
        self.pruning.as_ref()
    }
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }
    fn clone_with_spec(&self, spec: Arc<ScanSpec>) -> Result<Self> {
        SliceScanExec::new(spec, Some(self.projection.clone()), self.pruning.clone(), self.limit)
    }

    /// The part of this scan that task `task` (compute node `task`) runs: its own slices, or for
    /// a `DISTSTYLE ALL` table its own copy.
    pub fn for_task(&self, task: usize) -> Result<Self> {
        let spec = &self.spec;
        let partitions = if spec.replicated {
            vec![spec.partitions[task].clone()]
        } else {
            let per_task = spec.partitions.len() / spec.tasks;
            spec.partitions[task * per_task..(task + 1) * per_task].to_vec()
        };
        let spec = ScanSpec {
            table_name: spec.table_name.clone(),
            table_schema: Arc::clone(&spec.table_schema),
            sources: spec.sources.clone(),
            partitions,
            tasks: 1,
            replicated: spec.replicated,
            with_locator: spec.with_locator,
            distkey: spec.distkey,
            statistics: spec.statistics.clone(),
        };
        self.clone_with_spec(Arc::new(spec))
    }
}

impl DisplayAs for SliceScanExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let segments: usize = self.spec.partitions.iter().map(|p| p.len()).sum();
        let columns: Vec<&str> = self.schema.fields().iter().map(|f| f.name().as_str()).collect();
        write!(
            f,
            "SliceScanExec: table={}, slices={}, segments={}, projection=[{}]",
            self.spec.table_name,
            self.spec.partitions.len(),
            segments,
            columns.join(", ")
        )?;
        if let Some(p) = &self.pruning {
            write!(f, ", zone_map_predicate={}", p.predicate_expr())?;
        }
        if let Some(limit) = self.limit {
            write!(f, ", limit={limit}")?;
        }
        Ok(())
    }
}

impl ExecutionPlan for SliceScanExec {
    fn name(&self) -> &str {
        "SliceScanExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(self: Arc<Self>, _children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(self)
    }

    fn metrics(&self) -> Option<MetricsSet> {
        Some(self.metrics.clone_inner())
    }

    /// Rows from the catalog's segment counts (an upper bound: zone maps and LIMIT may read
    /// fewer), bytes estimated from the column types and ANALYZE's column bounds, so that
    /// DataFusion estimates filters, builds hash joins on the smaller side and collects small
    /// tables rather than redistributing the big one.
    fn partition_statistics(&self, partition: Option<usize>) -> Result<Arc<Statistics>> {
        // A DISTSTYLE ALL table counts one copy; a partition of a multi-task scan, its share.
        let copies = if self.spec.replicated {
            &self.spec.partitions[..1.min(self.spec.partitions.len())]
        } else {
            &self.spec.partitions[..]
        };
        let all_rows = copies.iter().flatten().map(|s| s.live_rows() as usize).sum::<usize>();
        let mut rows = match partition {
            Some(p) if self.spec.tasks == 1 => {
                self.spec.partitions.get(p).map_or(0, |s| s.iter().map(|s| s.live_rows() as usize).sum())
            }
            Some(_) => all_rows / self.spec.partitions.len().max(1),
            None => all_rows,
        };
        if let Some(limit) = self.limit {
            rows = rows.min(limit);
        }
        let row_width: usize =
            self.schema.fields().iter().map(|f| f.data_type().primitive_width().unwrap_or(STRING_WIDTH)).sum();
        let mut statistics = self.spec.statistics.clone().project(Some(&self.projection));
        statistics.num_rows = Precision::Inexact(rows);
        statistics.total_byte_size = Precision::Inexact(rows * row_width);
        Ok(Arc::new(statistics))
    }

    fn execute(&self, partition: usize, _context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let reader = SegmentScan {
            spec: Arc::clone(&self.spec),
            projection: self.projection.clone(),
            schema: Arc::clone(&self.schema),
            pruning: self.pruning.clone(),
            limit: self.limit,
            metrics: ScanMetrics::new(&self.metrics, partition),
        };
        if self.spec.tasks > 1 {
            return Err(Error::internal(format!(
                "the scan of \"{}\" runs on the compute nodes, not on the leader",
                self.spec.table_name
            ))
            .into_datafusion());
        }
        let segments = self.spec.partitions.get(partition).cloned().unwrap_or_default();
        let mut builder = RecordBatchReceiverStreamBuilder::new(Arc::clone(&self.schema), 2);
        let tx = builder.tx();
        // A failed send means the consumer went away (LIMIT reached or query cancelled).
        builder.spawn_blocking(move || reader.run(&segments, &mut |batch| tx.blocking_send(Ok(batch)).is_ok()));
        Ok(builder.build())
    }
}

struct ScanMetrics {
    segments_scanned: Count,
    segments_pruned: Count,
    row_groups_scanned: Count,
    row_groups_pruned: Count,
    output_rows: Count,
    /// Time spent reading and decoding segments.
    decode_time: Time,
}

impl ScanMetrics {
    fn new(metrics: &ExecutionPlanMetricsSet, partition: usize) -> Self {
        let counter = |name: &'static str| MetricBuilder::new(metrics).counter(name, partition);
        ScanMetrics {
            segments_scanned: counter("segments_scanned"),
            segments_pruned: counter("segments_pruned"),
            row_groups_scanned: counter("row_groups_scanned"),
            row_groups_pruned: counter("row_groups_pruned"),
            output_rows: MetricBuilder::new(metrics).output_rows(partition),
            decode_time: MetricBuilder::new(metrics).subset_time("decode_time", partition),
        }
    }
}

/// The blocking part of a scan: reads segments one after another and sends their batches.
struct SegmentScan {
    spec: Arc<ScanSpec>,
    projection: Vec<usize>,
    schema: SchemaRef,
    pruning: Option<Arc<PruningPredicate>>,
    limit: Option<usize>,
    metrics: ScanMetrics,
}

impl SegmentScan {
    /// Reads the segments in order, handing each batch to `sink` until it returns false.
    fn run(&self, segments: &[SegmentRef], sink: &mut dyn FnMut(RecordBatch) -> bool) -> Result<()> {
        let mut sent = 0;
        for segment in segments {
            if self.limit.is_some_and(|l| sent >= l) {
                break;
            }
            let more = self.read_segment(segment, sink, &mut sent).map_err(|e| {
                let storage = segment.file.storage();
                Error::new(
                    sqlstate::DATA_CORRUPTED,
                    format!(
                        "could not read table \"{}\" ({}): {}",
                        self.spec.table_name,
                        storage.describe(&segment.file),
                        crate::error::Error::from(e).message
                    ),
                )
                .into_datafusion()
            })?;
            if !more {
                break;
            }
        }
        Ok(())
    }

    /// Returns false once the sink wants no more rows.
    fn read_segment(
        &self,
        segment: &SegmentRef,
        sink: &mut dyn FnMut(RecordBatch) -> bool,
        sent: &mut usize,
    ) -> Result<bool> {
        if segment.live_rows() == 0 {
            return Ok(true);
        }
        let storage = segment.file.storage();
        let reader: SegmentReader = storage.open(&segment.file).map_err(Error::into_datafusion)?;
        let footer = storage.footer(&segment.file, &reader).map_err(Error::into_datafusion)?;
        let metadata = Arc::clone(footer.metadata());
        let row_group_count = metadata.num_row_groups();
        let keep = match &self.pruning {
            Some(p) => p.prune(&ZoneMaps {
                metadata: &metadata,
                file_schema: footer.schema(),
                parquet_schema: footer.parquet_schema(),
                spec: &self.spec,
            })?,
            None => vec![true; row_group_count],
        };
        let row_groups: Vec<usize> = (0..row_group_count).filter(|i| keep[*i]).collect();
        self.metrics.row_groups_pruned.add(row_group_count - row_groups.len());
        self.metrics.row_groups_scanned.add(row_groups.len());
        if row_groups.is_empty() {
            self.metrics.segments_pruned.add(1);
            return Ok(true);
        }
        self.metrics.segments_scanned.add(1);

        let file_schema = Arc::clone(footer.schema());
        let wanted: HashSet<&str> =
            self.projection.iter().filter_map(|i| self.spec.sources.get(*i)).map(|s| s.physical.as_str()).collect();
        let roots: Vec<usize> = file_schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| wanted.contains(f.name().as_str()))
            .map(|(i, _)| i)
            .collect();
        let mask = ProjectionMask::roots(footer.parquet_schema(), roots);
        let plan = RowPlan::new(&metadata, &row_groups, segment, self.spec.with_locator);
        let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(reader, footer)
            .with_row_groups(row_groups)
            .with_projection(mask)
            .with_batch_size(BATCH_ROWS);
        if let Some(selection) = plan.selection {
            builder = builder.with_row_selection(selection);
        }
        let mut offset = 0;
        let mut batches = builder.build()?;
        loop {
            let timer = self.metrics.decode_time.timer();
            let Some(batch) = batches.next() else { break };
            let batch = batch?;
            timer.done();
            let rows = batch.num_rows();
            let out = self.assemble(&batch, segment, plan.positions.as_deref().map(|p| &p[offset..offset + rows]))?;
            offset += rows;
            *sent += rows;
            self.metrics.output_rows.add(rows);
            if !sink(out) {
                return Ok(false);
            }
            if self.limit.is_some_and(|l| *sent >= l) {
                break;
            }
        }
        Ok(true)
    }

    /// Turns a batch in the segment's schema into one in the scan's output schema.
    fn assemble(&self, batch: &RecordBatch, segment: &SegmentRef, positions: Option<&[u64]>) -> Result<RecordBatch> {
        let rows = batch.num_rows();
        let source_schema = batch.schema();
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(self.projection.len());
        for &i in &self.projection {
            let column = match self.spec.sources.get(i) {
                Some(source) => match source_schema.index_of(&source.physical) {
                    Ok(j) => Arc::clone(batch.column(j)),
                    Err(_) => source.missing.to_array_of_size(rows)?,
                },
                None if i == self.spec.sources.len() => Arc::new(UInt64Array::from_value(segment.id(), rows)),
                None => Arc::new(UInt64Array::from(positions.expect("positions for locator").to_vec())),
            };
            columns.push(column);
        }
        Ok(RecordBatch::try_new_with_options(
            Arc::clone(&self.schema),
            columns,
            &RecordBatchOptions::new().with_row_count(Some(rows)),
        )?)
    }
}

/// Which rows of a segment to read: the chosen row groups minus deleted rows, and optionally the
/// segment-relative position of every row read (for DELETE/UPDATE).
struct RowPlan {
    selection: Option<RowSelection>,
    positions: Option<Vec<u64>>,
}

impl RowPlan {
    fn new(metadata: &ParquetMetaData, row_groups: &[usize], segment: &SegmentRef, with_positions: bool) -> Self {
        if segment.deleted.is_none() && !with_positions {
            // The common case: nothing deleted, no locators; read the row groups whole.
            return RowPlan { selection: None, positions: None };
        }
        let mut starts = Vec::with_capacity(metadata.num_row_groups());
        let mut at = 0u64;
        for rg in metadata.row_groups() {
            starts.push(at);
            at += rg.num_rows() as u64;
        }
        let mut ranges: Vec<Range<usize>> = vec![];
        let mut positions = with_positions.then(Vec::new);
        let mut base = 0usize; // offset of the row group in the concatenation of chosen row groups
        let mut any_deleted = false;
        for &rg in row_groups {
            let (start, len) = (starts[rg], metadata.row_group(rg).num_rows() as u64);
            let mut run_start = None;
            for row in start..start + len {
                let live = !segment.is_deleted(row as u32);
                any_deleted |= !live;
                let local = base + (row - start) as usize;
                match (live, run_start) {
                    (true, None) => run_start = Some(local),
                    (false, Some(s)) => {
                        ranges.push(s..local);
                        run_start = None;
                    }
                    _ => {}
                }
                if live {
                    if let Some(p) = positions.as_mut() {
                        p.push(row);
                    }
                }
            }
            if let Some(s) = run_start {
                ranges.push(s..base + len as usize);
            }
            base += len as usize;
        }
        let selection = any_deleted.then(|| RowSelection::from_consecutive_ranges(ranges.into_iter(), base));
        RowPlan { selection, positions }
    }
}

/// Row-group statistics of one segment, seen through the table's column names.
struct ZoneMaps<'a> {
    metadata: &'a ParquetMetaData,
    file_schema: &'a Schema,
    parquet_schema: &'a SchemaDescriptor,
    spec: &'a ScanSpec,
}

impl ZoneMaps<'_> {
    fn converter(&self, column: &Column) -> Option<StatisticsConverter<'_>> {
        let index = self.spec.table_schema.index_of(column.name()).ok()?;
        let physical = &self.spec.sources.get(index)?.physical;
        StatisticsConverter::try_new(physical, self.file_schema, self.parquet_schema).ok()
    }
}

impl PruningStatistics for ZoneMaps<'_> {
    fn min_values(&self, column: &Column) -> Option<ArrayRef> {
        self.converter(column)?.row_group_mins(self.metadata.row_groups().iter()).ok()
    }
    fn max_values(&self, column: &Column) -> Option<ArrayRef> {
        self.converter(column)?.row_group_maxes(self.metadata.row_groups().iter()).ok()
    }
    fn num_containers(&self) -> usize {
        self.metadata.num_row_groups()
    }
    fn null_counts(&self, column: &Column) -> Option<ArrayRef> {
        let counts = self.converter(column)?.row_group_null_counts(self.metadata.row_groups().iter()).ok()?;
        Some(Arc::new(counts))
    }
    fn row_counts(&self) -> Option<ArrayRef> {
        let counts: Vec<u64> = self.metadata.row_groups().iter().map(|rg| rg.num_rows() as u64).collect();
        Some(Arc::new(UInt64Array::from(counts)))
    }
    #[allow(clippy::mutable_key_type)]
    fn contained(&self, _column: &Column, _values: &HashSet<ScalarValue>) -> Option<BooleanArray> {
        None
    }
}

/// Reads every live row of `segments` (all columns of `spec`), outside any query: used by the
/// write path when it rewrites segments (VACUUM, AUTO distribution changes).
pub fn read_rows(spec: Arc<ScanSpec>, segments: &[SegmentRef]) -> crate::error::Result<Vec<RecordBatch>> {
    let schema = Arc::clone(&spec.table_schema);
    let scan = SegmentScan {
        projection: (0..schema.fields().len()).collect(),
        schema,
        spec,
        pruning: None,
        limit: None,
        metrics: ScanMetrics::new(&ExecutionPlanMetricsSet::new(), 0),
    };
    let mut out = vec![];
    scan.run(segments, &mut |batch| {
        out.push(batch);
        true
    })?;
    Ok(out)
}
