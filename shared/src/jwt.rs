//! JSON Web Tokens as a Supabase project signs them today, checked in plain Rust: which
//! key may verify a token ([`choose_key`]), what its claims must say ([`check_claims`]),
//! and the key set the platform gives every function (`SUPABASE_JWKS`, [`KeySet`]).
//! Only the signature arithmetic sits behind a trait, [`Signatures`]: WebCrypto in wasm
//! (`js::WebCrypto`, so modules carry no elliptic-curve or RSA code) and RustCrypto
//! natively ([`RustCrypto`], what `cargo test` runs).
//!
//! The rules, and the attacks they close:
//! - ES256 and RS256 tokens are verified with the JWKS key whose `kid` the header names;
//!   the key's own `alg`, `kty`/`crv`, `use` and `key_ops` must allow that algorithm. An
//!   unknown `kid` is refused, never "try every key".
//! - HS256 is verified only with a symmetric secret: an `oct` key of the JWKS named by
//!   `kid`, else the legacy JWT secret. A public key is never used as an HMAC secret, so
//!   an HS256 token "signed" with a public key's bytes fails (algorithm confusion).
//! - `none` and every other `alg` are refused.
//! - `exp` is required; a user token (`role: authenticated`) must also be for the
//!   `authenticated` audience and issued by the project's Auth (`<SUPABASE_URL>/auth/v1`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::Value;

use crate::time::LocalBoxFuture;

/// Clock skew tolerated on `exp`/`nbf`, seconds.
pub const LEEWAY_SECONDS: i64 = 30;

/// The signing algorithms a Supabase project uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    /// ECDSA P-256 with SHA-256: a project's default signing key today.
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256: the other asymmetric choice.
    Rs256,
    /// HMAC SHA-256: the legacy shared secret.
    Hs256,
}

impl Alg {
    fn parse(alg: &str) -> Option<Alg> {
        match alg {
            "ES256" => Some(Alg::Es256),
            "RS256" => Some(Alg::Rs256),
            "HS256" => Some(Alg::Hs256),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Alg::Es256 => "ES256",
            Alg::Rs256 => "RS256",
            Alg::Hs256 => "HS256",
        }
    }
}

/// One JSON Web Key (RFC 7517) as the platform's JWKS lists it. Private members (`d`,
/// primes) are never read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    #[serde(default)]
    pub key_ops: Option<Vec<String>>,
    /// EC: curve and coordinates (base64url).
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
    /// RSA: modulus and exponent (base64url).
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
    /// oct: the symmetric secret (base64url).
    #[serde(default)]
    pub k: Option<String>,
}

impl Jwk {
    /// The members a verifier imports: the public ones of this key type, nothing else
    /// (WebCrypto refuses a JWK whose `alg`/`key_ops` disagree with the import).
    pub fn public_members(&self) -> Value {
        match self.kty.as_str() {
            "EC" => serde_json::json!({ "kty": "EC", "crv": self.crv, "x": self.x, "y": self.y }),
            "RSA" => serde_json::json!({ "kty": "RSA", "n": self.n, "e": self.e }),
            _ => Value::Null,
        }
    }

    /// May this key verify `alg` signatures?
    fn allows(&self, alg: Alg) -> bool {
        let type_fits = match alg {
            Alg::Es256 => self.kty == "EC" && self.crv.as_deref() == Some("P-256"),
            Alg::Rs256 => self.kty == "RSA",
            Alg::Hs256 => self.kty == "oct",
        };
        type_fits
            && self.alg.as_deref().is_none_or(|a| a == alg.name())
            && self.use_.as_deref().is_none_or(|u| u == "sig")
            && self
                .key_ops
                .as_ref()
                .is_none_or(|ops| ops.iter().any(|op| op == "verify"))
    }
}

/// `SUPABASE_JWKS`: the project's signing keys. The platform gives `{"keys":[...]}`; a
/// bare array is taken too, as Supabase's own `@supabase/server` does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum KeySet {
    /// Not configured: only the legacy secret can verify.
    #[default]
    Absent,
    Keys(Vec<Jwk>),
    /// Set but not a key set. Tokens it would verify are refused (401), and the reason
    /// is logged: a broken deployment must not turn into a 500 for every caller.
    Invalid(String),
}

