//! Placement of rows on slices by distribution style.
//!
//! KEY uses DataFusion's own hash partitioner, so a table's slice `s` holds exactly the rows a
//! `RepartitionExec` on the distkey would send to partition `s`: scans can then declare
//! `Partitioning::Hash(distkey, slices)` and joins on the distkey need no data movement.

use crate::catalog::{ClusterLayout, Placement, TableDef};
use crate::error::Result;
use datafusion::arrow::array::RecordBatch;
use datafusion::common::hash_utils::create_hashes;
use datafusion::physical_plan::repartition::REPARTITION_RANDOM_STATE;
use std::collections::BTreeMap;

/// A row of a write: its batch and its row within it.
pub type Pick = (usize, usize);

/// Rows bound for slices: the batches as given, and the picks of their rows for each slice that
/// gets any. Nothing is copied until a slice gathers its rows, once, already in sort order
/// (`layout::encode_slice`).
#[derive(Debug, Default)]
pub struct SliceRows {
    pub batches: Vec<RecordBatch>,
    pub picks: BTreeMap<u32, Vec<Pick>>,
}

impl SliceRows {
    /// Rows already split by slice (every row of each slice's batches).
    pub fn from_per_slice(per_slice: BTreeMap<u32, Vec<RecordBatch>>) -> SliceRows {
        let mut rows = SliceRows::default();
        for (slice, batches) in per_slice {
            let picks = rows.picks.entry(slice).or_default();
            for batch in batches {
                picks.extend((0..batch.num_rows()).map(|row| (rows.batches.len(), row)));
                rows.batches.push(batch);
            }
        }
        rows.picks.retain(|_, picks| !picks.is_empty());
        rows
    }
}

/// The table's round-robin position once `rows` more rows are placed from `even_cursor`.
pub fn cursor_after(table: &TableDef, layout: &ClusterLayout, even_cursor: u64, rows: u64) -> u64 {
    match table.distribution.placement() {
        Placement::Even => (even_cursor + rows) % layout.slice_count() as u64,
        Placement::All | Placement::Key(_) => even_cursor,
    }
}

/// Places rows (in table column order) on slices. `even_cursor` is the table's round-robin
/// position ([`cursor_after`] gives the next). KEY hashes the distkey exactly as DataFusion's
/// `BatchPartitioner` does (the same hash function and seed, then the hash modulo the slice
/// count), so slice `s` holds what a hash repartition would send to partition `s`.
pub fn place_rows(
    table: &TableDef,
    layout: &ClusterLayout,
    batches: Vec<RecordBatch>,
    mut even_cursor: u64,
) -> Result<SliceRows> {
    let slices = layout.slice_count() as u64;
    // Indexed by slice while rows are placed (a map lookup per row would be the loop's cost).
    let mut by_slice: Vec<Vec<Pick>> = vec![vec![]; slices as usize];
    match table.distribution.placement() {
        Placement::All => {
            let all: Vec<Pick> = batches
                .iter()
                .enumerate()
                .flat_map(|(b, batch)| (0..batch.num_rows()).map(move |row| (b, row)))
                .collect();
            for node in 0..layout.nodes {
                by_slice[layout.first_slice_of(node) as usize] = all.clone();
            }
        }
        Placement::Key(id) => {
            let index = table.columns.iter().position(|c| c.id == id).expect("distkey column exists");
            let mut hashes = vec![];
            for (b, batch) in batches.iter().enumerate() {
                hashes.clear();
                hashes.resize(batch.num_rows(), 0);
                create_hashes(
                    &[std::sync::Arc::clone(batch.column(index))],
                    REPARTITION_RANDOM_STATE.random_state(),
                    &mut hashes,
                )?;
                for (row, hash) in hashes.iter().enumerate() {
                    by_slice[(hash % slices) as usize].push((b, row));
                }
            }
        }
        Placement::Even => {
            for (b, batch) in batches.iter().enumerate() {
                for row in 0..batch.num_rows() {
                    by_slice[((even_cursor + row as u64) % slices) as usize].push((b, row));
                }
                even_cursor = (even_cursor + batch.num_rows() as u64) % slices;
            }
        }
    }
    let picks = by_slice
        .into_iter()
        .enumerate()
        .filter(|(_, picks)| !picks.is_empty())
        .map(|(slice, picks)| (slice as u32, picks))
        .collect();
    Ok(SliceRows { batches, picks })
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::physical_expr::expressions::Column;
    use datafusion::physical_plan::metrics::Time;
    use datafusion::physical_plan::repartition::BatchPartitioner;
    use std::sync::Arc;

    /// KEY placement agrees row for row with DataFusion's hash repartitioning, which scans
    /// declare (`Partitioning::Hash`) so that joins on the distkey need no data movement.
    #[test]
    fn key_placement_is_datafusion_hash_partitioning() {
        let schema =
            Arc::new(Schema::new(vec![Field::new("k", DataType::Int64, true), Field::new("s", DataType::Utf8, true)]));
        let keys: Int64Array = (0..5000).map(|i| if i % 97 == 0 { None } else { Some(i * 7919 % 1013) }).collect();
        let text: StringArray = (0..5000).map(|i| Some(format!("v{i}"))).collect();
        let batch = RecordBatch::try_new(Arc::clone(&schema), vec![Arc::new(keys), Arc::new(text)]).unwrap();
        for slices in [1u32, 2, 3, 4, 6, 8] {
            let mut expected: BTreeMap<u32, Vec<String>> = BTreeMap::new();
            let mut partitioner = BatchPartitioner::new_hash_partitioner(
                vec![Arc::new(Column::new("k", 0))],
                slices as usize,
                Time::new(),
            )
            .unwrap();
            for part in partitioner.partition_iter(batch.clone()).unwrap() {
                let (slice, rows) = part.unwrap();
                let values = rows.column(1).as_any().downcast_ref::<StringArray>().unwrap();
                expected.entry(slice as u32).or_default().extend(values.iter().map(|v| v.unwrap().to_string()));
            }
            let column = |id, name: &str, sql_type| crate::catalog::Column {
                id,
                name: name.into(),
                sql_type,
                not_null: false,
                default: None,
                identity: None,
                encoding: crate::catalog::Encoding::Auto,
                missing: None,
                comment: None,
                acl: Default::default(),
            };
            let columns =
                vec![column(0, "k", crate::types::SqlType::BigInt), column(1, "s", crate::types::SqlType::Varchar(10))];
            let table = TableDef::new(columns, crate::catalog::Distribution::Key(0), None);
            let layout = ClusterLayout { nodes: 1, slices_per_node: slices };
            let placed = place_rows(&table, &layout, vec![batch.clone()], 0).unwrap();
            let text = batch.column(1).as_any().downcast_ref::<StringArray>().unwrap();
            let actual: BTreeMap<u32, Vec<String>> = placed
                .picks
                .iter()
                .filter(|(_, picks)| !picks.is_empty())
                .map(|(&slice, picks)| (slice, picks.iter().map(|&(_, row)| text.value(row).to_string()).collect()))
                .collect();
            assert_eq!(actual, expected, "{slices} slices");
        }
    }
}
