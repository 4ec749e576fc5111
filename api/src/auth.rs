//! Bearer JWT verification: a token becomes an [`Identity`]. Whether that identity may act,
//! and how, is decided in `service/` (identity resolution, then the policy).
//!
//! One algorithm is pinned per key: a token whose header names another algorithm is refused
//! before any signature check, so neither `alg: none` nor an HS256 token signed with a public
//! key can pass.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::config::AuthConfig;
use commons_domain::identity::Identity;

pub const SECRET_FILE: &str = "jwt-secret";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the authorization header is not a bearer token")]
    NotBearer,
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's algorithm is not accepted")]
    Algorithm,
    #[error("the token's signature is invalid")]
    Signature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token's issuer is not accepted")]
    Issuer,
    #[error("the token's audience is not accepted")]
    Audience,
    #[error("the token lacks the claim {0}")]
    MissingClaim(String),
    #[error("the token's claims are incomplete or malformed")]
    Claims,
}

impl From<AuthError> for commons_service::ServiceError {
    fn from(e: AuthError) -> Self {
        commons_service::ServiceError::Unauthenticated(e.to_string())
    }
}

impl From<jsonwebtoken::errors::Error> for AuthError {
    fn from(e: jsonwebtoken::errors::Error) -> Self {
        match e.kind() {
            ErrorKind::InvalidSignature => AuthError::Signature,
            ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => AuthError::Algorithm,
            ErrorKind::ExpiredSignature => AuthError::Expired,
            ErrorKind::ImmatureSignature => AuthError::NotYetValid,
            ErrorKind::InvalidIssuer => AuthError::Issuer,
            ErrorKind::InvalidAudience => AuthError::Audience,
            ErrorKind::MissingRequiredClaim(c) => AuthError::MissingClaim(c.clone()),
            ErrorKind::InvalidClaimFormat(_) | ErrorKind::Json(_) | ErrorKind::InvalidSubject => {
                AuthError::Claims
            }
            _ => AuthError::Malformed,
        }
    }
}

/// The claims Commons reads besides the registered ones, which the library checks itself.
#[derive(Debug, Deserialize)]
struct CommonsClaims {
    /// Required: the library checks only `exp`, `nbf`, `iss`, `aud` and `sub` for presence.
    iat: i64,
    sub: String,
    org: String,
    roles: Vec<String>,
    name: Option<String>,
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<bool>,
}

/// The full claim set of a token Commons mints.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub org: String,
    pub roles: Vec<String>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
}

struct VerificationKey {
    kid: Option<String>,
    key: DecodingKey,
    validation: Validation,
}

pub struct Verifier {
    keys: Vec<VerificationKey>,
    leeway_seconds: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what} is not a usable key: {source}")]
    Key {
        what: String,
        source: jsonwebtoken::errors::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

impl Verifier {
    pub fn from_config(cfg: &AuthConfig, data_dir: &Path) -> Result<Self, KeyError> {
        let validation = |alg: Algorithm| {
            let mut v = Validation::new(alg);
            v.set_issuer(&[&cfg.issuer]);
            v.set_audience(&[&cfg.audience]);
            v.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
            v.validate_nbf = true;
            v.leeway = cfg.leeway_seconds;
            v
        };
        let mut keys = Vec::new();
        if cfg.uses_public_keys() {
            for k in &cfg.public_keys {
                let pem = fs::read(&k.pem_file).map_err(|source| KeyError::Read {
                    path: k.pem_file.clone(),
                    source,
                })?;
                let what = || k.pem_file.display().to_string();
                let key = match k.algorithm {
                    Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(&pem),
                    Algorithm::EdDSA => DecodingKey::from_ed_pem(&pem),
                    _ => DecodingKey::from_rsa_pem(&pem),
                }
                .map_err(|source| KeyError::Key {
                    what: what(),
                    source,
                })?;
                keys.push(VerificationKey {
                    kid: k.kid.clone(),
                    key,
                    validation: validation(k.algorithm),
                });
            }
            if let Some(path) = &cfg.jwks_file {
                let text = fs::read_to_string(path).map_err(|source| KeyError::Read {
                    path: path.clone(),
                    source,
                })?;
                let set: JwkSet = serde_json::from_str(&text).map_err(|e| {
                    KeyError::Invalid(format!("{} is not a JWKS document: {e}", path.display()))
                })?;
                for jwk in &set.keys {
                    let what = format!("{} key {:?}", path.display(), jwk.common.key_id);
                    let alg = jwk
                        .common
                        .key_algorithm
                        .ok_or_else(|| KeyError::Invalid(format!("{what} names no alg")))?;
                    let alg: Algorithm =
                        alg.to_string().parse().map_err(|source| KeyError::Key {
                            what: what.clone(),
                            source,
                        })?;
                    let key = DecodingKey::from_jwk(jwk)
                        .map_err(|source| KeyError::Key { what, source })?;
                    keys.push(VerificationKey {
                        kid: jwk.common.key_id.clone(),
                        key,
                        validation: validation(alg),
                    });
                }
            }
        } else {
            let secret = hs256_secret(cfg, data_dir)?;
            keys.push(VerificationKey {
                kid: None,
                key: DecodingKey::from_secret(secret.expose_secret().as_bytes()),
                validation: validation(Algorithm::HS256),
            });
        }
        if keys.is_empty() {
            return Err(KeyError::Invalid(
                "no verification key is configured".into(),
            ));
        }
        Ok(Self {
            keys,
            leeway_seconds: i64::try_from(cfg.leeway_seconds).unwrap_or(i64::MAX),
        })
    }

    /// Verifies the value of an `Authorization` header.
    pub fn verify_header(&self, header: &str) -> Result<Identity, AuthError> {
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or(AuthError::NotBearer)?;
        self.verify(token.trim())
    }

    pub fn verify(&self, token: &str) -> Result<Identity, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::Malformed)?;
        let candidates: Vec<&VerificationKey> = self
            .keys
            .iter()
            .filter(|k| k.validation.algorithms.contains(&header.alg))
            .filter(|k| match (&k.kid, &header.kid) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            })
            .collect();
        let mut first_error = AuthError::Algorithm;
        for (i, key) in candidates.iter().enumerate() {
            match jsonwebtoken::decode::<CommonsClaims>(token, &key.key, &key.validation) {
                Ok(data) => {
                    let c = data.claims;
                    // A token issued in the future comes from a wrong clock or a forger.
                    if c.iat
                        > chrono::Utc::now()
                            .timestamp()
                            .saturating_add(self.leeway_seconds)
                    {
                        return Err(AuthError::NotYetValid);
                    }
                    return Ok(Identity {
                        subject: c.sub,
                        organisation_slug: c.org,
                        roles: c.roles,
                        name: c.name,
                        email: c.email,
                        email_verified: c.email_verified == Some(true),
                    });
                }
                Err(e) if i == 0 => first_error = e.into(),
                Err(_) => {}
            }
        }
        Err(first_error)
    }
}