impl KeySet {
    pub fn parse(text: &str) -> KeySet {
        let keys = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(mut set)) => set.remove("keys"),
            Ok(bare @ Value::Array(_)) => Some(bare),
            _ => None,
        };
        let Some(Value::Array(keys)) = keys else {
            return KeySet::Invalid("SUPABASE_JWKS is not a JWKS ({\"keys\":[...]})".into());
        };
        // A key this code cannot read (another kty, a broken member) is skipped, not
        // fatal: a set may list keys for other consumers.
        KeySet::Keys(
            keys.into_iter()
                // From text rather than `from_value`: one deserializer fewer in every module.
                .filter_map(|key| serde_json::from_str::<Jwk>(&key.to_string()).ok())
                .collect(),
        )
    }
}

/// A token split and decoded, before any signature check.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub alg: Alg,
    pub kid: Option<String>,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
    pub payload: Vec<u8>,
}

/// Why a token was refused; each maps to a 401 in `auth`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    Malformed,
    /// `none`, or an algorithm this project does not sign with.
    AlgorithmNotAllowed(String),
    /// No key with the header's `kid`, or none able to verify its algorithm.
    UnknownKey,
    /// The key set is configured but unreadable.
    KeySetInvalid,
    BadSignature,
    MissingExpiry,
    Expired,
    NotYetValid,
    WrongAudience,
    WrongIssuer,
}

impl Rejection {
    /// The public message: what is wrong, never key material.
    pub fn message(&self) -> String {
        match self {
            Rejection::Malformed => "The access token is not a JWT".into(),
            Rejection::AlgorithmNotAllowed(alg) => {
                format!("The access token's algorithm is not allowed: {alg}")
            }
            Rejection::UnknownKey => "The access token is signed with an unknown key".into(),
            Rejection::KeySetInvalid => "The project's signing keys cannot be read".into(),
            Rejection::BadSignature => "The access token's signature is invalid".into(),
            Rejection::MissingExpiry => "The access token has no expiry (exp)".into(),
            Rejection::Expired => "The access token has expired: sign in again".into(),
            Rejection::NotYetValid => "The access token is not valid yet".into(),
            Rejection::WrongAudience => "The access token is not for this audience".into(),
            Rejection::WrongIssuer => "The access token was not issued by this project".into(),
        }
    }
}

/// Split a compact JWS and read its header. Only base64url and dots pass: the token is
/// forwarded in a header later.
pub fn parse(token: &str) -> Result<Parsed, Rejection> {
    if !token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(Rejection::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Rejection::Malformed);
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| Rejection::Malformed)
    };
    #[derive(Deserialize)]
    struct Header {
        alg: String,
        #[serde(default)]
        kid: Option<String>,
    }
    let head: Header =
        serde_json::from_slice(&decode(header)?).map_err(|_| Rejection::Malformed)?;
    let alg = Alg::parse(&head.alg).ok_or(Rejection::AlgorithmNotAllowed(head.alg.clone()))?;
    Ok(Parsed {
        alg,
        kid: head.kid,
        signing_input: format!("{header}.{payload}"),
        signature: decode(signature)?,
        payload: decode(payload)?,
    })
}

/// The key that may verify a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verifier<'a> {
    /// HS256 with these secret bytes.
    Hmac(Vec<u8>),
    /// ES256/RS256 with this public key.
    Public(&'a Jwk),
}

/// Pick the one key allowed to verify `token` (module docs: the rules).
pub fn choose_key<'a>(
    token: &Parsed,
    keys: &'a KeySet,
    legacy_secret: Option<&str>,
) -> Result<Verifier<'a>, Rejection> {
    let listed = match keys {
        KeySet::Keys(keys) => keys.as_slice(),
        KeySet::Absent => &[],
        // An asymmetric token needs the set; a legacy HS256 one can still be checked.
        KeySet::Invalid(_) if token.alg != Alg::Hs256 => return Err(Rejection::KeySetInvalid),
        KeySet::Invalid(_) => &[],
    };
    let named = token
        .kid
        .as_deref()
        .and_then(|kid| listed.iter().find(|k| k.kid.as_deref() == Some(kid)));
    match token.alg {
        Alg::Es256 | Alg::Rs256 => match named {
            Some(key) if key.allows(token.alg) => Ok(Verifier::Public(key)),
            _ => Err(Rejection::UnknownKey),
        },
        Alg::Hs256 => {
            if let Some(key) = named.filter(|key| key.allows(Alg::Hs256)) {
                let secret = key
                    .k
                    .as_deref()
                    .and_then(|k| URL_SAFE_NO_PAD.decode(k).ok())
                    .filter(|k| !k.is_empty())
                    .ok_or(Rejection::UnknownKey)?;
                return Ok(Verifier::Hmac(secret));
            }
            legacy_secret
                .map(|secret| Verifier::Hmac(secret.as_bytes().to_vec()))
                .ok_or(Rejection::AlgorithmNotAllowed("HS256".into()))
        }
    }
}

