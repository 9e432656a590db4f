//! Catalog functions: those that read the session's snapshot (`pg_get_userbyid`, `pg_get_expr`,
//! `pg_get_viewdef`, `pg_get_constraintdef`, `pg_get_indexdef`, `format_encoding`), the session's
//! user, `pg_typeof`, and the table functions
//! `current_database()` (for `FROM current_database()`) and Redshift's
//! `pg_get_late_binding_view_cols()`.

use super::*;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::datatypes::{Int64Type, SchemaRef};
use datafusion::catalog::{Session as PlannerSession, TableFunctionImpl};
use datafusion::common::DataFusionError;
use datafusion::datasource::TableType;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature, Volatility,
};
use datafusion::physical_plan::ExecutionPlan;

/// The scalar functions, registered in every session (replacing datafusion-pg-catalog's
/// placeholders of the same names).
pub fn functions(cell: &Arc<SnapshotCell>, user: &str) -> Vec<ScalarUDF> {
    // Oids arrive as INT or BIGINT literals; both coerce to BIGINT.
    let oid = || TypeSignature::Exact(vec![DataType::Int64]);
    let oid_and = |t: DataType| TypeSignature::Exact(vec![DataType::Int64, t]);
    let lookup = |name: &'static str, signatures: Vec<TypeSignature>, f: fn(&CatalogState, i32) -> Option<String>| {
        ScalarUDF::new_from_impl(CatalogLookup {
            name,
            signature: Signature::one_of(signatures, Volatility::Stable),
            cell: Arc::clone(cell),
            lookup: f,
        })
    };
    let constant = |name: &'static str, signature: Signature, value: ScalarValue| {
        ScalarUDF::new_from_impl(Constant { name, signature, value })
    };
    let user = || ScalarValue::Utf8(Some(user.to_string()));
    vec![
        lookup("pg_get_userbyid", vec![oid()], |state, id| Some(user_name(state, id))),
        lookup("pg_get_viewdef", vec![oid(), oid_and(DataType::Boolean)], view_definition),
        lookup("pg_get_constraintdef", vec![oid(), oid_and(DataType::Boolean)], constraint_definition),
        lookup(
            "pg_get_indexdef",
            vec![oid(), TypeSignature::Exact(vec![DataType::Int64, DataType::Int64, DataType::Boolean])],
            index_definition,
        ),
        lookup("format_encoding", vec![oid()], |_, code| ENCODINGS.get(code as usize).map(|e| e.name().to_string())),
        ScalarUDF::new_from_impl(PgGetExpr::new()),
        ScalarUDF::new_from_impl(PgTypeof { signature: Signature::any(1, Volatility::Immutable) }),
        datafusion::logical_expr::create_udf(
            "to_regtype",
            vec![DataType::Utf8],
            DataType::Int32,
            Volatility::Stable,
            Arc::new(|args: &[ColumnarValue]| {
                let names = args[0].to_array(1)?;
                let oids: datafusion::arrow::array::Int32Array =
                    names.as_string::<i32>().iter().map(|name| name.and_then(type_oid)).collect();
                Ok(ColumnarValue::Array(Arc::new(oids)))
            }),
        ),
        last_query_id(cell),
        relation_size(cell, "pg_relation_size"),
        relation_size(cell, "pg_table_size"),
        relation_size(cell, "pg_total_relation_size"),
        datafusion::logical_expr::create_udf(
            "pg_size_pretty",
            vec![DataType::Int64],
            DataType::Utf8,
            Volatility::Immutable,
            Arc::new(|args: &[ColumnarValue]| {
                let sizes = args[0].to_array(1)?;
                let texts: StringArray = sizes.as_primitive::<Int64Type>().iter().map(|s| s.map(size_pretty)).collect();
                Ok(ColumnarValue::Array(Arc::new(texts)))
            }),
        ),
        current_user(cell),
        ScalarUDF::new_from_impl(HasPrivilege::new(cell, "has_table_privilege", PrivilegeObject::Table)),
        ScalarUDF::new_from_impl(HasPrivilege::new(cell, "has_schema_privilege", PrivilegeObject::Schema)),
        ScalarUDF::new_from_impl(HasPrivilege::new(cell, "has_database_privilege", PrivilegeObject::Database)),
        constant("session_user", Signature::exact(vec![], Volatility::Stable), user()),
        ScalarUDF::new_from_impl(Description::new(cell, false)),
        ScalarUDF::new_from_impl(Description::new(cell, true)),
        // Databases and users have no comments.
        constant("shobj_description", Signature::any(2, Volatility::Stable), ScalarValue::Utf8(None)),
        // Every function is on the search path: there are no user-defined functions yet.
        constant("pg_function_is_visible", Signature::any(1, Volatility::Stable), ScalarValue::Boolean(Some(true))),
    ]
}

