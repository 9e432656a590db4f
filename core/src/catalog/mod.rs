//! The catalog: schemas, tables, views, columns, distribution, sort keys and each table's segment
//! manifest.
//!
//! A [`CatalogState`] is an immutable snapshot. The database holds the committed one; a transaction
//! copies it, changes its copy and, at commit, the changed relations are checked for conflicts,
//! written to the [`store`] (SQLite, one transaction) and swapped in as the new committed snapshot.
//! Readers keep whatever snapshot they started with, so they never see a partial commit.

pub mod access;
pub mod store;

pub use access::{
    Acl, AclItem, DefaultAcl, Grantee, Group, Principal, Privileges, RlsAttachment, RlsConjunction, RlsPolicy, Role,
};

use crate::error::Result;
use crate::storage::SegmentRef;
use crate::types::SqlType;
use crate::{err, error::Error};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Identifies a relation (table or view) for its whole life, across renames.
pub type RelId = u64;
/// Identifies a column within its table for its whole life; segments store columns under it.
pub type ColumnId = u32;

/// The schema every database starts with and unqualified names resolve to.
pub const DEFAULT_SCHEMA: &str = "public";
/// The only database of a cluster, as on a new Redshift cluster.
pub const DEFAULT_DATABASE: &str = "dev";
/// Owner recorded for objects until users arrive with the security work.
pub const DEFAULT_OWNER: &str = "redwood";

/// How many compute nodes the cluster has and how many slices each runs. Fixed when the database is
/// created: every table's rows are placed on `nodes × slices_per_node` slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterLayout {
    pub nodes: u32,
    pub slices_per_node: u32,
}

impl ClusterLayout {
    pub fn slice_count(&self) -> u32 {
        self.nodes * self.slices_per_node
    }
    pub fn node_of(&self, slice: u32) -> u32 {
        slice / self.slices_per_node
    }
    /// The slice that holds a node's copy of a `DISTSTYLE ALL` table (Redshift: the node's first).
    pub fn first_slice_of(&self, node: u32) -> u32 {
        node * self.slices_per_node
    }
}

impl Default for ClusterLayout {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(2);
        ClusterLayout { nodes: 1, slices_per_node: cores.max(1) }
    }
}

/// Declared distribution style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    /// Round-robin over all slices.
    Even,
    /// `slice = hash(column) mod slices`.
    Key(ColumnId),
    /// A full copy on every node.
    All,
    /// Redshift's AUTO: stored as ALL while small, switched to EVEN once it grows.
    Auto(AutoPlacement),
}

/// Where an AUTO table currently keeps its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoPlacement {
    All,
    Even,
}

/// Rows beyond which a `DISTSTYLE AUTO` table stops being copied to every node.
pub const AUTO_ALL_MAX_ROWS: u64 = 100_000;

/// How rows are physically placed, after resolving AUTO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Even,
    Key(ColumnId),
    All,
}

impl Distribution {
    pub fn placement(&self) -> Placement {
        match self {
            Distribution::Even | Distribution::Auto(AutoPlacement::Even) => Placement::Even,
            Distribution::Key(c) => Placement::Key(*c),
            Distribution::All | Distribution::Auto(AutoPlacement::All) => Placement::All,
        }
    }
    pub fn style_name(&self) -> &'static str {
        match self {
            Distribution::Even => "EVEN",
            Distribution::Key(_) => "KEY",
            Distribution::All => "ALL",
            Distribution::Auto(AutoPlacement::All) => "AUTO(ALL)",
            Distribution::Auto(AutoPlacement::Even) => "AUTO(EVEN)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKind {
    Compound,
    Interleaved,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub kind: SortKind,
    pub columns: Vec<ColumnId>,
}

/// Column compression (`ENCODE`), mapped to Parquet encodings and codecs by the storage layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Auto,
    Raw,
    Az64,
    Bytedict,
    Delta,
    Lzo,
    Mostly,
    Runlength,
    Text,
    Zstd,
}

