//! [`Database`]: one cluster — its layout, storage, committed catalog and commit protocol.

use crate::catalog::store::{CatalogStore, ChangeSet, Changes};
use crate::catalog::{CatalogState, ClusterLayout, RelId};
use crate::err;
use crate::error::{Error, Result};
use crate::leader::distribution::ComputeNodes;
use crate::leader::query_log::QueryLog;
use crate::leader::session::Session;
use crate::leader::transaction::{EntryKey, Transaction};
use crate::net::channels::{ClusterTls, NodeChannels};
use crate::net::protocol::NodeIdentity;
use crate::storage::remote::NodeClient;
use crate::storage::{ClusterStorage, SegmentId};
use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// The target that names an in-memory database.
pub const MEMORY: &str = ":memory:";

/// Options for opening a database.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Layout for a *new* database; an existing one keeps the layout it was created with.
    pub layout: Option<ClusterLayout>,
    /// Compute nodes in other processes (`host:port`, in node order); empty: in-process nodes.
    /// The layout then comes from the nodes.
    pub compute: Vec<String>,
    /// The secret the leader presents to its compute nodes (they are started with the same).
    pub cluster_secret: String,
    /// TLS to the compute nodes with an operator's CA; `None`: TLS keyed by the cluster secret.
    pub cluster_tls: Option<ClusterTls>,
    /// How COPY, UNLOAD and external tables reach S3.
    pub lake: crate::load::lake::LakeConfig,
    /// Encryption at rest: the root key of an encrypted database (needed to open one), and
    /// whether a new database is to be encrypted.
    pub root_key: Option<crate::storage::encryption::RootKeySource>,
    pub encrypt: bool,
    /// Where the audit log files go (`connectionlog`, `userlog`, `useractivitylog`); none:
    /// the audit trail is kept in memory only (the system tables).
    pub audit_dir: Option<PathBuf>,
}

/// A compute node as the leader finds it.
#[derive(Debug, Clone)]
pub struct NodeStatus {
    pub node: u32,
    /// `in-process`, or the node's URL.
    pub address: String,
    /// Why the node is not serving its slices (`None`: it is up).
    pub problem: Option<String>,
    pub disk: Option<crate::storage::DiskSpace>,
}

/// A Redwood database (cluster). Cheap to clone; all clones share one state.
#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Database({})", self.location().map_or(MEMORY.to_string(), |p| p.display().to_string()))
    }
}

/// A database that may have closed since (see [`Database::downgrade`]).
#[derive(Clone)]
pub struct WeakDatabase(std::sync::Weak<Inner>);

impl WeakDatabase {
    pub fn upgrade(&self) -> Option<Database> {
        self.0.upgrade().map(|inner| Database { inner })
    }
}

struct Inner {
    layout: ClusterLayout,
    location: Option<PathBuf>,
    storage: ClusterStorage,
    /// Set when the compute nodes are other processes: queries are distributed to them.
    compute: Option<ComputeNodes>,
    /// The compute nodes in other processes, in node order (empty: in-process nodes).
    node_clients: Vec<Arc<NodeClient>>,
    cluster_id: Option<String>,
    cluster_secret: String,
    /// Also the commit lock: commits are serialised through it.
    store: Mutex<Option<CatalogStore>>,
    committed: RwLock<Arc<CatalogState>>,
    next_relation_id: AtomicU64,
    next_segment_id: AtomicU64,
    /// Transaction ids (`xid` in the system tables), counted from 1 in each run of the leader.
    next_xid: AtomicU64,
    query_log: QueryLog,
    audit: crate::leader::audit::AuditLog,
    /// The keys of an encrypted database (`None`: not encrypted).
    keyring: Option<crate::storage::encryption::Keyring>,
    load_errors: crate::leader::load::LoadErrorLog,
    lake: crate::load::lake::LakeConfig,
    /// Signs and checks temporary credentials (GetClusterCredentials).
    credentials: crate::leader::credentials::CredentialSigner,
    /// Held for the life of the database so a second process cannot open the same directory.
    _lock: Option<File>,
}

