//! The durable catalog: a SQLite database (`catalog.db`) beside the segment files, in the spirit of
//! DuckLake — SQL tables for schemas, relations, columns and the segment manifest. One catalog
//! commit is one SQLite transaction (WAL, `synchronous=FULL`), so it is atomic and durable.

use super::*;
use crate::storage::encryption::DataCipher;
use crate::storage::{ClusterStorage, SegmentRef};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashSet;
use std::path::Path;

/// Version of the on-disk format; bumped when the tables below change incompatibly.
const FORMAT_VERSION: &str = "1";
/// How KEY tables hash rows to slices (see `storage::distribute`); data placed under another
/// scheme would have to be redistributed before co-located joins are correct again.
const HASH_SCHEME: &str = "datafusion-55-repartition";

/// `relations.kind` of views; a view created `WITH NO SCHEMA BINDING` is stored under its own kind.
const VIEW_KIND: &str = "view";
const LATE_BINDING_VIEW_KIND: &str = "late_binding_view";
/// `relations.kind` of external tables, whose definition is JSON in `relations.external`.
const EXTERNAL_KIND: &str = "external";

const SCHEMA_SQL: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS schemas(name TEXT PRIMARY KEY, owner TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS relations(
    id INTEGER PRIMARY KEY, schema_name TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
    owner TEXT NOT NULL, version INTEGER NOT NULL,
    distribution TEXT, distkey INTEGER, sort_kind TEXT, sort_columns TEXT,
    primary_key TEXT, constraints TEXT, even_cursor INTEGER, next_column_id INTEGER,
    view_sql TEXT, depends_on TEXT, view_text TEXT, comment TEXT,
    UNIQUE(schema_name, name));
CREATE TABLE IF NOT EXISTS columns(
    rel_id INTEGER NOT NULL, ordinal INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL,
    type TEXT NOT NULL, not_null INTEGER NOT NULL, default_sql TEXT,
    identity_seed INTEGER, identity_step INTEGER, identity_next INTEGER, identity_by_default INTEGER,
    encoding TEXT NOT NULL, missing_sql TEXT, comment TEXT,
    PRIMARY KEY(rel_id, ordinal));
CREATE TABLE IF NOT EXISTS segments(
    id INTEGER PRIMARY KEY, rel_id INTEGER NOT NULL, slice INTEGER NOT NULL,
    rows INTEGER NOT NULL, bytes INTEGER NOT NULL, deleted BLOB);
CREATE INDEX IF NOT EXISTS segments_by_rel ON segments(rel_id);
CREATE TABLE IF NOT EXISTS users(
    name TEXT PRIMARY KEY, id INTEGER NOT NULL, superuser INTEGER NOT NULL, create_db INTEGER NOT NULL,
    scram TEXT, md5 TEXT, valid_until TEXT, connection_limit INTEGER);
CREATE TABLE IF NOT EXISTS groups(name TEXT PRIMARY KEY, id INTEGER NOT NULL, members TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS roles(
    name TEXT PRIMARY KEY, id INTEGER NOT NULL, owner TEXT NOT NULL, users TEXT NOT NULL, roles TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS policies(name TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS column_stats(
    rel_id INTEGER NOT NULL, column_id INTEGER NOT NULL, null_count INTEGER NOT NULL,
    min_value TEXT, max_value TEXT, PRIMARY KEY(rel_id, column_id));
";

/// What one commit changes, relation by relation.
#[derive(Default)]
pub struct ChangeSet {
    pub put_schemas: Vec<SchemaEntry>,
    pub drop_schemas: Vec<String>,
    pub users: Changes<User>,
    pub groups: Changes<Group>,
    /// The database's grants and the default privileges, when changed (kept in `meta`).
    pub database_grants: Option<(Acl, Vec<DefaultAcl>)>,
    pub roles: Changes<Role>,
    pub policies: Changes<RlsPolicy>,
    pub put_relations: Vec<Arc<Relation>>,
    pub drop_relations: Vec<RelId>,
}

/// Entries of one kind written or removed, by name.
pub struct Changes<T> {
    pub put: Vec<T>,
    pub drop: Vec<String>,
}

impl<T> Default for Changes<T> {
    fn default() -> Self {
        Changes { put: vec![], drop: vec![] }
    }
}

pub struct CatalogStore {
    conn: Connection,
    sealer: Sealer,
}

/// In an encrypted database, seals the values the catalog copies from user data (defaults,
/// statistics, view and policy text, comments, external locations), each bound to its field.
#[derive(Clone)]
struct Sealer(Option<DataCipher>);

/// The catalog fields that can hold user values.
mod field {
    pub const DEFAULT: &str = "columns.default_sql";
    pub const MISSING: &str = "columns.missing_sql";
    pub const COLUMN_COMMENT: &str = "columns.comment";
    pub const MIN: &str = "column_stats.min_value";
    pub const MAX: &str = "column_stats.max_value";
    pub const VIEW_SQL: &str = "relations.view_sql";
    pub const VIEW_TEXT: &str = "relations.view_text";
    pub const COMMENT: &str = "relations.comment";
    pub const EXTERNAL: &str = "relations.external";
    pub const SCHEMA_EXTERNAL: &str = "schemas.external";
    pub const POLICY: &str = "policies.definition";
}

impl Sealer {
    /// A value as stored: sealed when the database is encrypted.
    fn seal(&self, field: &str, value: Option<&str>) -> Result<Option<String>> {
        match (&self.0, value) {
            (Some(cipher), Some(text)) => Ok(Some(cipher.seal_text(field, text)?)),
            (_, value) => Ok(value.map(str::to_string)),
        }
    }

    /// A stored value as it was given.
    fn unseal(&self, field: &str, value: Option<String>) -> Result<Option<String>> {
        match (&self.0, value) {
            (Some(cipher), Some(text)) => Ok(Some(cipher.open_text(field, &text)?)),
            (_, value) => Ok(value),
        }
    }
}

/// What opening a catalog finds.
pub struct Loaded {
    pub layout: ClusterLayout,
    pub state: CatalogState,
    pub max_relation_id: RelId,
    pub max_segment_id: u64,
}

impl CatalogStore {
    /// Opens (or creates, with `layout`) the catalog in `dir`.
    pub fn open(dir: &Path, layout: ClusterLayout, cipher: Option<DataCipher>) -> Result<(CatalogStore, bool)> {
        let conn = Connection::open(dir.join("catalog.db"))?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;")?;
        conn.execute_batch(SCHEMA_SQL)?;
        // Columns added since the first catalogs: views' original text, comments (COMMENT ON),
        // external schemas and tables (JSON), grants (JSON ACLs).
        for (table, column) in [
            ("relations", "view_text"),
            ("relations", "comment"),
            ("columns", "comment"),
            ("schemas", "external"),
            ("relations", "external"),
            ("schemas", "acl"),
            ("relations", "acl"),
            ("columns", "acl"),
            ("relations", "rls"),
        ] {
            let exists =
                conn.prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2")?.exists(params![table, column])?;
            if !exists {
                conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} TEXT"))?;
            }
        }
        let existing: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key='format'", [], |r| r.get(0)).optional()?;
        let created = existing.is_none();
        if created {
            let tx = conn.unchecked_transaction()?;
            for (k, v) in [
                ("format", FORMAT_VERSION.to_string()),
                ("hash_scheme", HASH_SCHEME.to_string()),
                ("nodes", layout.nodes.to_string()),
                ("slices_per_node", layout.slices_per_node.to_string()),
            ] {
                tx.execute("INSERT INTO meta(key, value) VALUES (?1, ?2)", params![k, v])?;
            }
            tx.execute("INSERT INTO schemas(name, owner) VALUES (?1, ?2)", params![DEFAULT_SCHEMA, DEFAULT_OWNER])?;
            tx.commit()?;
        } else if existing.as_deref() != Some(FORMAT_VERSION) {
            return Err(err!(
                DATA_CORRUPTED,
                "catalog format {} is not supported by this Redwood (expects {FORMAT_VERSION})",
                existing.unwrap_or_default()
            ));
        }
        Ok((CatalogStore { conn, sealer: Sealer(cipher) }, created))
    }

    /// The cluster's identity, which its compute nodes record when they join; made on first use.
    pub fn cluster_id(&self) -> Result<String> {
        if let Some(id) = self.existing_cluster_id()? {
            return Ok(id);
        }
        let id: String = (0..16).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
        self.conn.execute("INSERT INTO meta(key, value) VALUES ('cluster_id', ?1)", [&id])?;
        Ok(id)
    }

    /// The cluster id, once compute nodes have been adopted.
    pub fn existing_cluster_id(&self) -> Result<Option<String>> {
        self.optional_meta("cluster_id")
    }

    fn meta(&self, key: &str) -> Result<String> {
        self.optional_meta(key)?.ok_or_else(|| err!(DATA_CORRUPTED, "catalog is missing its {key} setting"))
    }

    fn optional_meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key=?1", [key], |r| r.get(0)).optional()?)
    }

    /// Reads the whole committed catalog.
    pub fn load(&self, storage: &ClusterStorage) -> Result<Loaded> {
        let parse = |k: &str| -> Result<u32> {
            self.meta(k)?.parse().map_err(|_| err!(DATA_CORRUPTED, "catalog setting {k} is not a number"))
        };
        let layout = ClusterLayout { nodes: parse("nodes")?, slices_per_node: parse("slices_per_node")? };
        let hash = self.meta("hash_scheme")?;
        if hash != HASH_SCHEME {
            return Err(err!(
                DATA_CORRUPTED,
                "tables were distributed with hash scheme {hash}, this build uses {HASH_SCHEME}"
            ));
        }
        let mut state = CatalogState::default();
        let mut stmt = self.conn.prepare("SELECT name, owner, external, acl FROM schemas")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(0)?;
            let external = from_json::<ExternalSchema>(self.sealer.unseal(field::SCHEMA_EXTERNAL, r.get(2)?)?, &name)?;
            let mut entry = SchemaEntry::new(name.clone(), r.get(1)?, external);
            // Catalogs from before grants keep the default grants.
            if let Some(acl) = from_json::<Acl>(r.get(3)?, &name)? {
                entry.acl = acl;
            }
            state.schemas.insert(name, entry);
        }
        state.database_acl = from_json(self.optional_meta("database_acl")?, "the database")?.unwrap_or_default();
        state.default_acls =
            from_json(self.optional_meta("default_acls")?, "the default privileges")?.unwrap_or_default();
        let mut stmt = self.conn.prepare("SELECT name, definition FROM policies")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(0)?;
            if let Some(policy) = from_json::<RlsPolicy>(self.sealer.unseal(field::POLICY, r.get(1)?)?, &name)? {
                state.policies.insert(name, policy);
            }
        }
        let mut stmt = self.conn.prepare("SELECT name, id, members FROM groups")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(0)?;
            let members = from_json(r.get(2)?, &name)?.unwrap_or_default();
            state.groups.insert(name.clone(), Group { id: r.get(1)?, name, members });
        }
        let mut stmt = self.conn.prepare("SELECT name, id, owner, users, roles FROM roles")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(0)?;
            let users = from_json(r.get(3)?, &name)?.unwrap_or_default();
            let roles = from_json(r.get(4)?, &name)?.unwrap_or_default();
            state.roles.insert(name.clone(), Role { id: r.get(1)?, name, owner: r.get(2)?, users, roles });
        }
        let mut stmt = self
            .conn
            .prepare("SELECT name, id, superuser, create_db, scram, md5, valid_until, connection_limit FROM users")?;
        for row in stmt.query_map([], |r| {
            let md5: Option<String> = r.get(5)?;
            Ok(User {
                name: r.get(0)?,
                id: r.get(1)?,
                superuser: r.get(2)?,
                create_db: r.get(3)?,
                password: md5
                    .map(|md5| Ok::<_, rusqlite::Error>(PasswordVerifier { scram: r.get(4)?, md5 }))
                    .transpose()?,
                valid_until: r.get(6)?,
                connection_limit: r.get(7)?,
            })
        })? {
            let u = row?;
            state.users.insert(u.name.clone(), u);
        }
        let mut columns: HashMap<RelId, Vec<Column>> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT rel_id, id, name, type, not_null, default_sql, identity_seed, identity_step,
                    identity_next, encoding, missing_sql, identity_by_default, comment, acl FROM columns ORDER BY rel_id, ordinal",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let seed: Option<i64> = r.get(6)?;
            let type_text: String = r.get(3)?;
            let encoding: String = r.get(9)?;
            columns.entry(r.get(0)?).or_default().push(Column {
                id: r.get(1)?,
                name: r.get(2)?,
                sql_type: type_text.parse()?,
                not_null: r.get(4)?,
                default: self.sealer.unseal(field::DEFAULT, r.get(5)?)?,
                identity: match seed {
                    Some(seed) => Some(Identity { seed, step: r.get(7)?, next: r.get(8)?, by_default: r.get(11)? }),
                    None => None,
                },
                encoding: Encoding::parse(&encoding)?,
                missing: self.sealer.unseal(field::MISSING, r.get(10)?)?,
                comment: self.sealer.unseal(field::COLUMN_COMMENT, r.get(12)?)?,
                acl: from_json(r.get(13)?, "a column")?.unwrap_or_default(),
            });
        }
        let mut segments: HashMap<RelId, Vec<SegmentRef>> = HashMap::new();
        let mut max_segment_id = 0;
        let mut stmt = self.conn.prepare("SELECT id, rel_id, slice, rows, bytes, deleted FROM segments ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, rel, slice, count, bytes): (u64, RelId, u32, u64, u64) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            let deleted: Option<Vec<u8>> = r.get(5)?;
            let deleted = match deleted {
                Some(blob) => Some(Arc::new(
                    roaring::RoaringBitmap::deserialize_from(&blob[..])
                        .map_err(|e| err!(DATA_CORRUPTED, "deletion vector of segment {id}: {e}"))?,
                )),
                None => None,
            };
            max_segment_id = max_segment_id.max(id);
            let mut seg = SegmentRef::new(storage.for_slice(slice).existing(rel, slice, id, bytes), count);
            seg.deleted = deleted;
            segments.entry(rel).or_default().push(seg);
        }
        let mut statistics: HashMap<RelId, Vec<ColumnStats>> = HashMap::new();
        let mut stmt =
            self.conn.prepare("SELECT rel_id, column_id, null_count, min_value, max_value FROM column_stats")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            statistics.entry(r.get(0)?).or_default().push(ColumnStats {
                column: r.get(1)?,
                null_count: r.get(2)?,
                min: self.sealer.unseal(field::MIN, r.get(3)?)?,
                max: self.sealer.unseal(field::MAX, r.get(4)?)?,
            });
        }
        let mut max_relation_id = 0;
        let mut stmt = self.conn.prepare(
            "SELECT id, schema_name, name, kind, owner, version, distribution, distkey, sort_kind,
                    sort_columns, primary_key, constraints, even_cursor, next_column_id, view_sql, depends_on,
                    view_text, comment, external, acl, rls
             FROM relations",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: RelId = r.get(0)?;
            max_relation_id = max_relation_id.max(id);
            let kind: String = r.get(3)?;
            let kind = if kind == EXTERNAL_KIND {
                let name: String = r.get(2)?;
                let def = from_json::<ExternalTableDef>(self.sealer.unseal(field::EXTERNAL, r.get(18)?)?, &name)?
                    .ok_or_else(|| err!(DATA_CORRUPTED, "external table {name} has no definition in the catalog"))?;
                RelationKind::External(def)
            } else if kind == VIEW_KIND || kind == LATE_BINDING_VIEW_KIND {
                let sql = self.sealer.unseal(field::VIEW_SQL, r.get(14)?)?.unwrap_or_default();
                RelationKind::View(ViewDef {
                    text: self.sealer.unseal(field::VIEW_TEXT, r.get(16)?)?.unwrap_or_else(|| sql.clone()),
                    sql,
                    depends_on: parse_ids(&r.get::<_, String>(15)?),
                    late_binding: kind == LATE_BINDING_VIEW_KIND,
                })
            } else {
                let distribution: String = r.get(6)?;
                let distkey: Option<ColumnId> = r.get(7)?;
                let distribution = match (distribution.as_str(), distkey) {
                    ("KEY", Some(c)) => Distribution::Key(c),
                    ("EVEN", _) => Distribution::Even,
                    ("ALL", _) => Distribution::All,
                    ("AUTO(ALL)", _) => Distribution::Auto(AutoPlacement::All),
                    ("AUTO(EVEN)", _) => Distribution::Auto(AutoPlacement::Even),
                    (other, _) => return Err(err!(DATA_CORRUPTED, "unknown distribution {other} in catalog")),
                };
                let sort_kind: Option<String> = r.get(8)?;
                let sort_key = sort_kind.map(|k| -> Result<SortKey> {
                    Ok(SortKey {
                        kind: if k == "INTERLEAVED" { SortKind::Interleaved } else { SortKind::Compound },
                        columns: parse_ids(&r.get::<_, String>(9)?),
                    })
                });
                let constraints: String = r.get(11)?;
                RelationKind::Table(TableDef {
                    columns: columns.remove(&id).unwrap_or_default(),
                    next_column_id: r.get(13)?,
                    distribution,
                    sort_key: sort_key.transpose()?,
                    primary_key: parse_ids(&r.get::<_, String>(10)?),
                    constraints: constraints.split('\n').filter(|s| !s.is_empty()).map(String::from).collect(),
                    even_cursor: r.get(12)?,
                    segments: segments.remove(&id).unwrap_or_default(),
                    statistics: statistics.remove(&id).unwrap_or_default(),
                })
            };
            state.put_relation(Arc::new(Relation {
                id,
                schema: r.get(1)?,
                name: r.get(2)?,
                owner: r.get(4)?,
                version: r.get(5)?,
                comment: self.sealer.unseal(field::COMMENT, r.get(17)?)?,
                acl: from_json(r.get(19)?, "a relation")?.unwrap_or_default(),
                row_level_security: match r.get::<_, Option<String>>(20)?.as_deref() {
                    Some("AND") => Some(RlsConjunction::And),
                    Some(_) => Some(RlsConjunction::Or),
                    None => None,
                },
                kind,
            }));
        }
        Ok(Loaded { layout, state, max_relation_id, max_segment_id })
    }

    /// Every segment id the catalog references (what orphan cleanup must keep).
    pub fn referenced_segments(state: &CatalogState) -> HashSet<u64> {
        state.relations.values().filter_map(|r| r.table()).flat_map(|t| t.segments.iter().map(|s| s.id())).collect()
    }

    /// Writes one commit atomically.
    pub fn commit(&mut self, changes: &ChangeSet) -> Result<()> {
        let sealer = self.sealer.clone();
        let tx = self.conn.transaction()?;
        for name in &changes.drop_schemas {
            tx.execute("DELETE FROM schemas WHERE name=?1", [name])?;
        }
        for s in &changes.put_schemas {
            tx.execute(
                "INSERT OR REPLACE INTO schemas(name, owner, external, acl) VALUES (?1, ?2, ?3, ?4)",
                params![
                    s.name,
                    s.owner,
                    sealer.seal(field::SCHEMA_EXTERNAL, to_json(&s.external)?.as_deref())?,
                    to_json(&Some(&s.acl))?
                ],
            )?;
        }
        if let Some((acl, default_acls)) = &changes.database_grants {
            tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('database_acl', ?1)", [to_json(&Some(acl))?])?;
            tx.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('default_acls', ?1)",
                [to_json(&Some(default_acls))?],
            )?;
        }
        for name in changes.users.drop.iter().chain(changes.users.put.iter().map(|u| &u.name)) {
            tx.execute("DELETE FROM users WHERE name=?1", [name])?;
        }
        for name in changes.groups.drop.iter().chain(changes.groups.put.iter().map(|g| &g.name)) {
            tx.execute("DELETE FROM groups WHERE name=?1", [name])?;
        }
        for g in &changes.groups.put {
            tx.execute(
                "INSERT INTO groups(name, id, members) VALUES (?1, ?2, ?3)",
                params![g.name, g.id, to_json(&Some(&g.members))?],
            )?;
        }
        for name in changes.roles.drop.iter().chain(changes.roles.put.iter().map(|r| &r.name)) {
            tx.execute("DELETE FROM roles WHERE name=?1", [name])?;
        }
        for r in &changes.roles.put {
            tx.execute(
                "INSERT INTO roles(name, id, owner, users, roles) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![r.name, r.id, r.owner, to_json(&Some(&r.users))?, to_json(&Some(&r.roles))?],
            )?;
        }
        for name in changes.policies.drop.iter().chain(changes.policies.put.iter().map(|p| &p.name)) {
            tx.execute("DELETE FROM policies WHERE name=?1", [name])?;
        }
        for p in &changes.policies.put {
            let definition = sealer.seal(field::POLICY, to_json(&Some(p))?.as_deref())?;
            tx.execute("INSERT INTO policies(name, definition) VALUES (?1, ?2)", params![p.name, definition])?;
        }
        for u in &changes.users.put {
            let (scram, md5) = match &u.password {
                Some(p) => (p.scram.clone(), Some(p.md5.clone())),
                None => (None, None),
            };
            tx.execute(
                "INSERT INTO users(name, id, superuser, create_db, scram, md5, valid_until, connection_limit)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![u.name, u.id, u.superuser, u.create_db, scram, md5, u.valid_until, u.connection_limit],
            )?;
        }
        for id in changes.drop_relations.iter().chain(changes.put_relations.iter().map(|r| &r.id)) {
            tx.execute("DELETE FROM relations WHERE id=?1", [id])?;
            tx.execute("DELETE FROM columns WHERE rel_id=?1", [id])?;
            tx.execute("DELETE FROM segments WHERE rel_id=?1", [id])?;
            tx.execute("DELETE FROM column_stats WHERE rel_id=?1", [id])?;
        }
        for rel in &changes.put_relations {
            write_relation(&tx, &sealer, rel)?;
        }
        tx.commit()?;
        Ok(())
    }
}

