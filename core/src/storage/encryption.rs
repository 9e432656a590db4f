//! Encryption at rest, with Redshift's key hierarchy: a **root key** from a key provider (a key
//! file only its owner can read, an environment secret, or a KMS key that never leaves KMS:
//! `kms`) wraps a **cluster key**, which wraps
//! the **database key**, which wraps a fresh **data key** per segment file. Everything is
//! AES-256-GCM (ring). The wrapped cluster and database keys are kept in `keyring.json` in the
//! data directory; rotating the cluster key re-wraps the database key and rewrites no data.
//!
//! A segment file is sealed in 64 KiB chunks, each authenticated with the segment's identity,
//! its position and whether it is the last, so a reader can decrypt just the byte ranges Parquet
//! asks for, and a flipped, moved, reordered or truncated chunk fails with an integrity error
//! naming the file rather than returning wrong bytes.

use super::kms::KmsKey;
use crate::err;
use crate::error::{Error, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use bytes::Bytes;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use std::fs::File;
use std::path::{Path, PathBuf};

pub const KEY_LEN: usize = 32;
const TAG_LEN: usize = 16;
/// Plaintext bytes per sealed chunk of a segment file.
const CHUNK: usize = 64 * 1024;
/// Starts every encrypted segment file (format version 1).
const SEGMENT_MAGIC: &[u8; 8] = b"RWENC\x00\x01\x00";
/// A sealed key: nonce, key, tag.
const WRAPPED_LEN: usize = NONCE_LEN + KEY_LEN + TAG_LEN;
/// Nonces of a file's chunks: a random prefix, then the chunk's index.
const PREFIX_LEN: usize = 8;
const HEADER_LEN: usize = SEGMENT_MAGIC.len() + WRAPPED_LEN + PREFIX_LEN;
const KEYRING: &str = "keyring.json";

/// 256 bits of key material.
#[derive(Clone)]
pub struct KeyBytes([u8; KEY_LEN]);

impl KeyBytes {
    fn random() -> Result<KeyBytes> {
        let mut key = [0u8; KEY_LEN];
        SystemRandom::new().fill(&mut key).map_err(|_| Error::internal("the system's random source failed"))?;
        Ok(KeyBytes(key))
    }

    fn cipher(&self) -> LessSafeKey {
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &self.0).expect("a 256-bit key"))
    }

    /// `plaintext` sealed under this key with a random nonce: nonce ‖ ciphertext ‖ tag.
    fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).map_err(|_| Error::internal("the system's random source failed"))?;
        let mut sealed = plaintext.to_vec();
        self.cipher()
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), &mut sealed)
            .map_err(|_| Error::internal("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The plaintext of [`KeyBytes::seal`]'s output; `None` if it was not sealed under this
    /// key with this `aad`, or was changed since.
    fn open(&self, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, ciphertext) = sealed.split_at_checked(NONCE_LEN)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buffer = ciphertext.to_vec();
        let plain = self.cipher().open_in_place(nonce, Aad::from(aad), &mut buffer).ok()?;
        Some(plain.to_vec())
    }

    fn wrap(&self, key: &KeyBytes, purpose: &[u8]) -> Result<Vec<u8>> {
        self.seal(purpose, &key.0)
    }

    fn unwrap_key(&self, wrapped: &[u8], purpose: &[u8]) -> Option<KeyBytes> {
        self.open(purpose, wrapped).and_then(|k| <[u8; KEY_LEN]>::try_from(k.as_slice()).ok()).map(KeyBytes)
    }
}

/// Where the root key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootKeySource {
    /// A file holding the key (32 bytes, or 64 hex digits, or base64), readable by its owner only.
    File(PathBuf),
    /// An environment variable holding the key (hex or base64).
    Env(String),
    /// A KMS key (id, ARN or alias) that encrypts the cluster key (see `kms`).
    Kms(String),
}

