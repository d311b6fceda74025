//! Web Push from the server's side: the VAPID `Authorization` header (RFC 8292, an ES256 JWT)
//! and the `aes128gcm` payload encryption of RFC 8188 keyed as RFC 8291 says.
//!
//! Randomness is passed in (the ephemeral key and the salt of each message), so the exact bytes
//! of RFC 8291's example can be checked on the host. `decrypt` plays the user agent, for tests.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// RFC 8188's record size; one record carries the whole message.
pub const RECORD_SIZE: u32 = 4096;
/// Push services accept at most 4096 bytes of body (RFC 8030 §7.2); the header takes 86 and the
/// tag and delimiter 17, so this is the longest plaintext that fits in one record.
pub const MAX_PLAINTEXT: usize = 4096 - 86 - 17;
/// RFC 8292 §2: the JWT must expire within 24 hours of the request.
pub const MAX_JWT_LIFETIME_SECS: i64 = 24 * 3600;
/// The user agent's public key (uncompressed P-256 point) and auth secret lengths.
pub const P256DH_LEN: usize = 65;
pub const AUTH_LEN: usize = 16;

const HEADER_LEN: usize = 16 + 4 + 1 + P256DH_LEN;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebPushError {
    /// A key, secret or token was not valid base64url or not the right length or point.
    BadKey(&'static str),
    /// The endpoint is not an absolute http(s) URL, so it has no origin for `aud`.
    BadEndpoint,
    /// The plaintext does not fit in one record under the push services' limit.
    TooLarge,
    /// The body was not an aes128gcm message for this key (tests and `decrypt` only).
    Malformed(&'static str),
    /// The JWT's signature or claims did not verify.
    BadToken(&'static str),
}

impl std::fmt::Display for WebPushError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebPushError::BadKey(what) => write!(f, "bad key: {what}"),
            WebPushError::BadEndpoint => write!(f, "the endpoint is not an absolute http(s) URL"),
            WebPushError::TooLarge => write!(f, "the payload is over {MAX_PLAINTEXT} bytes"),
            WebPushError::Malformed(what) => write!(f, "malformed message: {what}"),
            WebPushError::BadToken(what) => write!(f, "bad token: {what}"),
        }
    }
}

/// base64url without padding, as Web Push keys and JWTs are written.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decode base64url; browsers' `toJSON()` omits padding, but some libraries add it.
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim().trim_end_matches('=')).ok()
}

/// The server's VAPID key pair (application server key).
#[derive(Clone)]
pub struct VapidKey {
    signing: SigningKey,
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private scalar.
        f.debug_struct("VapidKey").field("public", &self.public_key()).finish()
    }
}

/// The claims of a VAPID JWT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VapidClaims {
    pub aud: String,
    pub exp: i64,
    pub sub: String,
}