/// `current_user`: who the session runs as now (`SET SESSION AUTHORIZATION` changes it).
fn current_user(cell: &Arc<SnapshotCell>) -> ScalarUDF {
    let cell = Arc::clone(cell);
    datafusion::logical_expr::create_udf(
        "current_user",
        vec![],
        DataType::Utf8,
        Volatility::Stable,
        Arc::new(move |_: &[ColumnarValue]| Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(cell.current_user()))))),
    )
}

/// Redshift's `pg_last_query_id()`: the session's query before this one (STL_QUERY.query).
fn last_query_id(cell: &Arc<SnapshotCell>) -> ScalarUDF {
    let cell = Arc::clone(cell);
    datafusion::logical_expr::create_udf(
        "pg_last_query_id",
        vec![],
        DataType::Int32,
        Volatility::Volatile,
        Arc::new(move |_: &[ColumnarValue]| Ok(ColumnarValue::Scalar(ScalarValue::Int32(Some(cell.last_query()))))),
    )
}

/// The bytes a table's segments take on disk (0 for a view; NULL for an unknown oid).
fn relation_size(cell: &Arc<SnapshotCell>, name: &'static str) -> ScalarUDF {
    let cell = Arc::clone(cell);
    datafusion::logical_expr::create_udf(
        name,
        vec![DataType::Int64],
        DataType::Int64,
        Volatility::Stable,
        Arc::new(move |args: &[ColumnarValue]| {
            let state = cell.get();
            let oids = args[0].to_array(1)?;
            let sizes: datafusion::arrow::array::Int64Array = oids
                .as_primitive::<Int64Type>()
                .iter()
                .map(|oid| {
                    let rel = state.relations.values().find(|r| Some(i64::from(relation_oid(r))) == oid)?;
                    Some(rel.table().map_or(0, |t| t.segments.iter().map(|s| s.file.bytes as i64).sum()))
                })
                .collect();
            Ok(ColumnarValue::Array(Arc::new(sizes)))
        }),
    )
}

/// A size as PostgreSQL's `pg_size_pretty` writes it: `8192 bytes`, `16 kB`, `25 MB`, … (a unit
/// is used below 10240 bytes or 20480 of it, halves rounded away from zero).
fn size_pretty(size: i64) -> String {
    const UNITS: [(&str, i64, bool, u32); 6] = [
        ("bytes", 10 * 1024, false, 0),
        ("kB", 20 * 1024 - 1, true, 10),
        ("MB", 20 * 1024 - 1, true, 20),
        ("GB", 20 * 1024 - 1, true, 30),
        ("TB", 20 * 1024 - 1, true, 40),
        ("PB", 20 * 1024 - 1, true, 50),
    ];
    let half_rounded = |x: i64| (x + if x < 0 { -1 } else { 1 }) / 2;
    let mut size = size;
    for (i, (name, limit, round, bits)) in UNITS.iter().enumerate() {
        let Some((_, _, next_round, next_bits)) = UNITS.get(i + 1) else {
            return format!("{} {name}", if *round { half_rounded(size) } else { size });
        };
        if size.abs() < *limit {
            return format!("{} {name}", if *round { half_rounded(size) } else { size });
        }
        let shift = next_bits - bits - u32::from(*next_round) + u32::from(*round);
        size /= 1i64 << shift;
    }
    unreachable!("the last unit always answers")
}

