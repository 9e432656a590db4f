//! `libredwood_jdbc`: the native half of Redwood's JDBC driver, the methods of
//! `io.redwood.jdbc.Native` over the client API (embedded or remote, as the URL says).
//!
//! It sits on the Rust client API rather than on the C ABI (`ffi`): both are thin layers over the
//! same `Connection`, and going through C would only add string copies and a second error channel.
//!
//! Objects cross as `long` handles (boxed, freed by the matching `free*`/`close*` call exactly
//! once: the Java side guarantees it). Strings come in as UTF-8 `byte[]` (not JNI's modified
//! UTF-8). Rows go out a batch at a time, one primitive array per column, so that `ResultSet.next()`
//! and the getters make no JNI call. Every entry point catches panics and turns errors into the
//! `SQLException` `io.redwood.jdbc.Errors.fromNative` makes for the SQLSTATE: nothing unwinds into
//! the JVM.

mod metadata;

use jni::objects::{JByteArray, JClass, JIntArray, JLongArray, JObject, JObjectArray, JThrowable, JValue};
use jni::sys::{jboolean, jint, jlong, jobjectArray, jstring, JNI_FALSE, JNI_TRUE};
use jni::JNIEnv;
use redwood_core::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use redwood_core::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, SchemaRef,
    Time64MicrosecondType, TimeUnit, TimestampMicrosecondType,
};
use redwood_core::client::{
    self, catch_panic, CancelHandle, ColumnType, Connection, Options, ParamStyle, QueryResult, Statement, Value,
};
use redwood_core::sync::lock;
use redwood_core::{err, Error};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

/// Native objects alive: connections, statements, results and cancel handles (`Native.liveObjects`,
/// which the tests read to check that closing and the Cleaner free everything).
static LIVE_OBJECTS: AtomicI64 = AtomicI64::new(0);

enum Failure {
    Sql(Error),
    /// A JNI call failed; a Java exception is usually pending already.
    Jni(jni::errors::Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Sql(error)
    }
}

impl From<jni::errors::Error> for Failure {
    fn from(error: jni::errors::Error) -> Self {
        Failure::Jni(error)
    }
}

type Result<T> = std::result::Result<T, Failure>;

const FROM_NATIVE: &str = "(Ljava/lang/String;Ljava/lang/String;)Ljava/sql/SQLException;";

/// Throws the SQLException for `state` (made by `Errors.fromNative`), or a plain one if that fails.
fn throw_sql(env: &mut JNIEnv, state: &str, message: &str) {
    let thrown = (|| -> jni::errors::Result<()> {
        let state = env.new_string(state)?;
        let text = env.new_string(message)?;
        let exception = env
            .call_static_method(
                "io/redwood/jdbc/Errors",
                "fromNative",
                FROM_NATIVE,
                &[JValue::Object(&state), JValue::Object(&text)],
            )?
            .l()?;
        env.throw(JThrowable::from(exception))
    })();
    if thrown.is_err() && !env.exception_check().unwrap_or(true) {
        let _ = env.throw_new("java/sql/SQLException", message);
    }
}

/// Runs an entry point's body: its error or panic becomes a pending Java exception and the
/// function returns `fallback`.
fn entry<'local, T>(env: &mut JNIEnv<'local>, fallback: T, body: impl FnOnce(&mut JNIEnv<'local>) -> Result<T>) -> T {
    let failure = match catch_panic(|| body(env)) {
        Ok(Ok(value)) => return value,
        Ok(Err(failure)) => failure,
        Err(panic) => {
            // What the body left pending, if anything, is not the error to report.
            let _ = env.exception_clear();
            Failure::Sql(panic)
        }
    };
    match failure {
        Failure::Sql(error) => throw_sql(env, error.sqlstate, &error.message),
        Failure::Jni(error) => {
            if !env.exception_check().unwrap_or(true) {
                throw_sql(env, "XX000", &format!("internal error in the JDBC driver's native library: {error}"));
            }
        }
    }
    fallback
}

fn into_handle<T>(value: T) -> jlong {
    LIVE_OBJECTS.fetch_add(1, Ordering::Relaxed);
    Box::into_raw(Box::new(value)) as jlong
}

