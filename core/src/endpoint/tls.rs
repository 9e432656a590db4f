//! TLS for the endpoint (rustls): the operator's certificate, or a self-signed one generated once
//! and kept in the data directory, as Redshift serves TLS out of the box.

use super::EndpointConfig;
use crate::err;
use crate::error::{Error, Result};
use pgwire::tokio::TlsAcceptor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;

const GENERATED_CERT: &str = "server.crt";
const GENERATED_KEY: &str = "server.key";

pub(super) fn acceptor(config: &EndpointConfig) -> Result<TlsAcceptor> {
    let (cert_pem, key_pem) = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => (read(cert)?, read(key)?),
        (None, None) => self_signed(config.tls_dir.as_deref())?,
        _ => return Err(err!(INVALID_PARAMETER_VALUE, "--tls-cert and --tls-key go together")),
    };
    let certs = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| err!(INVALID_PARAMETER_VALUE, "TLS certificate: {e}"))?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| err!(INVALID_PARAMETER_VALUE, "TLS key: {e}"))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let server = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .map_err(|e| err!(INVALID_PARAMETER_VALUE, "TLS configuration: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(server)))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))
}

/// A self-signed certificate for localhost, reused from `dir` when one was generated before.
fn self_signed(dir: Option<&Path>) -> Result<(Vec<u8>, Vec<u8>)> {
    let paths: Option<(PathBuf, PathBuf)> = dir.map(|d| (d.join(GENERATED_CERT), d.join(GENERATED_KEY)));
    if let Some((cert, key)) = &paths {
        if cert.exists() && key.exists() {
            return Ok((read(cert)?, read(key)?));
        }
    }
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let generated = rcgen::generate_simple_self_signed(names)
        .map_err(|e| err!(INTERNAL_ERROR, "generating a TLS certificate: {e}"))?;
    let (cert_pem, key_pem) = (generated.cert.pem().into_bytes(), generated.signing_key.serialize_pem().into_bytes());
    if let Some((cert, key)) = &paths {
        crate::storage::secret_file::write_owner_only(key, &key_pem)?;
        std::fs::write(cert, &cert_pem).map_err(|e| Error::io(format!("writing {}", cert.display()), e))?;
    }
    Ok((cert_pem, key_pem))
}