impl Database {
    /// Opens `:memory:` or a directory (created if missing).
    pub fn open(target: &str, config: Config) -> Result<Database> {
        if target == MEMORY {
            return Self::in_memory(config);
        }
        Self::open_dir(Path::new(target), config)
    }

    fn in_memory(config: Config) -> Result<Database> {
        if !config.compute.is_empty() {
            return Err(err!(
                INVALID_PARAMETER_VALUE,
                "a leader with compute nodes keeps its catalog in a directory, not :memory:"
            ));
        }
        if config.encrypt || config.root_key.is_some() {
            return Err(err!(
                INVALID_PARAMETER_VALUE,
                "encryption at rest is for databases in a directory; :memory: keeps nothing at rest"
            ));
        }
        let layout = config.layout.unwrap_or_default();
        Ok(Database {
            inner: Arc::new(Inner {
                layout,
                location: None,
                storage: ClusterStorage::local(layout, None, None),
                compute: None,
                node_clients: vec![],
                cluster_id: None,
                cluster_secret: String::new(),
                store: Mutex::new(None),
                committed: RwLock::new(Arc::new(CatalogState::bootstrap())),
                next_relation_id: AtomicU64::new(1),
                next_segment_id: AtomicU64::new(1),
                next_xid: AtomicU64::new(1),
                query_log: QueryLog::default(),
                audit: crate::leader::audit::AuditLog::new(config.audit_dir.as_deref())?,
                credentials: crate::leader::credentials::CredentialSigner::ephemeral(),
                keyring: None,
                load_errors: Default::default(),
                lake: config.lake.clone(),
                _lock: None,
            }),
        })
    }

