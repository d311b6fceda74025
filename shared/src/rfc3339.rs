//! RFC 3339 timestamps as the API writes them (`2026-11-29T08:30:00.123Z`, or with an offset),
//! read without chrono's general parser, which would be some 6 KB of the citizens' wasm for
//! the two answers the form reads (the submission's and the nearby list's).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Deserializer};

/// The instant, or `None` for anything that is not an RFC 3339 date-time.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if b.len() < 20 || separators.iter().any(|&(i, c)| b[i] != c) || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let number = |from: usize, to: usize| number_of(s.get(from..to)?);
    let date = NaiveDate::from_ymd_opt(i32::try_from(number(0, 4)?).ok()?, number(5, 7)?, number(8, 10)?)?;
    let mut rest = s.get(19..)?;
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let kept = &fraction[..digits.min(9)];
        nanos = number_of(kept)? * 10u32.pow(9 - u32::try_from(kept.len()).ok()?);
        rest = &fraction[digits..];
    }
    let offset_seconds = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let minutes = i64::from(number_of(&rest[1..3])? * 60 + number_of(&rest[4..6])?);
            if *sign == b'-' {
                -minutes * 60
            } else {
                minutes * 60
            }
        }
        _ => return None,
    };
    let local = date.and_hms_nano_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?, nanos)?;
    Some(Utc.from_utc_datetime(&(local - Duration::seconds(offset_seconds))))
}

fn number_of(digits: &str) -> Option<u32> {
    digits.bytes().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
}

/// For `#[serde(deserialize_with = "crate::rfc3339::deserialize")]`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    parse(&raw).ok_or_else(|| serde::de::Error::custom("an RFC 3339 date-time"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::SecondsFormat;
    use proptest::prelude::*;

    #[test]
    fn the_forms_the_api_and_others_write() {
        for s in [
            "2026-11-29T08:30:00Z",
            "2026-11-29T08:30:00.123Z",
            "2026-11-29T16:30:00.123456789+08:00",
            "2026-11-29t08:30:00.1z",
            "2026-11-29 03:30:00-05:00",
            "2024-02-29T23:59:59.999999999999Z",
        ] {
            let chrono = DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).ok();
            assert_eq!(parse(s), chrono, "{s}");
            assert!(parse(s).is_some(), "{s}");
        }
        for bad in [
            "",
            "2026-11-29",
            "2026-11-29T08:30:00",
            "2026-02-30T08:30:00Z",
            "2026-11-29T24:00:00Z",
            "2026-11-29T08:30:00.Z",
            "2026-11-29T08:30:00+0800",
            "2026-11-29T08:30:00+08:00 ",
            "２026-11-29T08:30:00Z",
            "2026/11/29T08:30:00Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn what_chrono_writes_reads_back(millis in 0i64..4_102_444_800_000, offset_min in -720i32..=840, nanos in any::<bool>()) {
            let t = DateTime::from_timestamp_millis(millis).unwrap();
            let offset = chrono::FixedOffset::east_opt(offset_min * 60).unwrap();
            let format = if nanos { SecondsFormat::Nanos } else { SecondsFormat::Millis };
            let written = t.with_timezone(&offset).to_rfc3339_opts(format, offset_min == 0);
            prop_assert_eq!(parse(&written), Some(t), "{}", written);
        }
    }
}