/// The object behind a live handle (the Java side never passes a freed one; 0 is a closed object).
fn handle<'a, T>(handle: jlong, what: &str) -> Result<&'a T> {
    if handle == 0 {
        return Err(err!(OBJECT_NOT_IN_PREREQUISITE_STATE, "the {what} is closed").into());
    }
    // SAFETY: a non-zero handle came from `into_handle::<T>` and is not freed yet (see the module doc).
    Ok(unsafe { &*(handle as *const T) })
}

fn free_handle<T>(handle: jlong) {
    if handle != 0 {
        // SAFETY: as in `handle`; the Java side frees each handle once.
        drop(unsafe { Box::from_raw(handle as *mut T) });
        LIVE_OBJECTS.fetch_sub(1, Ordering::Relaxed);
    }
}

type ConnectionHandle = Mutex<Connection>;
type ResultHandle = Mutex<QueryResult>;

fn utf8(env: &mut JNIEnv, bytes: &JByteArray) -> Result<Option<String>> {
    if bytes.is_null() {
        return Ok(None);
    }
    let bytes = env.convert_byte_array(bytes)?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| err!(CHARACTER_NOT_IN_REPERTOIRE, "invalid UTF-8 from the JDBC driver").into())
}

fn required_utf8(env: &mut JNIEnv, bytes: &JByteArray, what: &str) -> Result<String> {
    utf8(env, bytes)?.ok_or_else(|| err!(INVALID_PARAMETER_VALUE, "no {what} given").into())
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_open<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    target: JByteArray<'local>,
    user: JByteArray<'local>,
    password: JByteArray<'local>,
) -> jlong {
    entry(&mut env, 0, |env| {
        let target = required_utf8(env, &target, "database")?;
        let options = Options { user: utf8(env, &user)?, password: utf8(env, &password)?, ..Default::default() };
        let connection = Connection::open(&target, options)?;
        Ok(into_handle::<ConnectionHandle>(Mutex::new(connection)))
    })
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_closeConnection<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    connection: jlong,
) {
    entry(&mut env, (), |_| {
        free_handle::<ConnectionHandle>(connection);
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_isRemote<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    connection: jlong,
) -> jboolean {
    entry(&mut env, JNI_FALSE, |_| {
        let remote = lock(handle::<ConnectionHandle>(connection, "connection")?).is_remote();
        Ok(if remote { JNI_TRUE } else { JNI_FALSE })
    })
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_cancelHandle<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    connection: jlong,
) -> jlong {
    entry(&mut env, 0, |_| {
        let cancel = lock(handle::<ConnectionHandle>(connection, "connection")?).cancel_handle();
        Ok(into_handle::<CancelHandle>(cancel))
    })
}

/// Cancels what the connection runs; called from any thread, without the connection's lock.
#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_cancel<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    cancel: jlong,
) {
    entry(&mut env, (), |_| Ok(handle::<CancelHandle>(cancel, "connection")?.cancel()?))
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_freeCancelHandle<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    cancel: jlong,
) {
    entry(&mut env, (), |_| {
        free_handle::<CancelHandle>(cancel);
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_execute<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    connection: jlong,
    sql: JByteArray<'local>,
) -> jlong {
    entry(&mut env, 0, |env| {
        let sql = required_utf8(env, &sql, "SQL")?;
        let result = lock(handle::<ConnectionHandle>(connection, "connection")?).execute(&sql)?;
        Ok(into_handle::<ResultHandle>(Mutex::new(result)))
    })
}

/// Parameter kinds, as `Parameters.java` numbers them.
const KIND_NULL: jint = 0;
const KIND_BOOL: jint = 1;
const KIND_BIGINT: jint = 2;
const KIND_DOUBLE: jint = 3;
const KIND_TEXT: jint = 4;
const KIND_DECIMAL: jint = 5;
const KIND_DATE: jint = 6;
const KIND_TIMESTAMP: jint = 7;

/// The type a parameter of `kind` declares when the statement is prepared (`None`: the statement decides).
fn declared_type(kind: jint) -> Option<DataType> {
    match kind {
        KIND_BOOL => Some(DataType::Boolean),
        KIND_BIGINT => Some(DataType::Int64),
        KIND_DOUBLE => Some(DataType::Float64),
        KIND_DATE => Some(DataType::Date32),
        KIND_TIMESTAMP => Some(DataType::Timestamp(TimeUnit::Microsecond, None)),
        _ => None,
    }
}

fn int_array(env: &mut JNIEnv, array: &JIntArray) -> Result<Vec<jint>> {
    if array.is_null() {
        return Ok(vec![]);
    }
    let mut out = vec![0; env.get_array_length(array)? as usize];
    env.get_int_array_region(array, 0, &mut out)?;
    Ok(out)
}

/// Prepares a statement with JDBC's `?` markers; `kinds` are the parameter kinds of the values to
/// come (they type `SELECT ?`), or empty when not known yet.
#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_prepare<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    connection: jlong,
    sql: JByteArray<'local>,
    kinds: JIntArray<'local>,
) -> jlong {
    entry(&mut env, 0, |env| {
        let sql = required_utf8(env, &sql, "SQL")?;
        let types: Vec<Option<DataType>> = int_array(env, &kinds)?.into_iter().map(declared_type).collect();
        let numbered = client::numbered_placeholders(&sql, ParamStyle::Qmark)?;
        let statement =
            lock(handle::<ConnectionHandle>(connection, "connection")?).prepare_typed(&numbered.sql, &types)?;
        Ok(into_handle::<Statement>(statement))
    })
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_parameterCount<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    statement: jlong,
) -> jint {
    entry(&mut env, 0, |_| Ok(handle::<Statement>(statement, "statement")?.param_count as jint))
}

/// The columns a prepared statement returns (see `columns`), or null when it returns none.
#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_statementColumns<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    statement: jlong,
) -> jobjectArray {
    entry(&mut env, std::ptr::null_mut(), |env| {
        let schema = handle::<Statement>(statement, "statement")?.columns.clone();
        match schema {
            Some(schema) => Ok(columns(env, &schema)?.into_raw()),
            None => Ok(std::ptr::null_mut()),
        }
    })
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_freeStatement<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    statement: jlong,
) {
    entry(&mut env, (), |_| {
        free_handle::<Statement>(statement);
        Ok(())
    })
}

/// Runs a prepared statement. Parameter `i` is `kinds[i]` with its value in `numbers[i]` (BOOL:
/// 0/1, BIGINT, DOUBLE as its bits, DATE: days since 1970-01-01, TIMESTAMP: microseconds since
/// 1970-01-01 00:00) or `texts[i]` (TEXT, DECIMAL: UTF-8).
#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_executePrepared<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    connection: jlong,
    statement: jlong,
    kinds: JIntArray<'local>,
    numbers: JLongArray<'local>,
    texts: JObjectArray<'local>,
) -> jlong {
    entry(&mut env, 0, |env| {
        let kinds = int_array(env, &kinds)?;
        let mut longs = vec![0; kinds.len()];
        if !kinds.is_empty() {
            env.get_long_array_region(&numbers, 0, &mut longs)?;
        }
        let mut values = Vec::with_capacity(kinds.len());
        for (i, (kind, number)) in kinds.iter().zip(longs).enumerate() {
            let mut text = || -> Result<String> {
                let element = JByteArray::from(env.get_object_array_element(&texts, i as i32)?);
                let text = required_utf8(env, &element, "parameter value");
                env.delete_local_ref(element)?;
                text
            };
            values.push(match *kind {
                KIND_NULL => Value::Null,
                KIND_BOOL => Value::Bool(number != 0),
                KIND_BIGINT => Value::Int64(number),
                KIND_DOUBLE => Value::Double(f64::from_bits(number as u64)),
                KIND_TEXT => Value::Text(text()?),
                KIND_DECIMAL => Value::Decimal(text()?),
                KIND_DATE => Value::Date(number as i32),
                KIND_TIMESTAMP => Value::Timestamp(number),
                other => return Err(err!(INTERNAL_ERROR, "unknown parameter kind {other}").into()),
            });
        }
        let statement = handle::<Statement>(statement, "statement")?;
        let result =
            lock(handle::<ConnectionHandle>(connection, "connection")?).execute_prepared(statement, &values)?;
        Ok(into_handle::<ResultHandle>(Mutex::new(result)))
    })
}