/// `pg_backend_pid()`, `pg_cancel_backend(pid)` and `pg_terminate_backend(pid)` over the
/// server's sessions. Only a superuser may signal another user's session (42501), as in
/// PostgreSQL.
pub fn backend_functions(
    backends: Arc<dyn crate::leader::session::Backends>,
    user: &str,
    superuser: bool,
) -> Vec<ScalarUDF> {
    let pid = ScalarUDF::new_from_impl(Constant {
        name: "pg_backend_pid",
        signature: Signature::exact(vec![], Volatility::Stable),
        value: ScalarValue::Int32(Some(backends.own_pid())),
    });
    let signal = |name: &'static str, act: fn(&dyn crate::leader::session::Backends, i32) -> bool| {
        let (backends, user) = (Arc::clone(&backends), user.to_string());
        datafusion::logical_expr::create_udf(
            name,
            vec![DataType::Int64],
            DataType::Boolean,
            Volatility::Volatile,
            Arc::new(move |args: &[ColumnarValue]| {
                let pids = datafusion::arrow::compute::cast(&args[0].to_array(1)?, &DataType::Int64)?;
                let mut out = datafusion::arrow::array::BooleanBuilder::new();
                for pid in pids.as_primitive::<Int64Type>().iter() {
                    let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) else {
                        out.append_null();
                        continue;
                    };
                    match backends.user_of(pid) {
                        Some(owner) if owner != user && !superuser => {
                            return Err(crate::err!(
                                INSUFFICIENT_PRIVILEGE,
                                "must be a superuser or the user of session {pid} to signal it"
                            )
                            .into_datafusion())
                        }
                        Some(_) => out.append_value(act(backends.as_ref(), pid)),
                        None => out.append_value(false),
                    }
                }
                Ok(ColumnarValue::Array(Arc::new(out.finish())))
            }),
        )
    };
    let cancel = signal("pg_cancel_backend", |b, pid| b.cancel(pid));
    let terminate = signal("pg_terminate_backend", |b, pid| b.terminate(pid));
    vec![pid, cancel, terminate]
}

/// A function whose value does not depend on its arguments.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Constant {
    name: &'static str,
    signature: Signature,
    value: ScalarValue,
}

impl ScalarUDFImpl for Constant {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(self.value.data_type())
    }
    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Ok(ColumnarValue::Scalar(self.value.clone()))
    }
}

/// `pg_typeof(value)`: the PostgreSQL name of the value's type.
#[derive(Debug, PartialEq, Eq, Hash)]
struct PgTypeof {
    signature: Signature,
}

impl ScalarUDFImpl for PgTypeof {
    fn name(&self) -> &str {
        "pg_typeof"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let data_type = args.arg_fields[0].data_type();
        let name = match data_type {
            DataType::Null => "unknown",
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "text",
            other => SqlType::from_arrow(other).map_or("unknown", |t| t.pg_name()),
        };
        Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(name.to_string()))))
    }
}

/// `to_regtype(name)`: the oid of the type a name spells (`integer`, `int4`, `varchar(10)`), or
/// NULL. (PostgreSQL shows a regtype as its name; here it is the oid.)
fn type_oid(name: &str) -> Option<i32> {
    match name.trim().to_ascii_lowercase().as_str() {
        "text" => return Some(TEXT_OID),
        "name" => return Some(19),
        "oid" => return Some(26),
        "bytea" => return Some(17),
        "\"char\"" => return Some(18),
        _ => {}
    }
    let dialect = datafusion::sql::sqlparser::dialect::PostgreSqlDialect {};
    let data_type =
        datafusion::sql::sqlparser::parser::Parser::new(&dialect).try_with_sql(name).ok()?.parse_data_type().ok()?;
    SqlType::from_ast(&data_type).ok().map(|t| t.pg_oid())
}

/// `attencodingtype` codes, in `Encoding`'s declaration order.
const ENCODINGS: [Encoding; 10] = [
    Encoding::Auto,
    Encoding::Raw,
    Encoding::Az64,
    Encoding::Bytedict,
    Encoding::Delta,
    Encoding::Lzo,
    Encoding::Mostly,
    Encoding::Runlength,
    Encoding::Text,
    Encoding::Zstd,
];

fn view_definition(state: &CatalogState, oid: i32) -> Option<String> {
    state.relations.values().find(|r| relation_oid(r) == oid).and_then(|r| match &r.kind {
        RelationKind::View(view) => Some(view.text.clone()),
        RelationKind::Table(_) | RelationKind::External(_) => None,
    })
}

fn index_definition(state: &CatalogState, oid: i32) -> Option<String> {
    let rel = state.relations.values().find(|r| primary_key_index_oid(r) == oid)?;
    let key = primary_key(rel, rel.table()?)?;
    let columns = key.definition.trim_start_matches("PRIMARY KEY ");
    Some(format!("CREATE UNIQUE INDEX {} ON {}.{} USING btree {columns}", key.name, rel.schema, rel.name))
}

fn constraint_definition(state: &CatalogState, oid: i32) -> Option<String> {
    state
        .relations
        .values()
        .filter_map(|r| r.table().map(|t| constraints(r, t)))
        .flatten()
        .find(|c| c.oid == oid)
        .map(|c| c.definition)
}

