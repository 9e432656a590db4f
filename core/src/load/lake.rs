//! Where COPY reads and UNLOAD writes: objects in S3 (any S3-compatible server) and local
//! files, both through `object_store`.
//!
//! S3 is configured the Redshift way, per statement (`CREDENTIALS '…'`, `ACCESS_KEY_ID …`,
//! `IAM_ROLE '…'`, `REGION '…'`), on top of the standard AWS environment (`AWS_ENDPOINT_URL`,
//! `AWS_REGION`, `AWS_ACCESS_KEY_ID`, …) and the server's `--s3-endpoint`. An `IAM_ROLE` stands for
//! the credentials the server itself holds (its environment): Redwood does not assume roles.

use crate::err;
use crate::error::{Error, Result};
use crate::sql::copy::Credentials;
use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use std::sync::Arc;

/// Server-wide settings for reaching the lake.
#[derive(Debug, Clone, Default)]
pub struct LakeConfig {
    /// An S3-compatible endpoint (`http://127.0.0.1:9000`), used unless the environment names one.
    pub s3_endpoint: Option<String>,
}

impl Credentials {
    fn has_keys(&self) -> bool {
        self.access_key_id.is_some() || self.secret_access_key.is_some()
    }
}

/// A place in the lake: a bucket and key (prefix) in S3, or a local path.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    S3 { bucket: String, key: String },
    Local(std::path::PathBuf),
}

impl Location {
    pub fn parse(text: &str) -> Result<Location> {
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(err!(INVALID_PARAMETER_VALUE, "\"{text}\" names no bucket"));
            }
            return Ok(Location::S3 { bucket: bucket.to_string(), key: key.to_string() });
        }
        let path = text.strip_prefix("file://").unwrap_or(text);
        if text.contains("://") && !text.starts_with("file://") {
            return Err(err!(FEATURE_NOT_SUPPORTED, "\"{text}\": only s3:// and file:// locations are supported"));
        }
        let path = std::path::Path::new(path);
        if !path.is_absolute() {
            return Err(err!(INVALID_PARAMETER_VALUE, "\"{text}\": a local path must be absolute"));
        }
        Ok(Location::Local(path.to_path_buf()))
    }

    pub fn is_local(&self) -> bool {
        matches!(self, Location::Local(_))
    }
}

/// One object (file) found in the lake.
#[derive(Debug, Clone)]
pub struct LakeObject {
    /// As users name it (`s3://bucket/key`, or the local path).
    pub name: String,
    pub path: ObjectPath,
    pub size: u64,
}

/// An open connection to one bucket, or to the local file system.
#[derive(Debug, Clone)]
pub struct Lake {
    store: Arc<dyn ObjectStore>,
    /// `s3://bucket/` or empty for local files.
    scheme_prefix: String,
}