/// `Object[]{String[] names, int[] kinds, int[] precisions, int[] scales}`.
fn columns<'local>(env: &mut JNIEnv<'local>, schema: &SchemaRef) -> Result<JObjectArray<'local>> {
    let fields = schema.fields();
    let names = env.new_object_array(fields.len() as i32, "java/lang/String", JObject::null())?;
    let (mut kinds, mut precisions, mut scales) = (vec![], vec![], vec![]);
    for (i, field) in fields.iter().enumerate() {
        let name = env.new_string(field.name())?;
        env.set_object_array_element(&names, i as i32, &name)?;
        env.delete_local_ref(name)?;
        let column_type = ColumnType::of(field);
        kinds.push(column_type.kind as jint);
        precisions.push(column_type.precision);
        scales.push(column_type.scale);
    }
    let description = env.new_object_array(4, "java/lang/Object", JObject::null())?;
    env.set_object_array_element(&description, 0, &names)?;
    for (i, values) in [kinds, precisions, scales].iter().enumerate() {
        let array = env.new_int_array(values.len() as i32)?;
        env.set_int_array_region(&array, 0, values)?;
        env.set_object_array_element(&description, i as i32 + 1, &array)?;
        env.delete_local_ref(array)?;
    }
    Ok(description)
}

/// The result's columns (see `columns`), or null for a command.
#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_resultColumns<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    result: jlong,
) -> jobjectArray {
    entry(&mut env, std::ptr::null_mut(), |env| {
        let schema = match &*lock(handle::<ResultHandle>(result, "result set")?) {
            QueryResult::Rows(rows) => rows.schema(),
            QueryResult::Command { .. } => return Ok(std::ptr::null_mut()),
        };
        Ok(columns(env, &schema)?.into_raw())
    })
}

