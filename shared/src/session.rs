//! How long a staff session lives and when sign-ins are throttled. Time is passed in.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session ends this long after sign-in, whatever happens.
    pub absolute: Duration,
    /// … or after this long without a request.
    pub idle: Duration,
    /// `last_seen` is written at most this often, to spare a write per request.
    pub touch_every: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { absolute: Duration::hours(12), idle: Duration::hours(2), touch_every: Duration::minutes(5) }
    }
}

impl SessionPolicy {
    pub fn expires_at(&self, signed_in: DateTime<Utc>) -> DateTime<Utc> {
        signed_in + self.absolute
    }

    pub fn is_live(&self, expires_at: DateTime<Utc>, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now < expires_at && now - last_seen < self.idle
    }

    pub fn needs_touch(&self, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now - last_seen >= self.touch_every
    }
}

/// Failed sign-ins tolerated per window, per username and per address (ASVS 2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle {
    pub window: Duration,
    pub per_username: u64,
    pub per_ip: u64,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self { window: Duration::minutes(15), per_username: 5, per_ip: 50 }
    }
}

impl LoginThrottle {
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// `Err(seconds to wait)` when either count reached its limit.
    pub fn check(&self, username_failures: u64, ip_failures: u64) -> Result<(), i64> {
        if username_failures >= self.per_username || ip_failures >= self.per_ip {
            Err(self.window.num_seconds())
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, h, m, 0).single().unwrap_or_default()
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let p = SessionPolicy::default();
        let start = t(8, 0);
        let expires = p.expires_at(start);
        assert!(p.is_live(expires, start, t(9, 59)));
        assert!(!p.is_live(expires, start, t(10, 0)), "idle for two hours");
        assert!(p.is_live(expires, t(19, 30), t(19, 59)));
        assert!(!p.is_live(expires, t(19, 59), t(20, 0)), "twelve hours after sign-in");
        assert!(!p.needs_touch(t(8, 0), t(8, 4)));
        assert!(p.needs_touch(t(8, 0), t(8, 5)));
    }

    #[test]
    fn throttle_after_five_failures_for_a_name() {
        let th = LoginThrottle::default();
        assert_eq!(th.check(4, 10), Ok(()));
        assert_eq!(th.check(5, 0), Err(900));
        assert_eq!(th.check(0, 50), Err(900));
    }
}