/// Functions that hold the session's snapshot are the same function when they have the same name.
macro_rules! same_by_name {
    ($udf:ty) => {
        impl PartialEq for $udf {
            fn eq(&self, other: &Self) -> bool {
                self.name() == other.name()
            }
        }
        impl Eq for $udf {}
        impl std::hash::Hash for $udf {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.name().hash(state)
            }
        }
    };
}

/// A function from an oid (first argument) to text, answered from the session's snapshot; NULL
/// when nothing has that oid.
#[derive(Debug)]
struct CatalogLookup {
    name: &'static str,
    signature: Signature,
    cell: Arc<SnapshotCell>,
    lookup: fn(&CatalogState, i32) -> Option<String>,
}

same_by_name!(CatalogLookup);

impl ScalarUDFImpl for CatalogLookup {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let state = self.cell.get();
        let oids = datafusion::arrow::compute::cast(&args.args[0].to_array(args.number_rows)?, &DataType::Int64)?;
        let oids = oids.as_primitive::<Int64Type>();
        let out: StringArray = oids
            .iter()
            .map(|oid| oid.and_then(|oid| i32::try_from(oid).ok()).and_then(|oid| (self.lookup)(&state, oid)))
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

/// What a `has_…_privilege` function asks about.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PrivilegeObject {
    Table,
    Schema,
    Database,
}

/// `has_table_privilege([user,] table, 'select[,insert…]')` and its schema and database
/// siblings, answered from the session's catalog: true when the user holds any of the listed
/// privileges. The table may be named (`'s.t'`) or given by oid; the user defaults to
/// `current_user`.
#[derive(Debug)]
struct HasPrivilege {
    name: &'static str,
    object: PrivilegeObject,
    signature: Signature,
    cell: Arc<SnapshotCell>,
}

same_by_name!(HasPrivilege);

impl HasPrivilege {
    fn new(cell: &Arc<SnapshotCell>, name: &'static str, object: PrivilegeObject) -> HasPrivilege {
        let exact = |types: &[DataType]| TypeSignature::Exact(types.to_vec());
        let (text, oid) = (DataType::Utf8, DataType::Int64);
        let mut signatures =
            vec![exact(&[text.clone(), text.clone()]), exact(&[text.clone(), text.clone(), text.clone()])];
        if object == PrivilegeObject::Table {
            signatures.extend([exact(&[oid.clone(), text.clone()]), exact(&[text.clone(), oid, text])]);
        }
        HasPrivilege {
            name,
            object,
            signature: Signature::one_of(signatures, Volatility::Stable),
            cell: Arc::clone(cell),
        }
    }

    /// The answer for one row: `object` is a name or an oid.
    fn holds(
        &self,
        state: &CatalogState,
        user: &str,
        object: &ScalarValue,
        wanted: &str,
    ) -> crate::error::Result<bool> {
        use crate::catalog::Privileges;
        let principal = self.cell.principal(state, user);
        if !state.users.contains_key(user) && user != crate::catalog::DEFAULT_OWNER {
            return Err(crate::err!(UNDEFINED_OBJECT, "user \"{user}\" does not exist"));
        }
        let mut privileges = Privileges::NONE;
        for word in wanted.split(',') {
            let word = word.trim();
            let word = word
                .strip_suffix(" WITH GRANT OPTION")
                .or_else(|| word.strip_suffix(" with grant option"))
                .unwrap_or(word);
            privileges |= Privileges::named(word.trim())
                .ok_or_else(|| crate::err!(INVALID_PARAMETER_VALUE, "unrecognized privilege type: \"{word}\""))?;
        }
        let held = match self.object {
            PrivilegeObject::Table => {
                let rel = match object {
                    ScalarValue::Int64(Some(oid)) => {
                        state.relations.values().find(|r| i64::from(relation_oid(r)) == *oid)
                    }
                    ScalarValue::Utf8(Some(name)) => {
                        // The system catalog (found first, as pg_catalog is first on the search
                        // path) is readable by everyone.
                        let last = name.rsplit('.').next().unwrap_or(name).trim_matches('"').to_ascii_lowercase();
                        let schema = name.rsplit_once('.').map(|(s, _)| s.trim_matches('"').to_ascii_lowercase());
                        let system = matches!(schema.as_deref(), Some("pg_catalog" | "information_schema"))
                            || (schema.is_none() && crate::sql::parser::is_system_relation(&last));
                        if system {
                            return Ok(privileges.intersects(Privileges::SELECT));
                        }
                        state.lookup(&parse_relation_name(name)?)
                    }
                    _ => None,
                };
                let rel = rel.ok_or_else(|| crate::err!(UNDEFINED_TABLE, "relation \"{object}\" does not exist"))?;
                state.relation_privileges(&principal, rel).0
            }
            PrivilegeObject::Schema => {
                let name = object.to_string().to_ascii_lowercase();
                state.schema_privileges(&principal, state.require_schema(&name)?).0
            }
            PrivilegeObject::Database => {
                if principal.superuser {
                    Privileges::CREATE | Privileges::TEMP
                } else {
                    state.database_acl.held_by(&principal).0 | Privileges::TEMP
                }
            }
        };
        Ok(held.intersects(privileges))
    }
}