impl RootKeySource {
    fn load(&self) -> Result<RootKey> {
        match self {
            RootKeySource::File(path) => {
                let data = super::secret_file::read_owner_only(path, "root key file")?;
                parse_key(&data).map(RootKey::Local).ok_or_else(|| {
                    err!(
                        INVALID_PARAMETER_VALUE,
                        "root key file {} holds no 256-bit key (32 bytes, 64 hex digits or base64)",
                        path.display()
                    )
                })
            }
            RootKeySource::Env(var) => {
                let value = std::env::var(var).map_err(|_| {
                    err!(INVALID_PARAMETER_VALUE, "environment variable {var} (the root key) is not set")
                })?;
                parse_key(value.as_bytes()).map(RootKey::Local).ok_or_else(|| {
                    err!(
                        INVALID_PARAMETER_VALUE,
                        "environment variable {var} holds no 256-bit key (64 hex digits or base64)"
                    )
                })
            }
            RootKeySource::Kms(key_id) => Ok(RootKey::Kms(KmsKey::from_environment(key_id)?)),
        }
    }
}

/// The top of the hierarchy: key material held here, or a KMS key that never leaves KMS.
enum RootKey {
    Local(KeyBytes),
    Kms(KmsKey),
}

impl RootKey {
    fn wrap_cluster_key(&self, cluster: &KeyBytes) -> Result<Vec<u8>> {
        match self {
            RootKey::Local(root) => root.wrap(cluster, CLUSTER_KEY_PURPOSE.as_bytes()),
            RootKey::Kms(kms) => kms.encrypt(&cluster.0, CLUSTER_KEY_PURPOSE),
        }
    }

    /// The cluster key `wrapped` under this root key; 28P01 when it is not this root key's.
    fn unwrap_cluster_key(&self, wrapped: &[u8], keyring: &Path) -> Result<KeyBytes> {
        let wrong = || {
            err!(
                INVALID_PASSWORD,
                "the root key does not open this database's keys ({}): wrong root key?",
                keyring.display()
            )
        };
        match self {
            RootKey::Local(root) => root.unwrap_key(wrapped, CLUSTER_KEY_PURPOSE.as_bytes()).ok_or_else(wrong),
            RootKey::Kms(kms) => <[u8; KEY_LEN]>::try_from(kms.decrypt(wrapped, CLUSTER_KEY_PURPOSE)?.as_slice())
                .map(KeyBytes)
                .map_err(|_| wrong()),
        }
    }

    /// The KMS key, as `keyring.json` records it.
    fn kms_key_id(&self) -> Option<String> {
        match self {
            RootKey::Local(_) => None,
            RootKey::Kms(kms) => Some(kms.key_id().to_string()),
        }
    }
}

/// A key given as 32 raw bytes, 64 hex digits or base64.
fn parse_key(data: &[u8]) -> Option<KeyBytes> {
    if let Ok(raw) = <[u8; KEY_LEN]>::try_from(data) {
        return Some(KeyBytes(raw));
    }
    let text = std::str::from_utf8(data).ok()?.trim();
    let bytes = if text.len() == 2 * KEY_LEN && text.chars().all(|c| c.is_ascii_hexdigit()) {
        (0..KEY_LEN).map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()).collect::<Option<Vec<u8>>>()?
    } else {
        BASE64.decode(text).ok()?
    };
    <[u8; KEY_LEN]>::try_from(bytes.as_slice()).ok().map(KeyBytes)
}

/// `keyring.json`: the cluster key wrapped by the root key, the database key by the cluster key.
#[derive(serde::Serialize, serde::Deserialize)]
struct KeyringFile {
    format: u32,
    cipher: String,
    cluster_key: String,
    database_key: String,
    /// The KMS key that encrypted the cluster key, when the root key is in KMS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kms_key_id: Option<String>,
}

const CLUSTER_KEY_PURPOSE: &str = "redwood cluster key";
const DATABASE_KEY_PURPOSE: &[u8] = b"redwood database key";

/// The keys of an encrypted data directory, opened with its root key.
pub struct Keyring {
    dir: PathBuf,
    root: RootKey,
    database: KeyBytes,
}

impl Keyring {
    /// Whether `dir` holds an encrypted database.
    pub fn exists(dir: &Path) -> bool {
        dir.join(KEYRING).exists()
    }

