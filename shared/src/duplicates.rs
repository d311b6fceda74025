//! Duplicate candidates for the dispatcher's "merge as duplicate".
//!
//! One pothole is reported by ten neighbours; handling it once and answering all ten is the
//! point. A candidate must share the category family, fall in a time window and near the same
//! place, and say much the same thing. The text measure is character bigrams, because Chinese
//! has no spaces to split words at and bigrams need no dictionary or model.
//!
//! The grid (`cell_of`, `cells_near`) lets the store narrow a million tickets with an indexed
//! `cell IN (…)` before this module scores the few that remain.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::geo::{distance_m, LatLng};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateSettings {
    pub radius_m: u32,
    pub days: u32,
    /// Cosine of bigram counts, 0 (nothing shared) to 1 (same text).
    pub min_similarity: f64,
    /// How many leading code segments must agree: 2 makes `04.02.x` one family.
    pub family_level: u8,
}

impl Default for DuplicateSettings {
    fn default() -> Self {
        Self { radius_m: 500, days: 30, min_similarity: 0.25, family_level: 2 }
    }
}

/// The largest radius: its circle needs at most 81 cells, under D1's 100 bound parameters.
pub const MAX_RADIUS_M: u32 = 2000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicateSettingsInput {
    #[serde(default)]
    pub radius_m: Option<u32>,
    #[serde(default)]
    pub days: Option<u32>,
    #[serde(default)]
    pub min_similarity: Option<f64>,
    #[serde(default)]
    pub family_level: Option<u8>,
}

impl DuplicateSettings {
    /// Absent fields keep their defaults.
    pub fn parse(input: &DuplicateSettingsInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let d = Self::default();
        let radius_m = in_range(&mut errors, "radius_m", input.radius_m.unwrap_or(d.radius_m), 10, MAX_RADIUS_M);
        let days = in_range(&mut errors, "days", input.days.unwrap_or(d.days), 1, 365);
        let family_level = in_range(&mut errors, "family_level", input.family_level.unwrap_or(d.family_level), 1, 3);
        let min_similarity = input.min_similarity.unwrap_or(d.min_similarity);
        if !(0.0..=1.0).contains(&min_similarity) {
            errors.add("min_similarity", FieldErrorCode::OutOfRange, "min_similarity must be between 0 and 1");
        }
        errors.finish(|| Self { radius_m, days, min_similarity, family_level })
    }
}

fn in_range<T: Copy + PartialOrd + Into<u32>>(errors: &mut FieldErrors, field: &str, v: T, min: T, max: T) -> T {
    if v < min || v > max {
        let (lo, hi) = (min.into(), max.into());
        errors.add_with_limit(
            field,
            FieldErrorCode::OutOfRange,
            format!("{field} must be between {lo} and {hi}"),
            Some(if v < min { lo } else { hi }),
        );
    }
    v
}

/// A ticket as far as duplicate search needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub ticket_id: String,
    pub tracking_no: String,
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<LatLng>,
    pub created_at: DateTime<Utc>,
    pub title: String,
    pub description: String,
    /// Set when this ticket is already merged into another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub ticket_id: String,
    pub tracking_no: String,
    pub score: f64,
    pub similarity: f64,
    /// `None` when either ticket has no point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
    pub days_apart: f64,
}

/// The first `level` segments of a category code: the store's `LIKE prefix || '%'`.
pub fn family_prefix(code: &str, level: u8) -> String {
    code.split('.').take(usize::from(level)).collect::<Vec<_>>().join(".")
}

/// A code coarser than `level` (a ticket filed under "04" only) agrees with its descendants.
fn same_family(a: &str, b: &str, level: u8) -> bool {
    let (x, y) = (family_prefix(a, level), family_prefix(b, level));
    x == y || x.starts_with(&format!("{y}.")) || y.starts_with(&format!("{x}."))
}

fn bigrams(parts: &[&str]) -> HashMap<(char, char), u32> {
    let mut counts = HashMap::new();
    for part in parts {
        // Per part, so the seam between title and description makes no bigram of its own.
        let chars: Vec<char> = part.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        for w in chars.windows(2) {
            *counts.entry((w[0], w[1])).or_insert(0) += 1;
        }
    }
    counts
}

fn cosine(a: &HashMap<(char, char), u32>, b: &HashMap<(char, char), u32>) -> f64 {
    let norm = |m: &HashMap<(char, char), u32>| m.values().map(|v| f64::from(*v).powi(2)).sum::<f64>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    let dot: f64 = a.iter().filter_map(|(k, v)| b.get(k).map(|w| f64::from(*v) * f64::from(*w))).sum();
    // Float error can push identical texts a hair above 1.
    (dot / (na * nb)).min(1.0)
}

