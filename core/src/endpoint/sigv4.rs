//! Checking AWS Signature Version 4 on requests to the Redshift API (`redshift_api`): the
//! server side of what boto3, the AWS CLI and the Redshift drivers sign with.
//!
//! Written here rather than taken from `aws-sigv4`: that crate signs (it has no verifier) and
//! brings the AWS SDK's runtime crates; verifying is recomputing the signature, which is the
//! canonical request below and four HMACs (ring, already in the build).

use super::redshift_api::ApiError;
use chrono::{DateTime, NaiveDateTime, Utc};
use ring::{digest, hmac};

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// How far a request's time may be from the server's, as AWS allows.
const MAX_SKEW_MINUTES: i64 = 15;

/// The parts of an HTTP request a signature covers.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path as sent (percent-encoded).
    pub path: &'a str,
    /// The query string as sent (percent-encoded), without `?`.
    pub query: &'a str,
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
}

/// The `Authorization` header of a SigV4-signed request.
#[derive(Debug, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// The credential scope: date (YYYYMMDD), region, service.
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: Vec<u8>,
}

impl Authorization {
    pub fn parse(header: &str) -> Result<Authorization, ApiError> {
        let incomplete =
            |what: &str| ApiError::forbidden("IncompleteSignature", format!("Authorization header: {what}"));
        let fields = header.strip_prefix(ALGORITHM).ok_or_else(|| incomplete("only AWS4-HMAC-SHA256 is accepted"))?;
        let field = |name: &str| {
            fields.split(',').map(str::trim).find_map(|f| f.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
        };
        let credential = field("Credential").ok_or_else(|| incomplete("Credential is missing"))?;
        let scope: Vec<&str> = credential.split('/').collect();
        let [access_key_id, date, region, service, "aws4_request"] = scope[..] else {
            return Err(incomplete("Credential is not key/date/region/service/aws4_request"));
        };
        let signed_headers = field("SignedHeaders").ok_or_else(|| incomplete("SignedHeaders is missing"))?;
        let signature = field("Signature").ok_or_else(|| incomplete("Signature is missing"))?;
        Ok(Authorization {
            access_key_id: access_key_id.to_string(),
            date: date.to_string(),
            region: region.to_string(),
            service: service.to_string(),
            signed_headers: signed_headers.split(';').map(str::to_ascii_lowercase).collect(),
            signature: decode_hex(signature).ok_or_else(|| incomplete("Signature is not hexadecimal"))?,
        })
    }

    /// Succeeds when `request` was signed with `secret_access_key` for `service`, recently.
    pub fn verify(
        &self,
        request: &SignedRequest,
        secret_access_key: &str,
        service: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if self.service != service {
            return Err(ApiError::forbidden(
                "SignatureDoesNotMatch",
                format!("the credential scope names service {}, not {service}", self.service),
            ));
        }
        if !self.signed_headers.iter().any(|h| h == "host") {
            return Err(ApiError::forbidden("IncompleteSignature", "the Host header must be signed"));
        }
        let amz_date = header(request.headers, "x-amz-date")
            .ok_or_else(|| ApiError::forbidden("IncompleteSignature", "the request has no X-Amz-Date header"))?;
        let signed_at = NaiveDateTime::parse_from_str(&amz_date, "%Y%m%dT%H%M%SZ")
            .map_err(|_| {
                ApiError::forbidden("IncompleteSignature", format!("X-Amz-Date {amz_date} is not YYYYMMDDTHHMMSSZ"))
            })?
            .and_utc();
        if (now - signed_at).num_minutes().abs() > MAX_SKEW_MINUTES || !amz_date.starts_with(&self.date) {
            return Err(ApiError::forbidden(
                "RequestExpired",
                format!(
                    "request signed at {amz_date}, more than {MAX_SKEW_MINUTES} minutes from the server's time {}",
                    now.format("%Y%m%dT%H%M%SZ")
                ),
            ));
        }
        let canonical = self.canonical_request(request);
        let scope = format!("{}/{}/{}/aws4_request", self.date, self.region, self.service);
        let to_sign = format!(
            "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
            hex(digest::digest(&digest::SHA256, canonical.as_bytes()).as_ref())
        );
        let mut key = format!("AWS4{secret_access_key}").into_bytes();
        for part in [self.date.as_str(), &self.region, &self.service, "aws4_request"] {
            key = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &key), part.as_bytes()).as_ref().to_vec();
        }
        hmac::verify(&hmac::Key::new(hmac::HMAC_SHA256, &key), to_sign.as_bytes(), &self.signature).map_err(|_| {
            ApiError::forbidden(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
            )
        })
    }

    fn canonical_request(&self, request: &SignedRequest) -> String {
        let path = if request.path.is_empty() { "/" } else { request.path };
        let mut query: Vec<(String, String)> = url::form_urlencoded::parse(request.query.as_bytes())
            .map(|(k, v)| (uri_encode(&k, false), uri_encode(&v, false)))
            .collect();
        query.sort();
        let query: Vec<String> = query.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        let headers: String = self
            .signed_headers
            .iter()
            .map(|name| format!("{name}:{}\n", header(request.headers, name).unwrap_or_default()))
            .collect();
        format!(
            "{}\n{}\n{}\n{headers}\n{}\n{}",
            request.method,
            uri_encode(path, true),
            query.join("&"),
            self.signed_headers.join(";"),
            hex(digest::digest(&digest::SHA256, request.body).as_ref())
        )
    }
}

