//! The part of Amazon Redshift's management API that clients need to log in with temporary
//! credentials: `GetClusterCredentials` and `DescribeClusters`, served over HTTPS with AWS's
//! query protocol (form parameters in, XML out) and SigV4-signed requests, so that boto3, the
//! AWS CLI and the Redshift drivers' IAM login (`redshift_connector.connect(iam=True, …,
//! endpoint_url=…)`) work against Redwood unchanged.
//!
//! Access keys and what each may do stand in for IAM users and their policies: a JSON file the
//! operator writes (`redwood serve --access-keys FILE`, owner-only):
//!
//! ```json
//! {"access_keys": [{"access_key_id": "AKIDALICE", "secret_access_key": "…", "iam_user": "alice",
//!   "db_users": ["alice"], "db_groups": ["analysts"], "auto_create": true}]}
//! ```
//!
//! `db_users` and `db_groups` are the `dbuser:` and `dbgroup:` resources a policy would allow
//! (a trailing `*` matches any suffix; `db_users` defaults to the IAM user's own name);
//! `auto_create` allows `AutoCreate=true`.

use super::sigv4::{Authorization, SignedRequest};
use crate::catalog::DEFAULT_DATABASE;
use crate::err;
use crate::error::{Error, Result};
use crate::leader::credentials::{self, Claim};
use crate::leader::database::Database;
use crate::storage::secret_file;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpListener;

const XMLNS: &str = "http://redshift.amazonaws.com/doc/2012-12-01/";
const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// Settings of the Redshift API listener.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub listen: SocketAddr,
    /// The access keys file (see the module documentation).
    pub access_keys: PathBuf,
    /// The name clients give as `ClusterIdentifier`.
    pub cluster_identifier: String,
}

/// An access key and what its holder may request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessKey {
    access_key_id: String,
    secret_access_key: String,
    iam_user: String,
    #[serde(default)]
    db_users: Option<Vec<String>>,
    #[serde(default)]
    db_groups: Vec<String>,
    #[serde(default)]
    auto_create: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessKeysFile {
    access_keys: Vec<AccessKey>,
}

impl AccessKey {
    fn may_be(&self, db_user: &str) -> bool {
        match &self.db_users {
            Some(patterns) => patterns.iter().any(|p| matches(p, db_user)),
            None => self.iam_user.eq_ignore_ascii_case(db_user),
        }
    }

    fn arn(&self) -> String {
        format!("arn:aws:iam::000000000000:user/{}", self.iam_user)
    }
}

/// A resource pattern: exact (case-insensitively, as database names are), or a prefix before `*`.
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.to_ascii_lowercase().starts_with(&prefix.to_ascii_lowercase()),
        None => pattern.eq_ignore_ascii_case(name),
    }
}

fn load_access_keys(path: &Path) -> Result<HashMap<String, AccessKey>> {
    let bytes = secret_file::read_owner_only(path, "access keys file")?;
    let file: AccessKeysFile = serde_json::from_slice(&bytes)
        .map_err(|e| err!(INVALID_PARAMETER_VALUE, "access keys file {}: {e}", path.display()))?;
    Ok(file.access_keys.into_iter().map(|k| (k.access_key_id.clone(), k)).collect())
}

/// An error as the AWS query protocol returns it: an HTTP status and an `<ErrorResponse>`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, message)
    }
    fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "InvalidParameterValue", message)
    }
}

/// What every request shares.
struct Api {
    db: Database,
    keys: HashMap<String, AccessKey>,
    cluster_identifier: String,
    /// The SQL endpoint clients are told to connect to.
    sql_endpoint: SocketAddr,
}

/// The Redshift API listener, bound and ready to run.
pub struct RedshiftApi {
    api: Arc<Api>,
    listener: TcpListener,
    tls: pgwire::tokio::TlsAcceptor,
}

