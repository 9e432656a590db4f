//! VACUUM and ANALYZE.

use crate::catalog::{ClusterLayout, ColumnStats, Placement, RelId, Relation};
use crate::compute::scan::read_rows;
use crate::err;
use crate::error::Result;
use crate::leader::provider::RedwoodTable;
use crate::leader::results::Outcome;
use crate::leader::session::Session;
use crate::sql::ddl::qualified_name;
use crate::storage::{physical_column_name, SegmentId, SegmentRef};
use datafusion::common::ScalarValue;
use datafusion::parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use datafusion::sql::sqlparser::ast::{Analyze, ObjectName, VacuumStatement};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

impl Session {
    /// VACUUM [FULL | SORT ONLY | DELETE ONLY | REINDEX] [table]: on every slice that has more than
    /// one segment or deleted rows, merges its segments into freshly sorted ones without the
    /// deleted rows. Like Redshift, it cannot run inside a transaction block.
    pub(crate) async fn vacuum(&mut self, vacuum: &VacuumStatement) -> Result<Outcome> {
        if self.in_transaction_block() {
            return Err(err!(ACTIVE_SQL_TRANSACTION, "VACUUM cannot run inside a transaction block"));
        }
        let targets: Vec<RelId> = self.maintained_tables(vacuum.table_name.as_ref())?.iter().map(|r| r.id).collect();
        let state = Arc::clone(self.txn().state());
        for id in targets {
            let rel = Arc::clone(state.relation(id).expect("listed"));
            self.vacuum_table(&rel)?;
        }
        Ok(Outcome::command("VACUUM"))
    }

    /// The tables VACUUM / ANALYZE work on: the one named (its owner's or a superuser's), or
    /// all those the user owns (all for a superuser).
    fn maintained_tables(&mut self, name: Option<&ObjectName>) -> Result<Vec<Arc<Relation>>> {
        let state = Arc::clone(self.txn().state());
        if let Some(name) = name {
            let rel = Arc::clone(state.require_table(&qualified_name(name)?)?.0);
            self.require_owner(&rel)?;
            return Ok(vec![rel]);
        }
        let principal = self.principal();
        Ok(state
            .relations
            .values()
            .filter(|r| r.table().is_some() && (principal.superuser || r.owner == principal.user))
            .cloned()
            .collect())
    }

    fn vacuum_table(&mut self, rel: &Arc<Relation>) -> Result<()> {
        let table = rel.table().expect("a table");
        let mut by_slice: BTreeMap<u32, Vec<SegmentRef>> = BTreeMap::new();
        for s in &table.segments {
            by_slice.entry(s.slice).or_default().push(s.clone());
        }
        by_slice.retain(|_, segments| segments.len() > 1 || segments.iter().any(|s| s.deleted.is_some()));
        self.merge_segments(rel.id, by_slice)
    }

    /// Rewrites each slice's listed segments (of the table as this transaction sees it) into
    /// sorted segments without deleted rows, one slice at a time so memory holds one slice's rows.
    pub(crate) fn merge_segments(&mut self, rel_id: RelId, groups: BTreeMap<u32, Vec<SegmentRef>>) -> Result<()> {
        if groups.is_empty() {
            return Ok(());
        }
        let rel = Arc::clone(self.txn().state().relation(rel_id).expect("table exists"));
        let table = rel.table().expect("a table");
        let spec = RedwoodTable::new(Arc::clone(&rel), self.db.layout(), 1, false)?.spec();
        let mut rewritten = vec![];
        for (slice, segments) in &groups {
            let batches: Vec<_> =
                read_rows(Arc::clone(&spec), segments)?.into_iter().filter(|b| b.num_rows() > 0).collect();
            if !batches.is_empty() {
                rewritten.extend(self.write_segments(rel.id, table, BTreeMap::from([(*slice, batches)]))?);
            }
        }
        let replaced: HashSet<SegmentId> = groups.values().flatten().map(|s| s.id()).collect();
        let mut rel = (*rel).clone();
        let table = rel.table_mut().expect("a table");
        table.segments.retain(|s| !replaced.contains(&s.id()));
        self.txn().compacted(replaced.iter().copied());
        table.segments.extend(rewritten);
        self.txn().put_relation(rel);
        Ok(())
    }

