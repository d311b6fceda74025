//! Open data (政务公开), no sign-in: the monthly league table of departments or streets, the
//! settings it was computed with, observers' published grades, and the names behind the codes.
//! The pure parts (numbers as people read them, the default month) build on the host so the
//! tests cover them; numbers are written with integer arithmetic, which costs the wasm far less
//! than Rust's float formatting.

use chrono::{DateTime, FixedOffset, Offset, Utc};
use serde::Deserialize;
use shared::assessment::{Counts, GroupBy, ListMark};
use shared::grading::{Agreement, PublicGrade};

/// A department's public name (`GET /api/v1/open/departments`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PublicDepartment {
    pub code: String,
    pub name: String,
}

/// `GET /api/v1/open/grades`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Grades {
    pub month: String,
    pub grades: Vec<PublicGrade>,
    pub agreement: Vec<Agreement>,
}

/// Observers' titles with a translation; another kind shows as "other observer".
const OBSERVER_KINDS: [&str; 3] = ["npc_deputy", "cppcc_member", "people_observer"];

pub fn observer_kind_key(kind: &str) -> String {
    if OBSERVER_KINDS.contains(&kind) {
        format!("eval.observer_kind.{kind}")
    } else {
        "eval.observer_kind.other".to_owned()
    }
}

pub fn list_key(mark: ListMark) -> &'static str {
    match mark {
        ListMark::Red => "open.list.red",
        ListMark::Black => "open.list.black",
    }
}

pub fn group_by_key(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Department => "open.by.department",
        GroupBy::Street => "open.by.street",
    }
}

/// The month an instant falls in on the city's clock, "YYYY-MM".
pub fn month_at(now_ms: f64, utc_offset_minutes: i32) -> String {
    let now = DateTime::<Utc>::from_timestamp_millis(now_ms as i64).unwrap_or_default();
    let offset = FixedOffset::east_opt(utc_offset_minutes.saturating_mul(60)).unwrap_or_else(|| Utc.fix());
    shared::assessment::month_of(now, offset)
}

/// `v` with at most `places` decimals (trailing zeros dropped), or exactly `places` when
/// `fixed`. Integer arithmetic only; `v` is a rate, a weight or a score, never huge.
pub fn decimal(v: f64, places: u32, fixed: bool) -> String {
    let scale = 10_i64.pow(places);
    let scaled = (v * scale as f64).round() as i64;
    let (sign, scaled) = if scaled < 0 { ("-", -scaled) } else { ("", scaled) };
    let (whole, fraction) = (scaled / scale, scaled % scale);
    let mut digits = format!("{fraction:0width$}", width = places as usize);
    if !fixed {
        while digits.ends_with('0') {
            digits.pop();
        }
    }
    if digits.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{digits}")
    }
}

/// A rate as a percentage to one decimal ("78.8%", "90%"); "—" when there was nothing to judge,
/// never 0 %.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{}%", decimal(r * 100.0, 1, false)))
}

/// A score out of 100 to one decimal, "—" for none.
pub fn score(score: Option<f64>) -> String {
    score.map_or_else(|| "—".to_owned(), |s| decimal(s, 1, true))
}