impl RedshiftApi {
    pub(super) async fn bind(
        db: Database,
        config: &ApiConfig,
        sql_endpoint: SocketAddr,
        tls: pgwire::tokio::TlsAcceptor,
    ) -> Result<RedshiftApi> {
        let keys = load_access_keys(&config.access_keys)?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| Error::io(format!("listening on {} (the Redshift API)", config.listen), e))?;
        let api = Api { db, keys, cluster_identifier: config.cluster_identifier.clone(), sql_endpoint };
        Ok(RedshiftApi { api: Arc::new(api), listener, tls })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound socket")
    }

    /// Serves HTTPS connections, each in its own task.
    pub(super) async fn run(self, allowed: impl Fn(SocketAddr) -> bool) {
        loop {
            let Ok((socket, peer)) = self.listener.accept().await else { continue };
            if !allowed(peer) {
                continue;
            }
            let (api, tls) = (Arc::clone(&self.api), self.tls.clone());
            tokio::spawn(async move {
                let stream = match tls.accept(socket).await {
                    Ok(stream) => stream,
                    Err(e) => return tracing::debug!("Redshift API: TLS handshake with {peer} failed: {e}"),
                };
                let service = hyper::service::service_fn(move |request| {
                    let api = Arc::clone(&api);
                    async move { Ok::<_, std::convert::Infallible>(api.respond(request, peer).await) }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                if let Err(e) = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await {
                    tracing::debug!("Redshift API: connection from {peer}: {e}");
                }
            });
        }
    }
}

impl Api {
    async fn respond(&self, request: Request<Incoming>, peer: SocketAddr) -> Response<Full<Bytes>> {
        let request_id = format!("{:032x}", rand::random::<u128>());
        let result = match read(request).await {
            Ok((parts, body)) => self.handle(&parts, &body),
            Err(e) => Err(e),
        };
        match result {
            Ok((action, result)) => xml(
                StatusCode::OK,
                format!(
                    "<{action}Response xmlns=\"{XMLNS}\"><{action}Result>{result}</{action}Result>\
                 <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
                ),
            ),
            Err(e) => {
                tracing::info!("Redshift API: request from {peer} refused: {} {}", e.code, e.message);
                let kind = if e.status.is_server_error() { "Receiver" } else { "Sender" };
                xml(e.status, format!(
                    "<ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error>\
                     <RequestId>{request_id}</RequestId></ErrorResponse>",
                    e.code,
                    escape(&e.message)
                ))
            }
        }
    }

    /// Checks the signature, then runs the action: its name and its result's XML.
    fn handle(
        &self,
        parts: &http::request::Parts,
        body: &[u8],
    ) -> std::result::Result<(&'static str, String), ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let authorization =
            parts.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or_else(|| {
                ApiError::forbidden("MissingAuthenticationToken", "Request is missing Authentication Token")
            })?;
        let authorization = Authorization::parse(authorization)?;
        let key = self.keys.get(&authorization.access_key_id).ok_or_else(|| {
            ApiError::forbidden("InvalidClientTokenId", "The security token included in the request is invalid.")
        })?;
        let signed = SignedRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query,
            headers: &parts.headers,
            body,
        };
        authorization.verify(&signed, &key.secret_access_key, "redshift", chrono::Utc::now())?;
        let form = if parts.method == Method::POST { body } else { query.as_bytes() };
        let params: HashMap<String, String> = url::form_urlencoded::parse(form).into_owned().collect();
        let action = params.get("Action").map(String::as_str).unwrap_or_default();
        match action {
            "GetClusterCredentials" => Ok(("GetClusterCredentials", self.get_cluster_credentials(key, &params)?)),
            "DescribeClusters" => Ok(("DescribeClusters", self.describe_clusters(&params, parts)?)),
            "DescribeCustomDomainAssociations" => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "CustomDomainAssociationNotFoundFault",
                "this cluster has no custom domain names; use its ClusterIdentifier",
            )),
            other => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "InvalidAction",
                format!("The action {other} is not valid for this endpoint (Redwood serves GetClusterCredentials and DescribeClusters)"),
            )),
        }
    }

    fn check_cluster(&self, params: &HashMap<String, String>) -> std::result::Result<(), ApiError> {
        if let Some(domain) = params.get("CustomDomainName") {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "CustomDomainAssociationNotFoundFault",
                format!("custom domain name {domain} is not associated with a cluster; use ClusterIdentifier"),
            ));
        }
        match params.get("ClusterIdentifier") {
            Some(id) if !id.eq_ignore_ascii_case(&self.cluster_identifier) => {
                Err(ApiError::new(StatusCode::NOT_FOUND, "ClusterNotFound", format!("Cluster {id} not found.")))
            }
            _ => Ok(()),
        }
    }

    fn get_cluster_credentials(
        &self,
        key: &AccessKey,
        params: &HashMap<String, String>,
    ) -> std::result::Result<String, ApiError> {
        self.check_cluster(params)?;
        let user = params.get("DbUser").ok_or_else(|| ApiError::invalid("DbUser is required"))?.to_ascii_lowercase();
        if user.is_empty()
            || user.len() > 128
            || user == "public"
            || user.contains(|c: char| c.is_control() || c == '"')
        {
            return Err(ApiError::invalid(format!("DbUser {user:?} is not a valid database user name")));
        }
        let database = params.get("DbName").cloned().unwrap_or_else(|| DEFAULT_DATABASE.to_string());
        let duration = match params.get("DurationSeconds") {
            Some(text) => text.parse::<i64>().map_err(|_| ApiError::invalid("DurationSeconds must be a number"))?,
            None => credentials::DEFAULT_DURATION_SECONDS,
        };
        if !(credentials::MIN_DURATION_SECONDS..=credentials::MAX_DURATION_SECONDS).contains(&duration) {
            return Err(ApiError::invalid(format!(
                "DurationSeconds must be between {} and {}",
                credentials::MIN_DURATION_SECONDS,
                credentials::MAX_DURATION_SECONDS
            )));
        }
        let auto_create = params.get("AutoCreate").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let mut groups: Vec<(usize, String)> = params
            .iter()
            .filter_map(|(k, v)| {
                let index = k.strip_prefix("DbGroups.DbGroup.").or_else(|| k.strip_prefix("DbGroups.member."))?;
                Some((index.parse().ok()?, v.to_ascii_lowercase()))
            })
            .collect();
        groups.sort();
        let groups: Vec<String> = groups.into_iter().map(|(_, g)| g).collect();
        let denied = |resource: String| {
            ApiError::forbidden(
                "AccessDenied",
                format!(
                    "User: {} is not authorized to perform: redshift:GetClusterCredentials on resource: {resource}",
                    key.arn()
                ),
            )
        };
        let cluster = &self.cluster_identifier;
        if !key.may_be(&user) {
            return Err(denied(format!("arn:aws:redshift:::dbuser:{cluster}/{user}")));
        }
        if let Some(group) = groups.iter().find(|g| !key.db_groups.iter().any(|p| matches(p, g))) {
            return Err(denied(format!("arn:aws:redshift:::dbgroup:{cluster}/{group}")));
        }
        if auto_create && !key.auto_create {
            return Err(ApiError::forbidden(
                "AccessDenied",
                format!("User: {} is not authorized to perform: redshift:CreateClusterUser on resource: arn:aws:redshift:::dbuser:{cluster}/{user}", key.arn()),
            ));
        }
        let claim = Claim { user, database, groups, auto_create, expires: chrono::Utc::now().timestamp() + duration };
        let password = self.db.credentials().issue(&claim);
        tracing::info!("Redshift API: temporary credentials for {} issued to IAM user {}", claim.login(), key.iam_user);
        Ok(format!(
            "<DbUser>{}</DbUser><DbPassword>{}</DbPassword><Expiration>{}</Expiration>",
            escape(&claim.login()),
            escape(&password),
            claim.expiration().format("%Y-%m-%dT%H:%M:%SZ")
        ))
    }

    fn describe_clusters(
        &self,
        params: &HashMap<String, String>,
        parts: &http::request::Parts,
    ) -> std::result::Result<String, ApiError> {
        self.check_cluster(params)?;
        // A server listening on every address is reached by the name the client used for this API.
        let address = match self.sql_endpoint.ip() {
            ip if ip.is_unspecified() => parts
                .headers
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .and_then(|h| h.parse::<http::uri::Authority>().ok())
                .map(|a| a.host().trim_matches(|c| c == '[' || c == ']').to_string())
                .unwrap_or_else(|| ip.to_string()),
            ip => ip.to_string(),
        };
        let layout = self.db.layout();
        Ok(format!(
            "<Clusters><Cluster><ClusterIdentifier>{}</ClusterIdentifier><NodeType>redwood</NodeType>\
             <ClusterStatus>available</ClusterStatus><ClusterAvailabilityStatus>Available</ClusterAvailabilityStatus>\
             <DBName>{}</DBName><Endpoint><Address>{}</Address><Port>{}</Port></Endpoint>\
             <NumberOfNodes>{}</NumberOfNodes><Encrypted>{}</Encrypted><PubliclyAccessible>false</PubliclyAccessible>\
             </Cluster></Clusters>",
            escape(&self.cluster_identifier),
            escape(DEFAULT_DATABASE),
            escape(&address),
            self.sql_endpoint.port(),
            layout.nodes,
            self.db.is_encrypted()
        ))
    }
}

/// The request's head and its body (at most 64 KiB: these requests are a few hundred bytes).
async fn read(request: Request<Incoming>) -> std::result::Result<(http::request::Parts, Bytes), ApiError> {
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, MAX_REQUEST_BYTES)
        .collect()
        .await
        .map_err(|e| ApiError::invalid(format!("reading the request body: {e}")))?
        .to_bytes();
    Ok((parts, body))
}

fn xml(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/xml"));
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_patterns_match_names_and_prefixes() {
        assert!(matches("alice", "Alice"));
        assert!(!matches("alice", "alice2"));
        assert!(matches("etl_*", "etl_nightly"));
        assert!(matches("*", "anyone"));
        assert!(!matches("etl_*", "admin"));
    }
}