    /// The keys of a data directory (a database's or a compute node's), opened — or made, for a
    /// `new` directory to `encrypt` — before anything in it is read or written: a wrong or
    /// missing root key fails here and changes nothing. `None`: the directory is not encrypted.
    pub fn for_directory(
        dir: &Path,
        root_key: Option<&RootKeySource>,
        encrypt: bool,
        new: bool,
    ) -> Result<Option<Keyring>> {
        match (root_key, Keyring::exists(dir)) {
            (Some(source), true) => Ok(Some(Keyring::open(dir, source)?)),
            (None, true) => Err(err!(
                INVALID_PASSWORD,
                "{} is encrypted: give its root key (--root-key-file, --root-key-env or --root-key-kms)",
                dir.display()
            )),
            (Some(source), false) if encrypt && new => Ok(Some(Keyring::create(dir, source)?)),
            (Some(_), false) if !new => Err(err!(
                FEATURE_NOT_SUPPORTED,
                "{} is not encrypted; encrypting existing data is not supported yet (UNLOAD and COPY it into a new encrypted database)",
                dir.display()
            )),
            (Some(_), false) => Err(err!(INVALID_PARAMETER_VALUE, "a root key was given without --encrypt for the new {}", dir.display())),
            (None, false) if encrypt => Err(err!(INVALID_PARAMETER_VALUE, "--encrypt needs a root key (--root-key-file, --root-key-env or --root-key-kms)")),
            (None, false) => Ok(None),
        }
    }

    /// New keys for a new encrypted database in `dir`.
    pub fn create(dir: &Path, source: &RootKeySource) -> Result<Keyring> {
        let root = source.load()?;
        let keyring = Keyring { dir: dir.to_path_buf(), root, database: KeyBytes::random()? };
        keyring.write(&KeyBytes::random()?)?;
        Ok(keyring)
    }

    /// Opens the keys of `dir` with the root key; a wrong key fails here, before anything is
    /// read or written.
    pub fn open(dir: &Path, source: &RootKeySource) -> Result<Keyring> {
        let root = source.load()?;
        let path = dir.join(KEYRING);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        let file: KeyringFile =
            serde_json::from_str(&text).map_err(|e| err!(DATA_CORRUPTED, "{} is unreadable: {e}", path.display()))?;
        let decode = |what: &str, text: &str| {
            BASE64.decode(text).map_err(|e| err!(DATA_CORRUPTED, "{} ({what}): {e}", path.display()))
        };
        if let (Some(kms_key), RootKey::Local(_)) = (&file.kms_key_id, &root) {
            return Err(err!(
                INVALID_PASSWORD,
                "{} is encrypted under the KMS key {kms_key}: give --root-key-kms",
                dir.display()
            ));
        }
        let cluster = root.unwrap_cluster_key(&decode("cluster key", &file.cluster_key)?, &path)?;
        let database = cluster
            .unwrap_key(&decode("database key", &file.database_key)?, DATABASE_KEY_PURPOSE)
            .ok_or_else(|| err!(DATA_CORRUPTED, "the database key in {} fails its integrity check", path.display()))?;
        Ok(Keyring { dir: dir.to_path_buf(), root, database })
    }

    /// A new cluster key, with the database key re-wrapped under it (no data is rewritten).
    pub fn rotate(&self) -> Result<()> {
        self.write(&KeyBytes::random()?)
    }

    /// Writes the keyring atomically (a new file renamed over the old, both fsynced).
    fn write(&self, cluster: &KeyBytes) -> Result<()> {
        let file = KeyringFile {
            format: 1,
            cipher: "AES-256-GCM".into(),
            cluster_key: BASE64.encode(self.root.wrap_cluster_key(cluster)?),
            database_key: BASE64.encode(cluster.wrap(&self.database, DATABASE_KEY_PURPOSE)?),
            kms_key_id: self.root.kms_key_id(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| Error::internal(e.to_string()))?;
        let (path, temporary) = (self.dir.join(KEYRING), self.dir.join(format!("{KEYRING}.new")));
        let write = || -> std::io::Result<()> {
            let mut f = File::create(&temporary)?;
            std::io::Write::write_all(&mut f, text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&temporary, &path)?;
            File::open(&self.dir)?.sync_all()
        };
        write().map_err(|e| Error::io(format!("writing {}", path.display()), e))
    }

    /// What encrypts segment files and catalog values.
    pub fn cipher(&self) -> DataCipher {
        DataCipher { database: self.database.clone() }
    }
}

/// Encrypts with the database key: segment files (under per-file data keys) and values the
/// catalog keeps.
#[derive(Clone)]
pub struct DataCipher {
    database: KeyBytes,
}

impl std::fmt::Debug for DataCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataCipher")
    }
}