/// `'name'`, `'schema.name'` or `'"Quoted".name'` as `has_table_privilege` takes it.
fn parse_relation_name(text: &str) -> crate::error::Result<crate::catalog::QualifiedName> {
    let parts: Vec<String> = text
        .split('.')
        .map(|p| match p.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
            Some(quoted) => quoted.to_string(),
            None => p.trim().to_ascii_lowercase(),
        })
        .collect();
    crate::sql::ddl::qualified_parts(&parts)
}

impl ScalarUDFImpl for HasPrivilege {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let state = self.cell.get();
        let current = self.cell.current_user();
        let rows = args.number_rows;
        let columns = ColumnarValue::values_to_arrays(&args.args)?;
        let mut out = datafusion::arrow::array::BooleanBuilder::with_capacity(rows);
        for row in 0..rows {
            let values: Vec<ScalarValue> =
                columns.iter().map(|c| ScalarValue::try_from_array(c, row)).collect::<Result<_>>()?;
            if values.iter().any(ScalarValue::is_null) {
                out.append_null();
                continue;
            }
            let (user, object, wanted) = match values.as_slice() {
                [object, wanted] => (current.clone(), object, wanted.to_string()),
                [user, object, wanted] => (user.to_string(), object, wanted.to_string()),
                _ => unreachable!("the signature takes 2 or 3 arguments"),
            };
            out.append_value(self.holds(&state, &user, object, &wanted).map_err(crate::error::Error::into_datafusion)?);
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

/// `obj_description(oid [, 'pg_class'])` and `col_description(oid, column number)`: comments
/// made with COMMENT ON (pg_description's rows).
#[derive(Debug)]
struct Description {
    column: bool,
    signature: Signature,
    cell: Arc<SnapshotCell>,
}

impl Description {
    fn new(cell: &Arc<SnapshotCell>, column: bool) -> Description {
        let signature = if column {
            Signature::exact(vec![DataType::Int64, DataType::Int64], Volatility::Stable)
        } else {
            let oid = TypeSignature::Exact(vec![DataType::Int64]);
            let with_catalog = TypeSignature::Exact(vec![DataType::Int64, DataType::Utf8]);
            Signature::one_of(vec![oid, with_catalog], Volatility::Stable)
        };
        Description { column, signature, cell: Arc::clone(cell) }
    }
}

same_by_name!(Description);

impl ScalarUDFImpl for Description {
    fn name(&self) -> &str {
        if self.column {
            "col_description"
        } else {
            "obj_description"
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let state = self.cell.get();
        let comments = super::pg::descriptions(state.relations.values());
        let rows = args.number_rows;
        let oids = datafusion::arrow::compute::cast(&args.args[0].to_array(rows)?, &DataType::Int64)?;
        let oids = oids.as_primitive::<Int64Type>();
        let second = args.args.get(1).map(|a| a.to_array(rows)).transpose()?;
        let out: StringArray = (0..rows)
            .map(|i| {
                let oid = oids.is_valid(i).then(|| oids.value(i))?;
                let subid = match (&second, self.column) {
                    (Some(numbers), true) => {
                        let numbers = datafusion::arrow::compute::cast(numbers, &DataType::Int64).ok()?;
                        let numbers = numbers.as_primitive::<Int64Type>();
                        numbers.is_valid(i).then(|| numbers.value(i))?
                    }
                    // Only relations (pg_class) have comments.
                    (Some(catalog), false) => {
                        let catalog = catalog.as_string::<i32>();
                        if catalog.is_null(i) || catalog.value(i) != "pg_class" {
                            return None;
                        }
                        0
                    }
                    (None, _) => 0,
                };
                comments
                    .iter()
                    .find(|(o, s, _)| i64::from(*o) == oid && i64::from(*s) == subid)
                    .map(|(_, _, c)| c.to_string())
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

/// `pg_get_expr(expr, relid [, pretty])`: defaults are kept as SQL text, so an expression is its
/// own text.
#[derive(Debug, PartialEq, Eq, Hash)]
struct PgGetExpr {
    signature: Signature,
}

impl PgGetExpr {
    fn new() -> PgGetExpr {
        let two = TypeSignature::Exact(vec![DataType::Utf8, DataType::Int64]);
        let three = TypeSignature::Exact(vec![DataType::Utf8, DataType::Int64, DataType::Boolean]);
        PgGetExpr { signature: Signature::one_of(vec![two, three], Volatility::Stable) }
    }
}

impl ScalarUDFImpl for PgGetExpr {
    fn name(&self) -> &str {
        "pg_get_expr"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Ok(args.args[0].clone())
    }
}

/// The table functions, by name.
pub fn table_functions(cell: &Arc<SnapshotCell>) -> Vec<(&'static str, Arc<dyn TableFunctionImpl>)> {
    vec![
        ("current_database", Arc::new(CurrentDatabase)),
        ("pg_get_late_binding_view_cols", Arc::new(LateBindingViewColumns { cell: Arc::clone(cell) })),
    ]
}

/// `FROM current_database()`: one row, one column named `current_database`.
#[derive(Debug)]
struct CurrentDatabase;

impl TableFunctionImpl for CurrentDatabase {
    fn call(&self, args: &[Expr]) -> Result<Arc<dyn TableProvider>> {
        no_arguments("current_database", args)?;
        let column: ArrayRef = Arc::new(StringArray::from(vec![crate::catalog::DEFAULT_DATABASE]));
        let batch = RecordBatch::try_from_iter(vec![("current_database", column)])?;
        Ok(Arc::new(MemTable::try_new(batch.schema(), vec![vec![batch]])?))
    }
}

fn no_arguments(name: &str, args: &[Expr]) -> Result<()> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(DataFusionError::Plan(format!("function {name}() takes no arguments")))
    }
}

/// Redshift's `pg_get_late_binding_view_cols()`: the columns of views created `WITH NO SCHEMA
/// BINDING`, as `(view_schema, view_name, col_name, col_type, col_num)`. The views are planned
/// when the function is scanned, since their columns exist only then.
#[derive(Debug)]
struct LateBindingViewColumns {
    cell: Arc<SnapshotCell>,
}

impl TableFunctionImpl for LateBindingViewColumns {
    fn call(&self, args: &[Expr]) -> Result<Arc<dyn TableProvider>> {
        no_arguments("pg_get_late_binding_view_cols", args)?;
        Ok(Arc::new(LateBindingViewColumnsTable { cell: Arc::clone(&self.cell), schema: late_binding_schema() }))
    }
}

const LATE_BINDING_COLUMNS: &[(&str, DataType)] = &[
    ("view_schema", DataType::Utf8),
    ("view_name", DataType::Utf8),
    ("col_name", DataType::Utf8),
    ("col_type", DataType::Utf8),
    ("col_num", DataType::Int32),
];

fn late_binding_schema() -> SchemaRef {
    TableBuilder::new(LATE_BINDING_COLUMNS).schema()
}

#[derive(Debug)]
struct LateBindingViewColumnsTable {
    cell: Arc<SnapshotCell>,
    schema: SchemaRef,
}

#[async_trait]
impl TableProvider for LateBindingViewColumnsTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }
    fn table_type(&self) -> TableType {
        TableType::Temporary
    }
    async fn scan(
        &self,
        state: &dyn PlannerSession,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let facts = Facts::gather(&self.cell, true).await;
        let mut t = TableBuilder::new(LATE_BINDING_COLUMNS);
        for rel in facts.relations() {
            if matches!(&rel.kind, RelationKind::View(v) if v.late_binding) {
                for c in facts.columns(rel) {
                    t.row(vec![
                        text(&rel.schema),
                        text(&rel.name),
                        text(c.name),
                        text(&c.type_text()),
                        int(c.position as i32),
                    ]);
                }
            }
        }
        let batch = t.finish()?;
        MemTable::try_new(Arc::clone(&self.schema), vec![vec![batch]])?.scan(state, projection, filters, limit).await
    }
}
