//! Storage: each table's rows on each slice live in immutable Parquet **segments**, sorted by the
//! table's SORTKEY, with row-group min/max statistics serving as zone maps.
//!
//! Segments are written (and fsynced) before the catalog commit that makes them visible, so a crash
//! leaves at most unreferenced files, which [`Storage::remove_orphans`] deletes on open. Deleted rows
//! are kept as deletion vectors in the manifest until VACUUM rewrites the segment. A file is removed
//! only once it is obsolete (no longer in the committed catalog) *and* no snapshot still uses it.

pub mod distribute;
pub mod encryption;
pub mod gather;
pub mod kms;
pub mod layout;
pub mod remote;
pub mod secret_file;

use crate::catalog::{ClusterLayout, ColumnId, RelId};
use crate::error::{Error, Result};
use bytes::Bytes;
use datafusion::parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use datafusion::parquet::file::reader::{ChunkReader, Length};
use roaring::RoaringBitmap;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Identifies a segment file for its whole life.
pub type SegmentId = u64;

/// Name of a table column inside segment files: columns are stored under their stable id, so a
/// RENAME COLUMN never rewrites data and a dropped column's bytes are simply ignored.
pub fn physical_column_name(id: ColumnId) -> String {
    format!("c{id}")
}

/// Where one compute node's segment files live: a directory (persistent), memory (`:memory:`),
/// or — seen from a leader — another process's compute node, reached over Arrow Flight.
pub struct Storage {
    root: Option<PathBuf>,
    memory: Mutex<HashMap<SegmentId, Bytes>>,
    remote: Option<Arc<remote::NodeClient>>,
    /// Parsed Parquet footers, so a query does not re-read them.
    footers: Mutex<HashMap<SegmentId, ArrowReaderMetadata>>,
    /// Encrypts the files at rest (`None`: an unencrypted database).
    cipher: Option<encryption::DataCipher>,
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.remote {
            Some(node) => f.debug_struct("Storage").field("node", &node.address()).finish(),
            None => f.debug_struct("Storage").field("root", &self.root).finish(),
        }
    }
}

/// The storage of every compute node of a cluster, by node.
#[derive(Debug, Clone)]
pub struct ClusterStorage {
    layout: ClusterLayout,
    /// One per node; in-process clusters share one for all their nodes.
    nodes: Vec<Arc<Storage>>,
}

impl ClusterStorage {
    /// In-process nodes: one directory (or memory) holds every slice.
    pub fn local(layout: ClusterLayout, root: Option<PathBuf>, cipher: Option<encryption::DataCipher>) -> Self {
        ClusterStorage { layout, nodes: vec![Storage::new(root, cipher)] }
    }
    /// Compute nodes in other processes, in node order.
    pub fn remote(layout: ClusterLayout, nodes: Vec<Arc<remote::NodeClient>>) -> Self {
        let nodes = nodes.into_iter().map(Storage::on_node).collect();
        ClusterStorage { layout, nodes }
    }
    pub fn layout(&self) -> ClusterLayout {
        self.layout
    }
    /// Whether the nodes are other processes (queries then run on them).
    pub fn is_remote(&self) -> bool {
        self.nodes[0].remote.is_some()
    }
    pub fn nodes(&self) -> &[Arc<Storage>] {
        &self.nodes
    }
    /// The storage that holds a slice.
    pub fn for_slice(&self, slice: u32) -> &Arc<Storage> {
        let node = if self.nodes.len() == 1 { 0 } else { self.layout.node_of(slice) as usize };
        &self.nodes[node]
    }
    /// Deletes segment files that no committed catalog entry references, on every node that
    /// `is_up` (the others' are removed when the leader next starts with them up).
    pub fn remove_orphans(&self, referenced: &HashSet<SegmentId>, is_up: impl Fn(usize) -> bool) -> Result<usize> {
        self.nodes.iter().enumerate().filter(|(i, _)| is_up(*i)).map(|(_, n)| n.remove_orphans(referenced)).sum()
    }
}

