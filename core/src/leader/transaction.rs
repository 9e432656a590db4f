//! A transaction: a private copy of the catalog that statements change, plus the bookkeeping the
//! commit needs (what was touched at which version, which segment files it wrote).

use crate::catalog::{CatalogState, Group, RelId, Relation, Role, SchemaEntry, User};
use crate::err;
use crate::error::Result;
use crate::storage::{SegmentFile, SegmentId};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

/// A user, group, role or row-level security policy, by name (each kind has its own names).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKey {
    User(String),
    Group(String),
    Role(String),
    Policy(String),
}

impl std::fmt::Display for EntryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EntryKey::User(name) => write!(f, "user \"{name}\""),
            EntryKey::Group(name) => write!(f, "group \"{name}\""),
            EntryKey::Role(name) => write!(f, "role \"{name}\""),
            EntryKey::Policy(name) => write!(f, "policy \"{name}\""),
        }
    }
}

pub struct Transaction {
    /// Its id (`xid` in the system tables).
    pub xid: u64,
    base: Arc<CatalogState>,
    working: Arc<CatalogState>,
    /// Relations changed, with the version this transaction started from (`None`: created here).
    touched: BTreeMap<RelId, Option<u64>>,
    touched_schemas: BTreeSet<String>,
    touched_entries: BTreeSet<EntryKey>,
    touched_database: bool,
    /// Segments replaced by rewrites that keep their rows (merging small segments, VACUUM).
    compacted: HashSet<SegmentId>,
    /// Segment files written by this transaction; deleted if it does not commit them.
    new_files: Vec<Arc<SegmentFile>>,
}

/// What `ROLLBACK TO SAVEPOINT` restores: the transaction's catalog and bookkeeping as they were.
/// (Segment files written after it stay in `new_files` and are deleted as uncommitted.)
#[derive(Clone)]
pub struct Savepoint {
    working: Arc<CatalogState>,
    touched: BTreeMap<RelId, Option<u64>>,
    touched_schemas: BTreeSet<String>,
    touched_entries: BTreeSet<EntryKey>,
    touched_database: bool,
    compacted: HashSet<SegmentId>,
}

impl Transaction {
    pub fn savepoint(&self) -> Savepoint {
        Savepoint {
            working: Arc::clone(&self.working),
            touched: self.touched.clone(),
            touched_schemas: self.touched_schemas.clone(),
            touched_entries: self.touched_entries.clone(),
            touched_database: self.touched_database,
            compacted: self.compacted.clone(),
        }
    }

    pub fn rollback_to(&mut self, savepoint: &Savepoint) {
        let savepoint = savepoint.clone();
        self.working = savepoint.working;
        self.touched = savepoint.touched;
        self.touched_schemas = savepoint.touched_schemas;
        self.touched_entries = savepoint.touched_entries;
        self.touched_database = savepoint.touched_database;
        self.compacted = savepoint.compacted;
    }

    pub fn new(base: Arc<CatalogState>, xid: u64) -> Self {
        Transaction {
            xid,
            working: Arc::clone(&base),
            base,
            touched: BTreeMap::new(),
            touched_schemas: BTreeSet::new(),
            touched_entries: BTreeSet::new(),
            touched_database: false,
            compacted: HashSet::new(),
            new_files: vec![],
        }
    }

    /// The catalog as this transaction sees it.
    pub fn state(&self) -> &Arc<CatalogState> {
        &self.working
    }

    pub fn has_changes(&self) -> bool {
        !self.touched.is_empty()
            || !self.touched_schemas.is_empty()
            || !self.touched_entries.is_empty()
            || self.touched_database
    }

    fn touch(&mut self, id: RelId) {
        let base = &self.base;
        self.touched.entry(id).or_insert_with(|| base.relation(id).map(|r| r.version));
    }

    pub fn put_relation(&mut self, relation: Relation) {
        self.touch(relation.id);
        Arc::make_mut(&mut self.working).put_relation(Arc::new(relation));
    }

    pub fn remove_relation(&mut self, id: RelId) {
        self.touch(id);
        Arc::make_mut(&mut self.working).remove_relation(id);
    }

    pub fn put_schema(&mut self, entry: SchemaEntry) {
        self.touched_schemas.insert(entry.name.clone());
        Arc::make_mut(&mut self.working).schemas.insert(entry.name.clone(), entry);
    }

