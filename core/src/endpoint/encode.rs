//! Arrow values on the wire: PostgreSQL type OIDs for result columns, rows in text or binary
//! format, and bound parameters decoded from either format.
//!
//! Rows are encoded a column at a time into per-row buffers, so each column's type is matched
//! once per batch, not once per value. Text matches what the shell and the tests print
//! (`sql::format`).

use crate::err;
use crate::error::{Error, Result};
use crate::sql::format::column_to_text;
use crate::types::SqlType;
use bytes::{BufMut, BytesMut};
use chrono::Datelike;
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::IntervalMonthDayNanoArray;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, DurationMicrosecondType, Float32Type, Float64Type, Int16Type, Int32Type,
    Int64Type, IntervalMonthDayNano, IntervalMonthDayNanoType, IntervalUnit, Time64MicrosecondType, TimeUnit,
    TimestampMicrosecondType,
};
use pgwire::api::results::{FieldFormat, FieldInfo};
use pgwire::api::Type;
use pgwire::messages::data::DataRow;

/// Days from 1970-01-01 (Arrow's epoch) to 2000-01-01 (PostgreSQL's).
const PG_EPOCH_DAYS: i32 = 10_957;
const PG_EPOCH_MICROS: i64 = PG_EPOCH_DAYS as i64 * 86_400_000_000;

/// The PostgreSQL type a result column of this Arrow type is reported as.
pub fn pg_type(data_type: &DataType) -> Type {
    match data_type {
        DataType::Boolean => Type::BOOL,
        DataType::Int8 | DataType::Int16 | DataType::UInt8 => Type::INT2,
        DataType::Int32 | DataType::UInt16 => Type::INT4,
        DataType::Int64 | DataType::UInt32 => Type::INT8,
        DataType::UInt64 | DataType::Decimal128(..) | DataType::Decimal256(..) => Type::NUMERIC,
        DataType::Float16 | DataType::Float32 => Type::FLOAT4,
        DataType::Float64 => Type::FLOAT8,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Type::VARCHAR,
        DataType::Date32 | DataType::Date64 => Type::DATE,
        DataType::Timestamp(_, None) => Type::TIMESTAMP,
        DataType::Timestamp(_, Some(_)) => Type::TIMESTAMPTZ,
        DataType::Time32(_) | DataType::Time64(_) => Type::TIME,
        DataType::Interval(_) | DataType::Duration(_) => Type::INTERVAL,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => Type::BYTEA,
        DataType::List(element) => match element.data_type() {
            DataType::Int16 => Type::INT2_ARRAY,
            DataType::Int32 => Type::INT4_ARRAY,
            DataType::Int64 => Type::INT8_ARRAY,
            DataType::Utf8 => Type::TEXT_ARRAY,
            _ => Type::TEXT,
        },
        _ => Type::TEXT,
    }
}