impl Encoding {
    pub fn parse(word: &str) -> Result<Encoding> {
        Ok(match word.to_ascii_lowercase().as_str() {
            "auto" => Encoding::Auto,
            "raw" => Encoding::Raw,
            "az64" => Encoding::Az64,
            "bytedict" => Encoding::Bytedict,
            "delta" | "delta32k" => Encoding::Delta,
            "lzo" => Encoding::Lzo,
            "mostly8" | "mostly16" | "mostly32" => Encoding::Mostly,
            "runlength" => Encoding::Runlength,
            "text255" | "text32k" => Encoding::Text,
            "zstd" => Encoding::Zstd,
            other => return Err(err!(SYNTAX_ERROR, "unknown column encoding \"{other}\"")),
        })
    }
    pub fn name(&self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Raw => "raw",
            Encoding::Az64 => "az64",
            Encoding::Bytedict => "bytedict",
            Encoding::Delta => "delta",
            Encoding::Lzo => "lzo",
            Encoding::Mostly => "mostly",
            Encoding::Runlength => "runlength",
            Encoding::Text => "text",
            Encoding::Zstd => "zstd",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub seed: i64,
    pub step: i64,
    /// The value the next generated row gets.
    pub next: i64,
    /// `GENERATED BY DEFAULT AS IDENTITY`: an INSERT may give its own value.
    pub by_default: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub id: ColumnId,
    pub name: String,
    pub sql_type: SqlType,
    pub not_null: bool,
    /// DEFAULT expression, as SQL text.
    pub default: Option<String>,
    pub identity: Option<Identity>,
    pub encoding: Encoding,
    /// Value (SQL literal) of this column in segments written before it was added.
    pub missing: Option<String>,
    /// `COMMENT ON COLUMN`.
    pub comment: Option<String>,
    /// Column-level grants (SELECT, UPDATE).
    pub acl: Acl,
}

#[derive(Debug, Clone)]
pub struct TableDef {
    pub columns: Vec<Column>,
    pub next_column_id: ColumnId,
    pub distribution: Distribution,
    pub sort_key: Option<SortKey>,
    /// Informational constraints, as Redshift keeps them (not enforced).
    pub primary_key: Vec<ColumnId>,
    pub constraints: Vec<String>,
    /// The slice the next round-robin (EVEN) row goes to.
    pub even_cursor: u64,
    /// Segments of every slice, live and partly deleted.
    pub segments: Vec<SegmentRef>,
    /// Column statistics from the last ANALYZE (the planner's estimates; stale after writes).
    pub statistics: Vec<ColumnStats>,
}

/// What ANALYZE records about a column: bounds and NULLs, as SQL literals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnStats {
    pub column: ColumnId,
    pub null_count: u64,
    pub min: Option<String>,
    pub max: Option<String>,
}