fn join_ids<T: ToString>(ids: &[T]) -> String {
    ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

fn parse_ids<T: std::str::FromStr>(text: &str) -> Vec<T> {
    text.split(',').filter_map(|s| s.parse().ok()).collect()
}

/// A catalog value kept as JSON text.
fn to_json<T: serde::Serialize>(value: &Option<T>) -> Result<Option<String>> {
    value.as_ref().map(|v| serde_json::to_string(v).map_err(|e| Error::internal(e.to_string()))).transpose()
}

fn from_json<T: serde::de::DeserializeOwned>(text: Option<String>, owner: &str) -> Result<Option<T>> {
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| err!(DATA_CORRUPTED, "catalog entry of {owner} is unreadable: {e}"))
    })
    .transpose()
}

fn write_relation(tx: &rusqlite::Transaction, sealer: &Sealer, rel: &Relation) -> Result<()> {
    write_relation_definition(tx, sealer, rel)?;
    if !rel.acl.is_empty() || rel.row_level_security.is_some() {
        tx.execute(
            "UPDATE relations SET acl=?2, rls=?3 WHERE id=?1",
            params![
                rel.id,
                to_json(&(!rel.acl.is_empty()).then_some(&rel.acl))?,
                rel.row_level_security.map(RlsConjunction::name)
            ],
        )?;
    }
    Ok(())
}

