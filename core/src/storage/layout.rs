//! How a slice's rows become a segment: sorted by the SORTKEY (compound or interleaved) and encoded
//! as Parquet with per-column encodings and codecs from `ENCODE`.

use crate::catalog::{Column, Encoding, SortKey, SortKind, TableDef};
use crate::error::Result;
use crate::storage::distribute::Pick;
use crate::storage::gather::{gather_column, gather_rows};
use crate::storage::physical_column_name;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch, UInt32Array, UInt64Array};
use datafusion::arrow::compute::{lexsort_to_indices, sort_to_indices, SortColumn};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, Encoding as ParquetEncoding, ZstdLevel};
use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};
use datafusion::parquet::schema::types::ColumnPath;
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

/// Rows per Parquet row group: the granularity of zone-map pruning.
pub const ROW_GROUP_ROWS: usize = 32 * 1024;
/// Largest segment a write produces; larger inputs become several segments.
pub const MAX_SEGMENT_ROWS: usize = 1024 * 1024;

/// The schema of a table's segments: every column under its physical (id-based) name.
pub fn physical_schema(table: &TableDef) -> SchemaRef {
    Arc::new(Schema::new(
        table
            .columns
            .iter()
            .map(|c| Field::new(physical_column_name(c.id), c.sql_type.arrow_type(), true))
            .collect::<Vec<_>>(),
    ))
}

/// Encodes the rows `picks` selects from `batches` as the segments of one slice, sorted by the
/// table's sort key (in the order picked without one), at most [`MAX_SEGMENT_ROWS`] rows each.
/// Only the sort key's values are gathered to sort by; then each row group is gathered from the
/// batches the rows arrived in and encoded in turn, so no sorted copy of the slice is ever whole
/// (the same few megabytes are reused instead of fresh pages for a copy of everything).
/// Returns each segment's bytes and rows.
pub fn encode_slice(table: &TableDef, batches: &[RecordBatch], picks: &[Pick]) -> Result<Vec<(Vec<u8>, usize)>> {
    let schema = physical_schema(table);
    let gather = |picks: &[Pick]| gather_rows(&schema, batches, picks);
    let sorted = sorted_picks(table, batches, picks)?;
    let mut segments = vec![];
    for segment in sorted.chunks(MAX_SEGMENT_ROWS) {
        let mut groups = segment.chunks(ROW_GROUP_ROWS);
        let first = gather(groups.next().expect("a segment has rows"))?;
        let estimate = first.get_array_memory_size() / 2 * segment.len().div_ceil(first.num_rows());
        let mut buffer = Vec::with_capacity(estimate);
        let mut writer =
            ArrowWriter::try_new(&mut buffer, Arc::clone(&schema), Some(writer_properties(table, &first)))?;
        writer.write(&first)?;
        drop(first);
        for group in groups {
            writer.write(&gather(group)?)?;
        }
        writer.close()?;
        segments.push((buffer, segment.len()));
    }
    Ok(segments)
}

/// `picks` in the order of the table's sort key.
fn sorted_picks<'a>(table: &TableDef, batches: &[RecordBatch], picks: &'a [Pick]) -> Result<Cow<'a, [Pick]>> {
    let Some(sort_key) = table.sort_key.as_ref().filter(|_| picks.len() > 1) else {
        return Ok(Cow::Borrowed(picks));
    };
    let keys: Vec<ArrayRef> = sort_key_columns(table, sort_key)
        .map(|i| {
            let columns: Vec<&dyn Array> = batches.iter().map(|b| b.column(i).as_ref()).collect();
            gather_column(&columns, picks)
        })
        .collect::<Result<_>>()?;
    let order = match sort_key.kind {
        SortKind::Compound => {
            let columns: Vec<SortColumn> =
                keys.into_iter().map(|values| SortColumn { values, options: None }).collect();
            lexsort_to_indices(&columns, None)?
        }
        SortKind::Interleaved => z_order_indices(&keys)?,
    };
    Ok(Cow::Owned(order.values().iter().map(|&i| picks[i as usize]).collect()))
}