/// Text similarity of two texts in 0..=1, ignoring case, spaces and punctuation.
pub fn similarity(a: &str, b: &str) -> f64 {
    cosine(&bigrams(&[a]), &bigrams(&[b]))
}

/// The pool's plausible duplicates of `new`, best first.
pub fn candidates(new: &Candidate, pool: &[Candidate], settings: &DuplicateSettings) -> Vec<Scored> {
    let mine = bigrams(&[&new.title, &new.description]);
    let window_s = f64::from(settings.days) * 86_400.0;
    let radius = f64::from(settings.radius_m);
    let mut found: Vec<Scored> = pool
        .iter()
        // Merging into a duplicate would make a chain; its master is the one to offer.
        .filter(|c| c.ticket_id != new.ticket_id && c.duplicate_of.is_none())
        .filter(|c| same_family(&new.category, &c.category, settings.family_level))
        .filter_map(|c| {
            let apart_s = (new.created_at - c.created_at).num_seconds().unsigned_abs() as f64;
            if apart_s > window_s {
                return None;
            }
            let distance = match (new.point, c.point) {
                (Some(a), Some(b)) => Some(distance_m(a, b)),
                _ => None,
            };
            if distance.is_some_and(|d| d > radius) {
                return None;
            }
            let sim = cosine(&mine, &bigrams(&[&c.title, &c.description]));
            if sim < settings.min_similarity {
                return None;
            }
            // Unlocated tickets stay in the list but below any located one that is as alike.
            let nearness = distance.map_or(0.0, |d| 0.5 + 0.5 * (1.0 - d / radius.max(1.0)));
            let recency = 1.0 - apart_s / window_s;
            Some(Scored {
                ticket_id: c.ticket_id.clone(),
                tracking_no: c.tracking_no.clone(),
                score: 0.6 * sim + 0.25 * nearness + 0.15 * recency,
                similarity: sim,
                distance_m: distance,
                days_apart: apart_s / 86_400.0,
            })
        })
        .collect();
    found.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.ticket_id.cmp(&b.ticket_id)));
    found
}

/// Grid bands are this many degrees of latitude (≈ 556 m), so a default circle spans 3×3 cells.
pub const CELL_DEGREES: f64 = 0.005;
const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Longitude indices stay within ±36 000 (180° / 0.005°), so this keeps bands apart.
const BAND_STRIDE: i64 = 100_000;

fn band_of(lat: f64) -> i64 {
    (lat / CELL_DEGREES).floor() as i64
}

/// Cells widen in degrees towards the poles so they stay about square on the ground.
fn lng_step(band: i64) -> f64 {
    let centre = (band as f64 + 0.5) * CELL_DEGREES;
    CELL_DEGREES / centre.to_radians().cos().max(0.05)
}

fn cell(band: i64, lng: f64) -> i64 {
    band * BAND_STRIDE + (lng / lng_step(band)).floor() as i64 + BAND_STRIDE / 2
}

/// The grid cell a point lies in, for a stored, indexed column.
pub fn cell_of(p: LatLng) -> i64 {
    cell(band_of(p.lat), p.lng)
}

/// Every cell the circle of `radius_m` around `p` touches (its bounding box, to be exact).
/// Circles across the antimeridian are not covered; no city of ours straddles it.
pub fn cells_near(p: LatLng, radius_m: u32) -> Vec<i64> {
    // A margin so float error at the rim never drops an edge cell.
    let r = f64::from(radius_m) * 1.01 + 1.0;
    let dlat = (r / EARTH_RADIUS_M).to_degrees();
    let (south, north) = (p.lat - dlat, p.lat + dlat);
    // The circle is widest in degrees where the parallels are shortest.
    let widest = south.abs().max(north.abs()).min(89.0);
    let dlng = (r / (EARTH_RADIUS_M * widest.to_radians().cos())).to_degrees();
    let mut cells = Vec::new();
    for band in band_of(south)..=band_of(north) {
        cells.extend(cell(band, p.lng - dlng)..=cell(band, p.lng + dlng));
    }
    cells
}

/// A ticket's merge state, as the store knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeSide {
    pub ticket_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// How many tickets are already merged into this one.
    #[serde(default)]
    pub duplicates: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "refusal", rename_all = "snake_case")]