/// The size and free space of the file system a directory is on.
#[derive(Debug, Clone, Copy)]
pub struct DiskSpace {
    pub total: u64,
    pub free: u64,
}

impl DiskSpace {
    pub fn of(dir: &Path) -> Option<DiskSpace> {
        let stat = rustix::fs::statvfs(dir).ok()?;
        Some(DiskSpace { total: stat.f_blocks * stat.f_frsize, free: stat.f_bavail * stat.f_frsize })
    }
}

impl Storage {
    pub fn new(root: Option<PathBuf>, cipher: Option<encryption::DataCipher>) -> Arc<Self> {
        Arc::new(Storage { root, memory: Mutex::default(), remote: None, footers: Mutex::default(), cipher })
    }

    /// A compute node's storage seen from its leader (the node encrypts its own files).
    fn on_node(node: Arc<remote::NodeClient>) -> Arc<Self> {
        Arc::new(Storage {
            root: None,
            memory: Mutex::default(),
            remote: Some(node),
            footers: Mutex::default(),
            cipher: None,
        })
    }

    /// What an encrypted segment's chunks are bound to.
    fn identity(table: RelId, slice: u32, id: SegmentId) -> String {
        format!("{table}/{slice}/{id}")
    }

    fn segment_path(root: &Path, table: RelId, slice: u32, id: SegmentId) -> PathBuf {
        root.join("slices").join(format!("{slice:04}")).join(table.to_string()).join(format!("{id}.parquet"))
    }

    /// Where a segment is, for error messages.
    pub fn describe(&self, file: &SegmentFile) -> String {
        if let Some(node) = &self.remote {
            return format!("segment {} on compute node {}", file.id, node.address());
        }
        match &self.root {
            Some(root) => Self::segment_path(root, file.table, file.slice, file.id).display().to_string(),
            None => format!("memory segment {}", file.id),
        }
    }

    /// Stores an encoded segment durably and returns its handle. On disk the file and its directory
    /// are fsynced before this returns.
    pub fn put(self: &Arc<Self>, table: RelId, slice: u32, id: SegmentId, data: Vec<u8>) -> Result<Arc<SegmentFile>> {
        let bytes = data.len() as u64;
        if let Some(node) = &self.remote {
            node.put_segment(table, slice, id, data)?;
            return Ok(self.existing(table, slice, id, bytes));
        }
        match &self.root {
            Some(root) => {
                let path = Self::segment_path(root, table, slice, id);
                let data = match &self.cipher {
                    Some(cipher) => cipher.encrypt_segment(&Self::identity(table, slice, id), &data)?,
                    None => data,
                };
                let dir = path.parent().expect("segment path has a parent");
                std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
                let write = || -> std::io::Result<()> {
                    let mut f = File::create(&path)?;
                    std::io::Write::write_all(&mut f, &data)?;
                    f.sync_all()?;
                    File::open(dir)?.sync_all()
                };
                write().map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
            }
            None => {
                crate::sync::lock(&self.memory).insert(id, Bytes::from(data));
            }
        }
        Ok(self.existing(table, slice, id, bytes))
    }

    /// A handle on a segment that the catalog lists (used when opening a database).
    pub fn existing(self: &Arc<Self>, table: RelId, slice: u32, id: SegmentId, bytes: u64) -> Arc<SegmentFile> {
        Arc::new(SegmentFile { id, table, slice, bytes, storage: Arc::clone(self), obsolete: AtomicBool::new(false) })
    }

