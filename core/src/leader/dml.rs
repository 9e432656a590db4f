//! INSERT, UPDATE, DELETE and the write path they share.
//!
//! New rows are checked (NOT NULL, byte lengths), given IDENTITY values, placed on slices by the
//! distribution style, sorted and written as new segments. UPDATE and DELETE find their rows with
//! an ordinary query over a scan that adds each row's locator (segment, row number) and record
//! them in deletion vectors; UPDATE then writes the new versions as new rows.

use crate::catalog::{AutoPlacement, Distribution, RelId, Relation, TableDef, AUTO_ALL_MAX_ROWS};
use crate::compute::scan::{read_rows, ROW_COLUMN, SEGMENT_COLUMN};
use crate::err;
use crate::error::{Error, Result};
use crate::leader::provider::RedwoodTable;
use crate::leader::session::{Outcome, Session};
use crate::sql::ddl::{ident_name, qualified_name};
use crate::storage::distribute::split_by_slice;
use crate::storage::layout::{encode_segment, physical_schema, sort_rows, writer_properties, MAX_SEGMENT_ROWS};
use crate::storage::SegmentRef;
use crate::types::SqlType;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int16Array, Int32Array, Int64Array, RecordBatch, StringArray, UInt64Array};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::{DataType, Int16Type, Int32Type, Int64Type};
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::logical_expr::{cast, lit, Expr, LogicalPlan, LogicalPlanBuilder};
use datafusion::sql::sqlparser::ast::{
    self, AssignmentTarget, Delete, FromTable, Insert, SetExpr, TableFactor, TableObject, Update, UpdateTableFromKind,
};
use roaring::RoaringBitmap;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

impl Session {
    pub(crate) async fn insert(&mut self, insert: &Insert) -> Result<Outcome> {
        let TableObject::TableName(name) = &insert.table else {
            return Err(err!(FEATURE_NOT_SUPPORTED, "INSERT into a table function is not supported"));
        };
        let state = Arc::clone(self.txn().state());
        let (rel, table) = state.require_table(&qualified_name(name)?)?;
        let mut targets: Vec<usize> = vec![];
        for c in &insert.columns {
            let name = c.0.last().and_then(|p| p.as_ident()).map(ident_name).unwrap_or_default();
            let index = table.column_index(&name).ok_or_else(|| Error::undefined_column(&name, &rel.name))?;
            if targets.contains(&index) {
                return Err(err!(DUPLICATE_COLUMN, "column \"{name}\" specified more than once"));
            }
            targets.push(index);
        }
        if insert.columns.is_empty() {
            targets = (0..table.columns.len()).collect();
        }
        let source = match &insert.source {
            None => LogicalPlanBuilder::empty(true).build()?,
            Some(query) => {
                let mut query = query.clone();
                replace_default_keyword(&mut query.body, table, &targets)?;
                self.plan(ast::Statement::Query(query)).await?
            }
        };
        let width = if insert.source.is_none() { 0 } else { targets.len() };
        let produced = source.schema().fields().len();
        if produced != width {
            let which = if produced > width { "more expressions than target columns" } else { "more target columns than expressions" };
            return Err(err!(SYNTAX_ERROR, "INSERT has {which}"));
        }
        let source_columns: Vec<Expr> =
            source.schema().iter().map(|(q, f)| Expr::Column(datafusion::common::Column::from((q, f)))).collect();
        let mut exprs = Vec::with_capacity(table.columns.len());
        for (i, column) in table.columns.iter().enumerate() {
            let data_type = column.sql_type.arrow_type();
            let value = match targets.iter().position(|t| *t == i).filter(|_| width > 0) {
                Some(k) => cast(source_columns[k].clone(), data_type),
                None => self.default_value(column)?,
            };
            exprs.push(value.alias(&column.name));
        }
        let plan = LogicalPlanBuilder::from(source).project(exprs)?.build()?;
        let (_, batches) = self.run(plan).await?;
        let rows = self.write_rows(rel.id, batches)?;
        Ok(Outcome::counted("INSERT 0", rows))
    }