/// The Arrow type a client reads a result column of wire type `ty` (with modifier `typmod`) as:
/// the client API's result types (`None`: a type it cannot read).
pub fn client_arrow_type(ty: &Type, typmod: i32) -> Option<DataType> {
    let list = |element: DataType| {
        DataType::List(std::sync::Arc::new(datafusion::arrow::datatypes::Field::new_list_field(element, true)))
    };
    Some(match *ty {
        Type::BOOL => DataType::Boolean,
        Type::INT2 => DataType::Int16,
        Type::INT4 | Type::OID => DataType::Int32,
        Type::INT8 => DataType::Int64,
        Type::FLOAT4 => DataType::Float32,
        Type::FLOAT8 => DataType::Float64,
        // NUMERIC(p,s); an unconstrained one as the widest decimal with 10 fractional digits.
        Type::NUMERIC if typmod >= 4 => DataType::Decimal128(((typmod - 4) >> 16) as u8, ((typmod - 4) & 0xffff) as i8),
        Type::NUMERIC => DataType::Decimal128(38, 10),
        // int2vector and oidvector (system columns) as PostgreSQL prints them: `1 2`.
        Type::TEXT
        | Type::VARCHAR
        | Type::BPCHAR
        | Type::NAME
        | Type::UNKNOWN
        | Type::CHAR
        | Type::INT2_VECTOR
        | Type::OID_VECTOR => DataType::Utf8,
        Type::DATE => DataType::Date32,
        Type::TIMESTAMP => DataType::Timestamp(TimeUnit::Microsecond, None),
        Type::TIMESTAMPTZ => DataType::Timestamp(TimeUnit::Microsecond, Some(crate::types::UTC.into())),
        Type::TIME => DataType::Time64(TimeUnit::Microsecond),
        Type::INTERVAL => DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::MonthDayNano),
        Type::BYTEA => DataType::Binary,
        Type::INT2_ARRAY => list(DataType::Int16),
        Type::INT4_ARRAY => list(DataType::Int32),
        Type::INT8_ARRAY => list(DataType::Int64),
        Type::TEXT_ARRAY => list(DataType::Utf8),
        _ => return None,
    })
}

/// The Arrow type a result column of this type reaches a client as, through the wire and back.
pub fn wire_arrow_type(data_type: &DataType) -> DataType {
    client_arrow_type(&pg_type(data_type), numeric_typmod(data_type).unwrap_or(-1)).unwrap_or(DataType::Utf8)
}

/// The type modifier of a column sent as NUMERIC: its precision and scale, as PostgreSQL's.
fn numeric_typmod(data_type: &DataType) -> Option<i32> {
    match data_type {
        DataType::Decimal128(p, s) if *s >= 0 => Some(((*p as i32) << 16 | *s as i32) + 4),
        // Sent as NUMERIC(20, 0) (see `normalise`).
        DataType::UInt64 => numeric_typmod(&DataType::Decimal128(20, 0)),
        _ => None,
    }
}

/// The Arrow type a parameter declared with this PostgreSQL type is bound as (`None`: unknown,
/// or a type bound as text; the statement's context decides).
pub fn arrow_type(pg_type: &Type) -> Option<DataType> {
    match *pg_type {
        Type::BOOL
        | Type::INT2
        | Type::INT4
        | Type::OID
        | Type::INT8
        | Type::FLOAT4
        | Type::FLOAT8
        | Type::NUMERIC
        | Type::TEXT
        | Type::VARCHAR
        | Type::BPCHAR
        | Type::NAME
        | Type::DATE
        | Type::TIMESTAMP
        | Type::TIMESTAMPTZ => client_arrow_type(pg_type, -1),
        _ => None,
    }
}

/// RowDescription fields for a result schema, each column in the format the client asked for.
pub fn fields(schema: &datafusion::arrow::datatypes::Schema, format: impl Fn(usize) -> FieldFormat) -> Vec<FieldInfo> {
    schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            // A system column of a PostgreSQL type Arrow lacks (pg_index.indkey is int2vector).
            if let Some(ty) = f
                .metadata()
                .get(crate::leader::origins::PG_OID_METADATA)
                .and_then(|o| o.parse().ok())
                .and_then(Type::from_oid)
            {
                return FieldInfo::new(f.name().clone(), None, None, ty, format(i));
            }
            // A column traced to a CHAR(n)/VARCHAR(n) column reports its type and length.
            if let Some(sql_type @ (SqlType::Char(_) | SqlType::Varchar(_))) = crate::leader::origins::field_type(f) {
                let ty = Type::from_oid(sql_type.pg_oid() as u32).unwrap_or(Type::VARCHAR);
                return FieldInfo::new(f.name().clone(), None, None, ty, format(i))
                    .with_type_modifier(sql_type.pg_typmod());
            }
            let ty = pg_type(f.data_type());
            let info = FieldInfo::new(f.name().clone(), None, None, ty, format(i));
            // Precision and scale as PostgreSQL's typmod, so clients report NUMERIC(p,s).
            match numeric_typmod(f.data_type()) {
                Some(typmod) => info.with_type_modifier(typmod).with_type_size(-1),
                None => info,
            }
        })
        .collect()
}

