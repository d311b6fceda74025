//! Per-address limits on what anyone may try without an account: filing a request and signing
//! in. Counted by Cloudflare's rate-limiting bindings (`[[ratelimits]]` in wrangler.toml), so the
//! submission path writes nothing extra to D1. The key is a keyed hash of the address: the
//! limiter never holds a citizen's IP.

use crate::config::AppState;
use crate::error::ApiError;
use shared::ids::sha256_hex;
use worker::Env;

#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// Anonymous web submissions (channels have their own per-channel rate).
    Submit,
    /// Sign-in attempts, right or wrong (failed ones are also throttled per account in D1).
    Login,
}

impl Limit {
    fn binding(self) -> &'static str {
        match self {
            Limit::Submit => "SUBMIT_LIMITER",
            Limit::Login => "LOGIN_LIMITER",
        }
    }

    /// The `simple.limit` of the binding in wrangler.toml, for the answer's message.
    fn per_minute(self) -> i64 {
        match self {
            Limit::Submit => 10,
            Limit::Login => 20,
        }
    }
}

/// 429 with Retry-After once this address has used up the minute's allowance.
pub async fn check(env: &Env, state: &AppState, limit: Limit) -> Result<(), ApiError> {
    // The test suite and the load bench send everything from this machine; only a development
    // stack lets loopback through, and the rate-limit tests send from other (documentation) addresses.
    if state.development && is_loopback(&state.ip) {
        return Ok(());
    }
    let limiter = env.rate_limiter(limit.binding())?;
    let mut keyed = state.token_secret.clone();
    keyed.extend_from_slice(state.ip.as_bytes());
    let outcome = limiter.limit(sha256_hex(&keyed)).await?;
    if outcome.success {
        Ok(())
    } else {
        Err(ApiError::RateLimited { limit: limit.per_minute(), retry_after: 60 })
    }
}

fn is_loopback(ip: &str) -> bool {
    matches!(ip, "127.0.0.1" | "::1" | "unknown")
}