impl Lake {
    /// Connects to where `location` is, with the statement's `credentials`.
    pub fn open(location: &Location, credentials: &Credentials, config: &LakeConfig) -> Result<Lake> {
        match location {
            Location::Local(_) => Ok(Lake { store: Arc::new(LocalFileSystem::new()), scheme_prefix: String::new() }),
            Location::S3 { bucket, .. } => {
                if !credentials.has_keys() && credentials.iam_role.is_none() {
                    return Err(err!(
                        INVALID_AUTHORIZATION,
                        "S3 access needs authorization: IAM_ROLE, CREDENTIALS or ACCESS_KEY_ID and SECRET_ACCESS_KEY"
                    ));
                }
                // A few quick retries: a statement should fail in seconds, not minutes, when the
                // endpoint is down (object_store's default keeps trying for three minutes).
                let retry = object_store::RetryConfig {
                    max_retries: 3,
                    retry_timeout: std::time::Duration::from_secs(20),
                    ..Default::default()
                };
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket).with_retry(retry);
                let env_endpoint =
                    std::env::var("AWS_ENDPOINT_URL_S3").or_else(|_| std::env::var("AWS_ENDPOINT_URL")).ok();
                if let Some(endpoint) = env_endpoint.or_else(|| config.s3_endpoint.clone()) {
                    // A local S3-compatible server: path-style requests, plain HTTP when it says so.
                    builder = builder
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false)
                        .with_endpoint(endpoint);
                }
                if std::env::var("AWS_REGION").is_err() && std::env::var("AWS_DEFAULT_REGION").is_err() {
                    builder = builder.with_region("us-east-1");
                }
                if let Some(region) = &credentials.region {
                    builder = builder.with_region(region);
                }
                if credentials.has_keys() {
                    let (Some(id), Some(secret)) = (&credentials.access_key_id, &credentials.secret_access_key) else {
                        return Err(err!(
                            INVALID_AUTHORIZATION,
                            "S3 credentials need both an access key id and a secret access key"
                        ));
                    };
                    builder = builder.with_access_key_id(id).with_secret_access_key(secret);
                    if let Some(token) = &credentials.session_token {
                        builder = builder.with_token(token);
                    }
                }
                let store = builder.build().map_err(|e| lake_error(e, &format!("s3://{bucket}")))?;
                Ok(Lake { store: Arc::new(store), scheme_prefix: format!("s3://{bucket}/") })
            }
        }
    }

    /// The local file system (objects are named by their paths).
    pub fn is_local(&self) -> bool {
        self.scheme_prefix.is_empty()
    }

    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// The object path of a key or local path.
    pub fn path_of(location: &Location) -> Result<ObjectPath> {
        match location {
            Location::S3 { key, .. } => Ok(ObjectPath::from(key.trim_end_matches('/'))),
            Location::Local(path) => ObjectPath::from_absolute_path(path)
                .map_err(|e| err!(INVALID_PARAMETER_VALUE, "invalid path \"{}\": {e}", path.display())),
        }
    }

    pub fn name_of(&self, path: &ObjectPath) -> String {
        if self.scheme_prefix.is_empty() {
            format!("/{path}")
        } else {
            format!("{}{path}", self.scheme_prefix)
        }
    }

    /// Every object whose name starts with `location` (Redshift's prefix match: `s3://b/part`
    /// finds `part-0001.csv` and `part/x.csv`), in name order. None is an error.
    pub async fn objects_under(&self, location: &Location) -> Result<Vec<LakeObject>> {
        let (prefix, shown) = match location {
            Location::S3 { key, .. } => (key.clone(), format!("{}{key}", self.scheme_prefix)),
            Location::Local(path) => {
                let text = path.to_string_lossy().to_string();
                (text.trim_start_matches('/').to_string(), text)
            }
        };
        // `object_store` lists whole path segments: list the prefix's parent, then match names.
        let parent = prefix.rfind('/').map(|i| ObjectPath::from(&prefix[..i]));
        if let Location::Local(path) = location {
            if path.is_file() {
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                return Ok(vec![LakeObject { name: shown, path: Lake::path_of(location)?, size }]);
            }
            if !path.parent().is_some_and(|p| p.is_dir()) {
                return Err(err!(UNDEFINED_FILE, "no files found under \"{shown}\""));
            }
        }
        let listed: Vec<object_store::ObjectMeta> =
            self.store.list(parent.as_ref()).try_collect().await.map_err(|e| lake_error(e, &shown))?;
        let mut objects: Vec<LakeObject> = listed
            .into_iter()
            .filter(|meta| meta.location.as_ref().starts_with(&prefix) && !meta.location.as_ref().ends_with('/'))
            .map(|meta| LakeObject { name: self.name_of(&meta.location), path: meta.location, size: meta.size })
            .collect();
        objects.sort_by(|a, b| a.name.cmp(&b.name));
        if objects.is_empty() {
            return Err(err!(UNDEFINED_FILE, "no files found under \"{shown}\"")
                .with_hint("check the bucket and prefix; COPY loads every object whose name starts with the prefix"));
        }
        Ok(objects)
    }

    /// The files in a folder and its subfolders (an external table's or partition's), leaving
    /// out what Spectrum ignores: empty objects, and names starting with `.`, `_` or `#` or
    /// ending with `~`. A missing folder has no files.
    pub async fn files_in(&self, folder: &Location) -> Result<Vec<object_store::ObjectMeta>> {
        let prefix = Lake::path_of(folder)?;
        let listed: std::result::Result<Vec<object_store::ObjectMeta>, _> =
            self.store.list(Some(&prefix)).try_collect().await;
        let mut files = match listed {
            Ok(files) => files,
            Err(object_store::Error::NotFound { .. }) => vec![],
            Err(e) => return Err(lake_error(e, &self.name_of(&prefix))),
        };
        files.retain(|meta| {
            let name = meta.location.filename().unwrap_or_default();
            meta.size > 0 && !name.starts_with(['.', '_', '#']) && !name.ends_with('~')
        });
        files.sort_by(|a, b| a.location.cmp(&b.location));
        Ok(files)
    }

    /// The whole of an object.
    pub async fn read(&self, path: &ObjectPath) -> Result<bytes::Bytes> {
        let name = self.name_of(path);
        let result = self.store.get(path).await.map_err(|e| lake_error(e, &name))?;
        result.bytes().await.map_err(|e| lake_error(e, &name))
    }

    /// An object as a stream of byte pieces.
    pub async fn stream(&self, path: &ObjectPath) -> Result<futures::stream::BoxStream<'static, Result<bytes::Bytes>>> {
        let name = self.name_of(path);
        let result = self.store.get(path).await.map_err(|e| lake_error(e, &name))?;
        Ok(Box::pin(result.into_stream().map_err(move |e| lake_error(e, &name))))
    }

    pub async fn write(&self, path: &ObjectPath, data: bytes::Bytes) -> Result<()> {
        let name = self.name_of(path);
        self.store.put(path, data.into()).await.map_err(|e| lake_error(e, &name))?;
        Ok(())
    }
}