    /// Opens a segment for reading.
    pub fn open(&self, file: &SegmentFile) -> Result<SegmentReader> {
        if let Some(node) = &self.remote {
            // Only the leader's maintenance reads a remote segment whole; queries read it where it is.
            return Ok(SegmentReader::Memory(node.get_segment(file.table, file.slice, file.id)?));
        }
        match &self.root {
            Some(root) => {
                let path = Self::segment_path(root, file.table, file.slice, file.id);
                let f = Arc::new(File::open(&path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?);
                match &self.cipher {
                    Some(cipher) => {
                        let identity = Self::identity(file.table, file.slice, file.id);
                        let segment = cipher.open_segment(identity, f, path.display().to_string())?;
                        Ok(SegmentReader::Encrypted(Arc::new(segment)))
                    }
                    None => Ok(SegmentReader::File(f)),
                }
            }
            None => match crate::sync::lock(&self.memory).get(&file.id) {
                Some(b) => Ok(SegmentReader::Memory(b.clone())),
                None => {
                    Err(Error::new(crate::error::sqlstate::DATA_CORRUPTED, format!("segment {} is missing", file.id)))
                }
            },
        }
    }

    /// A whole segment file (a compute node sends it to a leader that reads it itself).
    pub fn read_all(&self, file: &SegmentFile) -> Result<Bytes> {
        match self.open(file)? {
            SegmentReader::Memory(bytes) => Ok(bytes),
            SegmentReader::Encrypted(segment) => segment.read(0, segment.plaintext_len() as usize),
            SegmentReader::File(f) => {
                let mut data = vec![];
                (&*f).read_to_end(&mut data).map_err(|e| Error::io(format!("reading {}", self.describe(file)), e))?;
                Ok(Bytes::from(data))
            }
        }
    }

    /// The segment's parsed footer (schema, row groups, zone maps), cached after the first read.
    pub fn footer(&self, file: &SegmentFile, reader: &SegmentReader) -> Result<ArrowReaderMetadata> {
        if let Some(m) = crate::sync::lock(&self.footers).get(&file.id) {
            return Ok(m.clone());
        }
        let options = ArrowReaderOptions::new();
        let metadata = ArrowReaderMetadata::load(reader, options)?;
        crate::sync::lock(&self.footers).insert(file.id, metadata.clone());
        Ok(metadata)
    }

    fn remove(&self, file: &SegmentFile) {
        crate::sync::lock(&self.footers).remove(&file.id);
        if let Some(node) = &self.remote {
            node.remove_segment_later(file.table, file.slice, file.id);
            return;
        }
        self.remove_file(file.table, file.slice, file.id)
    }

    /// Deletes a segment file of this node's (a compute node does this for its leader).
    pub fn remove_file(&self, table: RelId, slice: u32, id: SegmentId) {
        crate::sync::lock(&self.footers).remove(&id);
        match &self.root {
            Some(root) => {
                let path = Self::segment_path(root, table, slice, id);
                if let Err(e) = std::fs::remove_file(&path) {
                    tracing::warn!("could not remove obsolete segment {}: {e}", path.display());
                }
            }
            None => {
                crate::sync::lock(&self.memory).remove(&id);
            }
        }
    }

    /// Deletes segment files that no committed catalog entry references: what a crash between
    /// writing segments and committing left behind. Returns how many were removed.
    pub fn remove_orphans(&self, referenced: &HashSet<SegmentId>) -> Result<usize> {
        if let Some(node) = &self.remote {
            return node.remove_orphans(referenced);
        }
        let Some(root) = &self.root else { return Ok(0) };
        let slices = root.join("slices");
        let mut removed = 0;
        let Ok(slice_dirs) = std::fs::read_dir(&slices) else { return Ok(0) };
        for slice_dir in slice_dirs.flatten() {
            for table_dir in std::fs::read_dir(slice_dir.path()).into_iter().flatten().flatten() {
                for entry in std::fs::read_dir(table_dir.path()).into_iter().flatten().flatten() {
                    let path = entry.path();
                    let id = path.file_stem().and_then(|s| s.to_str()).and_then(|s| s.parse::<SegmentId>().ok());
                    if id.is_none_or(|id| !referenced.contains(&id)) {
                        std::fs::remove_file(&path)
                            .map_err(|e| Error::io(format!("removing orphan {}", path.display()), e))?;
                        removed += 1;
                    }
                }
            }
        }
        Ok(removed)
    }
}

/// A segment file. When marked obsolete it is deleted as soon as the last snapshot using it is gone.
pub struct SegmentFile {
    pub id: SegmentId,
    pub table: RelId,
    pub slice: u32,
    pub bytes: u64,
    storage: Arc<Storage>,
    obsolete: AtomicBool,
}

impl SegmentFile {
    pub fn mark_obsolete(&self) {
        self.obsolete.store(true, Ordering::Release);
    }
    pub fn storage(&self) -> &Arc<Storage> {
        &self.storage
    }
}

impl Drop for SegmentFile {
    fn drop(&mut self) {
        if self.obsolete.load(Ordering::Acquire) {
            self.storage.remove(self);
        }
    }
}

impl fmt::Debug for SegmentFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "segment {} (table {}, slice {})", self.id, self.table, self.slice)
    }
}