/// Check the times of any token and, for a user token, its audience and issuer. `now`
/// in Unix seconds; `issuers` the accepted `iss` values (without a trailing slash).
/// Read from the JSON value, not a derived type: the checks are few, and every derive
/// costs module size.
pub fn check_claims(claims: &Value, now: i64, issuers: &[String]) -> Result<(), Rejection> {
    let time = |name: &str| claims.get(name).and_then(Value::as_f64);
    let exp = time("exp").ok_or(Rejection::MissingExpiry)?;
    if now as f64 > exp + LEEWAY_SECONDS as f64 {
        return Err(Rejection::Expired);
    }
    if time("nbf").is_some_and(|nbf| ((now + LEEWAY_SECONDS) as f64) < nbf) {
        return Err(Rejection::NotYetValid);
    }
    if claims.get("role").and_then(Value::as_str) == Some("authenticated") {
        let for_users = match claims.get("aud") {
            Some(Value::String(aud)) => aud == "authenticated",
            Some(Value::Array(auds)) => auds.iter().any(|aud| aud == "authenticated"),
            _ => false,
        };
        if !for_users {
            return Err(Rejection::WrongAudience);
        }
        let iss = claims
            .get("iss")
            .and_then(Value::as_str)
            .map(|iss| iss.trim_end_matches('/'));
        if !iss.is_some_and(|iss| issuers.iter().any(|want| want == iss)) {
            return Err(Rejection::WrongIssuer);
        }
    }
    Ok(())
}

/// Signature arithmetic for the asymmetric algorithms. `Ok(false)`: the signature does
/// not verify; `Err`: the key could not be used (logged; the token is refused either way).
pub trait Signatures {
    fn verify<'a>(
        &'a self,
        alg: Alg,
        key: &'a Jwk,
        message: &'a [u8],
        signature: &'a [u8],
    ) -> LocalBoxFuture<'a, Result<bool, String>>;
}

/// The signature checks `cargo test` runs: `p256` and `rsa` from RustCrypto. Not in wasm
/// builds, which use the runtime's WebCrypto (`js::WebCrypto`).
#[cfg(not(target_arch = "wasm32"))]
pub struct RustCrypto;

#[cfg(not(target_arch = "wasm32"))]
impl Signatures for RustCrypto {
    fn verify<'a>(
        &'a self,
        alg: Alg,
        key: &'a Jwk,
        message: &'a [u8],
        signature: &'a [u8],
    ) -> LocalBoxFuture<'a, Result<bool, String>> {
        Box::pin(async move { native::verify(alg, key, message, signature) })
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::{Alg, Jwk};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn member(value: &Option<String>, name: &str) -> Result<Vec<u8>, String> {
        let text = value.as_deref().ok_or(format!("the key has no `{name}`"))?;
        URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| format!("the key's `{name}` is not base64url"))
    }

    pub fn verify(alg: Alg, key: &Jwk, message: &[u8], signature: &[u8]) -> Result<bool, String> {
        match alg {
            Alg::Es256 => {
                use p256::ecdsa::signature::Verifier;
                let (x, y) = (member(&key.x, "x")?, member(&key.y, "y")?);
                if x.len() != 32 || y.len() != 32 {
                    return Err("a P-256 coordinate is not 32 bytes".into());
                }
                let point = p256::EncodedPoint::from_affine_coordinates(
                    x.as_slice().into(),
                    y.as_slice().into(),
                    false,
                );
                let key = p256::ecdsa::VerifyingKey::from_encoded_point(&point)
                    .map_err(|_| "not a point on P-256".to_owned())?;
                // JWS ES256 signatures are r || s, 64 bytes (RFC 7518 §3.4).
                let Ok(signature) = p256::ecdsa::Signature::from_slice(signature) else {
                    return Ok(false);
                };
                Ok(key.verify(message, &signature).is_ok())
            }
            Alg::Rs256 => {
                use rsa::signature::Verifier;
                let n = rsa::BigUint::from_bytes_be(&member(&key.n, "n")?);
                let e = rsa::BigUint::from_bytes_be(&member(&key.e, "e")?);
                let key = rsa::RsaPublicKey::new(n, e).map_err(|err| err.to_string())?;
                let key = rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(key);
                let Ok(signature) = rsa::pkcs1v15::Signature::try_from(signature) else {
                    return Ok(false);
                };
                Ok(key.verify(message, &signature).is_ok())
            }
            Alg::Hs256 => Err("HS256 is checked with HMAC, not here".into()),
        }
    }
}