impl VapidKey {
    /// From the 32-byte private scalar, base64url (the `VAPID_PRIVATE_KEY` secret).
    pub fn from_base64url(private: &str) -> Result<Self, WebPushError> {
        let bytes = b64url_decode(private).ok_or(WebPushError::BadKey("VAPID private key is not base64url"))?;
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(private: &[u8]) -> Result<Self, WebPushError> {
        if private.len() != 32 {
            return Err(WebPushError::BadKey("VAPID private key must be 32 bytes"));
        }
        let signing =
            SigningKey::from_slice(private).map_err(|_| WebPushError::BadKey("VAPID private key out of range"))?;
        Ok(VapidKey { signing })
    }

    /// The public key as the browser's `applicationServerKey` wants it: the uncompressed point, base64url.
    pub fn public_key(&self) -> String {
        b64url(self.signing.verifying_key().to_encoded_point(false).as_bytes())
    }

    /// A signed JWT for `endpoint`'s origin, valid until `exp` (unix seconds).
    pub fn jwt(&self, endpoint: &str, subject: &str, exp: i64) -> Result<String, WebPushError> {
        let claims = VapidClaims { aud: audience(endpoint)?, exp, sub: subject.to_string() };
        let header = b64url(br#"{"typ":"JWT","alg":"ES256"}"#);
        let body = serde_json::to_vec(&claims).map_err(|_| WebPushError::BadToken("claims"))?;
        let signing_input = format!("{header}.{}", b64url(&body));
        // RFC 6979 deterministic nonces: no randomness needed, and JWS wants raw r||s.
        let signature: Signature = self.signing.sign(signing_input.as_bytes());
        Ok(format!("{signing_input}.{}", b64url(&signature.to_bytes())))
    }

    /// The whole `Authorization` value: `vapid t=<jwt>, k=<public key>`.
    pub fn authorization(&self, endpoint: &str, subject: &str, exp: i64) -> Result<String, WebPushError> {
        Ok(format!("vapid t={}, k={}", self.jwt(endpoint, subject, exp)?, self.public_key()))
    }
}

/// The origin of a push endpoint (`scheme://host[:port]`), the JWT's audience.
pub fn audience(endpoint: &str) -> Result<String, WebPushError> {
    let (scheme, rest) = endpoint.split_once("://").ok_or(WebPushError::BadEndpoint)?;
    if scheme != "https" && scheme != "http" {
        return Err(WebPushError::BadEndpoint);
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err(WebPushError::BadEndpoint);
    }
    Ok(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// Check a VAPID `Authorization` value as a push service would: the signature against `k`
/// (and against `expected_public` when given), an unexpired `exp` at most 24 h ahead of `now`.
pub fn verify_authorization(
    header: &str,
    expected_public: Option<&str>,
    now: i64,
) -> Result<VapidClaims, WebPushError> {
    let rest = header.strip_prefix("vapid ").ok_or(WebPushError::BadToken("not the vapid scheme"))?;
    let mut token = None;
    let mut key = None;
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => token = Some(value),
            Some(("k", value)) => key = Some(value),
            _ => {}
        }
    }
    let (token, key) = token.zip(key).ok_or(WebPushError::BadToken("t= or k= missing"))?;
    if expected_public.is_some_and(|expected| expected != key) {
        return Err(WebPushError::BadToken("k= is not the server's key"));
    }
    let claims = verify_jwt(token, key)?;
    if claims.exp <= now || claims.exp > now + MAX_JWT_LIFETIME_SECS {
        return Err(WebPushError::BadToken("exp is past or more than 24 h ahead"));
    }
    Ok(claims)
}

/// Verify an ES256 JWT's signature with a base64url uncompressed public key; returns its claims.
pub fn verify_jwt(token: &str, public_key: &str) -> Result<VapidClaims, WebPushError> {
    let point = b64url_decode(public_key).ok_or(WebPushError::BadKey("public key is not base64url"))?;
    let verifying =
        VerifyingKey::from_sec1_bytes(&point).map_err(|_| WebPushError::BadKey("public key is not a P-256 point"))?;
    let (signing_input, signature) = token.rsplit_once('.').ok_or(WebPushError::BadToken("not a JWT"))?;
    let (header, claims) = signing_input.split_once('.').ok_or(WebPushError::BadToken("not a JWT"))?;
    let signature = b64url_decode(signature).ok_or(WebPushError::BadToken("signature is not base64url"))?;
    let signature = Signature::from_slice(&signature).map_err(|_| WebPushError::BadToken("signature is not r||s"))?;
    verifying
        .verify(signing_input.as_bytes(), &signature)
        .map_err(|_| WebPushError::BadToken("signature does not verify"))?;
    let header: serde_json::Value = b64url_decode(header)
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(WebPushError::BadToken("header is not JSON"))?;
    if header.get("alg").and_then(|alg| alg.as_str()) != Some("ES256") {
        return Err(WebPushError::BadToken("alg is not ES256"));
    }
    b64url_decode(claims)
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(WebPushError::BadToken("claims are not JSON"))
}

/// A user agent's subscription keys, decoded and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UaKeys {
    pub p256dh: [u8; P256DH_LEN],
    pub auth: [u8; AUTH_LEN],
}

impl UaKeys {
    /// From the subscription's base64url `keys.p256dh` and `keys.auth`.
    pub fn parse(p256dh: &str, auth: &str) -> Result<Self, WebPushError> {
        Ok(UaKeys { p256dh: parse_p256dh(p256dh)?, auth: parse_auth(auth)? })
    }
}

/// A subscription's `keys.p256dh`: an uncompressed point on P-256, base64url.
pub fn parse_p256dh(p256dh: &str) -> Result<[u8; P256DH_LEN], WebPushError> {
    let point = b64url_decode(p256dh)
        .and_then(|bytes| <[u8; P256DH_LEN]>::try_from(bytes).ok())
        .ok_or(WebPushError::BadKey("p256dh must be a 65-byte uncompressed point"))?;
    if point[0] != 0x04 || PublicKey::from_sec1_bytes(&point).is_err() {
        return Err(WebPushError::BadKey("p256dh is not a P-256 point"));
    }
    Ok(point)
}

/// A subscription's `keys.auth`: 16 bytes, base64url.
pub fn parse_auth(auth: &str) -> Result<[u8; AUTH_LEN], WebPushError> {
    b64url_decode(auth)
        .and_then(|bytes| <[u8; AUTH_LEN]>::try_from(bytes).ok())
        .ok_or(WebPushError::BadKey("auth must be 16 bytes"))
}

struct Keys {
    cek: [u8; 16],
    nonce: [u8; 12],
}

/// RFC 8291 §3.3–3.4 and RFC 8188 §2.2–2.3: from the ECDH secret to the content key and nonce.
fn derive(ecdh: &[u8], auth: &[u8], ua_public: &[u8], as_public: &[u8], salt: &[u8]) -> Result<Keys, WebPushError> {
    let mut key_info = Vec::with_capacity(14 + 2 * P256DH_LEN);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(as_public);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), ecdh).expand(&key_info, &mut ikm).map_err(|_| WebPushError::Malformed("hkdf"))?;
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek).map_err(|_| WebPushError::Malformed("hkdf"))?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce).map_err(|_| WebPushError::Malformed("hkdf"))?;
    Ok(Keys { cek, nonce })
}

