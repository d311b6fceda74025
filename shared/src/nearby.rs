//! "Already reported nearby": while a citizen fills the form, open requests of the same
//! category family close to the chosen point, so they can follow one ("me too") instead of
//! filing another.
//!
//! The search is the dispatcher's duplicate search (`duplicates::candidates`) with the
//! citizen's own radius and period and no text condition (the citizen may not have written
//! anything yet). Anyone may ask, from any point, so nothing here may reveal more than the
//! public tracking page: distances and the radius test use the request's public ~100 m cell
//! centre, never its exact point, and distances are given in coarse bands. With exact points a
//! caller probing the rim of the radius from many points could locate the reporter's door.

use crate::catalogue::{Catalogue, CategoryCode, CategoryRef};
use crate::duplicates::{candidates, Candidate, DuplicateSettings};
use crate::error::{FieldErrorCode, FieldErrors};
use crate::geo::{BoundingBox, LatLng};
use crate::ids::TrackingNo;
use crate::status::Status;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the citizen's suggestion looks at; a part of the casework settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearbySettings {
    pub radius_m: u32,
    pub days: u32,
    pub max_items: u32,
}

impl Default for NearbySettings {
    fn default() -> Self {
        Self { radius_m: 300, days: 30, max_items: 5 }
    }
}

/// A kilometre: wider than "nearby" means to someone standing at the spot.
pub const MAX_RADIUS_M: u32 = 1000;
pub const MAX_DAYS: u32 = 180;
pub const MAX_ITEMS: u32 = 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NearbySettingsInput {
    #[serde(default)]
    pub radius_m: Option<u32>,
    #[serde(default)]
    pub days: Option<u32>,
    #[serde(default)]
    pub max_items: Option<u32>,
}

impl NearbySettings {
    /// Absent fields keep their defaults; errors name `radius_m`, `days` or `max_items`.
    pub fn parse(input: &NearbySettingsInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let d = Self::default();
        let mut check = |field: &str, v: u32, min: u32, max: u32| {
            if !(min..=max).contains(&v) {
                errors.add_with_limit(
                    field,
                    FieldErrorCode::OutOfRange,
                    format!("{field} must be between {min} and {max}"),
                    Some(if v < min { min } else { max }),
                );
            }
            v
        };
        let radius_m = check("radius_m", input.radius_m.unwrap_or(d.radius_m), 50, MAX_RADIUS_M);
        let days = check("days", input.days.unwrap_or(d.days), 1, MAX_DAYS);
        let max_items = check("max_items", input.max_items.unwrap_or(d.max_items), 1, MAX_ITEMS);
        errors.finish(|| Self { radius_m, days, max_items })
    }

    /// The grid cells to read: the radius plus the farthest a stored point lies from its public
    /// cell centre, so every request whose public point is inside is in the pool.
    pub fn pool_radius_m(&self) -> u32 {
        self.radius_m + 100
    }
}

/// A validated `GET /api/v1/nearby` query.
#[derive(Debug, Clone, PartialEq)]
pub struct NearbyQuery {
    pub category: CategoryCode,
    pub point: LatLng,
}

impl NearbyQuery {
    /// Errors name `category`, `lat` and `lng`; the point must be in the service area.
    pub fn parse(
        category: Option<&str>,
        lat: Option<&str>,
        lng: Option<&str>,
        catalogue: &Catalogue,
        area: &BoundingBox,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let category = match category.map(str::trim).filter(|c| !c.is_empty()) {
            None => {
                errors.add("category", FieldErrorCode::Required, "category is required");
                None
            }
            Some(raw) => {
                let code = CategoryCode::parse(raw).filter(|c| catalogue.contains(c));
                if code.is_none() {
                    errors.add("category", FieldErrorCode::UnknownCategory, "no category has this code");
                }
                code
            }
        };
        let mut axis = |field: &str, raw: Option<&str>, bound: f64| match raw.map(str::trim).filter(|r| !r.is_empty()) {
            None => {
                errors.add(field, FieldErrorCode::Required, format!("{field} is required"));
                None
            }
            Some(raw) => match raw.parse::<f64>() {
                Ok(v) if v.is_finite() && v.abs() <= bound => Some(v),
                Ok(_) => {
                    errors.add(
                        field,
                        FieldErrorCode::OutOfRange,
                        format!("{field} must be between -{bound} and {bound}"),
                    );
                    None
                }
                Err(_) => {
                    errors.add(field, FieldErrorCode::InvalidFormat, format!("{field} is a decimal number of degrees"));
                    None
                }
            },
        };
        let lat = axis("lat", lat, 90.0);
        let lng = axis("lng", lng, 180.0);
        let point = lat.zip(lng).map(|(lat, lng)| LatLng { lat, lng });
        if point.is_some_and(|p| !area.contains(p)) {
            for field in ["lat", "lng"] {
                errors.add(field, FieldErrorCode::OutsideServiceArea, "the point is outside the city's service area");
            }
        }
        match (category, point) {
            (Some(category), Some(point)) if errors.is_empty() => Ok(Self { category, point }),
            _ => Err(errors),
        }
    }
}