    pub fn remove_schema(&mut self, name: &str) {
        self.touched_schemas.insert(name.to_string());
        Arc::make_mut(&mut self.working).schemas.remove(name);
    }

    pub fn put_user(&mut self, user: User) {
        self.touched_entries.insert(EntryKey::User(user.name.clone()));
        Arc::make_mut(&mut self.working).users.insert(user.name.clone(), user);
    }

    pub fn remove_user(&mut self, name: &str) {
        self.touched_entries.insert(EntryKey::User(name.to_string()));
        Arc::make_mut(&mut self.working).users.remove(name);
    }

    pub fn put_group(&mut self, group: Group) {
        self.touched_entries.insert(EntryKey::Group(group.name.clone()));
        Arc::make_mut(&mut self.working).groups.insert(group.name.clone(), group);
    }

    pub fn remove_group(&mut self, name: &str) {
        self.touched_entries.insert(EntryKey::Group(name.to_string()));
        Arc::make_mut(&mut self.working).groups.remove(name);
    }

    pub fn put_role(&mut self, role: Role) {
        self.touched_entries.insert(EntryKey::Role(role.name.clone()));
        Arc::make_mut(&mut self.working).roles.insert(role.name.clone(), role);
    }

    pub fn remove_role(&mut self, name: &str) {
        self.touched_entries.insert(EntryKey::Role(name.to_string()));
        Arc::make_mut(&mut self.working).roles.remove(name);
    }

    pub fn put_policy(&mut self, policy: crate::catalog::RlsPolicy) {
        self.touched_entries.insert(EntryKey::Policy(policy.name.clone()));
        Arc::make_mut(&mut self.working).policies.insert(policy.name.clone(), policy);
    }

    pub fn remove_policy(&mut self, name: &str) {
        self.touched_entries.insert(EntryKey::Policy(name.to_string()));
        Arc::make_mut(&mut self.working).policies.remove(name);
    }

    /// GRANT / REVOKE … ON DATABASE.
    pub fn put_database_acl(&mut self, acl: crate::catalog::Acl) {
        self.touched_database = true;
        Arc::make_mut(&mut self.working).database_acl = acl;
    }

    /// ALTER DEFAULT PRIVILEGES.
    pub fn put_default_acls(&mut self, default_acls: Vec<crate::catalog::DefaultAcl>) {
        self.touched_database = true;
        Arc::make_mut(&mut self.working).default_acls = default_acls;
    }

    /// Whether this transaction changed the database-wide grants (on the database, default).
    pub fn changed_database_grants(&self) -> bool {
        self.touched_database
    }

    /// Users, groups and roles created, changed or dropped.
    pub fn touched_entries(&self) -> impl Iterator<Item = &EntryKey> {
        self.touched_entries.iter()
    }

    /// Records segments whose rows were rewritten into new segments unchanged.
    pub fn compacted(&mut self, segments: impl IntoIterator<Item = SegmentId>) {
        self.compacted.extend(segments);
    }

    pub fn add_file(&mut self, file: Arc<SegmentFile>) {
        self.new_files.push(file);
    }