/// What a segment's chunks are bound to: the file they belong to.
fn segment_aad(identity: &str, chunk: u32, last: bool) -> Vec<u8> {
    let mut aad = identity.as_bytes().to_vec();
    aad.extend_from_slice(&chunk.to_be_bytes());
    aad.push(u8::from(last));
    aad
}

fn chunk_nonce(prefix: &[u8], chunk: u32) -> Nonce {
    let mut nonce = [0u8; NONCE_LEN];
    nonce[..PREFIX_LEN].copy_from_slice(prefix);
    nonce[PREFIX_LEN..].copy_from_slice(&chunk.to_be_bytes());
    Nonce::assume_unique_for_key(nonce)
}

impl DataCipher {
    /// A segment file's bytes, encrypted under a new data key. `identity` names the segment
    /// (table, slice, id): a file moved to another segment's place fails to decrypt.
    pub fn encrypt_segment(&self, identity: &str, plaintext: &[u8]) -> Result<Vec<u8>> {
        let data_key = KeyBytes::random()?;
        let mut prefix = [0u8; PREFIX_LEN];
        SystemRandom::new().fill(&mut prefix).map_err(|_| Error::internal("the system's random source failed"))?;
        let chunks = plaintext.len().div_ceil(CHUNK).max(1);
        let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + chunks * TAG_LEN);
        out.extend_from_slice(SEGMENT_MAGIC);
        out.extend_from_slice(&self.database.wrap(&data_key, identity.as_bytes())?);
        out.extend_from_slice(&prefix);
        let cipher = data_key.cipher();
        for index in 0..chunks {
            let piece = &plaintext[(index * CHUNK).min(plaintext.len())..((index + 1) * CHUNK).min(plaintext.len())];
            let start = out.len();
            out.extend_from_slice(piece);
            let tag = cipher
                .seal_in_place_separate_tag(
                    chunk_nonce(&prefix, index as u32),
                    Aad::from(segment_aad(identity, index as u32, index + 1 == chunks)),
                    &mut out[start..],
                )
                .map_err(|_| Error::internal("encryption failed"))?;
            out.extend_from_slice(tag.as_ref());
        }
        Ok(out)
    }

    /// Opens an encrypted segment file for reading ranges of its plaintext.
    pub fn open_segment(
        &self,
        identity: String,
        file: std::sync::Arc<File>,
        described: String,
    ) -> Result<EncryptedSegment> {
        let integrity = |what: &str| err!(DATA_CORRUPTED, "{described}: {what} (integrity check failed)");
        let length = file.metadata().map_err(|e| Error::io(format!("reading {described}"), e))?.len() as usize;
        let mut header = [0u8; HEADER_LEN];
        std::os::unix::fs::FileExt::read_exact_at(file.as_ref(), &mut header, 0)
            .map_err(|_| integrity("too short for an encrypted segment"))?;
        if &header[..SEGMENT_MAGIC.len()] != SEGMENT_MAGIC {
            return Err(integrity("not an encrypted segment"));
        }
        let wrapped = &header[SEGMENT_MAGIC.len()..SEGMENT_MAGIC.len() + WRAPPED_LEN];
        let data_key = self
            .database
            .unwrap_key(wrapped, identity.as_bytes())
            .ok_or_else(|| integrity("its data key does not open"))?;
        let prefix = header[HEADER_LEN - PREFIX_LEN..].to_vec();
        let body = length - HEADER_LEN;
        let chunks = body.div_ceil(CHUNK + TAG_LEN).max(1);
        let plain_length = body.checked_sub(chunks * TAG_LEN).ok_or_else(|| integrity("truncated"))?;
        Ok(EncryptedSegment {
            file,
            cipher: data_key.cipher(),
            prefix,
            identity,
            chunks,
            plain_length,
            described,
            last: std::sync::Mutex::new(None),
        })
    }

    /// A catalog value sealed for storage (`enc:` + base64), bound to the field it is stored in.
    pub fn seal_text(&self, field: &str, text: &str) -> Result<String> {
        Ok(format!("enc:{}", BASE64.encode(self.database.seal(field.as_bytes(), text.as_bytes())?)))
    }

    /// The value [`DataCipher::seal_text`] sealed.
    pub fn open_text(&self, field: &str, sealed: &str) -> Result<String> {
        let corrupt = || err!(DATA_CORRUPTED, "an encrypted catalog value ({field}) fails its integrity check");
        let data = sealed.strip_prefix("enc:").ok_or_else(corrupt)?;
        let plain =
            self.database.open(field.as_bytes(), &BASE64.decode(data).map_err(|_| corrupt())?).ok_or_else(corrupt)?;
        String::from_utf8(plain).map_err(|_| corrupt())
    }
}

