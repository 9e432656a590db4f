//! Files that hold secrets (keys, generated TLS keys): written readable by their owner only, and
//! refused when others can read them, as ssh does with private keys.

use crate::err;
use crate::error::{Error, Result};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Reads `path` (described to the user as `what`), refusing it when group or others can read it.
pub fn read_owner_only(path: &Path, what: &str) -> Result<Vec<u8>> {
    let metadata = std::fs::metadata(path)
        .map_err(|e| Error::new(crate::error::sqlstate::UNDEFINED_FILE, format!("{what} {}: {e}", path.display())))?;
    let mode = metadata.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(err!(
            INVALID_PARAMETER_VALUE,
            "{what} {} is readable by others than its owner (mode {:o}); chmod 600 it",
            path.display(),
            mode & 0o777
        ));
    }
    std::fs::read(path).map_err(|e| Error::io(format!("reading {what} {}", path.display()), e))
}

/// Writes `bytes` to `path` readable by the owner only (replacing any file there).
pub fn write_owner_only(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    file.write_all(bytes).map_err(|e| Error::io(format!("writing {}", path.display()), e))
}

/// Creates `path` with `bytes`, readable by the owner only, unless it exists: then its content is
/// returned instead, so that two processes creating it at once agree on one secret.
pub fn create_or_read_owner_only(path: &Path, what: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let staged =
        dir.join(format!(".{}.{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("secret"), std::process::id()));
    write_owner_only(&staged, bytes)?;
    std::fs::File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(format!("writing {}", staged.display()), e))?;
    // A hard link fails when `path` exists: the first writer wins, atomically, with complete content.
    let linked = std::fs::hard_link(&staged, path);
    let _ = std::fs::remove_file(&staged);
    match linked {
        Ok(()) => Ok(bytes.to_vec()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_owner_only(path, what),
        Err(e) => Err(Error::io(format!("creating {what} {}", path.display()), e)),
    }
}