fn sort_key_columns<'a>(table: &'a TableDef, sort_key: &'a SortKey) -> impl Iterator<Item = usize> + 'a {
    sort_key.columns.iter().filter_map(|id| table.columns.iter().position(|c| c.id == *id))
}

/// Interleaved sort: each key column is turned into its rank, and rows are ordered by the Morton
/// (Z-order) code of those ranks, so every key column gets equal weight in the zone maps.
fn z_order_indices(keys: &[ArrayRef]) -> Result<UInt32Array> {
    let rows = keys[0].len();
    let bits_per_key = (64 / keys.len()).min(32) as u32;
    let mut codes = vec![0u64; rows];
    for (k, key) in keys.iter().enumerate() {
        let order = sort_to_indices(key, None, None)?;
        let scale = if rows > 1 { ((1u64 << bits_per_key) - 1) as f64 / (rows - 1) as f64 } else { 0.0 };
        for (rank, &row) in order.values().iter().enumerate() {
            let r = (rank as f64 * scale) as u64;
            for bit in 0..bits_per_key {
                if r & (1 << bit) != 0 {
                    codes[row as usize] |= 1 << (bit as usize * keys.len() + k);
                }
            }
        }
    }
    let codes = UInt64Array::from(codes);
    Ok(sort_to_indices(&codes, None, None)?)
}

/// Parquet settings for a table's segments.
pub fn writer_properties(table: &TableDef, rows: &RecordBatch) -> WriterProperties {
    let mut builder = WriterProperties::builder()
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_compression(Compression::LZ4_RAW);
    for (column, values) in table.columns.iter().zip(rows.columns()) {
        builder = apply_encoding(builder, column);
        if column.encoding == Encoding::Auto && !repeats(values) {
            builder = builder.set_column_dictionary_enabled(ColumnPath::from(physical_column_name(column.id)), false);
        }
    }
    builder.build()
}

/// Rows ENCODE AUTO looks at to choose a column's encoding.
const AUTO_SAMPLE_ROWS: usize = 4096;

/// Whether a column's values repeat enough for a dictionary to pay, judged on its first rows:
/// nearly unique values (keys, comments) are written faster, and no bigger, without one.
fn repeats(values: &ArrayRef) -> bool {
    let rows = values.len().min(AUTO_SAMPLE_ROWS);
    let distinct = match values.data_type() {
        DataType::Utf8 => {
            let strings = values.as_string::<i32>();
            (0..rows).map(|i| strings.value(i)).collect::<HashSet<_>>().len()
        }
        other => match other.primitive_width() {
            Some(width) => {
                let data = values.to_data();
                let bytes = &data.buffers()[0].as_slice()[data.offset() * width..];
                bytes[..rows * width].chunks_exact(width).collect::<HashSet<_>>().len()
            }
            None => return true,
        },
    };
    distinct * 2 <= rows
}

fn apply_encoding(
    builder: datafusion::parquet::file::properties::WriterPropertiesBuilder,
    column: &Column,
) -> datafusion::parquet::file::properties::WriterPropertiesBuilder {
    let path = ColumnPath::from(physical_column_name(column.id));
    let integer = matches!(column.sql_type.arrow_type(), DataType::Int32 | DataType::Int64 | DataType::Date32);
    let zstd = |level| Compression::ZSTD(ZstdLevel::try_new(level).expect("valid zstd level"));
    match column.encoding {
        Encoding::Auto => builder,
        Encoding::Raw => builder
            .set_column_compression(path.clone(), Compression::UNCOMPRESSED)
            .set_column_dictionary_enabled(path, false),
        Encoding::Az64 | Encoding::Delta if integer => builder
            .set_column_dictionary_enabled(path.clone(), false)
            .set_column_encoding(path.clone(), ParquetEncoding::DELTA_BINARY_PACKED)
            .set_column_compression(path, zstd(1)),
        Encoding::Az64 | Encoding::Delta | Encoding::Mostly => builder.set_column_compression(path, zstd(1)),
        Encoding::Bytedict | Encoding::Text | Encoding::Runlength => builder.set_column_dictionary_enabled(path, true),
        Encoding::Lzo => builder.set_column_compression(path, Compression::LZ4_RAW),
        Encoding::Zstd => builder.set_column_compression(path, zstd(3)),
    }
}