/// A header's values joined by commas, each trimmed with inner runs of spaces collapsed.
fn header(headers: &http::HeaderMap, name: &str) -> Option<String> {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// Percent-encoding as SigV4 defines it: everything but `A-Za-z0-9-_.~` (and `/` in paths).
fn uri_encode(text: &str, path: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b'/' if path => out.push('/'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's documented example (IAM ListUsers, "Create a signed AWS API request"): the
    /// signature computed here matches the one AWS publishes.
    #[test]
    fn verifies_the_aws_documentation_example() {
        let mut headers = http::HeaderMap::new();
        headers.insert("host", "iam.amazonaws.com".parse().unwrap());
        headers.insert("content-type", "application/x-www-form-urlencoded; charset=utf-8".parse().unwrap());
        headers.insert("x-amz-date", "20150830T123600Z".parse().unwrap());
        let request = SignedRequest {
            method: "GET",
            path: "/",
            query: "Action=ListUsers&Version=2010-05-08",
            headers: &headers,
            body: b"",
        };
        let authorization = Authorization::parse(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
        )
        .unwrap();
        assert_eq!(authorization.access_key_id, "AKIDEXAMPLE");
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        let now = "2015-08-30T12:40:00Z".parse().unwrap();
        authorization.verify(&request, secret, "iam", now).unwrap();
        assert_eq!(authorization.verify(&request, "wrong", "iam", now).unwrap_err().code, "SignatureDoesNotMatch");
        assert_eq!(authorization.verify(&request, secret, "redshift", now).unwrap_err().code, "SignatureDoesNotMatch");
        let late = "2015-08-30T13:00:00Z".parse().unwrap();
        assert_eq!(authorization.verify(&request, secret, "iam", late).unwrap_err().code, "RequestExpired");
        let tampered = SignedRequest { query: "Action=ListUsers&Version=2010-05-09", ..request };
        assert_eq!(authorization.verify(&tampered, secret, "iam", now).unwrap_err().code, "SignatureDoesNotMatch");
    }

    /// A request signed by another implementation (object_store's, which signs S3 requests)
    /// verifies, query string and body included.
    #[test]
    fn verifies_what_object_store_signs() {
        use object_store::aws::{AwsAuthorizer, AwsCredential};
        use object_store::client::HttpRequestBody;
        let credential = AwsCredential { key_id: "AKIDTEST".into(), secret_key: "s3cr3t/key+x".into(), token: None };
        let body = "Action=GetClusterCredentials&DbUser=alice&DbGroups.DbGroup.1=a%20b&Version=2012-12-01";
        let mut request = http::Request::builder()
            .method("POST")
            .uri("https://127.0.0.1:5440/v1/path?b=2&a=1&c=x%2By")
            .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
            .body(HttpRequestBody::from(body.to_string()))
            .unwrap();
        AwsAuthorizer::new(&credential, "redshift", "eu-west-1").authorize(&mut request, None);
        let header = request.headers()[http::header::AUTHORIZATION].to_str().unwrap().to_string();
        let authorization = Authorization::parse(&header).unwrap();
        assert_eq!((authorization.region.as_str(), authorization.service.as_str()), ("eu-west-1", "redshift"));
        let signed = SignedRequest {
            method: "POST",
            path: request.uri().path(),
            query: request.uri().query().unwrap_or_default(),
            headers: request.headers(),
            body: body.as_bytes(),
        };
        authorization.verify(&signed, "s3cr3t/key+x", "redshift", Utc::now()).unwrap();
        let other_body = SignedRequest { body: b"Action=GetClusterCredentials&DbUser=admin", ..signed };
        assert_eq!(
            authorization.verify(&other_body, "s3cr3t/key+x", "redshift", Utc::now()).unwrap_err().code,
            "SignatureDoesNotMatch"
        );
    }
}