/// The counts behind each rate, so every figure can be checked: (rate key, numerator shown,
/// denominator).
pub fn fractions(c: &Counts, basically_weight: f64) -> [(&'static str, String, u32); 6] {
    // Satisfaction counts a "basically satisfied" as `basically_weight` of a "satisfied".
    let satisfied = if c.basically_satisfied == 0 {
        c.satisfied.to_string()
    } else {
        format!("{}+{}×{}", c.satisfied, c.basically_satisfied, decimal(basically_weight, 2, false))
    };
    [
        ("response", c.response_on_time.to_string(), c.response_due),
        ("resolution", c.resolved.to_string(), c.resolved_answered),
        ("satisfaction", satisfied, c.rated),
        ("on_time", c.resolution_on_time.to_string(), c.resolution_due),
        ("redispatch", c.redispatched_away.to_string(), c.handled),
        ("repeat", c.repeated.to_string(), c.assessed),
    ]
}

/// The open CSV of one month, for `download` links.
pub fn csv_path(month: &str) -> String {
    format!("/api/v1/open/assessment.csv?month={month}")
}

/// This page's address for a month and grouping, so a table can be linked to.
pub fn page_path(month: &str, by: GroupBy) -> String {
    format!("/open/assessment?month={month}&by={}", by.as_str())
}

#[cfg(all(target_arch = "wasm32", feature = "open"))]
pub use client::*;

#[cfg(all(target_arch = "wasm32", feature = "open"))]
mod client {
    use super::{Grades, PublicDepartment};
    use crate::api::{call, decode, ApiError};
    use serde::Deserialize;
    use shared::assessment::{GroupBy, LeagueTable};
    use std::collections::BTreeMap;

    pub async fn league(month: &str, by: GroupBy) -> Result<LeagueTable, ApiError> {
        let path = format!("/api/v1/open/assessment?month={month}&by={}", by.as_str());
        decode(&call("GET", &path, &[], None).await?)
    }

    pub async fn grades(month: &str) -> Result<Grades, ApiError> {
        decode(&call("GET", &format!("/api/v1/open/grades?month={month}"), &[], None).await?)
    }

    /// Code → public name of the departments (`department`) or the areas (`street`).
    pub async fn names(by: GroupBy) -> Result<BTreeMap<String, String>, ApiError> {
        match by {
            GroupBy::Department => {
                #[derive(Deserialize)]
                struct List {
                    departments: Vec<PublicDepartment>,
                }
                let list: List = decode(&call("GET", "/api/v1/open/departments", &[], None).await?)?;
                Ok(list.departments.into_iter().map(|d| (d.code, d.name)).collect())
            }
            GroupBy::Street => {
                // The public boundaries as GeoJSON; only the features' names are needed.
                #[derive(Deserialize)]
                struct Properties {
                    code: String,
                    name: String,
                }
                #[derive(Deserialize)]
                struct Feature {
                    properties: Properties,
                }
                #[derive(Deserialize)]
                struct Areas {
                    features: Vec<Feature>,
                }
                let areas: Areas = decode(&call("GET", "/api/v1/areas", &[], None).await?)?;
                Ok(areas.features.into_iter().map(|f| (f.properties.code, f.properties.name)).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn rates_read_as_percentages_and_nothing_to_judge_is_a_dash() {
        assert_eq!(percent(Some(0.9)), "90%");
        assert_eq!(percent(Some(0.788_461_538)), "78.8%");
        assert_eq!(percent(Some(1.0)), "100%");
        assert_eq!(percent(Some(0.0)), "0%");
        assert_eq!(percent(Some(0.999_6)), "100%");
        assert_eq!(percent(None), "—");
        assert_eq!(score(Some(80.4)), "80.4");
        assert_eq!(score(Some(90.0)), "90.0");
        assert_eq!(score(None), "—");
        assert_eq!(decimal(0.45, 2, false), "0.45");
        assert_eq!(decimal(0.8, 2, false), "0.8");
        assert_eq!(decimal(-1.25, 1, true), "-1.3");
    }

    #[test]
    fn every_rate_shows_what_it_was_computed_from() {
        let c = Counts {
            response_on_time: 9,
            response_due: 10,
            rated: 52,
            satisfied: 38,
            basically_satisfied: 3,
            resolved_answered: 52,
            resolved: 41,
            ..Counts::default()
        };
        let f = fractions(&c, 0.8);
        assert_eq!(f[0], ("response", "9".to_owned(), 10));
        assert_eq!(f[1], ("resolution", "41".to_owned(), 52));
        assert_eq!(f[2], ("satisfaction", "38+3×0.8".to_owned(), 52));
        let plain = Counts { rated: 2, satisfied: 2, ..Counts::default() };
        assert_eq!(fractions(&plain, 0.8)[2].1, "2");
    }

    #[test]
    fn the_default_month_is_the_citys() {
        // 2026-11-30T16:30Z is already December in UTC+8.
        let ms = 1_796_056_200_000.0;
        assert_eq!(month_at(ms, 480), "2026-12");
        assert_eq!(month_at(ms, 0), "2026-11");
        assert!(shared::assessment::is_month(&month_at(ms, 480)));
    }

    #[test]
    fn links_and_labels() {
        assert_eq!(csv_path("2026-11"), "/api/v1/open/assessment.csv?month=2026-11");
        assert_eq!(page_path("2026-11", GroupBy::Street), "/open/assessment?month=2026-11&by=street");
        assert_eq!(observer_kind_key("npc_deputy"), "eval.observer_kind.npc_deputy");
        assert_eq!(observer_kind_key("mayor"), "eval.observer_kind.other");
        let mut keys: Vec<String> = OBSERVER_KINDS.iter().map(|k| observer_kind_key(k)).collect();
        keys.extend([list_key(ListMark::Red), list_key(ListMark::Black)].map(str::to_owned));
        keys.extend(GroupBy::ALL.map(|b| group_by_key(b).to_owned()));
        // The table's column labels (`RATES` in the page).
        keys.extend(
            ["response", "resolution", "satisfaction", "on_time", "redispatch", "repeat"]
                .map(|r| format!("open.rate.{r}")),
        );
        for lang in Lang::ALL {
            for key in &keys {
                assert!(lang.get(key).is_some(), "{lang:?}: {key}");
            }
        }
    }
}