/// Encodes a batch as DataRow messages; TIMESTAMPTZ values as text are shown in `zone`.
pub fn encode_batch(batch: &RecordBatch, formats: &[FieldFormat], zone: &Tz) -> Result<Vec<DataRow>> {
    let mut rows: Vec<BytesMut> =
        (0..batch.num_rows()).map(|_| BytesMut::with_capacity(16 * batch.num_columns())).collect();
    for (i, column) in batch.columns().iter().enumerate() {
        let column = normalise(column)?;
        match formats.get(i).copied().unwrap_or(FieldFormat::Text) {
            FieldFormat::Text => encode_text(&column, &mut rows, zone)?,
            FieldFormat::Binary => match vector_element(batch.schema().field(i)) {
                Some(element) => encode_vectors(&column, element, &mut rows)?,
                None => encode_binary(&column, &mut rows)?,
            },
        }
    }
    let width = batch.num_columns() as i16;
    Ok(rows.into_iter().map(|data| DataRow::new(data, width)).collect())
}

/// Casts types that share a wire type with a wider one (UInt8 → INT2, LargeUtf8 → VARCHAR, …);
/// intervals and durations become PostgreSQL's months, days and microseconds.
pub fn normalise(column: &ArrayRef) -> Result<ArrayRef> {
    let target = match column.data_type() {
        DataType::Int8 | DataType::UInt8 => DataType::Int16,
        DataType::UInt16 => DataType::Int32,
        DataType::UInt32 => DataType::Int64,
        DataType::UInt64 => DataType::Decimal128(20, 0),
        DataType::Float16 => DataType::Float32,
        DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
        DataType::Date64 => DataType::Date32,
        DataType::Timestamp(unit, tz) if *unit != TimeUnit::Microsecond => {
            DataType::Timestamp(TimeUnit::Microsecond, tz.clone())
        }
        DataType::Time32(_) | DataType::Time64(TimeUnit::Nanosecond) => DataType::Time64(TimeUnit::Microsecond),
        DataType::Interval(IntervalUnit::DayTime | IntervalUnit::YearMonth) => {
            DataType::Interval(IntervalUnit::MonthDayNano)
        }
        // The difference of two timestamps: whole days, then the time of day, as PostgreSQL's.
        DataType::Duration(_) => {
            let micros = cast(column, &DataType::Duration(TimeUnit::Microsecond))?;
            let intervals: IntervalMonthDayNanoArray = micros
                .as_primitive::<DurationMicrosecondType>()
                .iter()
                .map(|v| {
                    v.map(|us| IntervalMonthDayNano::new(0, (us / MICROS_PER_DAY) as i32, us % MICROS_PER_DAY * 1_000))
                })
                .collect();
            return Ok(std::sync::Arc::new(intervals));
        }
        _ => return Ok(column.clone()),
    };
    Ok(cast(column, &target)?)
}

const MICROS_PER_DAY: i64 = 86_400_000_000;

fn put_null(buf: &mut BytesMut) {
    buf.put_i32(-1);
}

/// Writes one length-prefixed value produced by `write`.
fn put_value(buf: &mut BytesMut, write: impl FnOnce(&mut BytesMut)) {
    let at = buf.len();
    buf.put_i32(0);
    write(buf);
    let len = (buf.len() - at - 4) as i32;
    buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
}

/// Applies `write` to every non-null value of `array` (downcast by the caller).
fn for_each<A: Array>(array: &A, rows: &mut [BytesMut], mut write: impl FnMut(usize, &mut BytesMut)) {
    for (i, buf) in rows.iter_mut().enumerate() {
        if array.is_null(i) {
            put_null(buf);
        } else {
            put_value(buf, |b| write(i, b));
        }
    }
}