    /// The value a column gets when an INSERT does not name it (IDENTITY columns get NULL here and
    /// their generated value in `prepare_rows`).
    pub(crate) fn default_value(&self, column: &crate::catalog::Column) -> Result<Expr> {
        let data_type = column.sql_type.arrow_type();
        Ok(match (&column.default, &column.identity) {
            (Some(sql), None) => {
                let expr = self.context.state().create_logical_expr(sql, &DFSchema::empty())?;
                cast(expr, data_type)
            }
            _ => lit(ScalarValue::try_from(&data_type)?),
        })
    }

    pub(crate) async fn delete(&mut self, delete: &Delete) -> Result<Outcome> {
        let from = match &delete.from {
            FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
        };
        let target = from.first().ok_or_else(|| Error::syntax("DELETE needs a table"))?;
        let (rel, qualifier) = self.dml_target(&target.relation)?;
        let mut sources: Vec<String> = from.iter().map(|t| t.to_string()).collect();
        sources.extend(delete.using.iter().flatten().map(|t| t.to_string()));
        let sql = format!(
            "SELECT {qualifier}.{SEGMENT_COLUMN}, {qualifier}.{ROW_COLUMN} FROM {}{}",
            sources.join(", "),
            where_clause(&delete.selection)
        );
        let located = self.locate_rows(rel.id, &sql, &[]).await?;
        let count = located.iter().map(|(_, rows)| rows.len()).sum::<u64>();
        self.apply_deletions(rel.id, located)?;
        Ok(Outcome::counted("DELETE", count))
    }