impl TableDef {
    /// A new, empty table.
    pub fn new(columns: Vec<Column>, distribution: Distribution, sort_key: Option<SortKey>) -> Self {
        TableDef {
            next_column_id: columns.iter().map(|c| c.id + 1).max().unwrap_or(0),
            columns,
            distribution,
            sort_key,
            primary_key: vec![],
            constraints: vec![],
            even_cursor: 0,
            segments: vec![],
            statistics: vec![],
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
    pub fn column_by_id(&self, id: ColumnId) -> Option<&Column> {
        self.columns.iter().find(|c| c.id == id)
    }
    pub fn live_rows(&self) -> u64 {
        self.segments.iter().map(|s| s.live_rows()).sum()
    }
    /// Rows counted once even for ALL tables, which hold a copy per node.
    pub fn logical_rows(&self, layout: &ClusterLayout) -> u64 {
        match self.distribution.placement() {
            Placement::All => {
                self.segments.iter().filter(|s| layout.node_of(s.slice) == 0).map(|s| s.live_rows()).sum()
            }
            _ => self.live_rows(),
        }
    }
    pub fn distkey_name(&self) -> Option<&str> {
        match self.distribution.placement() {
            Placement::Key(id) => self.column_by_id(id).map(|c| c.name.as_str()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ViewDef {
    /// The query the view runs: for a view bound to its tables, the query as written wrapped so
    /// that its columns stay those it had when created (`SELECT "a", "b" FROM (…) AS "v"`).
    pub sql: String,
    /// The query as its creator wrote it (pg_views, pg_get_viewdef, information_schema.views).
    pub text: String,
    /// Relations the view reads (for DROP … CASCADE / RESTRICT).
    pub depends_on: Vec<RelId>,
    /// Created `WITH NO SCHEMA BINDING`: its relations are resolved only when it is queried.
    pub late_binding: bool,
}

/// A table whose rows are files in the lake (Redshift Spectrum): the catalog keeps only its
/// description; every query lists and reads the files.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExternalTableDef {
    pub columns: Vec<ExternalColumn>,
    /// `PARTITIONED BY`: columns whose values come from the partition a file belongs to.
    pub partition_columns: Vec<ExternalColumn>,
    /// The folder (`s3://bucket/prefix/` or a local directory) holding the files of an
    /// unpartitioned table.
    pub location: String,
    pub format: ExternalFormat,
    /// `TABLE PROPERTIES ('name'='value', …)`, names lower-cased.
    pub properties: Vec<(String, String)>,
    /// `ALTER TABLE … ADD PARTITION`, in the order added.
    pub partitions: Vec<ExternalPartition>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExternalColumn {
    pub name: String,
    #[serde(with = "sql_type_text")]
    pub sql_type: SqlType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ExternalFormat {
    Parquet,
    /// `STORED AS TEXTFILE`: one row per line, fields split by `delimiter`, `\N` for NULL.
    Text {
        delimiter: u8,
    },
}

impl ExternalFormat {
    /// Hive's input format class, as SVV_EXTERNAL_TABLES shows it.
    pub fn input_format(&self) -> &'static str {
        match self {
            ExternalFormat::Parquet => "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            ExternalFormat::Text { .. } => "org.apache.hadoop.mapred.TextInputFormat",
        }
    }
    pub fn output_format(&self) -> &'static str {
        match self {
            ExternalFormat::Parquet => "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            ExternalFormat::Text { .. } => "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        }
    }
    pub fn serialization_lib(&self) -> &'static str {
        match self {
            ExternalFormat::Parquet => "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
            ExternalFormat::Text { .. } => "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        }
    }
}

/// One partition: a value per partition column (as written in ADD PARTITION) and its folder.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExternalPartition {
    pub values: Vec<String>,
    pub location: String,
}

impl ExternalTableDef {
    /// The value of a `TABLE PROPERTIES` entry.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// Every column as queries see it: the file columns, then the partition columns.
    pub fn all_columns(&self) -> impl Iterator<Item = &ExternalColumn> {
        self.columns.iter().chain(&self.partition_columns)
    }
}

/// SQL types kept in JSON as their SQL names (`numeric(12,2)`).
mod sql_type_text {
    use crate::types::SqlType;
    pub fn serialize<S: serde::Serializer>(t: &SqlType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_string())
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SqlType, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(d)?;
        text.parse().map_err(|e: crate::error::Error| serde::de::Error::custom(e.message))
    }
}

#[derive(Debug, Clone)]
pub enum RelationKind {
    Table(TableDef),
    View(ViewDef),
    External(ExternalTableDef),
}

#[derive(Debug, Clone)]
pub struct Relation {
    pub id: RelId,
    pub schema: String,
    pub name: String,
    pub owner: String,
    /// Bumped by every commit that changes the relation; two transactions that changed the same
    /// version conflict.
    pub version: u64,
    /// `COMMENT ON TABLE` / `COMMENT ON VIEW`.
    pub comment: Option<String>,
    /// Grants on the relation (its owner's rights are implied).
    pub acl: Acl,
    /// `ROW LEVEL SECURITY ON`: the attached policies filter what non-superusers see.
    pub row_level_security: Option<RlsConjunction>,
    pub kind: RelationKind,
}

impl Relation {
    pub fn table(&self) -> Option<&TableDef> {
        match &self.kind {
            RelationKind::Table(t) => Some(t),
            RelationKind::View(_) | RelationKind::External(_) => None,
        }
    }
    pub fn table_mut(&mut self) -> Option<&mut TableDef> {
        match &mut self.kind {
            RelationKind::Table(t) => Some(t),
            RelationKind::View(_) | RelationKind::External(_) => None,
        }
    }
    pub fn external(&self) -> Option<&ExternalTableDef> {
        match &self.kind {
            RelationKind::External(e) => Some(e),
            _ => None,
        }
    }
    pub fn qualified_name(&self) -> QualifiedName {
        QualifiedName { schema: self.schema.clone(), name: self.name.clone() }
    }
    pub fn is_view(&self) -> bool {
        matches!(self.kind, RelationKind::View(_))
    }
}

/// `schema.name`, already case-normalised.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaEntry {
    pub name: String,
    pub owner: String,
    /// `CREATE EXTERNAL SCHEMA`: the schema holds external tables only.
    pub external: Option<ExternalSchema>,
    /// Grants on the schema (USAGE, CREATE, ALTER, DROP).
    pub acl: Acl,
}

impl SchemaEntry {
    /// A new schema: only its owner may use it, except `public`, where everyone may use and
    /// create (as on Redshift).
    pub fn new(name: String, owner: String, external: Option<ExternalSchema>) -> SchemaEntry {
        let mut acl = Acl::default();
        if name == DEFAULT_SCHEMA {
            acl.grant(&Grantee::Public, Privileges::USAGE | Privileges::CREATE, false, &owner);
        }
        SchemaEntry { name, owner, external, acl }
    }
}

/// `CREATE EXTERNAL SCHEMA s FROM DATA CATALOG DATABASE 'db' IAM_ROLE '…' [REGION '…']`.
///
/// Redwood is its own data catalog: the external database is a name recorded with the schema,
/// and the tables created in the schema are kept in Redwood's catalog.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExternalSchema {
    pub database: String,
    /// The role the lake is read with: Redwood reads with the server's own AWS credentials.
    pub iam_role: String,
    pub region: Option<String>,
}

/// A database user (Redshift's `pg_user`). Passwords are kept only as verifiers: a SCRAM-SHA-256
/// salted password and PostgreSQL's md5 hash, either of which a client can authenticate against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: u32,
    pub name: String,
    pub superuser: bool,
    pub create_db: bool,
    /// `None`: `PASSWORD DISABLE`, the user cannot log in with a password.
    pub password: Option<PasswordVerifier>,
    /// `VALID UNTIL`, as an ISO timestamp (UTC).
    pub valid_until: Option<String>,
    /// `CONNECTION LIMIT`; `None` is UNLIMITED.
    pub connection_limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordVerifier {
    /// `SCRAM-SHA-256$iterations:salt$salted-password` (base64), absent when the password was
    /// given as an md5 hash.
    pub scram: Option<String>,
    /// `md5` + md5(password || user), PostgreSQL's md5 verifier.
    pub md5: String,
}

/// The id after the highest of `ids` (`base + 1` for the first): users', groups', roles' and
/// policies' ids.
pub fn next_id(ids: impl Iterator<Item = u32>, base: u32) -> u32 {
    ids.max().unwrap_or(base) + 1
}

/// One consistent version of the whole catalog.
#[derive(Debug, Clone, Default)]
pub struct CatalogState {
    pub schemas: BTreeMap<String, SchemaEntry>,
    pub users: BTreeMap<String, User>,
    pub groups: BTreeMap<String, Group>,
    pub roles: BTreeMap<String, Role>,
    /// Grants on the database (CREATE: make schemas; TEMP).
    pub database_acl: Acl,
    /// ALTER DEFAULT PRIVILEGES: grants new tables and views start with.
    pub default_acls: Vec<DefaultAcl>,
    /// Row-level security policies, by name.
    pub policies: BTreeMap<String, RlsPolicy>,
    pub relations: BTreeMap<RelId, Arc<Relation>>,
    names: BTreeMap<QualifiedName, RelId>,
}

impl CatalogState {
    /// A new database: just the `public` schema.
    pub fn bootstrap() -> Self {
        let mut state = CatalogState::default();
        state
            .schemas
            .insert(DEFAULT_SCHEMA.into(), SchemaEntry::new(DEFAULT_SCHEMA.into(), DEFAULT_OWNER.into(), None));
        state
    }