fn encode_text(column: &ArrayRef, rows: &mut [BytesMut], zone: &Tz) -> Result<()> {
    use std::fmt::Write;
    match column.data_type() {
        DataType::Int16 => {
            let a = column.as_primitive::<Int16Type>();
            for_each(a, rows, |i, b| {
                let _ = write!(b, "{}", a.value(i));
            });
        }
        DataType::Int32 => {
            let a = column.as_primitive::<Int32Type>();
            for_each(a, rows, |i, b| {
                let _ = write!(b, "{}", a.value(i));
            });
        }
        DataType::Int64 => {
            let a = column.as_primitive::<Int64Type>();
            for_each(a, rows, |i, b| {
                let _ = write!(b, "{}", a.value(i));
            });
        }
        DataType::Utf8 => {
            let a = column.as_string::<i32>();
            for_each(a, rows, |i, b| b.put_slice(a.value(i).as_bytes()));
        }
        DataType::Boolean => {
            let a = column.as_boolean();
            for_each(a, rows, |i, b| b.put_u8(if a.value(i) { b't' } else { b'f' }));
        }
        // Written in place rather than through `column_to_text`, which allocates a String per
        // value; the output is the same.
        DataType::Decimal128(_, scale) if *scale >= 0 => {
            let a = column.as_primitive::<Decimal128Type>();
            let scale = *scale as u32;
            for_each(a, rows, |i, b| write_decimal(b, a.value(i), scale));
        }
        DataType::Date32 if column.as_primitive::<Date32Type>().iter().flatten().all(date_in_range) => {
            let a = column.as_primitive::<Date32Type>();
            for_each(a, rows, |i, b| {
                let date = chrono::NaiveDate::from_num_days_from_ce_opt(a.value(i) + UNIX_EPOCH_DAYS_FROM_CE)
                    .expect("in range");
                let _ = write!(b, "{:04}-{:02}-{:02}", date.year(), date.month(), date.day());
            });
        }
        _ => {
            for (buf, value) in rows.iter_mut().zip(column_to_text(column, zone)?) {
                match value {
                    Some(text) => put_value(buf, |b| b.put_slice(text.as_bytes())),
                    None => put_null(buf),
                }
            }
        }
    }
    Ok(())
}

/// Days from 0001-01-01 to 1970-01-01, for chrono's day numbers.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Dates the four-digit form covers (years 1 to 9999); others go through `column_to_text`.
fn date_in_range(days: i32) -> bool {
    (-719_162..=2_932_896).contains(&days)
}

/// An unscaled decimal at `scale`, as `-123.45`.
fn write_decimal(buf: &mut BytesMut, unscaled: i128, scale: u32) {
    use std::fmt::Write;
    if unscaled < 0 {
        buf.put_u8(b'-');
    }
    let magnitude = unscaled.unsigned_abs();
    let pow = 10u128.pow(scale);
    let _ = write!(buf, "{}", magnitude / pow);
    if scale > 0 {
        let _ = write!(buf, ".{:0width$}", magnitude % pow, width = scale as usize);
    }
}