/// How far a nearby request is, coarsely. Wire names are stable; the app translates them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum DistanceBand {
    #[serde(rename = "lt_100")]
    Under100,
    #[serde(rename = "100_300")]
    To300,
    #[serde(rename = "300_500")]
    To500,
    #[serde(rename = "500_1000")]
    To1000,
    #[serde(rename = "gt_1000")]
    Over1000,
}

impl DistanceBand {
    pub const ALL: [DistanceBand; 5] = [
        DistanceBand::Under100,
        DistanceBand::To300,
        DistanceBand::To500,
        DistanceBand::To1000,
        DistanceBand::Over1000,
    ];

    pub fn of(metres: f64) -> Self {
        match metres {
            m if m < 100.0 => Self::Under100,
            m if m < 300.0 => Self::To300,
            m if m < 500.0 => Self::To500,
            m if m < 1000.0 => Self::To1000,
            _ => Self::Over1000,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Under100 => "lt_100",
            Self::To300 => "100_300",
            Self::To500 => "300_500",
            Self::To1000 => "500_1000",
            Self::Over1000 => "gt_1000",
        }
    }
}

/// One suggestion, as public as the tracking page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NearbyItem {
    pub tracking_no: TrackingNo,
    /// Masked like the public view (`redact::public_text`).
    pub title: String,
    pub category: CategoryRef,
    pub status: Status,
    /// The centre of the ~100 m cell, as on the tracking page.
    pub approximate_location: LatLng,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
    pub me_too_count: u32,
    pub distance: DistanceBand,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NearbyResponse {
    pub items: Vec<NearbyItem>,
    pub radius_m: u32,
    pub days: u32,
}

/// Whether a citizen may still follow a request in this status: work is owed or an answer
/// may still be judged. Closed, merged and rejected requests take no "me too".
pub fn followable(status: Status) -> bool {
    !matches!(status, Status::Closed | Status::Merged | Status::RejectedUnreasonable)
}

/// `POST /api/v1/requests/{no}/me-too`: nothing to say but, optionally, the language the
/// follower reads (for the updates they may ask for).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeTooInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The languages the app speaks, as BCP 47 tags.
pub const LANGS: [&str; 3] = ["zh-Hans", "zh-Hant", "en"];

impl MeTooInput {
    /// The input as stored and hashed; an unknown language is refused, naming `lang`.
    pub fn parse(&self) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let lang = self.lang.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(|l| {
            let known = LANGS.iter().find(|k| k.eq_ignore_ascii_case(l)).map(|k| (*k).to_owned());
            if known.is_none() {
                errors.add("lang", FieldErrorCode::UnknownValue, "one of zh-Hans, zh-Hant, en");
            }
            known
        });
        errors.finish(|| Self { lang: lang.flatten() })
    }
}

/// The answer to a "me too": the follower's token is handed out here only (stored hashed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MeTooResponse {
    pub tracking_no: TrackingNo,
    pub token: crate::ids::AccessToken,
    pub me_too_count: u32,
}

/// A pool ticket with what the public list needs beside the duplicate search's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolEntry {
    pub candidate: Candidate,
    pub status: Status,
    pub me_too_count: u32,
}

