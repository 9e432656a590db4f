//! TLS for remote connections (rustls), with libpq's `sslmode` meanings so that URLs written for
//! `psql` work unchanged:
//!
//! | `sslmode`            | TLS                          | the server's certificate            |
//! |----------------------|------------------------------|-------------------------------------|
//! | `disable`            | never                        | –                                   |
//! | `allow`, `prefer`    | when the server offers it    | not checked (encryption only)       |
//! | `require`            | always                       | not checked, unless `sslrootcert` is given: then as `verify-ca` |
//! | `verify-ca`          | always                       | signed by a trusted CA              |
//! | `verify-full`        | always                       | signed by a trusted CA, for the host |
//!
//! `prefer` is the default, as in libpq: `redwood serve` always offers TLS. Trusted CAs are the
//! PEM file `sslrootcert` names, or the system's store (`sslrootcert=system`, or no
//! `sslrootcert` with a `verify-*` mode).

use crate::err;
use crate::error::Result;
use std::path::PathBuf;
use std::sync::Arc;
use tokio_postgres::config::SslMode as WireSslMode;
use tokio_postgres_rustls::MakeRustlsConnect;
use tokio_rustls::rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    Disable,
    Allow,
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub fn parse(mode: &str) -> Result<SslMode> {
        Ok(match mode {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(err!(
                    INVALID_PARAMETER_VALUE,
                    "invalid sslmode \"{other}\": use disable, allow, prefer, require, verify-ca or verify-full"
                ))
            }
        })
    }
}

/// Where trusted CA certificates come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCerts {
    /// The operating system's store.
    System,
    /// A PEM file of one or more certificates.
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsSettings {
    pub mode: SslMode,
    pub root_certs: Option<RootCerts>,
}

/// How much of the server's certificate is checked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    Nothing,
    Chain,
    ChainAndHost,
}

impl TlsSettings {
    fn check(&self) -> Check {
        match self.mode {
            SslMode::Disable | SslMode::Allow | SslMode::Prefer => Check::Nothing,
            SslMode::Require if self.root_certs.is_none() => Check::Nothing,
            SslMode::Require | SslMode::VerifyCa => Check::Chain,
            SslMode::VerifyFull => Check::ChainAndHost,
        }
    }

    /// tokio-postgres's mode: it has no `allow` (tried in the clear first) and so starts TLS
    /// whenever the server offers it, which `allow` also accepts.
    pub(super) fn wire_mode(&self) -> WireSslMode {
        match self.mode {
            SslMode::Disable => WireSslMode::Disable,
            SslMode::Allow | SslMode::Prefer => WireSslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => WireSslMode::Require,
        }
    }

    /// The connector for these settings (also used to send cancel requests).
    pub(super) fn connector(&self) -> Result<MakeRustlsConnect> {
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let check = self.check();
        let webpki = match check {
            Check::Nothing => None,
            Check::Chain | Check::ChainAndHost => Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(self.load_roots()?), Arc::clone(&provider))
                    .build()
                    .map_err(|e| err!(CANNOT_CONNECT, "TLS root certificates: {e}"))?,
            ),
        };
        let verifier: Arc<dyn ServerCertVerifier> = match (check, webpki) {
            (Check::ChainAndHost, Some(webpki)) => webpki,
            (_, chain) => Arc::new(PartialCheck { chain, provider: Arc::clone(&provider) }),
        };
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| err!(INTERNAL_ERROR, "TLS configuration: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }

    fn load_roots(&self) -> Result<RootCertStore> {
        let mut roots = RootCertStore::empty();
        match self.root_certs.as_ref().unwrap_or(&RootCerts::System) {
            RootCerts::File(path) => {
                let certs = CertificateDer::pem_file_iter(path)
                    .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
                    .map_err(|e| err!(CANNOT_CONNECT, "cannot read sslrootcert {}: {e}", path.display()))?;
                for cert in certs {
                    roots.add(cert).map_err(|e| err!(CANNOT_CONNECT, "sslrootcert {}: {e}", path.display()))?;
                }
            }
            RootCerts::System => {
                let (added, _) = roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
                if added == 0 {
                    return Err(err!(
                        CANNOT_CONNECT,
                        "no trusted CA certificates in the system's store: give sslrootcert=<PEM file>"
                    ));
                }
            }
        }
        Ok(roots)
    }
}

/// libpq's checks short of `verify-full` (webpki's own verifier): none (encryption without
/// authentication: `prefer`, `require`), or the chain only (`verify-ca`: the certificate may name
/// another host). The handshake's signatures are always verified, so the session is bound to the
/// certificate presented.
#[derive(Debug)]
struct PartialCheck {
    chain: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PartialCheck {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, tokio_rustls::rustls::Error> {
        let Some(chain) = &self.chain else { return Ok(ServerCertVerified::assertion()) };
        // webpki checks the name after the chain: a name error means the chain was good.
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(tokio_rustls::rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