fn encode_binary(column: &ArrayRef, rows: &mut [BytesMut]) -> Result<()> {
    match column.data_type() {
        DataType::Null => rows.iter_mut().for_each(put_null),
        DataType::Boolean => {
            let a = column.as_boolean();
            for_each(a, rows, |i, b| b.put_u8(a.value(i) as u8));
        }
        DataType::Int16 => {
            let a = column.as_primitive::<Int16Type>();
            for_each(a, rows, |i, b| b.put_i16(a.value(i)));
        }
        DataType::Int32 => {
            let a = column.as_primitive::<Int32Type>();
            for_each(a, rows, |i, b| b.put_i32(a.value(i)));
        }
        DataType::Int64 => {
            let a = column.as_primitive::<Int64Type>();
            for_each(a, rows, |i, b| b.put_i64(a.value(i)));
        }
        DataType::Float32 => {
            let a = column.as_primitive::<Float32Type>();
            for_each(a, rows, |i, b| b.put_f32(a.value(i)));
        }
        DataType::Float64 => {
            let a = column.as_primitive::<Float64Type>();
            for_each(a, rows, |i, b| b.put_f64(a.value(i)));
        }
        DataType::Decimal128(_, scale) => {
            let a = column.as_primitive::<Decimal128Type>();
            let scale = *scale;
            for_each(a, rows, |i, b| put_numeric(b, a.value(i), scale));
        }
        DataType::Utf8 => {
            let a = column.as_string::<i32>();
            for_each(a, rows, |i, b| b.put_slice(a.value(i).as_bytes()));
        }
        DataType::Binary => {
            let a = column.as_binary::<i32>();
            for_each(a, rows, |i, b| b.put_slice(a.value(i)));
        }
        DataType::Date32 => {
            let a = column.as_primitive::<Date32Type>();
            for_each(a, rows, |i, b| b.put_i32(a.value(i) - PG_EPOCH_DAYS));
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            let a = column.as_primitive::<TimestampMicrosecondType>();
            for_each(a, rows, |i, b| b.put_i64(a.value(i) - PG_EPOCH_MICROS));
        }
        DataType::Time64(TimeUnit::Microsecond) => {
            let a = column.as_primitive::<Time64MicrosecondType>();
            for_each(a, rows, |i, b| b.put_i64(a.value(i)));
        }
        // Microseconds, days, months.
        DataType::Interval(IntervalUnit::MonthDayNano) => {
            let a = column.as_primitive::<IntervalMonthDayNanoType>();
            for_each(a, rows, |i, b| {
                let v = a.value(i);
                b.put_i64(v.nanoseconds / 1_000);
                b.put_i32(v.days);
                b.put_i32(v.months);
            });
        }
        other => {
            return Err(err!(FEATURE_NOT_SUPPORTED, "binary format is not supported for {other} results; ask for text"))
        }
    }
    Ok(())
}

/// The element type of a system column reported as int2vector or oidvector (kept as text: `1 2`).
fn vector_element(field: &datafusion::arrow::datatypes::Field) -> Option<Type> {
    let oid = field.metadata().get(crate::leader::origins::PG_OID_METADATA)?.parse().ok()?;
    match Type::from_oid(oid)? {
        Type::INT2_VECTOR => Some(Type::INT2),
        Type::OID_VECTOR => Some(Type::OID),
        _ => None,
    }
}

/// int2vector/oidvector values in binary: one-dimensional arrays with lower bound 0.
fn encode_vectors(column: &ArrayRef, element: Type, rows: &mut [BytesMut]) -> Result<()> {
    let texts = column.as_string_opt::<i32>().ok_or_else(|| Error::internal("a vector column is kept as text"))?;
    for (i, buf) in rows.iter_mut().enumerate() {
        if texts.is_null(i) {
            put_null(buf);
            continue;
        }
        let numbers = texts
            .value(i)
            .split_whitespace()
            .map(|n| {
                n.parse::<i64>().map_err(|_| Error::internal(format!("not a {element} vector: {:?}", texts.value(i))))
            })
            .collect::<Result<Vec<_>>>()?;
        put_value(buf, |b| {
            b.put_i32(if numbers.is_empty() { 0 } else { 1 });
            b.put_i32(0); // no NULLs
            b.put_u32(element.oid());
            if !numbers.is_empty() {
                b.put_i32(numbers.len() as i32);
                b.put_i32(0); // lower bound
            }
            for n in numbers {
                match element {
                    Type::INT2 => {
                        b.put_i32(2);
                        b.put_i16(n as i16);
                    }
                    _ => {
                        b.put_i32(4);
                        b.put_u32(n as u32);
                    }
                }
            }
        });
    }
    Ok(())
}