/// An encrypted segment file, read by plaintext ranges (whole chunks are decrypted).
pub struct EncryptedSegment {
    file: std::sync::Arc<File>,
    cipher: LessSafeKey,
    prefix: Vec<u8>,
    identity: String,
    chunks: usize,
    plain_length: usize,
    described: String,
    /// The chunk decrypted last: Parquet reads a page's header, then its data, from the same one.
    last: std::sync::Mutex<Option<(usize, Bytes)>>,
}

impl EncryptedSegment {
    pub fn plaintext_len(&self) -> u64 {
        self.plain_length as u64
    }

    /// Plaintext bytes `start..start + length`.
    pub fn read(&self, start: usize, length: usize) -> Result<Bytes> {
        let end = start + length;
        if end > self.plain_length {
            return Err(err!(DATA_CORRUPTED, "{}: read past the end of the segment", self.described));
        }
        if length == 0 {
            return Ok(Bytes::new());
        }
        let (first, last) = (start / CHUNK, (end - 1) / CHUNK);
        if first == last {
            let chunk = self.chunk(first)?;
            let skip = start - first * CHUNK;
            return Ok(chunk.slice(skip..skip + length));
        }
        let mut plain = Vec::with_capacity((last - first + 1) * CHUNK);
        for index in first..=last {
            plain.extend_from_slice(&self.chunk(index)?);
        }
        let skip = start - first * CHUNK;
        Ok(Bytes::from(plain).slice(skip..skip + length))
    }

    /// The plaintext of chunk `index`.
    fn chunk(&self, index: usize) -> Result<Bytes> {
        if let Some((cached, chunk)) = self.last.lock().unwrap().as_ref() {
            if *cached == index {
                return Ok(chunk.clone());
            }
        }
        let size = CHUNK.min(self.plain_length - index * CHUNK);
        let mut sealed = vec![0u8; size + TAG_LEN];
        let offset = (HEADER_LEN + index * (CHUNK + TAG_LEN)) as u64;
        std::os::unix::fs::FileExt::read_exact_at(self.file.as_ref(), &mut sealed, offset)
            .map_err(|e| Error::io(format!("reading {}", self.described), e))?;
        let aad = segment_aad(&self.identity, index as u32, index + 1 == self.chunks);
        self.cipher.open_in_place(chunk_nonce(&self.prefix, index as u32), Aad::from(aad), &mut sealed).map_err(
            |_| {
                err!(
                    DATA_CORRUPTED,
                    "{}: chunk {index} fails its integrity check (the file was changed or damaged)",
                    self.described
                )
            },
        )?;
        sealed.truncate(size);
        let chunk = Bytes::from(sealed);
        *self.last.lock().unwrap() = Some((index, chunk.clone()));
        Ok(chunk)
    }
}

/// Reads an encrypted segment from a position on, decrypting a chunk at a time as it goes (the
/// Parquet reader reads page headers this way).
pub struct EncryptedRead {
    segment: std::sync::Arc<EncryptedSegment>,
    position: usize,
}