/// A command's tag (`INSERT 0 5`), or null for rows.
#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_commandTag<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    result: jlong,
) -> jstring {
    entry(&mut env, std::ptr::null_mut(), |env| {
        let tag = match &*lock(handle::<ResultHandle>(result, "result set")?) {
            QueryResult::Command { tag, .. } => tag.clone(),
            QueryResult::Rows(_) => return Ok(std::ptr::null_mut()),
        };
        Ok(env.new_string(tag)?.into_raw())
    })
}

/// The rows a command affected, or -1 when it does not count them (and for rows).
#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_affectedRows<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    result: jlong,
) -> jlong {
    entry(&mut env, -1, |_| {
        Ok(match &*lock(handle::<ResultHandle>(result, "result set")?) {
            QueryResult::Command { rows: Some(rows), .. } => *rows as jlong,
            _ => -1,
        })
    })
}

/// The next rows, at most `max_rows` of them, or null after the last: `Object[]{int[]{rows},
/// values of column 1, nulls of column 1, values of column 2, …}`. Values are a primitive array
/// per column (boolean, int for SMALLINT/INTEGER/DATE, long for BIGINT/TIMESTAMP/TIME and for
/// DECIMAL of up to 18 digits as unscaled numbers, float, double) or, for text and bytes and
/// what has no primitive form, `Object[]{byte[] data, int[] offsets}` (row `r` is
/// `data[offsets[r]..offsets[r + 1]]`, UTF-8 for text). Nulls are a `boolean[]`, or null when
/// the column has none in these rows.
#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_nextBatch<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    result: jlong,
    max_rows: jint,
) -> jobjectArray {
    entry(&mut env, std::ptr::null_mut(), |env| {
        let batch = {
            let mut result = lock(handle::<ResultHandle>(result, "result set")?);
            let QueryResult::Rows(rows) = &mut *result else { return Ok(std::ptr::null_mut()) };
            let Some(batch) = rows.next_batch()? else { return Ok(std::ptr::null_mut()) };
            let max_rows = max_rows.max(1) as usize;
            if batch.num_rows() > max_rows {
                rows.unread(batch.slice(max_rows, batch.num_rows() - max_rows));
                batch.slice(0, max_rows)
            } else {
                batch
            }
        };
        Ok(batch_arrays(env, &batch)?.into_raw())
    })
}