/// PostgreSQL's binary NUMERIC: base-10000 digits with a weight, sign and display scale.
fn put_numeric(buf: &mut BytesMut, unscaled: i128, scale: i8) {
    let scale = scale.max(0) as u32;
    let magnitude = unscaled.unsigned_abs();
    let pow = 10u128.pow(scale);
    let (mut integer, fraction) = (magnitude / pow, magnitude % pow);
    let fraction_groups = scale.div_ceil(4);
    let mut fraction = fraction * 10u128.pow(fraction_groups * 4 - scale);
    let mut integer_digits = vec![];
    while integer > 0 {
        integer_digits.push((integer % 10_000) as i16);
        integer /= 10_000;
    }
    integer_digits.reverse();
    let mut fraction_digits = vec![0i16; fraction_groups as usize];
    for d in fraction_digits.iter_mut().rev() {
        *d = (fraction % 10_000) as i16;
        fraction /= 10_000;
    }
    let mut weight = integer_digits.len() as i16 - 1;
    let mut digits: Vec<i16> = integer_digits.into_iter().chain(fraction_digits).collect();
    let leading = digits.iter().take_while(|d| **d == 0).count();
    digits.drain(..leading);
    weight -= leading as i16;
    while digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.is_empty() {
        weight = 0;
    }
    buf.put_i16(digits.len() as i16);
    buf.put_i16(weight);
    buf.put_u16(if unscaled < 0 && !digits.is_empty() { 0x4000 } else { 0 });
    buf.put_u16(scale as u16);
    for d in digits {
        buf.put_i16(d);
    }
}

/// A bound parameter in binary format, as text (the form `sql::params` binds).
pub fn binary_param_to_text(pg_type: &Type, bytes: &[u8]) -> Result<String> {
    let bad = || err!(PROTOCOL_VIOLATION, "incorrect binary data format in bind parameter of type {}", pg_type.name());
    let fixed = |n: usize| -> Result<&[u8]> {
        if bytes.len() == n {
            Ok(bytes)
        } else {
            Err(bad())
        }
    };
    Ok(match *pg_type {
        Type::BOOL => (if fixed(1)?[0] != 0 { "t" } else { "f" }).to_string(),
        Type::INT2 => i16::from_be_bytes(fixed(2)?.try_into().expect("2 bytes")).to_string(),
        Type::INT4 | Type::OID => i32::from_be_bytes(fixed(4)?.try_into().expect("4 bytes")).to_string(),
        Type::INT8 => i64::from_be_bytes(fixed(8)?.try_into().expect("8 bytes")).to_string(),
        Type::FLOAT4 => f32::from_be_bytes(fixed(4)?.try_into().expect("4 bytes")).to_string(),
        Type::FLOAT8 => f64::from_be_bytes(fixed(8)?.try_into().expect("8 bytes")).to_string(),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => String::from_utf8(bytes.to_vec())
            .map_err(|_| err!(CHARACTER_NOT_IN_REPERTOIRE, "invalid UTF-8 in bind parameter"))?,
        Type::DATE => {
            let days = i32::from_be_bytes(fixed(4)?.try_into().expect("4 bytes")) + PG_EPOCH_DAYS;
            chrono::DateTime::from_timestamp(days as i64 * 86_400, 0).ok_or_else(bad)?.format("%Y-%m-%d").to_string()
        }
        Type::TIMESTAMP | Type::TIMESTAMPTZ => {
            let micros = i64::from_be_bytes(fixed(8)?.try_into().expect("8 bytes")) + PG_EPOCH_MICROS;
            let t = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
            let text = t.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
            if *pg_type == Type::TIMESTAMPTZ {
                format!("{text}+00")
            } else {
                text
            }
        }
        Type::NUMERIC => numeric_to_text(bytes).ok_or_else(bad)?,
        _ => {
            return Err(err!(
                FEATURE_NOT_SUPPORTED,
                "binary parameters of type {} are not supported; send them as text",
                pg_type.name()
            ))
        }
    })
}