    pub fn lookup(&self, name: &QualifiedName) -> Option<&Arc<Relation>> {
        self.names.get(name).and_then(|id| self.relations.get(id))
    }

    pub fn relation(&self, id: RelId) -> Option<&Arc<Relation>> {
        self.relations.get(&id)
    }

    pub fn relations_in<'a>(&'a self, schema: &'a str) -> impl Iterator<Item = &'a Arc<Relation>> + 'a {
        self.relations.values().filter(move |r| r.schema == schema)
    }

    /// Views that read `id`.
    pub fn dependents_of(&self, id: RelId) -> Vec<RelId> {
        self.relations
            .values()
            .filter(|r| matches!(&r.kind, RelationKind::View(v) if v.depends_on.contains(&id)))
            .map(|r| r.id)
            .collect()
    }

    /// Inserts or replaces a relation, keeping the name index right across renames.
    pub fn put_relation(&mut self, relation: Arc<Relation>) {
        if let Some(old) = self.relations.get(&relation.id) {
            self.names.remove(&old.qualified_name());
        }
        self.names.insert(relation.qualified_name(), relation.id);
        self.relations.insert(relation.id, relation);
    }

    pub fn remove_relation(&mut self, id: RelId) -> Option<Arc<Relation>> {
        let old = self.relations.remove(&id)?;
        self.names.remove(&old.qualified_name());
        Some(old)
    }