fn write_relation_definition(tx: &rusqlite::Transaction, sealer: &Sealer, rel: &Relation) -> Result<()> {
    let comment = sealer.seal(field::COMMENT, rel.comment.as_deref())?;
    match &rel.kind {
        RelationKind::External(def) => {
            tx.execute(
                "INSERT INTO relations(id, schema_name, name, kind, owner, version, comment, external)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    rel.id,
                    rel.schema,
                    rel.name,
                    EXTERNAL_KIND,
                    rel.owner,
                    rel.version,
                    comment,
                    sealer.seal(field::EXTERNAL, to_json(&Some(def))?.as_deref())?
                ],
            )?;
        }
        RelationKind::View(v) => {
            tx.execute(
                "INSERT INTO relations(id, schema_name, name, kind, owner, version, view_sql, depends_on, view_text, comment)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    rel.id,
                    rel.schema,
                    rel.name,
                    if v.late_binding { LATE_BINDING_VIEW_KIND } else { VIEW_KIND },
                    rel.owner,
                    rel.version,
                    sealer.seal(field::VIEW_SQL, Some(&v.sql))?,
                    join_ids(&v.depends_on),
                    sealer.seal(field::VIEW_TEXT, Some(&v.text))?,
                    comment
                ],
            )?;
        }
        RelationKind::Table(t) => {
            let distkey = match t.distribution {
                Distribution::Key(c) => Some(c),
                _ => None,
            };
            let (sort_kind, sort_columns) = match &t.sort_key {
                Some(k) => (
                    Some(if k.kind == SortKind::Interleaved { "INTERLEAVED" } else { "COMPOUND" }),
                    join_ids(&k.columns),
                ),
                None => (None, String::new()),
            };
            tx.execute(
                "INSERT INTO relations(id, schema_name, name, kind, owner, version, distribution, distkey,
                    sort_kind, sort_columns, primary_key, constraints, even_cursor, next_column_id, comment)
                 VALUES (?1, ?2, ?3, 'table', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    rel.id,
                    rel.schema,
                    rel.name,
                    rel.owner,
                    rel.version,
                    t.distribution.style_name(),
                    distkey,
                    sort_kind,
                    sort_columns,
                    join_ids(&t.primary_key),
                    t.constraints.join("\n"),
                    t.even_cursor,
                    t.next_column_id,
                    comment
                ],
            )?;
            let mut insert_column = tx.prepare_cached(
                "INSERT INTO columns(rel_id, ordinal, id, name, type, not_null, default_sql, identity_seed,
                    identity_step, identity_next, encoding, missing_sql, identity_by_default, comment, acl)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?;
            for (ordinal, c) in t.columns.iter().enumerate() {
                insert_column.execute(params![
                    rel.id,
                    ordinal,
                    c.id,
                    c.name,
                    c.sql_type.to_string(),
                    c.not_null,
                    sealer.seal(field::DEFAULT, c.default.as_deref())?,
                    c.identity.as_ref().map(|i| i.seed),
                    c.identity.as_ref().map(|i| i.step),
                    c.identity.as_ref().map(|i| i.next),
                    c.encoding.name(),
                    sealer.seal(field::MISSING, c.missing.as_deref())?,
                    c.identity.as_ref().map(|i| i.by_default),
                    sealer.seal(field::COLUMN_COMMENT, c.comment.as_deref())?,
                    to_json(&(!c.acl.is_empty()).then_some(&c.acl))?
                ])?;
            }
            let mut insert_segment = tx.prepare_cached(
                "INSERT INTO segments(id, rel_id, slice, rows, bytes, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for s in &t.segments {
                let deleted = match &s.deleted {
                    Some(d) => {
                        let mut blob = Vec::with_capacity(d.serialized_size());
                        d.serialize_into(&mut blob).map_err(|e| Error::internal(e.to_string()))?;
                        Some(blob)
                    }
                    None => None,
                };
                insert_segment.execute(params![s.id(), rel.id, s.slice, s.rows, s.file.bytes, deleted])?;
            }
            let mut insert_stats = tx.prepare_cached(
                "INSERT INTO column_stats(rel_id, column_id, null_count, min_value, max_value) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for c in &t.statistics {
                insert_stats.execute(params![
                    rel.id,
                    c.column,
                    c.null_count,
                    sealer.seal(field::MIN, c.min.as_deref())?,
                    sealer.seal(field::MAX, c.max.as_deref())?
                ])?;
            }
        }
    }
    Ok(())
}

use std::collections::HashMap;
