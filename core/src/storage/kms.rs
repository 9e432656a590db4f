//! A root key held by AWS KMS (or any KMS-compatible service): the cluster key is encrypted and
//! decrypted by KMS, so the root key itself never leaves it, as with Redshift's KMS option.
//! Disabling the key, or revoking Redwood's access to it, makes the database unopenable.
//!
//! Requests use KMS's JSON protocol over HTTP, signed with SigV4 by object_store's signer and
//! sent with its HTTP client (both already in the build for S3). Endpoint, region and
//! credentials come from the standard AWS environment: `AWS_ENDPOINT_URL_KMS` or
//! `AWS_ENDPOINT_URL`, `AWS_REGION` / `AWS_DEFAULT_REGION` (else the key ARN's region),
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.

use crate::err;
use crate::error::{sqlstate, Error, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use object_store::aws::{AwsAuthorizer, AwsCredential};
use object_store::client::{ClientOptions, HttpConnector, HttpRequestBody, ReqwestConnector};
use serde_json::{json, Value};

/// A KMS key, and how to reach the service that holds it.
pub struct KmsKey {
    key_id: String,
    endpoint: String,
    region: String,
    credential: AwsCredential,
}

impl std::fmt::Debug for KmsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KmsKey({} at {})", self.key_id, self.endpoint)
    }
}

impl KmsKey {
    /// The key `key_id` (an id, an ARN or an `alias/…`), reached as the AWS environment says.
    pub fn from_environment(key_id: &str) -> Result<KmsKey> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let arn_region = key_id.strip_prefix("arn:").and_then(|arn| arn.split(':').nth(2)).filter(|r| !r.is_empty());
        let region = env("AWS_REGION")
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .or(arn_region.map(str::to_string))
            .unwrap_or_else(|| "us-east-1".into());
        let endpoint = env("AWS_ENDPOINT_URL_KMS")
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .unwrap_or_else(|| format!("https://kms.{region}.amazonaws.com"));
        let (Some(key_id_env), Some(secret)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) else {
            return Err(err!(
                INVALID_PARAMETER_VALUE,
                "the root key is the KMS key {key_id}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials) for KMS"
            ));
        };
        let credential = AwsCredential { key_id: key_id_env, secret_key: secret, token: env("AWS_SESSION_TOKEN") };
        Ok(KmsKey { key_id: key_id.to_string(), endpoint, region, credential })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// `plaintext` encrypted by KMS under this key, bound to `purpose` (KMS's encryption context).
    pub fn encrypt(&self, plaintext: &[u8], purpose: &str) -> Result<Vec<u8>> {
        let body = json!({"KeyId": self.key_id, "Plaintext": BASE64.encode(plaintext), "EncryptionContext": {"purpose": purpose}});
        self.blob(&self.call("Encrypt", body)?, "CiphertextBlob")
    }

    /// The plaintext of [`KmsKey::encrypt`]'s output: 28P01 when this key (or this purpose) did
    /// not encrypt it, or KMS refuses (the key disabled, access revoked).
    pub fn decrypt(&self, ciphertext: &[u8], purpose: &str) -> Result<Vec<u8>> {
        let body = json!({"KeyId": self.key_id, "CiphertextBlob": BASE64.encode(ciphertext), "EncryptionContext": {"purpose": purpose}});
        self.blob(&self.call("Decrypt", body)?, "Plaintext")
    }

    fn blob(&self, response: &Value, field: &str) -> Result<Vec<u8>> {
        response
            .get(field)
            .and_then(Value::as_str)
            .and_then(|b| BASE64.decode(b).ok())
            .ok_or_else(|| err!(IO_ERROR, "KMS at {} answered without a {field}", self.endpoint))
    }

    /// One KMS action; its errors as SQLSTATEs: a refusal about the key is 28P01 (as a wrong
    /// root key), anything else an I/O error naming the endpoint.
    fn call(&self, action: &str, body: Value) -> Result<Value> {
        let request = || -> std::result::Result<_, String> {
            let mut request = http::Request::builder()
                .method("POST")
                .uri(&self.endpoint)
                .header("content-type", "application/x-amz-json-1.1")
                .header("x-amz-target", format!("TrentService.{action}"))
                .body(HttpRequestBody::from(body.to_string()))
                .map_err(|e| e.to_string())?;
            AwsAuthorizer::new(&self.credential, "kms", &self.region).authorize(&mut request, None);
            Ok(request)
        };
        let request = request().map_err(|e| err!(INVALID_PARAMETER_VALUE, "KMS endpoint {}: {e}", self.endpoint))?;
        let options = ClientOptions::new().with_allow_http(self.endpoint.starts_with("http://"));
        let client = ReqwestConnector::default().connect(&options).map_err(|e| err!(IO_ERROR, "KMS client: {e}"))?;
        // Opening a database is synchronous (and may run on a runtime's thread): the request
        // runs on a thread and runtime of its own.
        let (status, bytes) = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| e.to_string())?;
                    runtime.block_on(async {
                        let response = client.execute(request).await.map_err(|e| e.to_string())?;
                        let status = response.status();
                        let bytes = response.into_body().bytes().await.map_err(|e| e.to_string())?;
                        Ok::<_, String>((status, bytes))
                    })
                })
                .join()
                .unwrap_or_else(|_| Err("the KMS request failed".into()))
        })
        .map_err(|e| err!(IO_ERROR, "reaching KMS at {} ({action} with key {}): {e}", self.endpoint, self.key_id))?;
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(answer);
        }
        // KMS answers errors as JSON (`__type`, `message`); a proxy or an IAM layer in front of
        // it may answer otherwise: its status and text then say what happened.
        let text = String::from_utf8_lossy(&bytes);
        let kind = match answer.get("__type").and_then(Value::as_str) {
            Some(kind) => kind.rsplit('#').next().unwrap_or(kind).to_string(),
            None => ["AccessDenied", "InvalidClientTokenId", "SignatureDoesNotMatch"]
                .into_iter()
                .find(|code| text.contains(code))
                .map_or_else(|| format!("HTTP {status}"), str::to_string),
        };
        let message = match answer.get("message").or_else(|| answer.get("Message")).and_then(Value::as_str) {
            Some(message) => message.to_string(),
            None => text.chars().take(300).collect(),
        };
        let key_refused = status == http::StatusCode::FORBIDDEN
            || matches!(
                kind.as_str(),
                "InvalidCiphertextException"
                    | "IncorrectKeyException"
                    | "DisabledException"
                    | "NotFoundException"
                    | "AccessDeniedException"
                    | "KMSInvalidStateException"
                    | "UnrecognizedClientException"
                    | "InvalidSignatureException"
            );
        let state = if key_refused { sqlstate::INVALID_PASSWORD } else { sqlstate::IO_ERROR };
        Err(Error::new(state, format!("KMS refused {action} with key {} ({kind}: {message})", self.key_id)))
    }
}