    /// Superusers, and the built-in owner embedded sessions run as (not a catalog user).
    pub fn is_superuser(&self, user: &str) -> bool {
        match self.users.get(user) {
            Some(u) => u.superuser,
            None => user == DEFAULT_OWNER,
        }
    }

    /// `user` with the groups and roles (through other roles too) they belong to.
    pub fn principal(&self, user: &str) -> Principal {
        let groups = self.groups.values().filter(|g| g.members.contains(user)).map(|g| g.name.clone()).collect();
        let mut roles: std::collections::BTreeSet<String> =
            self.roles.values().filter(|r| r.users.contains(user)).map(|r| r.name.clone()).collect();
        loop {
            let more: Vec<String> = self
                .roles
                .values()
                .filter(|r| !roles.contains(&r.name) && r.roles.iter().any(|held| roles.contains(held)))
                .map(|r| r.name.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            roles.extend(more);
        }
        Principal { user: user.to_string(), superuser: self.is_superuser(user), groups, roles }
    }

    /// What `principal` holds on a relation, and may grant on: everything for its owner and for
    /// superusers.
    pub fn relation_privileges(&self, principal: &Principal, rel: &Relation) -> (Privileges, Privileges) {
        if principal.superuser || rel.owner == principal.user {
            return (Privileges::ALL_TABLE, Privileges::ALL_TABLE);
        }
        rel.acl.held_by(principal)
    }

    /// What `principal` holds on a schema, and may grant on.
    pub fn schema_privileges(&self, principal: &Principal, schema: &SchemaEntry) -> (Privileges, Privileges) {
        if principal.superuser || schema.owner == principal.user {
            return (Privileges::ALL_SCHEMA, Privileges::ALL_SCHEMA);
        }
        schema.acl.held_by(principal)
    }

    /// The row filter `principal` reads `rel` through (SQL over its columns), when its row-level
    /// security is on: the attached policies that reach the principal, combined; `false` when
    /// none does. Superusers see every row.
    pub fn row_filter(&self, principal: &Principal, rel: &Relation) -> Option<String> {
        let conjunction = rel.row_level_security?;
        if principal.superuser {
            return None;
        }
        let predicates: Vec<String> = self
            .policies
            .values()
            .filter(|p| p.attachments.iter().any(|a| a.relation == rel.id && principal.is(&a.grantee)))
            .map(|p| format!("({})", p.using))
            .collect();
        if predicates.is_empty() {
            return Some("false".into());
        }
        Some(predicates.join(&format!(" {} ", conjunction.name())))
    }

    /// Whether `user` owns anything or is named in a grant (a user who does cannot be dropped).
    pub fn user_is_referenced(&self, user: &str) -> bool {
        self.schemas.values().any(|s| s.owner == user)
            || self.relations.values().any(|r| r.owner == user)
            || self.acls().any(|acl| acl.mentions_user(user))
    }

    /// Every access control list: the database's, the schemas', the relations' and their columns'.
    pub fn acls(&self) -> impl Iterator<Item = &Acl> {
        std::iter::once(&self.database_acl).chain(self.schemas.values().map(|s| &s.acl)).chain(
            self.relations.values().flat_map(|r| {
                std::iter::once(&r.acl).chain(r.table().into_iter().flat_map(|t| t.columns.iter().map(|c| &c.acl)))
            }),
        )
    }

    pub fn require_user(&self, name: &str) -> Result<&User> {
        self.users.get(name).ok_or_else(|| err!(UNDEFINED_OBJECT, "user \"{name}\" does not exist"))
    }

    pub fn require_schema(&self, schema: &str) -> Result<&SchemaEntry> {
        self.schemas.get(schema).ok_or_else(|| err!(UNDEFINED_SCHEMA, "schema \"{schema}\" does not exist"))
    }

    /// The relation or 42P01.
    pub fn require(&self, name: &QualifiedName) -> Result<&Arc<Relation>> {
        self.lookup(name).ok_or_else(|| Error::undefined_table(&name.name))
    }

    pub fn require_table(&self, name: &QualifiedName) -> Result<(&Arc<Relation>, &TableDef)> {
        let rel = self.require(name)?;
        match rel.table() {
            Some(t) => Ok((rel, t)),
            None => Err(err!(WRONG_OBJECT_TYPE, "\"{}\" is not a table", name.name)),
        }
    }
}