pub enum MergeRefusal {
    SameTicket,
    AlreadyDuplicate {
        master: String,
    },
    /// Merge into `root` instead: chains are never made.
    MasterIsDuplicate {
        root: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergePlan {
    pub master: String,
    pub duplicate: String,
    /// The duplicate's own duplicates move to the master too, so every chain stays one link.
    pub repoint_children: bool,
}

pub fn merge_plan(master: &MergeSide, duplicate: &MergeSide) -> Result<MergePlan, MergeRefusal> {
    if master.ticket_id == duplicate.ticket_id {
        return Err(MergeRefusal::SameTicket);
    }
    if let Some(m) = &duplicate.duplicate_of {
        return Err(MergeRefusal::AlreadyDuplicate { master: m.clone() });
    }
    if let Some(root) = &master.duplicate_of {
        return Err(MergeRefusal::MasterIsDuplicate { root: root.clone() });
    }
    Ok(MergePlan {
        master: master.ticket_id.clone(),
        duplicate: duplicate.ticket_id.clone(),
        repoint_children: duplicate.duplicates > 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap()
    }

    fn ticket(id: &str, category: &str, point: Option<(f64, f64)>, days: i64, title: &str, text: &str) -> Candidate {
        Candidate {
            ticket_id: id.into(),
            tracking_no: format!("T-{id}"),
            category: category.into(),
            point: point.map(|(lat, lng)| LatLng { lat, lng }),
            created_at: t0() + Duration::days(days),
            title: title.into(),
            description: text.into(),
            duplicate_of: None,
        }
    }

    /// A point `metres` due north of `p`.
    fn north_of(p: (f64, f64), metres: f64) -> (f64, f64) {
        (p.0 + (metres / EARTH_RADIUS_M).to_degrees(), p.1)
    }

    const HERE: (f64, f64) = (28.19, 112.97);

    #[test]
    fn chinese_and_english_similarity() {
        let bbq = similarity("小区楼下烧烤油烟扰民", "楼下烧烤店油烟太大扰民");
        assert!(bbq > 0.5, "{bbq}");
        assert_eq!(similarity("小区楼下烧烤油烟扰民", "路灯不亮"), 0.0);
        let en = similarity("Streetlight broken on Elm St.", "the street light on elm street is BROKEN");
        assert!(en > 0.5, "{en}");
        assert!(similarity("Streetlight broken", "Loud music at night") < 0.25);
        assert_eq!(similarity("路灯不亮！", "路灯 不亮"), 1.0, "punctuation and spaces are ignored");
        assert_eq!(similarity("", "路灯不亮"), 0.0);
        assert_eq!(similarity("灯", "灯"), 0.0, "one character makes no bigram");
    }

    #[test]
    fn candidates_are_filtered_and_ranked() {
        let new = ticket("new", "04.02.03", Some(HERE), 0, "小区楼下烧烤油烟扰民", "每天晚上十点以后");
        let pool = vec![
            new.clone(),
            ticket("near", "04.02.01", Some(north_of(HERE, 100.0)), -2, "楼下烧烤店油烟太大扰民", "晚上十点以后"),
            ticket("far", "04.02.03", Some(north_of(HERE, 900.0)), -2, "楼下烧烤店油烟太大扰民", ""),
            ticket("nopoint", "04.02.03", None, -2, "楼下烧烤店油烟太大扰民", "晚上十点以后"),
            ticket("other-family", "04.01.01", Some(HERE), -2, "楼下烧烤店油烟太大扰民", ""),
            ticket("old", "04.02.03", Some(HERE), -31, "楼下烧烤店油烟太大扰民", ""),
            ticket("unlike", "04.02.03", Some(HERE), -1, "路灯不亮", "一个月了"),
            Candidate {
                duplicate_of: Some("near".into()),
                ..ticket("merged", "04.02.03", Some(HERE), 0, "小区楼下烧烤油烟扰民", "")
            },
        ];
        let ids: Vec<String> =
            candidates(&new, &pool, &DuplicateSettings::default()).into_iter().map(|s| s.ticket_id).collect();
        assert_eq!(ids, vec!["near", "nopoint"]);
        let wide = DuplicateSettings { family_level: 1, ..Default::default() };
        let ids: Vec<String> = candidates(&new, &pool, &wide).into_iter().map(|s| s.ticket_id).collect();
        assert!(ids.contains(&"other-family".to_owned()), "{ids:?}");
    }

    #[test]
    fn window_and_radius_boundaries_are_inclusive() {
        let new = ticket("new", "04.02.03", Some(HERE), 0, "路灯不亮", "");
        let settings = DuplicateSettings::default();
        let edge = ticket("edge", "04.02.03", Some(north_of(HERE, 499.0)), -30, "路灯不亮", "");
        let scored = candidates(&new, std::slice::from_ref(&edge), &settings);
        assert_eq!(scored.len(), 1, "30 days and 499 m are inside");
        assert!((scored[0].days_apart - 30.0).abs() < 1e-9);
        let late = Candidate { created_at: t0() + Duration::days(30) + Duration::seconds(1), ..edge.clone() };
        assert!(candidates(&new, &[late], &settings).is_empty());
        let out = ticket("out", "04.02.03", Some(north_of(HERE, 501.0)), 0, "路灯不亮", "");
        assert!(candidates(&new, &[out], &settings).is_empty());
        let exact = LatLng { lat: north_of(HERE, 500.0).0, lng: HERE.1 };
        let d = distance_m(LatLng { lat: HERE.0, lng: HERE.1 }, exact);
        let at = ticket("at", "04.02.03", Some((exact.lat, exact.lng)), 0, "路灯不亮", "");
        assert_eq!(candidates(&new, &[at], &DuplicateSettings { radius_m: d.ceil() as u32, ..settings }).len(), 1);
    }

    #[test]
    fn families_compare_by_prefix() {
        assert_eq!(family_prefix("04.02.03", 2), "04.02");
        assert_eq!(family_prefix("04.02.03", 3), "04.02.03");
        assert!(same_family("04.02.03", "04.02.01", 2) && !same_family("04.02.03", "04.01.01", 2));
        assert!(same_family("04", "04.02.03", 2), "a coarse code agrees with its descendants");
        assert!(!same_family("04.02.03", "04.02.01", 3));
    }

    #[test]
    fn settings_are_range_checked_by_field() {
        assert_eq!(DuplicateSettings::parse(&DuplicateSettingsInput::default()).unwrap(), DuplicateSettings::default());
        let bad = DuplicateSettingsInput {
            radius_m: Some(5000),
            days: Some(0),
            min_similarity: Some(f64::NAN),
            family_level: Some(4),
        };
        let e = DuplicateSettings::parse(&bad).unwrap_err();
        for f in ["radius_m", "days", "min_similarity", "family_level"] {
            assert_eq!(e.get(f).map(|e| e.code), Some(FieldErrorCode::OutOfRange), "{f}");
        }
        assert_eq!(e.get("radius_m").and_then(|e| e.limit), Some(MAX_RADIUS_M));
        let edge = DuplicateSettingsInput { min_similarity: Some(1.0), family_level: Some(3), ..Default::default() };
        assert!(DuplicateSettings::parse(&edge).is_ok());
    }

    #[test]
    fn cell_cover_stays_small() {
        for lat in [18.3, 28.19, 39.9, 53.4] {
            let p = LatLng { lat, lng: 112.97 };
            assert!(cells_near(p, 500).len() <= 9, "{lat}: {}", cells_near(p, 500).len());
            assert!(cells_near(p, MAX_RADIUS_M).len() <= 81, "{lat}");
        }
        let p = LatLng { lat: 28.19, lng: 112.97 };
        assert!(cells_near(p, 500).contains(&cell_of(p)));
        assert_ne!(cell_of(p), cell_of(LatLng { lat: 28.19, lng: -112.97 }));
    }

    proptest! {
        #[test]
        fn every_point_within_the_radius_is_in_a_covered_cell(
            lat in 18.0f64..54.0, lng in 73.0f64..135.0, radius in 10u32..=MAX_RADIUS_M,
            bearing in 0.0f64..360.0, fraction in 0.0f64..=1.0,
        ) {
            // Spherical destination point at `fraction` of the radius along `bearing`.
            let d = f64::from(radius) * fraction / EARTH_RADIUS_M;
            let (p1, l1, b) = (lat.to_radians(), lng.to_radians(), bearing.to_radians());
            let p2 = (p1.sin() * d.cos() + p1.cos() * d.sin() * b.cos()).asin();
            let l2 = l1 + (b.sin() * d.sin() * p1.cos()).atan2(d.cos() - p1.sin() * p2.sin());
            let (p, q) = (LatLng { lat, lng }, LatLng { lat: p2.to_degrees(), lng: l2.to_degrees() });
            prop_assume!(distance_m(p, q) <= f64::from(radius));
            prop_assert!(cells_near(p, radius).contains(&cell_of(q)));
        }
    }

    #[test]
    fn merges_never_make_chains() {
        let side = |id: &str, of: Option<&str>, n: u32| MergeSide {
            ticket_id: id.into(),
            duplicate_of: of.map(str::to_owned),
            duplicates: n,
        };
        assert_eq!(merge_plan(&side("a", None, 0), &side("a", None, 0)), Err(MergeRefusal::SameTicket));
        assert_eq!(
            merge_plan(&side("a", None, 0), &side("b", Some("c"), 0)),
            Err(MergeRefusal::AlreadyDuplicate { master: "c".into() })
        );
        assert_eq!(
            merge_plan(&side("a", Some("root"), 0), &side("b", None, 0)),
            Err(MergeRefusal::MasterIsDuplicate { root: "root".into() })
        );
        let plan = merge_plan(&side("a", None, 3), &side("b", None, 2)).unwrap();
        assert_eq!(plan, MergePlan { master: "a".into(), duplicate: "b".into(), repoint_children: true });
        let json = serde_json::to_value(MergeRefusal::MasterIsDuplicate { root: "r".into() }).unwrap();
        assert_eq!(json, serde_json::json!({"refusal": "master_is_duplicate", "root": "r"}));
    }
}