/// Encrypt `plaintext` for a subscription: the whole `Content-Encoding: aes128gcm` body.
///
/// `ephemeral` (a fresh P-256 scalar) and `salt` must be new random bytes for every message.
pub fn encrypt(plaintext: &[u8], ua: &UaKeys, ephemeral: &[u8; 32], salt: &[u8; 16]) -> Result<Vec<u8>, WebPushError> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(WebPushError::TooLarge);
    }
    let as_secret =
        SecretKey::from_slice(ephemeral).map_err(|_| WebPushError::BadKey("ephemeral scalar out of range"))?;
    let as_public = as_secret.public_key().to_encoded_point(false);
    let ua_public =
        PublicKey::from_sec1_bytes(&ua.p256dh).map_err(|_| WebPushError::BadKey("p256dh is not a P-256 point"))?;
    let shared = p256::ecdh::diffie_hellman(as_secret.to_nonzero_scalar(), ua_public.as_affine());
    let keys = derive(shared.raw_secret_bytes(), &ua.auth, &ua.p256dh, as_public.as_bytes(), salt)?;
    // A single, last record: the 0x02 delimiter and no further padding.
    let mut record = Vec::with_capacity(plaintext.len() + 1);
    record.extend_from_slice(plaintext);
    record.push(2);
    let cipher = Aes128Gcm::new_from_slice(&keys.cek).map_err(|_| WebPushError::Malformed("cek"))?;
    let sealed = cipher
        .encrypt(Nonce::from_slice(&keys.nonce), record.as_slice())
        .map_err(|_| WebPushError::Malformed("aes-gcm"))?;
    let mut body = Vec::with_capacity(HEADER_LEN + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(P256DH_LEN as u8);
    body.extend_from_slice(as_public.as_bytes());
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// The user agent's side: decrypt an `aes128gcm` body with its private key and auth secret.
pub fn decrypt(body: &[u8], ua_private: &[u8; 32], auth: &[u8; AUTH_LEN]) -> Result<Vec<u8>, WebPushError> {
    if body.len() < HEADER_LEN + 17 {
        return Err(WebPushError::Malformed("shorter than a header and a tag"));
    }
    let (salt, rest) = body.split_at(16);
    let (record_size, rest) = rest.split_at(4);
    let record_size = u32::from_be_bytes([record_size[0], record_size[1], record_size[2], record_size[3]]);
    if rest[0] as usize != P256DH_LEN {
        return Err(WebPushError::Malformed("keyid is not a 65-byte point"));
    }
    let (as_public, sealed) = rest[1..].split_at(P256DH_LEN);
    if sealed.len() > record_size as usize {
        return Err(WebPushError::Malformed("more than one record"));
    }
    let ua_secret =
        SecretKey::from_slice(ua_private).map_err(|_| WebPushError::BadKey("user agent scalar out of range"))?;
    let ua_public = ua_secret.public_key().to_encoded_point(false);
    let as_key =
        PublicKey::from_sec1_bytes(as_public).map_err(|_| WebPushError::Malformed("keyid is not a P-256 point"))?;
    let shared = p256::ecdh::diffie_hellman(ua_secret.to_nonzero_scalar(), as_key.as_affine());
    let keys = derive(shared.raw_secret_bytes(), auth, ua_public.as_bytes(), as_public, salt)?;
    let cipher = Aes128Gcm::new_from_slice(&keys.cek).map_err(|_| WebPushError::Malformed("cek"))?;
    let mut record = cipher
        .decrypt(Nonce::from_slice(&keys.nonce), sealed)
        .map_err(|_| WebPushError::Malformed("tag does not verify"))?;
    while record.last() == Some(&0) {
        record.pop();
    }
    match record.pop() {
        Some(2) => Ok(record),
        _ => Err(WebPushError::Malformed("no last-record delimiter")),
    }
}

/// The public key (uncompressed, base64url) of a P-256 private scalar; tests make user agents with it.
pub fn public_key_of(private: &[u8; 32]) -> Result<String, WebPushError> {
    let secret = SecretKey::from_slice(private).map_err(|_| WebPushError::BadKey("scalar out of range"))?;
    Ok(b64url(secret.public_key().to_encoded_point(false).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(text: &str) -> Vec<u8> {
        b64url_decode(text).expect("base64url")
    }

    fn array<const N: usize>(text: &str) -> [u8; N] {
        <[u8; N]>::try_from(bytes(text)).expect("length")
    }

    // RFC 8291 Appendix A.
    const PLAINTEXT: &str = "When I grow up, I want to be a watermelon";
    const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    const AS_PUBLIC: &str = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    const UA_PUBLIC: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
    const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
    const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    #[test]
    fn rfc8291_appendix_a_encrypts_to_the_exact_bytes() {
        let ua = UaKeys::parse(UA_PUBLIC, AUTH).expect("keys");
        let body = encrypt(PLAINTEXT.as_bytes(), &ua, &array(AS_PRIVATE), &array(SALT)).expect("encrypt");
        assert_eq!(b64url(&body), BODY);
        assert_eq!(public_key_of(&array(AS_PRIVATE)).expect("public"), AS_PUBLIC);
        assert_eq!(public_key_of(&array(UA_PRIVATE)).expect("public"), UA_PUBLIC);
    }

    #[test]
    fn rfc8291_appendix_a_decrypts() {
        let plain = decrypt(&bytes(BODY), &array(UA_PRIVATE), &array(AUTH)).expect("decrypt");
        assert_eq!(plain, PLAINTEXT.as_bytes());
    }

    #[test]
    fn round_trip_and_tampering() {
        let ua_private = [7u8; 32];
        let ua = UaKeys::parse(&public_key_of(&ua_private).expect("public"), &b64url(&[9u8; 16])).expect("keys");
        let message = "{\"title\":\"回音\"}".repeat(40);
        let mut body = encrypt(message.as_bytes(), &ua, &[3u8; 32], &[5u8; 16]).expect("encrypt");
        assert_eq!(decrypt(&body, &ua_private, &[9u8; 16]).expect("decrypt"), message.as_bytes());
        // Another auth secret or a flipped bit must fail, not decrypt to garbage.
        assert!(decrypt(&body, &ua_private, &[8u8; 16]).is_err());
        let last = body.len() - 1;
        body[last] ^= 1;
        assert!(decrypt(&body, &ua_private, &[9u8; 16]).is_err());
    }

    #[test]
    fn the_largest_payload_fits_in_4096_bytes_and_one_more_is_refused() {
        let ua = UaKeys::parse(UA_PUBLIC, AUTH).expect("keys");
        let body = encrypt(&[b'x'; MAX_PLAINTEXT], &ua, &array(AS_PRIVATE), &array(SALT)).expect("encrypt");
        assert_eq!(body.len(), 4096);
        assert_eq!(
            encrypt(&[b'x'; MAX_PLAINTEXT + 1], &ua, &array(AS_PRIVATE), &array(SALT)),
            Err(WebPushError::TooLarge)
        );
    }

    #[test]
    fn subscription_keys_are_checked() {
        assert!(UaKeys::parse(UA_PUBLIC, AUTH).is_ok());
        // Compressed or truncated points, a point off the curve, short auth secrets.
        assert!(UaKeys::parse(&b64url(&bytes(UA_PUBLIC)[..33]), AUTH).is_err());
        let mut off_curve = bytes(UA_PUBLIC);
        off_curve[64] ^= 1;
        assert!(UaKeys::parse(&b64url(&off_curve), AUTH).is_err());
        assert!(UaKeys::parse(UA_PUBLIC, &b64url(&[1u8; 15])).is_err());
        assert!(UaKeys::parse("not base64!", AUTH).is_err());
        // Padded base64url, as some libraries write it, is accepted.
        assert!(UaKeys::parse(&format!("{UA_PUBLIC}="), &format!("{AUTH}==")).is_ok());
    }

    #[test]
    fn vapid_jwt_verifies_with_the_public_key_and_names_the_origin() {
        let key = VapidKey::from_base64url(AS_PRIVATE).expect("key");
        assert_eq!(key.public_key(), AS_PUBLIC);
        let now = 1_800_000_000;
        let header = key
            .authorization(
                "https://push.example.net:8443/wpush/v2/abc?x=1",
                "mailto:updates@example.org",
                now + 12 * 3600,
            )
            .expect("authorization");
        let claims = verify_authorization(&header, Some(AS_PUBLIC), now).expect("verifies");
        assert_eq!(claims.aud, "https://push.example.net:8443");
        assert_eq!(claims.sub, "mailto:updates@example.org");
        assert_eq!(claims.exp, now + 12 * 3600);
        // Another key, an expired or too-long token, a changed claim: all refused.
        let other = VapidKey::from_bytes(&[1u8; 32]).expect("key");
        assert!(verify_authorization(&header, Some(&other.public_key()), now).is_err());
        assert!(verify_authorization(&header, None, now + 13 * 3600).is_err());
        let long =
            key.authorization("https://push.example.net/x", "mailto:a@b.c", now + 25 * 3600).expect("authorization");
        assert!(verify_authorization(&long, None, now).is_err());
        let token = header.split("t=").nth(1).and_then(|rest| rest.split(',').next()).expect("token");
        let parts: Vec<&str> = token.split('.').collect();
        let forged_claims = b64url(br#"{"aud":"https://evil.example","exp":1800000100,"sub":"mailto:a@b.c"}"#);
        let forged = format!("{}.{}.{}", parts[0], forged_claims, parts[2]);
        assert!(verify_jwt(&forged, AS_PUBLIC).is_err());
    }

    #[test]
    fn audience_is_the_origin() {
        assert_eq!(audience("https://fcm.googleapis.com/fcm/send/xyz").expect("aud"), "https://fcm.googleapis.com");
        assert_eq!(audience("http://127.0.0.1:9000/push/1").expect("aud"), "http://127.0.0.1:9000");
        assert!(audience("ftp://x/y").is_err());
        assert!(audience("https:///nohost").is_err());
        assert!(audience("https://user@host/").is_err());
    }

    #[test]
    fn private_keys_are_checked() {
        assert!(VapidKey::from_bytes(&[0u8; 32]).is_err());
        assert!(VapidKey::from_bytes(&[1u8; 31]).is_err());
        assert!(VapidKey::from_base64url("***").is_err());
        // The Debug form must not leak the scalar.
        let key = VapidKey::from_base64url(AS_PRIVATE).expect("key");
        assert!(!format!("{key:?}").contains(AS_PRIVATE));
    }
}