fn batch_arrays<'local>(env: &mut JNIEnv<'local>, batch: &RecordBatch) -> Result<JObjectArray<'local>> {
    let out = env.new_object_array(1 + 2 * batch.num_columns() as i32, "java/lang/Object", JObject::null())?;
    let count = env.new_int_array(1)?;
    env.set_int_array_region(&count, 0, &[batch.num_rows() as jint])?;
    env.set_object_array_element(&out, 0, &count)?;
    env.delete_local_ref(count)?;
    for (i, column) in batch.columns().iter().enumerate() {
        let values = column_values(env, column)?;
        env.set_object_array_element(&out, 1 + 2 * i as i32, &values)?;
        env.delete_local_ref(values)?;
        if column.null_count() > 0 {
            let nulls: Vec<u8> = (0..column.len()).map(|row| column.is_null(row) as u8).collect();
            let array = env.new_boolean_array(nulls.len() as i32)?;
            env.set_boolean_array_region(&array, 0, &nulls)?;
            env.set_object_array_element(&out, 2 + 2 * i as i32, &array)?;
            env.delete_local_ref(array)?;
        }
    }
    Ok(out)
}

/// Decimals of up to this many digits go as their unscaled `long`s.
const LONG_DECIMAL_DIGITS: u8 = 18;

fn column_values<'local>(env: &mut JNIEnv<'local>, column: &ArrayRef) -> Result<JObject<'local>> {
    Ok(match column.data_type() {
        DataType::Boolean => {
            let values: Vec<u8> = column.as_boolean().values().iter().map(u8::from).collect();
            let array = env.new_boolean_array(values.len() as i32)?;
            env.set_boolean_array_region(&array, 0, &values)?;
            array.into()
        }
        DataType::Int16 => {
            let values: Vec<i32> = column.as_primitive::<Int16Type>().values().iter().map(|v| *v as i32).collect();
            int_values(env, &values)?
        }
        DataType::Int32 => int_values(env, column.as_primitive::<Int32Type>().values())?,
        DataType::Date32 => int_values(env, column.as_primitive::<Date32Type>().values())?,
        DataType::Int64 => long_values(env, column.as_primitive::<Int64Type>().values())?,
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            long_values(env, column.as_primitive::<TimestampMicrosecondType>().values())?
        }
        DataType::Time64(TimeUnit::Microsecond) => {
            long_values(env, column.as_primitive::<Time64MicrosecondType>().values())?
        }
        DataType::Decimal128(precision, _) if *precision <= LONG_DECIMAL_DIGITS => {
            let values: Vec<i64> = column.as_primitive::<Decimal128Type>().values().iter().map(|v| *v as i64).collect();
            long_values(env, &values)?
        }
        DataType::Float32 => {
            let values = column.as_primitive::<Float32Type>().values();
            let array = env.new_float_array(values.len() as i32)?;
            env.set_float_array_region(&array, 0, values)?;
            array.into()
        }
        DataType::Float64 => {
            let values = column.as_primitive::<Float64Type>().values();
            let array = env.new_double_array(values.len() as i32)?;
            env.set_double_array_region(&array, 0, values)?;
            array.into()
        }
        DataType::Utf8 => {
            let strings = column.as_string::<i32>();
            byte_values(env, strings.value_offsets(), strings.values())?
        }
        DataType::Binary => {
            let bytes = column.as_binary::<i32>();
            byte_values(env, bytes.value_offsets(), bytes.values())?
        }
        // Wider decimals, intervals, arrays: PostgreSQL's text form (decimals exactly).
        _ => {
            let utc = "UTC".parse().map_err(|_| err!(INTERNAL_ERROR, "the UTC time zone is unknown"))?;
            let texts = redwood_core::sql::format::column_to_text(column, &utc)?;
            let mut data = Vec::new();
            let mut offsets = Vec::with_capacity(texts.len() + 1);
            offsets.push(0);
            for text in &texts {
                data.extend_from_slice(text.as_deref().unwrap_or("").as_bytes());
                offsets.push(data.len() as i32);
            }
            byte_values(env, &offsets, &data)?
        }
    })
}