impl EncryptedRead {
    pub fn new(segment: std::sync::Arc<EncryptedSegment>, position: usize) -> EncryptedRead {
        EncryptedRead { segment, position }
    }
}

impl std::io::Read for EncryptedRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.position >= self.segment.plain_length || buf.is_empty() {
            return Ok(0);
        }
        let chunk_end = (self.position / CHUNK + 1) * CHUNK;
        let length = buf.len().min(chunk_end.min(self.segment.plain_length) - self.position);
        let bytes = self.segment.read(self.position, length).map_err(std::io::Error::other)?;
        buf[..length].copy_from_slice(&bytes);
        self.position += length;
        Ok(length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> DataCipher {
        DataCipher { database: KeyBytes::random().unwrap() }
    }

    fn written(data: &[u8]) -> (tempfile::TempDir, std::sync::Arc<File>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("segment");
        std::fs::write(&path, data).unwrap();
        (dir, std::sync::Arc::new(File::open(&path).unwrap()))
    }

    #[test]
    fn segments_read_back_by_range_and_refuse_tampering() {
        let cipher = cipher();
        let plain: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let sealed = cipher.encrypt_segment("1/0/7", &plain).unwrap();
        let (_dir, file) = written(&sealed);
        let segment = cipher.open_segment("1/0/7".into(), file, "segment 7".into()).unwrap();
        assert_eq!(segment.plaintext_len(), plain.len() as u64);
        for (start, length) in [(0, 10), (65_530, 20), (131_000, 69_000), (199_999, 1)] {
            assert_eq!(segment.read(start, length).unwrap(), &plain[start..start + length]);
        }
        let mut rest = vec![];
        std::io::Read::read_to_end(&mut EncryptedRead::new(std::sync::Arc::new(segment), 65_530), &mut rest).unwrap();
        assert_eq!(rest, &plain[65_530..]);
        // Another segment's identity, a flipped byte, a truncated file: integrity errors.
        let (_dir, file) = written(&sealed);
        assert!(cipher.open_segment("1/0/8".into(), file, "segment 8".into()).is_err());
        let mut flipped = sealed.clone();
        flipped[HEADER_LEN + 70_000] ^= 1;
        let (_dir, file) = written(&flipped);
        let segment = cipher.open_segment("1/0/7".into(), file, "segment 7".into()).unwrap();
        assert!(segment.read(0, 10).is_ok());
        let error = segment.read(65_536 + 100, 10).unwrap_err();
        assert!(error.message.contains("segment 7") && error.message.contains("integrity"), "{}", error.message);
        let (_dir, file) = written(&sealed[..sealed.len() - CHUNK - TAG_LEN]);
        let segment = cipher.open_segment("1/0/7".into(), file, "segment 7".into()).unwrap();
        assert!(segment.read(0, segment.plaintext_len() as usize).is_err());
    }

    #[test]
    fn keyring_opens_with_its_root_key_only_and_rotates() {
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join("root.key");
        std::fs::write(&key_path, "11".repeat(32)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let source = RootKeySource::File(key_path.clone());
        assert!(Keyring::create(dir.path(), &source).is_err(), "a key file others can read is refused");
        std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let keyring = Keyring::create(dir.path(), &source).unwrap();
        let sealed = keyring.cipher().seal_text("columns.default_sql", "'secret'").unwrap();
        keyring.rotate().unwrap();
        let reopened = Keyring::open(dir.path(), &source).unwrap();
        assert_eq!(reopened.cipher().open_text("columns.default_sql", &sealed).unwrap(), "'secret'");
        assert!(reopened.cipher().open_text("columns.missing_sql", &sealed).is_err());
        std::env::set_var("REDWOOD_TEST_WRONG_ROOT_KEY", "22".repeat(32));
        let error = Keyring::open(dir.path(), &RootKeySource::Env("REDWOOD_TEST_WRONG_ROOT_KEY".into())).err().unwrap();
        assert!(error.message.contains("wrong root key"), "{}", error.message);
    }
}