    pub(crate) async fn update(&mut self, update: &Update) -> Result<Outcome> {
        let (rel, qualifier) = self.dml_target(&update.table.relation)?;
        let table = rel.table().expect("a table").clone();
        let mut assigned: HashMap<usize, String> = HashMap::new();
        for assignment in &update.assignments {
            let AssignmentTarget::ColumnName(name) = &assignment.target else {
                return Err(err!(FEATURE_NOT_SUPPORTED, "tuple assignment in UPDATE is not supported"));
            };
            let name = name.0.last().and_then(|p| p.as_ident()).map(ident_name).unwrap_or_default();
            let index = table.column_index(&name).ok_or_else(|| Error::undefined_column(&name, &rel.name))?;
            if table.columns[index].identity.is_some() {
                return Err(err!(FEATURE_NOT_SUPPORTED, "cannot update identity column \"{name}\""));
            }
            let value = match &assignment.value {
                ast::Expr::Identifier(i) if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("default") => {
                    table.columns[index].default.clone().unwrap_or_else(|| "NULL".into())
                }
                other => other.to_string(),
            };
            if assigned.insert(index, value).is_some() {
                return Err(err!(SYNTAX_ERROR, "multiple assignments to same column \"{name}\""));
            }
        }
        let values: Vec<String> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| match assigned.get(&i) {
                Some(expr) => format!("({expr})"),
                None => format!("{qualifier}.\"{}\"", c.name),
            })
            .collect();
        let mut sources = vec![update.table.to_string()];
        if let Some(UpdateTableFromKind::BeforeSet(t) | UpdateTableFromKind::AfterSet(t)) = &update.from {
            sources.extend(t.iter().map(|t| t.to_string()));
        }
        let sql = format!(
            "SELECT {qualifier}.{SEGMENT_COLUMN}, {qualifier}.{ROW_COLUMN}, {} FROM {}{}",
            values.join(", "),
            sources.join(", "),
            where_clause(&update.selection)
        );
        let types: Vec<DataType> = table.columns.iter().map(|c| c.sql_type.arrow_type()).collect();
        let mut new_rows = vec![];
        let mut located: BTreeMap<u64, RoaringBitmap> = BTreeMap::new();
        let (schema, batches) = self.run_locator_query(rel.id, &sql, &types).await?;
        let row_schema = Arc::new(schema.project(&(2..schema.fields().len()).collect::<Vec<_>>())?);
        for batch in batches {
            let mut keep = vec![];
            for (i, (segment, row)) in locators(&batch).enumerate() {
                // A row joined to several FROM rows is updated once.
                if located.entry(segment).or_default().insert(row) {
                    keep.push(i as u64);
                }
            }
            let batch = datafusion::arrow::compute::take_record_batch(&batch, &UInt64Array::from(keep))?;
            new_rows.push(RecordBatch::try_new(Arc::clone(&row_schema), batch.columns()[2..].to_vec())?);
        }
        let count = located.values().map(|r| r.len()).sum::<u64>();
        self.apply_deletions(rel.id, located.into_iter().collect())?;
        self.write_rows(rel.id, new_rows)?;
        Ok(Outcome::counted("UPDATE", count))
    }

    /// The table an UPDATE/DELETE changes and the name its columns are qualified with.
    fn dml_target(&mut self, factor: &TableFactor) -> Result<(Arc<Relation>, String)> {
        let TableFactor::Table { name, alias, .. } = factor else {
            return Err(err!(FEATURE_NOT_SUPPORTED, "UPDATE/DELETE target must be a table"));
        };
        let state = Arc::clone(self.txn().state());
        let (rel, _) = state.require_table(&qualified_name(name)?)?;
        let qualifier = match alias {
            Some(a) => a.name.to_string(),
            None => name.to_string(),
        };
        Ok((Arc::clone(rel), qualifier))
    }

    /// Plans and runs a query whose first two columns are row locators of `target`, casting the
    /// remaining columns to `types`.
    async fn run_locator_query(
        &mut self,
        target: RelId,
        sql: &str,
        types: &[DataType],
    ) -> Result<(datafusion::arrow::datatypes::SchemaRef, Vec<RecordBatch>)> {
        let statement = crate::sql::parser::parse(sql)?.pop().expect("one statement").statement;
        self.cell.set_dml_target(Some(target));
        let plan = self.plan(statement).await;
        self.cell.set_dml_target(None);
        let plan: LogicalPlan = plan?;
        let exprs: Vec<Expr> = plan
            .schema()
            .iter()
            .enumerate()
            .map(|(i, (q, f))| {
                let c = Expr::Column(datafusion::common::Column::from((q, f)));
                let name = format!("c{i}");
                if i < 2 { c.alias(name) } else { cast(c, types[i - 2].clone()).alias(name) }
            })
            .collect();
        let plan = LogicalPlanBuilder::from(plan).project(exprs)?.build()?;
        self.run(plan).await
    }

    async fn locate_rows(&mut self, target: RelId, sql: &str, types: &[DataType]) -> Result<Vec<(u64, RoaringBitmap)>> {
        let (_, batches) = self.run_locator_query(target, sql, types).await?;
        let mut located: BTreeMap<u64, RoaringBitmap> = BTreeMap::new();
        for batch in batches {
            for (segment, row) in locators(&batch) {
                located.entry(segment).or_default().insert(row);
            }
        }
        Ok(located.into_iter().collect())
    }

    /// Adds rows to the deletion vectors of their segments; fully deleted segments leave the table.
    fn apply_deletions(&mut self, rel_id: RelId, located: Vec<(u64, RoaringBitmap)>) -> Result<()> {
        if located.is_empty() {
            return Ok(());
        }
        let located: HashMap<u64, RoaringBitmap> = located.into_iter().collect();
        let mut rel = (**self.txn().state().relation(rel_id).expect("target exists")).clone();
        let table = rel.table_mut().expect("a table");
        for segment in table.segments.iter_mut() {
            if let Some(rows) = located.get(&segment.id()) {
                let mut deleted = segment.deleted.as_deref().cloned().unwrap_or_default();
                deleted |= rows;
                segment.deleted = Some(Arc::new(deleted));
            }
        }
        table.segments.retain(|s| s.live_rows() > 0);
        self.txn().put_relation(rel);
        Ok(())
    }

    /// Appends rows, given in the table's column order and types, to a table in this transaction.
    /// Returns how many rows were added.
    pub(crate) fn write_rows(&mut self, rel_id: RelId, batches: Vec<RecordBatch>) -> Result<u64> {
        let layout = self.db.layout();
        let mut rel = (**self.txn().state().relation(rel_id).expect("target exists")).clone();
        let name = rel.name.clone();
        let table = rel.table_mut().expect("a table");
        let mut prepared = Vec::with_capacity(batches.len());
        let mut count = 0u64;
        for batch in batches {
            let batch = prepare_rows(table, &name, batch)?;
            count += batch.num_rows() as u64;
            prepared.push(batch);
        }
        if count == 0 {
            return Ok(0);
        }
        if table.distribution == Distribution::Auto(AutoPlacement::All)
            && table.logical_rows(&layout) + count > AUTO_ALL_MAX_ROWS
        {
            // Grown out of ALL: redistribute what is there round-robin along with the new rows.
            let spec = RedwoodTable::new(Arc::new(rel.clone()), layout, false)?.spec();
            let node0: Vec<SegmentRef> = spec.partitions.iter().flatten().cloned().collect();
            let existing = read_rows(spec, &node0)?;
            let table = rel.table_mut().expect("a table");
            table.segments.clear();
            table.distribution = Distribution::Auto(AutoPlacement::Even);
            prepared.splice(0..0, existing);
        }
        let table = rel.table_mut().expect("a table");
        let mut cursor = table.even_cursor;
        let mut per_slice: BTreeMap<u32, Vec<RecordBatch>> = BTreeMap::new();
        for batch in prepared {
            for (slice, rows) in split_by_slice(table, &layout, batch, &mut cursor)? {
                per_slice.entry(slice).or_default().push(rows);
            }
        }
        table.even_cursor = cursor;
        let segments = self.write_segments(rel_id, table, per_slice)?;
        rel.table_mut().expect("a table").segments.extend(segments);
        self.txn().put_relation(rel);
        Ok(count)
    }

    /// Sorts and encodes each slice's rows (slices in parallel) and stores them as new segments.
    pub(crate) fn write_segments(
        &mut self,
        rel_id: RelId,
        table: &TableDef,
        per_slice: BTreeMap<u32, Vec<RecordBatch>>,
    ) -> Result<Vec<SegmentRef>> {
        let schema = physical_schema(table);
        let encoded: Vec<Result<Vec<(u32, Vec<u8>, usize)>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = per_slice
                .into_iter()
                .map(|(slice, batches)| {
                    let schema = Arc::clone(&schema);
                    scope.spawn(move || -> Result<Vec<(u32, Vec<u8>, usize)>> {
                        let all = concat_batches(&batches[0].schema(), &batches)?;
                        let sorted = sort_rows(table, all)?;
                        let mut out = vec![];
                        let mut offset = 0;
                        while offset < sorted.num_rows() {
                            let len = MAX_SEGMENT_ROWS.min(sorted.num_rows() - offset);
                            let chunk = sorted.slice(offset, len);
                            let physical = RecordBatch::try_new(Arc::clone(&schema), chunk.columns().to_vec())?;
                            out.push((slice, encode_segment(&physical, writer_properties(table))?, len));
                            offset += len;
                        }
                        Ok(out)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(Error::internal("segment writer panicked")))).collect()
        });
        let mut segments = vec![];
        for slice_segments in encoded {
            for (slice, bytes, rows) in slice_segments? {
                let id = self.db.allocate_segment_id();
                let file = self.db.storage().put(rel_id, slice, id, bytes)?;
                self.txn().add_file(Arc::clone(&file));
                segments.push(SegmentRef::new(file, rows as u64));
            }
        }
        Ok(segments)
    }
}