/// A table's segment as one catalog version sees it: the file plus the rows deleted so far.
#[derive(Debug, Clone)]
pub struct SegmentRef {
    pub file: Arc<SegmentFile>,
    pub slice: u32,
    pub rows: u64,
    pub deleted: Option<Arc<RoaringBitmap>>,
}

impl SegmentRef {
    pub fn new(file: Arc<SegmentFile>, rows: u64) -> Self {
        SegmentRef { slice: file.slice, file, rows, deleted: None }
    }
    pub fn live_rows(&self) -> u64 {
        self.rows - self.deleted.as_ref().map_or(0, |d| d.len())
    }
    pub fn id(&self) -> SegmentId {
        self.file.id
    }
    pub fn is_deleted(&self, row: u32) -> bool {
        self.deleted.as_ref().is_some_and(|d| d.contains(row))
    }
}

/// Read access to a segment's bytes for the Parquet reader.
#[derive(Clone)]
pub enum SegmentReader {
    File(Arc<File>),
    Memory(Bytes),
    /// An encrypted file: ranges are decrypted as they are read.
    Encrypted(Arc<encryption::EncryptedSegment>),
}

impl Length for SegmentReader {
    fn len(&self) -> u64 {
        match self {
            SegmentReader::File(f) => f.metadata().map(|m| m.len()).unwrap_or(0),
            SegmentReader::Memory(b) => b.len() as u64,
            SegmentReader::Encrypted(segment) => segment.plaintext_len(),
        }
    }
}

impl ChunkReader for SegmentReader {
    type T = Box<dyn Read + Send>;

    fn get_read(&self, start: u64) -> datafusion::parquet::errors::Result<Self::T> {
        match self {
            SegmentReader::File(f) => {
                let mut f = f.try_clone()?;
                f.seek(SeekFrom::Start(start))?;
                Ok(Box::new(std::io::BufReader::new(f)))
            }
            SegmentReader::Memory(b) => Ok(Box::new(std::io::Cursor::new(b.slice(start as usize..)))),
            SegmentReader::Encrypted(segment) => {
                Ok(Box::new(encryption::EncryptedRead::new(Arc::clone(segment), start as usize)))
            }
        }
    }

    fn get_bytes(&self, start: u64, length: usize) -> datafusion::parquet::errors::Result<Bytes> {
        match self {
            SegmentReader::File(f) => {
                let mut buf = vec![0; length];
                std::os::unix::fs::FileExt::read_exact_at(f.as_ref(), &mut buf, start)?;
                Ok(Bytes::from(buf))
            }
            SegmentReader::Memory(b) => {
                let end = start as usize + length;
                if end > b.len() {
                    return Err(datafusion::parquet::errors::ParquetError::EOF("read past end of segment".into()));
                }
                Ok(b.slice(start as usize..end))
            }
            SegmentReader::Encrypted(segment) => segment.read(start as usize, length).map_err(parquet_error),
        }
    }
}

/// A Redwood error (an integrity failure naming the file) carried through the Parquet reader.
fn parquet_error(error: Error) -> datafusion::parquet::errors::ParquetError {
    datafusion::parquet::errors::ParquetError::External(Box::new(error))
}