/// Mints HS256 development tokens with the embedded default's secret.
pub struct Minter {
    key: EncodingKey,
    issuer: String,
    audience: String,
}

impl Minter {
    pub fn from_config(cfg: &AuthConfig, data_dir: &Path) -> Result<Self, KeyError> {
        if cfg.uses_public_keys() {
            return Err(KeyError::Invalid(
                "tokens are verified with public keys here; mint them where the private keys are"
                    .into(),
            ));
        }
        let secret = hs256_secret(cfg, data_dir)?;
        Ok(Self {
            key: EncodingKey::from_secret(secret.expose_secret().as_bytes()),
            issuer: cfg.issuer.clone(),
            audience: cfg.audience.clone(),
        })
    }

    pub fn mint(
        &self,
        subject: &str,
        organisation: &str,
        roles: &[String],
        name: Option<&str>,
        ttl: Duration,
    ) -> Result<String, KeyError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: subject.to_owned(),
            org: organisation.to_owned(),
            roles: roles.to_vec(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
            name: name.map(str::to_owned),
            email: None,
            email_verified: None,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key).map_err(|source| {
            KeyError::Key {
                what: "the HS256 secret".into(),
                source,
            }
        })
    }
}

/// The configured secret, or the one generated into the data directory on first start
/// (readable by the owner only).
pub(crate) fn hs256_secret(cfg: &AuthConfig, data_dir: &Path) -> Result<SecretString, KeyError> {
    if let Some(secret) = &cfg.hs256_secret {
        if secret.expose_secret().len() < 32 {
            return Err(KeyError::Invalid(
                "auth.hs256_secret must be at least 32 characters".into(),
            ));
        }
        return Ok(secret.clone());
    }
    let path = data_dir.join(SECRET_FILE);
    match fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => {
            return Ok(SecretString::from(text.trim().to_owned()));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => return Err(KeyError::Read { path, source }),
    }
    fs::create_dir_all(data_dir).map_err(|source| KeyError::Write {
        path: data_dir.to_owned(),
        source,
    })?;
    let mut bytes = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = STANDARD_NO_PAD.encode(bytes);
    let write = || -> std::io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        file.write_all(secret.as_bytes())?;
        file.sync_all()
    };
    match write() {
        Ok(()) => Ok(SecretString::from(secret)),
        // Another process generated it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text =
                fs::read_to_string(&path).map_err(|source| KeyError::Read { path, source })?;
            Ok(SecretString::from(text.trim().to_owned()))
        }
        Err(source) => Err(KeyError::Write { path, source }),
    }
}

/// Development tokens for the demo callers, for people to paste into GraphiQL.
pub fn demo_tokens(minter: &Minter) -> Result<Vec<(String, String)>, KeyError> {
    commons_service::demo::DEMO_CALLERS
        .iter()
        .map(|(org, role, who)| {
            let subject = format!(
                "demo-{org}-{}",
                role.as_str().to_lowercase().replace('_', "-")
            );
            let token = minter.mint(
                &subject,
                org,
                &[role.as_str().to_owned()],
                Some(&format!("Demo {who}")),
                std::time::Duration::from_secs(8 * 3600),
            )?;
            Ok((format!("{who} ({org}, {role})"), token))
        })
        .collect()
}