fn int_values<'local>(env: &mut JNIEnv<'local>, values: &[i32]) -> Result<JObject<'local>> {
    let array = env.new_int_array(values.len() as i32)?;
    env.set_int_array_region(&array, 0, values)?;
    Ok(array.into())
}

fn long_values<'local>(env: &mut JNIEnv<'local>, values: &[i64]) -> Result<JObject<'local>> {
    let array = env.new_long_array(values.len() as i32)?;
    env.set_long_array_region(&array, 0, values)?;
    Ok(array.into())
}

/// `Object[]{byte[] data, int[] offsets}` from Arrow's offsets (rebased to start at 0) and data.
fn byte_values<'local>(env: &mut JNIEnv<'local>, offsets: &[i32], data: &[u8]) -> Result<JObject<'local>> {
    let (first, last) = (offsets[0], offsets[offsets.len() - 1]);
    let bytes = env.byte_array_from_slice(&data[first as usize..last as usize])?;
    let rebased: Vec<i32> = offsets.iter().map(|o| o - first).collect();
    let starts = env.new_int_array(rebased.len() as i32)?;
    env.set_int_array_region(&starts, 0, &rebased)?;
    let pair = env.new_object_array(2, "java/lang/Object", JObject::null())?;
    env.set_object_array_element(&pair, 0, &bytes)?;
    env.set_object_array_element(&pair, 1, &starts)?;
    env.delete_local_ref(bytes)?;
    env.delete_local_ref(starts)?;
    Ok(pair.into())
}

/// Runs a `DatabaseMetaData` call (`metadata::call`: the client API's metadata contract,
/// shaped as JDBC's result) with its arguments (UTF-8, or null); returns a result handle.
#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_metadata<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    connection: jlong,
    call: JByteArray<'local>,
    arguments: JObjectArray<'local>,
) -> jlong {
    entry(&mut env, 0, |env| {
        let call = required_utf8(env, &call, "metadata call")?;
        let count = if arguments.is_null() { 0 } else { env.get_array_length(&arguments)? };
        let mut args = Vec::with_capacity(count as usize);
        for i in 0..count {
            let element = JByteArray::from(env.get_object_array_element(&arguments, i)?);
            args.push(utf8(env, &element)?);
            env.delete_local_ref(element)?;
        }
        let mut connection = lock(handle::<ConnectionHandle>(connection, "connection")?);
        let result = metadata::call(&mut connection, &call, &args)?;
        Ok(into_handle::<ResultHandle>(Mutex::new(result)))
    })
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_freeResult<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    result: jlong,
) {
    entry(&mut env, (), |_| {
        free_handle::<ResultHandle>(result);
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_liveObjects<'local>(
    _env: JNIEnv<'local>,
    _class: JClass<'local>,
) -> jlong {
    LIVE_OBJECTS.load(Ordering::Relaxed)
}

#[no_mangle]
pub extern "system" fn Java_io_redwood_jdbc_Native_countMarkers<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    sql: JByteArray<'local>,
) -> jint {
    entry(&mut env, 0, |env| {
        let sql = required_utf8(env, &sql, "SQL")?;
        Ok(client::numbered_placeholders(&sql, ParamStyle::Qmark)?.markers as jint)
    })
}

#[cfg(test)]
mod tests {
    use redwood_core::client::ColumnKind;

    /// `ColumnKind.java` declares the codes `columns` sends: each Rust kind's, under its name.
    #[test]
    fn java_column_kinds_have_the_rust_codes() {
        let java = include_str!("main/java/io/redwood/jdbc/ColumnKind.java");
        let declared: Vec<(String, i32)> = java
            .lines()
            .filter_map(|line| {
                let (name, rest) = line.trim().split_once('(')?;
                let code = rest.split_once(',')?.0.parse().ok()?;
                name.chars().all(|c| c.is_ascii_uppercase()).then(|| (name.to_string(), code))
            })
            .collect();
        let expected: Vec<(String, i32)> =
            ColumnKind::ALL.iter().map(|kind| (format!("{kind:?}").to_uppercase(), *kind as i32)).collect();
        assert_eq!(declared, expected);
    }
}
