//! Test tokens, signed exactly like tests/gateway/src/keys.js (HS256, compact JSON, claims in the
//! same order), so the API keys are byte-identical to the ones the gateway accepts.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::{SystemTime, UNIX_EPOCH};

/// The Supabase CLI's local default, which the gateway uses unless told otherwise.
pub const SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters-long";
const DEMO_KEY_EXP: u64 = 1983812996;

pub fn sign(claims_json: &str, secret: &str) -> String {
    let input = format!(
        "{}.{}",
        b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(claims_json.as_bytes())
    );
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(input.as_bytes());
    format!("{input}.{}", b64url(&mac.finalize().into_bytes()))
}

/// `anon` or `service_role` API key.
pub fn api_key(role: &str) -> String {
    sign(
        &format!(r#"{{"iss":"supabase-demo","role":"{role}","exp":{DEMO_KEY_EXP}}}"#),
        SECRET,
    )
}

/// A Supabase Auth access token for `sub`, expiring `expires_in` seconds from now (negative:
/// already expired).
pub fn user_token_signed_with(sub: &str, expires_in: i64, secret: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let exp = now + expires_in;
    let email = &sub[..8];
    sign(
        &format!(
            r#"{{"iss":"http://127.0.0.1/auth/v1","aud":"authenticated","sub":"{sub}","role":"authenticated","iat":{now},"exp":{exp},"email":"{email}@example.test","aal":"aal1","is_anonymous":false}}"#
        ),
        secret,
    )
}

pub fn user_token(sub: &str) -> String {
    user_token_signed_with(sub, 3600, SECRET)
}

fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}