/// The (segment, row) locators in the first two columns of a locator query's batch.
fn locators(batch: &RecordBatch) -> impl Iterator<Item = (u64, u32)> + '_ {
    let segments = batch.column(0).as_primitive::<datafusion::arrow::datatypes::UInt64Type>();
    let rows = batch.column(1).as_primitive::<datafusion::arrow::datatypes::UInt64Type>();
    (0..batch.num_rows()).map(|i| (segments.value(i), rows.value(i) as u32))
}

fn where_clause(selection: &Option<ast::Expr>) -> String {
    selection.as_ref().map(|s| format!(" WHERE {s}")).unwrap_or_default()
}

/// `DEFAULT` among INSERT … VALUES becomes the column's default expression.
fn replace_default_keyword(body: &mut SetExpr, table: &TableDef, targets: &[usize]) -> Result<()> {
    let SetExpr::Values(values) = body else { return Ok(()) };
    for row in values.rows.iter_mut() {
        for (k, value) in row.iter_mut().enumerate() {
            let is_default = matches!(value, ast::Expr::Identifier(i) if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("default"));
            if !is_default {
                continue;
            }
            let column = targets.get(k).map(|i| &table.columns[*i]);
            let sql: String = column.and_then(|c| c.default.clone()).unwrap_or_else(|| "NULL".to_string());
            *value = datafusion::sql::sqlparser::parser::Parser::new(&datafusion::sql::sqlparser::dialect::RedshiftSqlDialect {})
                .try_with_sql(&sql)
                .and_then(|mut p| p.parse_expr())
                .map_err(|e| Error::internal(format!("stored default {sql}: {e}")))?;
        }
    }
    Ok(())
}