/// An `object_store` failure as a SQL error naming the object.
pub fn lake_error(error: object_store::Error, name: &str) -> Error {
    match error {
        object_store::Error::NotFound { .. } => err!(UNDEFINED_FILE, "\"{name}\" does not exist"),
        object_store::Error::PermissionDenied { source, .. } | object_store::Error::Unauthenticated { source, .. } => {
            err!(INVALID_AUTHORIZATION, "access to \"{name}\" was refused: {source}")
        }
        other => {
            let text = other.to_string();
            // S3 reports bad keys as a 403 inside a generic client error.
            if text.contains("InvalidAccessKeyId") || text.contains("SignatureDoesNotMatch") || text.contains("403") {
                err!(INVALID_AUTHORIZATION, "access to \"{name}\" was refused: {text}")
            } else if text.contains("NoSuchBucket") {
                err!(UNDEFINED_FILE, "the bucket of \"{name}\" does not exist")
            } else {
                err!(IO_ERROR, "could not reach \"{name}\": {text}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_and_credentials_parse() {
        assert_eq!(
            Location::parse("s3://bucket/a/b").unwrap(),
            Location::S3 { bucket: "bucket".into(), key: "a/b".into() }
        );
        assert_eq!(Location::parse("file:///tmp/x").unwrap(), Location::Local("/tmp/x".into()));
        assert!(Location::parse("relative/path").is_err());
        assert!(Location::parse("gs://b/k").is_err());
        let c = Credentials::parse_legacy("aws_access_key_id=AK;aws_secret_access_key=SK;token=T").unwrap();
        assert_eq!(
            (c.access_key_id.as_deref(), c.secret_access_key.as_deref(), c.session_token.as_deref()),
            (Some("AK"), Some("SK"), Some("T"))
        );
        assert!(Credentials::parse_legacy("nonsense").is_err());
    }
}