    /// ANALYZE [table]: records each column's bounds and NULL count, gathered from the segments'
    /// zone maps (every footer is read, so a damaged file is reported naming its table). The
    /// planner uses them, with the exact row counts every commit keeps, for its estimates.
    pub(crate) fn analyze(&mut self, analyze: &Analyze) -> Result<Outcome> {
        let targets = self.maintained_tables(analyze.table_name.as_ref())?;
        let layout = self.db.layout();
        for rel in targets {
            let statistics = column_statistics(&rel, &layout)?;
            let mut rel = (*rel).clone();
            rel.table_mut().expect("a table").statistics = statistics;
            self.txn().put_relation(rel);
        }
        Ok(Outcome::command("ANALYZE"))
    }
}

/// Bounds and NULL counts of every column, from the row-group statistics of the table's segments
/// (one copy of an ALL table).
fn column_statistics(rel: &Relation, layout: &ClusterLayout) -> Result<Vec<ColumnStats>> {
    let table = rel.table().expect("a table");
    let all = table.distribution.placement() == Placement::All;
    let segments: Vec<&SegmentRef> = table.segments.iter().filter(|s| !all || layout.node_of(s.slice) == 0).collect();
    let mut bounds: Vec<(u64, Option<ScalarValue>, Option<ScalarValue>)> = vec![(0, None, None); table.columns.len()];
    for segment in segments {
        let storage = segment.file.storage();
        let footer =
            storage.open(&segment.file).and_then(|reader| storage.footer(&segment.file, &reader)).map_err(|e| {
                err!(
                    DATA_CORRUPTED,
                    "table \"{}\" has a damaged segment ({}): {}",
                    rel.name,
                    storage.describe(&segment.file),
                    e.message
                )
            })?;
        let row_groups = footer.metadata().row_groups();
        for (column, (nulls, min, max)) in table.columns.iter().zip(bounds.iter_mut()) {
            let physical = physical_column_name(column.id);
            let Ok(converter) = StatisticsConverter::try_new(&physical, footer.schema(), footer.parquet_schema())
            else {
                // Written before the column existed: every row holds the column's fill value.
                match &column.missing {
                    Some(text) => {
                        let value = ScalarValue::try_from_string(text.clone(), &column.sql_type.arrow_type())?;
                        widen(min, max, value);
                    }
                    None => *nulls += segment.rows,
                }
                continue;
            };
            let mins = converter.row_group_mins(row_groups.iter())?;
            let maxes = converter.row_group_maxes(row_groups.iter())?;
            *nulls += converter.row_group_null_counts(row_groups.iter())?.iter().flatten().sum::<u64>();
            for i in 0..mins.len() {
                for array in [&mins, &maxes] {
                    let value = ScalarValue::try_from_array(array, i)?;
                    if !value.is_null() {
                        widen(min, max, value);
                    }
                }
            }
        }
    }
    Ok(table
        .columns
        .iter()
        .zip(bounds)
        .map(|(c, (null_count, min, max))| ColumnStats {
            column: c.id,
            null_count,
            min: min.map(|v| v.to_string()),
            max: max.map(|v| v.to_string()),
        })
        .collect())
}

fn widen(min: &mut Option<ScalarValue>, max: &mut Option<ScalarValue>, value: ScalarValue) {
    if min.as_ref().is_none_or(|m| value < *m) {
        *min = Some(value.clone());
    }
    if max.as_ref().is_none_or(|m| value > *m) {
        *max = Some(value);
    }
}