/// Checks new rows against the table's constraints and fills IDENTITY columns.
fn prepare_rows(table: &mut TableDef, table_name: &str, batch: RecordBatch) -> Result<RecordBatch> {
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    for (i, column) in table.columns.iter_mut().enumerate() {
        if let Some(identity) = column.identity.as_mut() {
            if columns[i].null_count() > 0 {
                columns[i] = fill_identity(&columns[i], identity)?;
            }
        }
        if matches!(column.sql_type, SqlType::Char(_)) && columns[i].null_count() < columns[i].len() {
            // CHAR(n) keeps no trailing blanks: they are not significant on Redshift.
            let trimmed: StringArray = columns[i].as_string::<i32>().iter().map(|v| v.map(|s| s.trim_end_matches(' '))).collect();
            columns[i] = Arc::new(trimmed);
        }
        if let Some(max) = column.sql_type.max_bytes() {
            if let Some(v) = columns[i].as_string::<i32>().iter().flatten().find(|v| v.len() > max as usize) {
                return Err(err!(
                    STRING_DATA_RIGHT_TRUNCATION,
                    "value too long for type {} (the value is {} bytes)",
                    column.sql_type,
                    v.len()
                )
                .with_detail(format!("column \"{}\" of relation \"{table_name}\"", column.name)));
            }
        }
        if column.not_null && columns[i].null_count() > 0 {
            return Err(err!(
                NOT_NULL_VIOLATION,
                "null value in column \"{}\" of relation \"{table_name}\" violates not-null constraint",
                column.name
            ));
        }
    }
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}

fn fill_identity(values: &ArrayRef, identity: &mut crate::catalog::Identity) -> Result<ArrayRef> {
    let mut next = || {
        let v = identity.next;
        identity.next += identity.step;
        v
    };
    Ok(match values.data_type() {
        DataType::Int64 => Arc::new(
            values.as_primitive::<Int64Type>().iter().map(|v| Some(v.unwrap_or_else(&mut next))).collect::<Int64Array>(),
        ),
        DataType::Int32 => Arc::new(
            values
                .as_primitive::<Int32Type>()
                .iter()
                .map(|v| v.map_or_else(|| i32::try_from(next()).ok(), Some))
                .collect::<Int32Array>(),
        ),
        DataType::Int16 => Arc::new(
            values
                .as_primitive::<Int16Type>()
                .iter()
                .map(|v| v.map_or_else(|| i16::try_from(next()).ok(), Some))
                .collect::<Int16Array>(),
        ),
        other => return Err(Error::internal(format!("identity column of type {other}"))),
    })
}
