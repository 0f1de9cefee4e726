//! The stack's signing keys. Signing mode: ES256 with the private key of
//! `supabase/signing_keys.json` (its `kid` in every token's header), the JWKS its public
//! half. Legacy mode: HS256 with the shared JWT secret, an empty JWKS. Tokens are verified
//! as Supabase Auth verifies them: by `kid` against the JWKS, else HS256 with the secret.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use p256::pkcs8::EncodePrivateKey;
use serde_json::Value;

pub struct Keys {
    signer: Signer,
    jwks: JwkSet,
    /// The JWKS as served at `/.well-known/jwks.json`.
    pub jwks_json: Value,
    secret: Option<String>,
}

enum Signer {
    Es256 { kid: String, key: EncodingKey },
    Hs256 { key: EncodingKey },
}

impl Keys {
    /// Signing mode: `signing_keys` is the text of `signing_keys.json` (an array of JWKs,
    /// the first one signs), `jwks` the public JWKS the stack publishes.
    pub fn signing(signing_keys: &str, jwks: &str) -> Result<Self, String> {
        let keys: Vec<Value> =
            serde_json::from_str(signing_keys).map_err(|e| format!("signing keys: {e}"))?;
        let first = keys.first().ok_or("signing keys: the file holds no key")?;
        let field = |name: &str| {
            first[name]
                .as_str()
                .ok_or_else(|| format!("signing keys: the first key has no {name}"))
        };
        if field("kty")? != "EC" || field("crv")? != "P-256" {
            return Err("signing keys: the first key is not an EC P-256 (ES256) key".into());
        }
        let d = URL_SAFE_NO_PAD
            .decode(field("d")?)
            .map_err(|_| "signing keys: d is not base64url")?;
        let secret =
            p256::SecretKey::from_slice(&d).map_err(|_| "signing keys: d is not a P-256 scalar")?;
        let der = secret
            .to_pkcs8_der()
            .map_err(|e| format!("signing keys: {e}"))?;
        let jwks_json: Value = serde_json::from_str(jwks).map_err(|e| format!("JWKS: {e}"))?;
        Ok(Self {
            signer: Signer::Es256 {
                kid: field("kid")?.to_owned(),
                key: EncodingKey::from_ec_der(der.as_bytes()),
            },
            jwks: serde_json::from_value(jwks_json.clone()).map_err(|e| format!("JWKS: {e}"))?,
            jwks_json,
            secret: None,
        })
    }

    /// Legacy mode: HS256 with the shared secret; nothing published.
    pub fn legacy(secret: &str) -> Result<Self, String> {
        Ok(Self {
            signer: Signer::Hs256 {
                key: EncodingKey::from_secret(secret.as_bytes()).map_err(|e| e.to_string())?,
            },
            jwks: JwkSet { keys: vec![] },
            jwks_json: serde_json::json!({ "keys": [] }),
            secret: Some(secret.to_owned()),
        })
    }

    pub fn sign(&self, claims: &Value) -> Result<String, String> {
        let (header, key) = match &self.signer {
            Signer::Es256 { kid, key } => {
                let mut h = Header::new(Algorithm::ES256);
                h.kid = Some(kid.clone());
                (h, key)
            }
            Signer::Hs256 { key } => (Header::new(Algorithm::HS256), key),
        };
        jsonwebtoken::encode(&header, claims, key).map_err(|e| e.to_string())
    }

    /// The claims of a token signed by one of the stack's keys and not expired.
    pub fn verify(&self, token: &str) -> Result<Value, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
        let found: Option<&Jwk> = header.kid.as_deref().and_then(|kid| self.jwks.find(kid));
        let (key, alg) = match (found, &self.secret) {
            (Some(jwk), _) => (
                DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?,
                header.alg,
            ),
            (None, Some(secret)) if header.alg == Algorithm::HS256 => (
                DecodingKey::from_secret(secret.as_bytes()).map_err(|e| e.to_string())?,
                Algorithm::HS256,
            ),
            _ => {
                return Err(format!(
                    "unrecognized JWT kid {:?} for algorithm {:?}",
                    header.kid, header.alg
                ));
            }
        };
        let mut validation = Validation::new(alg);
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        validation.leeway = 0;
        jsonwebtoken::decode::<Value>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use serde_json::json;

    /// A throwaway P-256 key (made for these tests, never used anywhere else) as
    /// `signing_keys.json` holds it, and its public JWKS.
    pub fn test_keys() -> Keys {
        let secret = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
        let point =
            p256::elliptic_curve::sec1::ToSec1Point::to_sec1_point(&secret.public_key(), false);
        let (x, y) = (
            URL_SAFE_NO_PAD.encode(point.x().unwrap()),
            URL_SAFE_NO_PAD.encode(point.y().unwrap()),
        );
        let d = URL_SAFE_NO_PAD.encode([7u8; 32]);
        let private = json!([{ "kty": "EC", "crv": "P-256", "alg": "ES256", "kid": "test-kid", "d": d, "x": x, "y": y }]);
        let public = json!({ "keys": [{ "kty": "EC", "crv": "P-256", "alg": "ES256", "kid": "test-kid", "x": x, "y": y,
            "use": "sig", "key_ops": ["verify"] }] });
        Keys::signing(&private.to_string(), &public.to_string()).unwrap()
    }

    fn future() -> i64 {
        chrono::Utc::now().timestamp() + 60
    }

    #[test]
    fn es256_tokens_carry_the_kid_and_verify() {
        let keys = test_keys();
        let token = keys.sign(&json!({ "sub": "u", "exp": future() })).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(
            (header.alg, header.kid.as_deref()),
            (Algorithm::ES256, Some("test-kid"))
        );
        assert_eq!(keys.verify(&token).unwrap()["sub"], "u");
    }

    #[test]
    fn refuses_expired_tampered_and_foreign_tokens() {
        let keys = test_keys();
        let expired = keys.sign(&json!({ "sub": "u", "exp": 1000 })).unwrap();
        assert!(keys.verify(&expired).is_err());
        let token = keys.sign(&json!({ "sub": "u", "exp": future() })).unwrap();
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = URL_SAFE_NO_PAD.encode(json!({ "sub": "admin", "exp": future() }).to_string());
        assert!(keys.verify(&parts.join(".")).is_err());
        // HS256 is refused in signing mode: there is no shared secret.
        let hs = Keys::legacy("some-secret-of-at-least-32-characters!").unwrap();
        let forged = hs.sign(&json!({ "sub": "u", "exp": future() })).unwrap();
        assert!(keys.verify(&forged).is_err());
    }

    #[test]
    fn legacy_mode_is_hs256_without_kid() {
        let keys = Keys::legacy("super-secret-jwt-token-with-at-least-32-characters-long").unwrap();
        let token = keys.sign(&json!({ "sub": "u", "exp": future() })).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!((header.alg, header.kid), (Algorithm::HS256, None));
        assert_eq!(keys.verify(&token).unwrap()["sub"], "u");
        assert_eq!(keys.jwks_json, json!({ "keys": [] }));
        let other = Keys::legacy("another-secret-with-at-least-32-characters").unwrap();
        assert!(other.verify(&token).is_err());
    }
}