fn numeric_to_text(bytes: &[u8]) -> Option<String> {
    let word = |i: usize| bytes.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let (ndigits, weight, sign, dscale) = (word(0)? as usize, word(2)? as i16, word(4)?, word(6)? as usize);
    if sign == 0xC000 {
        return Some("NaN".into());
    }
    let digits: Vec<u16> = (0..ndigits).map(|i| word(8 + 2 * i)).collect::<Option<_>>()?;
    let mut integer = String::new();
    for pos in 0..=weight.max(0) {
        let d = if weight < 0 { 0 } else { digits.get(pos as usize).copied().unwrap_or(0) };
        if integer.is_empty() {
            integer = d.to_string()
        } else {
            integer.push_str(&format!("{d:04}"))
        }
    }
    let mut fraction = String::new();
    for k in 1..=dscale.div_ceil(4) as i16 {
        let index = weight + k;
        let d = if index < 0 { 0 } else { digits.get(index as usize).copied().unwrap_or(0) };
        fraction.push_str(&format!("{d:04}"));
    }
    fraction.truncate(dscale);
    let sign = if sign == 0x4000 { "-" } else { "" };
    Some(if fraction.is_empty() { format!("{sign}{integer}") } else { format!("{sign}{integer}.{fraction}") })
}

/// The error pgwire sends for an engine error: SQLSTATE, message, position, detail and hint.
pub fn to_pgwire(error: Error) -> pgwire::error::PgWireError {
    let mut info = pgwire::error::ErrorInfo::new("ERROR".to_owned(), error.sqlstate.to_owned(), error.message.clone());
    info.detail = error.detail.clone();
    info.hint = error.hint.clone();
    info.position = error.position.map(|p| p.to_string());
    pgwire::error::PgWireError::UserError(Box::new(info))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn numeric_round_trip(unscaled: i128, scale: i8) -> String {
        let mut buf = BytesMut::new();
        put_numeric(&mut buf, unscaled, scale);
        numeric_to_text(&buf).unwrap()
    }

    #[test]
    fn text_fast_paths_match_the_shared_formatting() {
        use datafusion::arrow::array::{Date32Array, Decimal128Array};
        let columns: Vec<ArrayRef> = vec![
            Arc::new(
                Decimal128Array::from(vec![Some(12345), Some(-5), Some(0), None, Some(-123_456_789)])
                    .with_precision_and_scale(12, 2)
                    .unwrap(),
            ),
            Arc::new(
                Decimal128Array::from(vec![Some(7), Some(-7), None, Some(0), Some(1)])
                    .with_precision_and_scale(5, 0)
                    .unwrap(),
            ),
            Arc::new(Date32Array::from(vec![Some(0), Some(19_754), Some(-1), None, Some(-719_162)])),
        ];
        for column in columns {
            let mut rows: Vec<BytesMut> = (0..column.len()).map(|_| BytesMut::new()).collect();
            let utc = "UTC".parse().unwrap();
            encode_text(&column, &mut rows, &utc).unwrap();
            let expected = column_to_text(&column, &utc).unwrap();
            for (row, value) in rows.iter().zip(expected) {
                let mut want = BytesMut::new();
                match value {
                    Some(v) => put_value(&mut want, |b| b.put_slice(v.as_bytes())),
                    None => put_null(&mut want),
                }
                assert_eq!(row, &want);
            }
        }
    }

    #[test]
    fn numeric_binary_round_trips() {
        assert_eq!(numeric_round_trip(12345, 2), "123.45");
        assert_eq!(numeric_round_trip(-5, 3), "-0.005");
        assert_eq!(numeric_round_trip(0, 2), "0.00");
        assert_eq!(numeric_round_trip(100_000_000, 0), "100000000");
        assert_eq!(numeric_round_trip(123_456_789_012_345_678, 8), "1234567890.12345678");
    }
}