/// The followable requests of the query's family within the radius and period of `now`,
/// nearest (by public point) first, then newest; at most `max_items`.
pub fn suggest(
    query: &NearbyQuery,
    pool: &[PoolEntry],
    settings: &NearbySettings,
    family_level: u8,
    now: DateTime<Utc>,
    catalogue: &Catalogue,
) -> Vec<NearbyItem> {
    let public: Vec<Candidate> = pool
        .iter()
        .filter(|e| followable(e.status) && e.candidate.created_at <= now)
        .map(|e| Candidate { point: e.candidate.point.map(LatLng::coarse), ..e.candidate.clone() })
        .collect();
    let probe = Candidate {
        ticket_id: String::new(),
        tracking_no: String::new(),
        category: query.category.as_str().to_owned(),
        point: Some(query.point),
        created_at: now,
        title: String::new(),
        description: String::new(),
        duplicate_of: None,
    };
    let search =
        DuplicateSettings { radius_m: settings.radius_m, days: settings.days, min_similarity: 0.0, family_level };
    let mut found: Vec<(f64, &PoolEntry, LatLng)> = candidates(&probe, &public, &search)
        .into_iter()
        .filter_map(|s| {
            // Requests without a point cannot be "nearby".
            let distance = s.distance_m?;
            let entry = pool.iter().find(|e| e.candidate.ticket_id == s.ticket_id)?;
            let coarse = entry.candidate.point?.coarse();
            Some((distance, entry, coarse))
        })
        .collect();
    found.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| b.1.candidate.created_at.cmp(&a.1.candidate.created_at))
            .then_with(|| a.1.candidate.ticket_id.cmp(&b.1.candidate.ticket_id))
    });
    found
        .into_iter()
        .take(usize::try_from(settings.max_items).unwrap_or(usize::MAX))
        .filter_map(|(distance, e, coarse)| {
            let code = CategoryCode::parse(&e.candidate.category)?;
            Some(NearbyItem {
                tracking_no: TrackingNo::from_stored(e.candidate.tracking_no.clone()),
                title: crate::redact::public_text(&e.candidate.title),
                category: catalogue.path(&code).unwrap_or(CategoryRef { code, path: Vec::new() }),
                status: e.status,
                approximate_location: coarse,
                created_at: e.candidate.created_at,
                me_too_count: e.me_too_count,
                distance: DistanceBand::of(distance),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::city::CityConfig;
    use crate::geo::distance_m;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap()
    }

    const EARTH_RADIUS_M: f64 = 6_371_008.8;
    const HERE: LatLng = LatLng { lat: 28.1905, lng: 112.9705 };

    fn north(metres: f64) -> LatLng {
        LatLng { lat: HERE.lat + (metres / EARTH_RADIUS_M).to_degrees(), lng: HERE.lng }
    }

    fn entry(id: &str, category: &str, point: Option<LatLng>, days_ago: i64, status: Status) -> PoolEntry {
        PoolEntry {
            candidate: Candidate {
                ticket_id: id.into(),
                tracking_no: format!("20261101-{id}"),
                category: category.into(),
                point,
                created_at: now() - Duration::days(days_ago),
                title: "路灯不亮，电话13912345678".into(),
                description: "详细描述".into(),
                duplicate_of: None,
            },
            status,
            me_too_count: 2,
        }
    }

    fn query() -> NearbyQuery {
        NearbyQuery { category: CategoryCode::parse("01.02.01").unwrap(), point: HERE }
    }

    fn ids(items: &[NearbyItem]) -> Vec<String> {
        items.iter().map(|i| i.tracking_no.as_str().trim_start_matches("20261101-").to_owned()).collect()
    }

    #[test]
    fn same_family_open_near_and_recent_only_nearest_first() {
        let pool = vec![
            entry("far-ish", "01.02.03", Some(north(250.0)), 1, Status::Dispatched),
            entry("near", "01.02.01", Some(north(20.0)), 3, Status::Submitted),
            entry("outside", "01.02.01", Some(north(600.0)), 1, Status::Submitted),
            entry("other-family", "01.01.01", Some(HERE), 1, Status::Submitted),
            entry("old", "01.02.01", Some(HERE), 31, Status::Submitted),
            entry("closed", "01.02.01", Some(HERE), 1, Status::Closed),
            entry("merged", "01.02.01", Some(HERE), 1, Status::Merged),
            entry("rejected", "01.02.01", Some(HERE), 1, Status::RejectedUnreasonable),
            entry("replied", "01.02.01", Some(north(150.0)), 1, Status::Replied),
            entry("nowhere", "01.02.01", None, 1, Status::Submitted),
        ];
        let items = suggest(&query(), &pool, &NearbySettings::default(), 2, now(), Catalogue::builtin());
        assert_eq!(ids(&items), vec!["near", "replied", "far-ish"]);
        let first = &items[0];
        assert_eq!(first.distance, DistanceBand::Under100);
        assert_eq!(items[2].distance, DistanceBand::To300);
        assert!(!first.title.contains("13912345678"), "masked: {}", first.title);
        assert_eq!(first.approximate_location, north(20.0).coarse());
        assert_eq!(first.me_too_count, 2);
        assert!(!first.category.path.is_empty());
        let one = NearbySettings { max_items: 1, ..Default::default() };
        assert_eq!(ids(&suggest(&query(), &pool, &one, 2, now(), Catalogue::builtin())), vec!["near"]);
        let wide = NearbySettings { radius_m: 1000, days: 60, max_items: 20 };
        let all = ids(&suggest(&query(), &pool, &wide, 2, now(), Catalogue::builtin()));
        assert!(all.contains(&"outside".to_owned()) && all.contains(&"old".to_owned()), "{all:?}");
    }

    #[test]
    fn the_radius_is_tested_on_the_public_point() {
        // Exactly inside by 5 m, but its public cell centre is farther: the answer follows the
        // public point, so probing the rim reveals nothing finer than the cell.
        let settings = NearbySettings { radius_m: 200, ..Default::default() };
        for metres in (150..260).step_by(7) {
            let p = north(f64::from(metres));
            let pool = vec![entry("x", "01.02.01", Some(p), 1, Status::Submitted)];
            let shown = !suggest(&query(), &pool, &settings, 2, now(), Catalogue::builtin()).is_empty();
            assert_eq!(shown, distance_m(HERE, p.coarse()) <= 200.0, "{metres} m");
        }
    }

    #[test]
    fn bands_are_coarse() {
        assert_eq!(DistanceBand::of(0.0), DistanceBand::Under100);
        assert_eq!(DistanceBand::of(99.9), DistanceBand::Under100);
        assert_eq!(DistanceBand::of(100.0), DistanceBand::To300);
        assert_eq!(DistanceBand::of(499.0), DistanceBand::To500);
        assert_eq!(DistanceBand::of(999.0), DistanceBand::To1000);
        assert_eq!(DistanceBand::of(5000.0), DistanceBand::Over1000);
        for b in DistanceBand::ALL {
            assert_eq!(serde_json::to_value(b).unwrap(), serde_json::json!(b.as_str()));
        }
    }

    #[test]
    fn queries_name_their_fields() {
        let city = CityConfig::demo();
        let cat = Catalogue::builtin();
        let ok = NearbyQuery::parse(Some("01.02.01"), Some("28.2"), Some("112.98"), cat, &city.service_area).unwrap();
        assert_eq!(ok.point, LatLng { lat: 28.2, lng: 112.98 });
        let e = NearbyQuery::parse(None, None, None, cat, &city.service_area).unwrap_err();
        for f in ["category", "lat", "lng"] {
            assert_eq!(e.get(f).map(|e| e.code), Some(FieldErrorCode::Required), "{f}");
        }
        let e = NearbyQuery::parse(Some("99.99.99"), Some("north"), Some("500"), cat, &city.service_area).unwrap_err();
        assert_eq!(e.get("category").map(|e| e.code), Some(FieldErrorCode::UnknownCategory));
        assert_eq!(e.get("lat").map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
        assert_eq!(e.get("lng").map(|e| e.code), Some(FieldErrorCode::OutOfRange));
        let e = NearbyQuery::parse(Some("01"), Some("39.9"), Some("116.4"), cat, &city.service_area).unwrap_err();
        assert_eq!(e.get("lat").map(|e| e.code), Some(FieldErrorCode::OutsideServiceArea));
        assert!(e.get("category").is_none(), "a first-level code is a family");
    }

    #[test]
    fn settings_are_range_checked_by_field() {
        assert_eq!(NearbySettings::parse(&NearbySettingsInput::default()).unwrap(), NearbySettings::default());
        let bad = NearbySettingsInput { radius_m: Some(5000), days: Some(0), max_items: Some(21) };
        let e = NearbySettings::parse(&bad).unwrap_err();
        assert_eq!(e.get("radius_m").and_then(|e| e.limit), Some(MAX_RADIUS_M));
        assert_eq!(e.get("days").and_then(|e| e.limit), Some(1));
        assert_eq!(e.get("max_items").and_then(|e| e.limit), Some(MAX_ITEMS));
        assert!(followable(Status::Replied) && followable(Status::Reopened) && !followable(Status::Closed));
    }

    #[test]
    fn me_too_takes_only_a_known_language() {
        assert_eq!(MeTooInput::default().parse().unwrap(), MeTooInput::default());
        let en = MeTooInput { lang: Some(" EN ".into()) }.parse().unwrap();
        assert_eq!(en.lang.as_deref(), Some("en"));
        let e = MeTooInput { lang: Some("fr".into()) }.parse().unwrap_err();
        assert_eq!(e.get("lang").map(|e| e.code), Some(FieldErrorCode::UnknownValue));
    }
}