    pub fn touched_relations(&self) -> impl Iterator<Item = RelId> + '_ {
        self.touched.keys().copied()
    }

    pub fn touched_schemas(&self) -> impl Iterator<Item = &String> {
        self.touched_schemas.iter()
    }

    /// Serializable isolation, as Redshift reports it: a relation or schema this transaction
    /// changed was changed (or created under the same name) by a transaction that committed first.
    ///
    /// A table this transaction only appended segments to is not a conflict when the other
    /// transactions did not change its definition: its new segments are added to the committed
    /// table (returned by id), as concurrent INSERTs on Redshift both succeed.
    pub fn check_conflicts(&self, current: &CatalogState) -> Result<BTreeMap<RelId, Relation>> {
        let mut rebased = BTreeMap::new();
        let conflict = |what: &str| {
            err!(
                SERIALIZATION_FAILURE,
                "Serializable isolation violation on {what}: another transaction changed it and committed first"
            )
            .with_hint("retry the transaction")
        };
        for (&id, &base_version) in &self.touched {
            let name = || {
                self.working
                    .relation(id)
                    .or_else(|| self.base.relation(id))
                    .map(|r| format!("table \"{}\"", r.name))
                    .unwrap_or_else(|| format!("relation {id}"))
            };
            if current.relation(id).map(|r| r.version) != base_version {
                match self.rebase_appends(id, current) {
                    Some(relation) => {
                        rebased.insert(id, relation);
                    }
                    None => return Err(conflict(&name())),
                }
            }
            // The name is taken by another relation, unless this transaction dropped or renamed
            // that relation (from the version still committed) to free the name.
            if let Some(rel) = self.working.relation(id) {
                let freed_here = |other: &Relation| self.touched.get(&other.id) == Some(&Some(other.version));
                if current.lookup(&rel.qualified_name()).is_some_and(|other| other.id != id && !freed_here(other)) {
                    return Err(conflict(&name()));
                }
            }
        }
        for schema in &self.touched_schemas {
            if self.base.schemas.get(schema) != current.schemas.get(schema) {
                return Err(conflict(&format!("schema \"{schema}\"")));
            }
        }
        let database_grants = |state: &CatalogState| (state.database_acl.clone(), state.default_acls.clone());
        if self.touched_database && database_grants(&self.base) != database_grants(current) {
            return Err(conflict("database \"dev\""));
        }
        for key in &self.touched_entries {
            let changed = match key {
                EntryKey::User(name) => self.base.users.get(name) != current.users.get(name),
                EntryKey::Group(name) => self.base.groups.get(name) != current.groups.get(name),
                EntryKey::Role(name) => self.base.roles.get(name) != current.roles.get(name),
                EntryKey::Policy(name) => self.base.policies.get(name) != current.policies.get(name),
            };
            if changed {
                return Err(conflict(&key.to_string()));
            }
        }
        Ok(rebased)
    }

    /// The committed table `id` plus the segments this transaction appended, if appending is all
    /// it did and no one changed the table's definition meanwhile.
    fn rebase_appends(&self, id: RelId, current: &CatalogState) -> Option<Relation> {
        let (base, working, now) = (self.base.relation(id)?, self.working.relation(id)?, current.relation(id)?);
        let (base_table, working_table, now_table) = (base.table()?, working.table()?, now.table()?);
        let same_definition = |a: &crate::catalog::TableDef, b: &crate::catalog::TableDef| {
            a.columns == b.columns
                && a.next_column_id == b.next_column_id
                && a.distribution == b.distribution
                && a.sort_key == b.sort_key
                && a.primary_key == b.primary_key
                && a.constraints == b.constraints
        };
        if base.qualified_name() != working.qualified_name()
            || base.qualified_name() != now.qualified_name()
            || !same_definition(base_table, working_table)
            || !same_definition(base_table, now_table)
        {
            return None;
        }
        // Each segment of the start is kept as it was, or was compacted and is still unchanged
        // in the committed table (no one deleted from it meanwhile).
        let deletions = |t: &crate::catalog::TableDef| -> std::collections::HashMap<SegmentId, Option<Arc<roaring::RoaringBitmap>>> {
            t.segments.iter().map(|s| (s.id(), s.deleted.clone())).collect()
        };
        let (kept, committed) = (deletions(working_table), deletions(now_table));
        let untouched = base_table.segments.iter().all(|s| match kept.get(&s.id()) {
            Some(deleted) => *deleted == s.deleted,
            None => self.compacted.contains(&s.id()) && committed.get(&s.id()) == Some(&s.deleted),
        });
        if !untouched {
            return None;
        }
        let base_ids: HashSet<_> = base_table.segments.iter().map(|s| s.id()).collect();
        let mut merged = (**now).clone();
        let table = merged.table_mut()?;
        table.segments.retain(|s| !base_ids.contains(&s.id()) || kept.contains_key(&s.id()));
        table.segments.extend(working_table.segments.iter().filter(|s| !base_ids.contains(&s.id())).cloned());
        Some(merged)
    }

    /// After a successful commit: files the commit did not keep are obsolete; the rest now belong
    /// to the catalog.
    pub fn finish(&mut self, kept: &HashSet<SegmentId>) {
        for f in self.new_files.drain(..) {
            if !kept.contains(&f.id) {
                f.mark_obsolete();
            }
        }
    }
}

impl Drop for Transaction {
    /// A transaction dropped without commit rolls back: its files are deleted.
    fn drop(&mut self) {
        for f in &self.new_files {
            f.mark_obsolete();
        }
    }
}