    fn open_dir(dir: &Path, config: Config) -> Result<Database> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        let lock =
            File::create(dir.join("redwood.lock")).map_err(|e| Error::io(format!("opening {}", dir.display()), e))?;
        lock.try_lock().map_err(|_| err!(IO_ERROR, "database {} is already open in another process", dir.display()))?;
        let tls = match (&config.cluster_tls, config.compute.is_empty()) {
            (_, true) => None,
            (Some(tls), false) => Some(tls.clone()),
            (None, false) => Some(ClusterTls::from_secret(&config.cluster_secret)?),
        };
        let nodes = match &tls {
            None => vec![],
            Some(tls) => config
                .compute
                .iter()
                .map(|address| NodeClient::new(address, &config.cluster_secret, tls).map(Arc::new))
                .collect::<Result<Vec<_>>>()?,
        };
        // A node that does not answer is down: a cluster formed before starts without it (its
        // slices' queries fail until it is back); a new cluster needs every node to adopt it.
        let mut probes = vec![];
        for node in &nodes {
            match node.identify() {
                Ok(identity) => probes.push(Some(identity)),
                Err(e) if e.sqlstate == crate::error::sqlstate::CONNECTION_FAILURE => probes.push(None),
                Err(e) => return Err(e),
            }
        }
        let unreachable = |node: &NodeClient| err!(CANNOT_CONNECT, "compute node {} is not reachable", node.address());
        let up: Vec<(&Arc<NodeClient>, &NodeIdentity)> =
            nodes.iter().zip(&probes).filter_map(|(n, p)| p.as_ref().map(|p| (n, p))).collect();
        let layout = match up.first() {
            Some((first_node, first)) => {
                if let Some((node, other)) = up.iter().find(|(_, i)| i.slices != first.slices) {
                    return Err(err!(
                        INVALID_PARAMETER_VALUE,
                        "compute nodes must all run the same number of slices: {} runs {}, {} runs {}",
                        first_node.address(),
                        first.slices,
                        node.address(),
                        other.slices
                    ));
                }
                ClusterLayout { nodes: nodes.len() as u32, slices_per_node: first.slices }
            }
            None if !nodes.is_empty() => return Err(unreachable(&nodes[0])),
            None => config.layout.unwrap_or_default(),
        };
        let new = !dir.join("catalog.db").exists();
        let keyring =
            crate::storage::encryption::Keyring::for_directory(dir, config.root_key.as_ref(), config.encrypt, new)?;
        let cipher = keyring.as_ref().map(|k| k.cipher());
        let (store, _created) = CatalogStore::open(dir, layout, cipher.clone())?;
        let storage = match nodes.is_empty() {
            true => ClusterStorage::local(layout, Some(dir.to_path_buf()), cipher),
            false => ClusterStorage::remote(layout, nodes.clone()),
        };
        let formed_before = store.existing_cluster_id()?.is_some();
        if !nodes.is_empty() {
            if let (false, Some(down)) = (formed_before, nodes.iter().zip(&probes).find(|(_, p)| p.is_none())) {
                return Err(unreachable(down.0));
            }
        }
        let loaded = store.load(&storage)?;
        let cluster_id = match nodes.is_empty() {
            true => None,
            false => Some(store.cluster_id()?),
        };
        if !nodes.is_empty() {
            if loaded.layout != layout {
                return Err(err!(
                    INVALID_PARAMETER_VALUE,
                    "the database in {} was created for {} compute nodes of {} slices, but {} nodes of {} slices are listed",
                    dir.display(),
                    loaded.layout.nodes,
                    loaded.layout.slices_per_node,
                    layout.nodes,
                    layout.slices_per_node
                ));
            }
            let cluster_id = cluster_id.as_deref().expect("a cluster with compute nodes has an id");
            let formed = formed_before;
            for (index, (node, probe)) in nodes.iter().zip(&probes).enumerate() {
                let Some(identity) = probe else {
                    tracing::warn!(
                        "compute node {index} ({}) is down: queries that read its slices fail until it is back",
                        node.address()
                    );
                    continue;
                };
                check_membership(node, identity, cluster_id, index as u32, formed)?;
            }
        }
        let referenced = CatalogStore::referenced_segments(&loaded.state);
        let removed = storage.remove_orphans(&referenced, |node| probes.get(node).is_none_or(Option::is_some))?;
        if removed > 0 {
            tracing::info!("removed {removed} segment files left by an interrupted write");
        }
        let compute = match tls {
            None => None,
            Some(tls) => Some(ComputeNodes {
                channels: NodeChannels::new(tls),
                urls: nodes
                    .iter()
                    .map(|n| url::Url::parse(n.address()).map_err(|e| err!(INVALID_PARAMETER_VALUE, "{e}")))
                    .collect::<Result<_>>()?,
            }),
        };
        Ok(Database {
            inner: Arc::new(Inner {
                layout: loaded.layout,
                location: Some(dir.to_path_buf()),
                storage,
                compute,
                node_clients: nodes,
                cluster_id,
                cluster_secret: config.cluster_secret.clone(),
                store: Mutex::new(Some(store)),
                committed: RwLock::new(Arc::new(loaded.state)),
                next_relation_id: AtomicU64::new(loaded.max_relation_id + 1),
                next_segment_id: AtomicU64::new(loaded.max_segment_id + 1),
                next_xid: AtomicU64::new(1),
                query_log: QueryLog::default(),
                audit: crate::leader::audit::AuditLog::new(config.audit_dir.as_deref())?,
                credentials: crate::leader::credentials::CredentialSigner::for_directory(dir)?,
                keyring,
                load_errors: Default::default(),
                lake: config.lake.clone(),
                _lock: Some(lock),
            }),
        })
    }

    /// A new session (connection) on this database.
    /// A session of the database's owner (embedded use: no authentication).
    pub fn connect(&self) -> Session {
        Session::new(self.clone(), crate::catalog::DEFAULT_OWNER)
    }

    /// A session of `user`, who has been authenticated (see `endpoint`).
    pub fn connect_as(&self, user: &str) -> Session {
        Session::new(self.clone(), user)
    }

    /// The signer of this cluster's temporary credentials.
    pub fn credentials(&self) -> &crate::leader::credentials::CredentialSigner {
        &self.inner.credentials
    }

    pub fn layout(&self) -> ClusterLayout {
        self.inner.layout
    }

    /// Directory the database lives in (`None` for `:memory:`).
    pub fn location(&self) -> Option<&Path> {
        self.inner.location.as_deref()
    }

    /// A handle that does not keep the database open.
    pub fn downgrade(&self) -> WeakDatabase {
        WeakDatabase(Arc::downgrade(&self.inner))
    }

    pub(crate) fn storage(&self) -> &ClusterStorage {
        &self.inner.storage
    }

    /// The compute nodes in other processes, when there are (queries then run on them).
    pub(crate) fn compute_nodes(&self) -> Option<&ComputeNodes> {
        self.inner.compute.as_ref()
    }

    /// Whether each compute node answers as the node it should be, with its disk space.
    pub fn node_status(&self) -> Vec<NodeStatus> {
        if self.inner.node_clients.is_empty() {
            let disk = self.location().and_then(crate::storage::DiskSpace::of);
            return (0..self.layout().nodes)
                .map(|node| NodeStatus { node, address: "in-process".to_string(), problem: None, disk })
                .collect();
        }
        let cluster_id = self.inner.cluster_id.as_deref().unwrap_or_default();
        self.inner
            .node_clients
            .iter()
            .enumerate()
            .map(|(index, client)| {
                let node = index as u32;
                let (problem, disk) = match client.identify() {
                    Ok(identity) if identity.cluster_id == cluster_id && identity.node == node => {
                        let disk = (identity.disk_bytes > 0).then_some(crate::storage::DiskSpace {
                            total: identity.disk_bytes,
                            free: identity.disk_free_bytes,
                        });
                        (None, disk)
                    }
                    Ok(identity) => (
                        Some(format!("answers as node {} of cluster \"{}\"", identity.node, identity.cluster_id)),
                        None,
                    ),
                    Err(e) => (Some(e.message), None),
                };
                NodeStatus { node, address: client.address().to_string(), problem, disk }
            })
            .collect()
    }

    pub(crate) fn cluster_secret(&self) -> &str {
        &self.inner.cluster_secret
    }

    /// The latest committed catalog.
    pub fn snapshot(&self) -> Arc<CatalogState> {
        Arc::clone(&crate::sync::read(&self.inner.committed))
    }

    pub(crate) fn allocate_relation_id(&self) -> RelId {
        self.inner.next_relation_id.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn allocate_xid(&self) -> u64 {
        self.inner.next_xid.fetch_add(1, Ordering::Relaxed)
    }

    /// The rows COPY rejected (STL_LOAD_ERRORS).
    pub fn load_errors(&self) -> &crate::leader::load::LoadErrorLog {
        &self.inner.load_errors
    }

    pub fn lake_config(&self) -> crate::load::lake::LakeConfig {
        self.inner.lake.clone()
    }

    /// The queries this leader ran (STL_QUERY).
    /// Whether the database is encrypted at rest.
    pub fn is_encrypted(&self) -> bool {
        self.inner.keyring.is_some()
    }

    /// `ROTATE ENCRYPTION KEY`: a new cluster key wraps the database key (no data rewritten).
    pub(crate) fn rotate_encryption_key(&self) -> Result<()> {
        let keyring = self
            .inner
            .keyring
            .as_ref()
            .ok_or_else(|| err!(OBJECT_NOT_IN_PREREQUISITE_STATE, "the database is not encrypted"))?;
        // One rotation at a time, and not during a commit.
        let _store = crate::sync::lock(&self.inner.store);
        keyring.rotate()
    }

    /// Connections, user changes and statements (STL_CONNECTION_LOG, STL_USERLOG,
    /// SYS_QUERY_HISTORY and the audit files).
    pub fn audit(&self) -> &crate::leader::audit::AuditLog {
        &self.inner.audit
    }

    pub fn query_log(&self) -> &QueryLog {
        &self.inner.query_log
    }

    pub(crate) fn allocate_segment_id(&self) -> SegmentId {
        self.inner.next_segment_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Commits a transaction: checks that nothing it changed was changed by a transaction that
    /// committed since it started (else 40001), writes the catalog change durably, then publishes
    /// the new snapshot. Segment files were already fsynced when written.
    pub(crate) fn commit(&self, mut txn: Transaction) -> Result<()> {
        if !txn.has_changes() {
            return Ok(());
        }
        let mut store = crate::sync::lock(&self.inner.store);
        let current = self.snapshot();
        let rebased = txn.check_conflicts(&current)?;
        let mut merged = (*current).clone();
        let mut changes = ChangeSet::default();
        for schema in txn.touched_schemas() {
            match txn.state().schemas.get(schema) {
                Some(entry) => {
                    merged.schemas.insert(schema.clone(), entry.clone());
                    changes.put_schemas.push(entry.clone());
                }
                None => {
                    merged.schemas.remove(schema);
                    changes.drop_schemas.push(schema.clone());
                }
            }
        }
        if txn.changed_database_grants() {
            merged.database_acl = txn.state().database_acl.clone();
            merged.default_acls = txn.state().default_acls.clone();
            changes.database_grants = Some((merged.database_acl.clone(), merged.default_acls.clone()));
        }
        for key in txn.touched_entries() {
            let working = txn.state();
            match key {
                EntryKey::User(name) => merge_entry(&working.users, &mut merged.users, name, &mut changes.users),
                EntryKey::Group(name) => merge_entry(&working.groups, &mut merged.groups, name, &mut changes.groups),
                EntryKey::Role(name) => merge_entry(&working.roles, &mut merged.roles, name, &mut changes.roles),
                EntryKey::Policy(name) => {
                    merge_entry(&working.policies, &mut merged.policies, name, &mut changes.policies)
                }
            }
        }
        for id in txn.touched_relations() {
            match rebased.get(&id).or_else(|| txn.state().relation(id).map(|r| r.as_ref())) {
                Some(rel) => {
                    let mut rel = rel.clone();
                    rel.version = current.relation(id).map_or(1, |r| r.version + 1);
                    let rel = Arc::new(rel);
                    merged.put_relation(Arc::clone(&rel));
                    changes.put_relations.push(rel);
                }
                None => {
                    if merged.remove_relation(id).is_some() {
                        changes.drop_relations.push(id);
                    }
                }
            }
        }
        if let Some(store) = store.as_mut() {
            store.commit(&changes)?;
        }
        // Files the new catalog no longer lists go away once no snapshot uses them.
        let kept: HashSet<SegmentId> = txn
            .touched_relations()
            .filter_map(|id| merged.relation(id).and_then(|r| r.table()))
            .flat_map(|t| t.segments.iter().map(|s| s.id()))
            .collect();
        for id in txn.touched_relations() {
            if let Some(table) = current.relation(id).and_then(|r| r.table()) {
                for s in table.segments.iter().filter(|s| !kept.contains(&s.id())) {
                    s.file.mark_obsolete();
                }
            }
        }
        txn.finish(&kept);
        *crate::sync::write(&self.inner.committed) = Arc::new(merged);
        Ok(())
    }
}

/// Adopts a new node as node `index` of the cluster, or checks that a node is that one. Once the
/// cluster has formed, an empty node is not adopted: its slices' data would be missing.
/// Carries one committed entry (or its removal) from a transaction's catalog into the merged one
/// and the change set.
fn merge_entry<T: Clone>(
    working: &std::collections::BTreeMap<String, T>,
    merged: &mut std::collections::BTreeMap<String, T>,
    name: &str,
    changes: &mut Changes<T>,
) {
    match working.get(name) {
        Some(entry) => {
            merged.insert(name.to_string(), entry.clone());
            changes.put.push(entry.clone());
        }
        None => {
            merged.remove(name);
            changes.drop.push(name.to_string());
        }
    }
}

fn check_membership(
    node: &NodeClient,
    identity: &NodeIdentity,
    cluster_id: &str,
    index: u32,
    formed: bool,
) -> Result<()> {
    if identity.cluster_id.is_empty() && !formed {
        node.join(cluster_id, index)?;
        return Ok(());
    }
    if identity.cluster_id.is_empty() {
        return Err(err!(
            INVALID_PARAMETER_VALUE,
            "compute node {} is a new node, but node {index} of this cluster holds data: start node {index} with its own data directory",
            node.address()
        ));
    }
    if identity.cluster_id != cluster_id {
        return Err(err!(
            INVALID_PARAMETER_VALUE,
            "compute node {} belongs to another cluster ({}, this one is {cluster_id})",
            node.address(),
            identity.cluster_id
        ));
    }
    if identity.node != index {
        return Err(err!(
            INVALID_PARAMETER_VALUE,
            "compute node {} is node {} of this cluster but was listed as node {index}: list the nodes in their order",
            node.address(),
            identity.node
        ));
    }
    Ok(())
}
