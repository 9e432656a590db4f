//! Placement of rows on slices by distribution style.
//!
//! KEY uses DataFusion's own hash partitioner, so a table's slice `s` holds exactly the rows a
//! `RepartitionExec` on the distkey would send to partition `s`: scans can then declare
//! `Partitioning::Hash(distkey, slices)` and joins on the distkey need no data movement.

use crate::catalog::{ClusterLayout, Placement, TableDef};
use crate::error::Result;
use datafusion::arrow::array::{RecordBatch, UInt32Array};
use datafusion::arrow::compute::take_record_batch;
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_plan::metrics::Time;
use datafusion::physical_plan::repartition::BatchPartitioner;
use std::sync::Arc;

/// Splits rows (in table column order) into per-slice batches. `even_cursor` is the table's
/// round-robin position, advanced by the rows placed.
pub fn split_by_slice(
    table: &TableDef,
    layout: &ClusterLayout,
    batch: RecordBatch,
    even_cursor: &mut u64,
) -> Result<Vec<(u32, RecordBatch)>> {
    let slices = layout.slice_count();
    if batch.num_rows() == 0 {
        return Ok(vec![]);
    }
    match table.distribution.placement() {
        Placement::All => Ok((0..layout.nodes).map(|n| (layout.first_slice_of(n), batch.clone())).collect()),
        Placement::Key(id) => {
            let index = table.columns.iter().position(|c| c.id == id).expect("distkey column exists");
            let name = batch.schema().field(index).name().clone();
            let mut partitioner = BatchPartitioner::new_hash_partitioner(
                vec![Arc::new(Column::new(&name, index))],
                slices as usize,
                Time::new(),
            )?;
            let mut out = vec![];
            for part in partitioner.partition_iter(batch)? {
                let (slice, rows) = part?;
                out.push((slice as u32, rows));
            }
            Ok(out)
        }
        Placement::Even => {
            let mut per_slice: Vec<Vec<u32>> = vec![vec![]; slices as usize];
            for row in 0..batch.num_rows() {
                per_slice[((*even_cursor + row as u64) % slices as u64) as usize].push(row as u32);
            }
            *even_cursor = (*even_cursor + batch.num_rows() as u64) % slices as u64;
            per_slice
                .into_iter()
                .enumerate()
                .filter(|(_, rows)| !rows.is_empty())
                .map(|(slice, rows)| Ok((slice as u32, take_record_batch(&batch, &UInt32Array::from(rows))?)))
                .collect()
        }
    }
}
