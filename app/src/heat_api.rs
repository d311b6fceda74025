//! The heat map, hot issues and spike alerts: what the server sends and how it reads. The pure
//! parts (colour classes, the busiest cells, numbers and dates as people read them) build on the
//! host so the tests cover them; numbers are written with integer arithmetic (`open_api::decimal`)
//! because Rust's float formatting costs the wasm far more.

use crate::open_api::decimal;
use chrono::{DateTime, FixedOffset, Offset, Utc};
use serde::Deserialize;
use shared::heat::HeatCell;
use shared::hot_issues::HotIssue;
use std::collections::BTreeMap;

/// ColorBrewer's 5-class YlOrRd: sequential, readable with every common colour-vision
/// deficiency and in greyscale, light for few requests and dark for many.
pub const PALETTE: [&str; 5] = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];

/// Rows of the accessible table under the map.
pub const TOP_CELLS: usize = 20;

/// Members listed openly under a hot issue; more fold into a `<details>`.
pub const MEMBERS_OPEN: usize = 5;

/// Months offered in the period filter, the current one included, before whole years.
const MONTHS_OFFERED: u32 = 12;
const YEARS_OFFERED: i32 = 3;

/// The lower bound of each colour class, from `min_count` (no published cell has fewer) up to
/// at most `max`. Classes grow geometrically, because a few busy streets would otherwise put
/// every other cell in the first class, and are rounded to 1, 2 or 5 × 10ⁿ so the legend reads
/// easily. Fewer classes when the counts are close together.
pub fn breaks(min_count: u32, max: u32) -> Vec<u32> {
    let low = min_count.max(1);
    let high = max.max(low);
    let ratio = f64::from(high) / f64::from(low);
    let classes = PALETTE.len();
    let mut out = vec![low];
    for i in 1..classes {
        let raw = f64::from(low) * ratio.powf(i as f64 / classes as f64);
        let b = nice(raw.round() as u32);
        if out.last().is_some_and(|last| b > *last) && b <= high {
            out.push(b);
        }
    }
    out
}

/// The largest of 1, 2 or 5 × 10ⁿ not above `n`.
fn nice(n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    let mut power = 1u32;
    while power <= n / 10 {
        power *= 10;
    }
    [5, 2, 1].into_iter().filter_map(|m: u32| m.checked_mul(power)).find(|v| *v <= n).unwrap_or(power)
}

/// The class of a count: the last break it reaches.
pub fn class_of(count: u32, breaks: &[u32]) -> usize {
    breaks.iter().take_while(|b| **b <= count).count().saturating_sub(1)
}

/// The colour of class `class` of `classes`, spread over the palette so the busiest class is
/// always the darkest.
pub fn colour(class: usize, classes: usize) -> &'static str {
    let last = PALETTE.len() - 1;
    let index = match classes {
        0 | 1 => last / 2,
        n => class.min(n - 1) * last / (n - 1),
    };
    PALETTE[index]
}

/// The legend: each class's range of counts and its colour.
pub fn legend(breaks: &[u32]) -> Vec<(String, &'static str)> {
    breaks
        .iter()
        .enumerate()
        .map(|(i, low)| {
            let label = match breaks.get(i + 1) {
                None => format!("≥ {low}"),
                Some(next) if *next == low + 1 => low.to_string(),
                Some(next) => format!("{low}–{}", next - 1),
            };
            (label, colour(i, breaks.len()))
        })
        .collect()
}

pub fn max_count(cells: &[HeatCell]) -> u32 {
    cells.iter().map(|c| c.count).max().unwrap_or(0)
}

pub fn total(cells: &[HeatCell]) -> u64 {
    cells.iter().map(|c| u64::from(c.count)).sum()
}

/// The busiest cells first; equal counts in geohash order, so the table does not shuffle.
pub fn top_cells(cells: &[HeatCell], n: usize) -> Vec<HeatCell> {
    let mut sorted = cells.to_vec();
    sorted.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.cell.cmp(&b.cell)));
    sorted.truncate(n);
    sorted
}

/// A cell's centre as a place people can read: the translation key for its hemispheres and
/// the coordinates without sign, to about the cell's size (precision 4 ≈ 30 km: one decimal).
pub fn place(lat: f64, lng: f64, precision: usize) -> (&'static str, String, String) {
    let places = match precision {
        0..=4 => 1,
        5..=6 => 2,
        _ => 3,
    };
    let key = match (lat >= 0.0, lng >= 0.0) {
        (true, true) => "open.heatmap.place.ne",
        (true, false) => "open.heatmap.place.nw",
        (false, true) => "open.heatmap.place.se",
        (false, false) => "open.heatmap.place.sw",
    };
    (key, decimal(lat.abs(), places, true), decimal(lng.abs(), places, true))
}

/// Roughly how wide a cell of this precision is (near 30° N), with its unit's key.
pub fn cell_size(precision: usize) -> (&'static str, u32) {
    match precision {
        0..=4 => ("open.heatmap.size_km", 30),
        5 => ("open.heatmap.size_km", 5),
        6 => ("open.heatmap.size_km", 1),
        _ => ("open.heatmap.size_m", 150),
    }
}

/// A first-level category code such as `04`.
pub fn is_family(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit())
}

pub fn is_year(period: &str) -> bool {
    period.len() == 4 && period.bytes().all(|b| b.is_ascii_digit())
}

/// A month (`2026-11`) or a year (`2026`), as the API takes them.
pub fn is_period(period: &str) -> bool {
    shared::assessment::is_month(period) || is_year(period)
}

/// The months before `month` (itself first), then the whole years, newest first; `chosen` is
/// added if it is valid but older, so a linked address still shows what it asked for.
pub fn period_options(month: &str, chosen: &str) -> Vec<String> {
    let parsed = month.split_once('-').and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)));
    let Some((year, mon)) = parsed.filter(|(_, m)| (1..=12).contains(m)) else {
        return vec![chosen.to_owned()];
    };
    let mut out: Vec<String> = (0..MONTHS_OFFERED)
        .map(|back| {
            let index = year * 12 + mon as i32 - 1 - back as i32;
            format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
        })
        .collect();
    out.extend((0..YEARS_OFFERED).map(|back| (year - back).to_string()));
    if is_period(chosen) && !out.iter().any(|p| p == chosen) {
        out.push(chosen.to_owned());
    }
    out
}

/// How a period reads: the translation key and its `{year}` and `{month}` (no leading zero).
pub fn period_label(period: &str) -> (&'static str, String, String) {
    match period.split_once('-') {
        Some((year, month)) => ("open.heatmap.month", year.to_owned(), month.trim_start_matches('0').to_owned()),
        None => ("open.heatmap.year", period.to_owned(), String::new()),
    }
}

/// This page's address for a filter; the category is left out when it is all of them.
pub fn page_path(category: &str, period: &str) -> String {
    if category.is_empty() {
        format!("/open/heatmap?period={period}")
    } else {
        format!("/open/heatmap?category={category}&period={period}")
    }
}

pub fn heatmap_path(zoom: u8, category: &str, period: &str) -> String {
    let mut path = format!("/api/v1/open/heatmap?zoom={zoom}&period={period}");
    if !category.is_empty() {
        path.push_str("&category=");
        path.push_str(category);
    }
    path
}

/// `GET /api/v1/open/hot-issues`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HotIssues {
    pub computed_at: DateTime<Utc>,
    pub window_days: u32,
    pub issues: Vec<HotIssue>,
}

/// Heat is a decayed count of reports: shown whole, since its decimals mean nothing to a reader.
pub fn heat_text(heat: f64) -> String {
    if heat.is_finite() && heat > 0.0 {
        (heat.round() as u64).to_string()
    } else {
        "0".to_owned()
    }
}

/// The day an instant falls on by the city's clock, `YYYY-MM-DD`.
pub fn city_day(at: &DateTime<Utc>, utc_offset_minutes: i32) -> String {
    let offset = FixedOffset::east_opt(utc_offset_minutes.saturating_mul(60)).unwrap_or_else(|| Utc.fix());
    at.with_timezone(&offset).date_naive().to_string()
}

/// An issue's area (`a3/a3-yuhua`, coarse to fine) by the name of its finest known part.
pub fn area_name(path: &str, names: &BTreeMap<String, String>) -> Option<String> {
    let mut parts: Vec<&str> = path.split(['/', '.']).filter(|p| !p.is_empty()).collect();
    parts.reverse();
    parts.iter().find_map(|code| names.get(*code).cloned()).or_else(|| parts.first().map(|c| (*c).to_owned()))
}

/// The alerts are the staff console's only; the transparency bundle does without them.
#[cfg(any(feature = "staff", not(target_arch = "wasm32")))]
pub mod alerts {
    use crate::open_api::decimal;
    use serde::Deserialize;

    /// A stored spike alert (`GET /api/v1/supervision/alerts`).
    #[derive(Debug, Clone, PartialEq, Deserialize)]
    pub struct AlertRow {
        /// `family|district`; the district is empty when the requests had no area.
        pub key: String,
        pub window: String,
        /// The city-local day judged, `YYYY-MM-DD`.
        pub day: String,
        pub observed: u32,
        pub expected: f64,
        pub p_value: f64,
        pub ratio: f64,
    }

    impl AlertRow {
        /// (category family, district code).
        pub fn parts(&self) -> (&str, &str) {
            self.key.split_once('|').unwrap_or((self.key.as_str(), ""))
        }
    }

    /// Newest day first; within a day the server's order (most significant first) stays.
    pub fn newest_first(alerts: &mut [AlertRow]) {
        alerts.sort_by(|a, b| b.day.cmp(&a.day));
    }

    pub fn window_key(window: &str) -> &'static str {
        match window {
            "day" => "staff.alerts.window.day",
            "week" => "staff.alerts.window.week",
            _ => "staff.alerts.window.other",
        }
    }

    /// Alerts fire at p ≤ 0.001 by default, so finer digits would only suggest a precision the
    /// model does not have.
    pub fn p_value_text(p: f64) -> String {
        if !p.is_finite() {
            "—".to_owned()
        } else if p < 0.001 {
            "< 0.001".to_owned()
        } else {
            decimal(p, 3, true)
        }
    }

    /// Observed ÷ expected, or the expected count, to one decimal; "—" when there is none.
    pub fn one_decimal(v: f64) -> String {
        if v.is_finite() {
            decimal(v, 1, true)
        } else {
            "—".to_owned()
        }
    }
}

#[cfg(all(target_arch = "wasm32", feature = "open"))]
pub use client::*;

#[cfg(all(target_arch = "wasm32", feature = "open"))]
mod client {
    use super::{heatmap_path, HotIssues};
    use crate::api::{call, decode, ApiError};
    use shared::heat::HeatMap;

    pub async fn heatmap(zoom: u8, category: &str, period: &str) -> Result<HeatMap, ApiError> {
        decode(&call("GET", &heatmap_path(zoom, category, period), &[], None).await?)
    }

    pub async fn hot_issues() -> Result<HotIssues, ApiError> {
        decode(&call("GET", "/api/v1/open/hot-issues", &[], None).await?)
    }

    #[cfg(feature = "staff")]
    pub async fn spike_alerts() -> Result<Vec<super::alerts::AlertRow>, ApiError> {
        #[derive(serde::Deserialize)]
        struct List {
            alerts: Vec<super::alerts::AlertRow>,
        }
        let list: List = decode(&call("GET", "/api/v1/supervision/alerts", &[], None).await?)?;
        Ok(list.alerts)
    }
}

#[cfg(test)]
mod tests {
    use super::alerts::*;
    use super::*;
    use crate::i18n::Lang;

    fn cell(cell: &str, count: u32) -> HeatCell {
        HeatCell { cell: cell.to_owned(), lat: 28.2, lng: 112.9, count }
    }

    #[test]
    fn breaks_grow_geometrically_in_round_numbers() {
        assert_eq!(breaks(5, 400), [5, 10, 20, 50, 100]);
        assert_eq!(breaks(5, 30), [5, 10, 20]);
        assert_eq!(breaks(5, 85), [5, 10, 20]);
        assert_eq!(breaks(5, 6), [5]);
        assert_eq!(breaks(5, 5), [5]);
        // An empty map still has a legend, and a count of 0 never divides by zero.
        assert_eq!(breaks(0, 0), [1]);
        for (min, max) in [(1, 1), (5, 9), (5, 10_000), (3, 4_000_000_000), (5, 2)] {
            let b = breaks(min, max);
            assert!(!b.is_empty() && b.len() <= PALETTE.len(), "{b:?}");
            assert!(b.windows(2).all(|w| w[0] < w[1]), "{b:?}");
            assert_eq!(b[0], min.max(1));
            assert!(b.iter().all(|x| *x <= max.max(min)), "{min} {max}: {b:?}");
        }
        assert_eq!([nice(12), nice(29), nice(69), nice(166), nice(9), nice(1_000)], [10, 20, 50, 100, 5, 1_000]);
        assert_eq!([nice(0), nice(1), nice(3), nice(u32::MAX)], [0, 1, 2, 2_000_000_000]);
    }

    #[test]
    fn counts_fall_in_their_class_and_the_busiest_is_darkest() {
        let b = [5, 10, 20, 50, 100];
        assert_eq!([5, 9, 10, 49, 50, 100, 9_999].map(|n| class_of(n, &b)), [0, 0, 1, 2, 3, 4, 4]);
        // Below the minimum cannot be published, but it still gets a class, not a panic.
        assert_eq!(class_of(2, &b), 0);
        assert_eq!(colour(4, 5), PALETTE[4]);
        assert_eq!(colour(0, 5), PALETTE[0]);
        assert_eq!(colour(1, 2), PALETTE[4]);
        assert_eq!(colour(0, 2), PALETTE[0]);
        assert_eq!(colour(0, 1), PALETTE[2]);
        let l = legend(&[5, 6, 10]);
        assert_eq!(l, [("5".to_owned(), PALETTE[0]), ("6–9".to_owned(), PALETTE[2]), ("≥ 10".to_owned(), PALETTE[4])]);
        assert_eq!(legend(&[5]), [("≥ 5".to_owned(), PALETTE[2])]);
    }

    #[test]
    fn the_table_lists_the_busiest_cells_in_a_stable_order() {
        let cells = vec![cell("wt02b", 7), cell("wt02a", 30), cell("wt01z", 7), cell("wt03c", 5)];
        let top = top_cells(&cells, 3);
        let names: Vec<&str> = top.iter().map(|c| c.cell.as_str()).collect();
        assert_eq!(names, ["wt02a", "wt01z", "wt02b"]);
        assert_eq!((max_count(&cells), total(&cells)), (30, 49));
        assert_eq!(max_count(&[]), 0);
        assert_eq!(top_cells(&cells, TOP_CELLS).len(), 4);
    }

    #[test]
    fn places_read_to_about_the_cells_size() {
        assert_eq!(place(28.2012, 112.9876, 5), ("open.heatmap.place.ne", "28.20".to_owned(), "112.99".to_owned()));
        assert_eq!(place(28.2, 112.9, 4).1, "28.2");
        assert_eq!(place(-33.8688, -151.2093, 7), ("open.heatmap.place.sw", "33.869".to_owned(), "151.209".to_owned()));
        assert_eq!(place(40.0, -74.0, 6).0, "open.heatmap.place.nw");
        assert_eq!(cell_size(5), ("open.heatmap.size_km", 5));
        assert_eq!(cell_size(7).0, "open.heatmap.size_m");
    }

    #[test]
    fn periods_and_addresses() {
        let options = period_options("2026-02", "2019-05");
        assert_eq!(&options[..3], ["2026-02", "2026-01", "2025-12"]);
        assert_eq!(options[11], "2025-03");
        assert_eq!(&options[12..], ["2026", "2025", "2024", "2019-05"]);
        assert_eq!(period_options("2026-02", "2026").len(), 15, "a listed year is not repeated");
        assert_eq!(period_options("2026-02", "junk").len(), 15);
        assert!(options.iter().all(|p| is_period(p)));
        assert!(is_period("2026") && is_period("2026-11") && !is_period("2026-13") && !is_period("26"));
        assert!(is_family("04") && !is_family("4") && !is_family("04.01") && !is_family("ab"));
        assert_eq!(period_label("2026-03"), ("open.heatmap.month", "2026".to_owned(), "3".to_owned()));
        assert_eq!(period_label("2026"), ("open.heatmap.year", "2026".to_owned(), String::new()));
        assert_eq!(page_path("", "2026-11"), "/open/heatmap?period=2026-11");
        assert_eq!(page_path("04", "2026"), "/open/heatmap?category=04&period=2026");
        assert_eq!(heatmap_path(12, "04", "2026-11"), "/api/v1/open/heatmap?zoom=12&period=2026-11&category=04");
        assert_eq!(heatmap_path(9, "", "2026"), "/api/v1/open/heatmap?zoom=9&period=2026");
    }

    #[test]
    fn hot_issues_read_whole_and_on_the_citys_days() {
        assert_eq!([heat_text(12.49), heat_text(12.5), heat_text(0.2), heat_text(f64::NAN)], ["12", "13", "0", "0"]);
        let late = DateTime::parse_from_rfc3339("2026-11-28T17:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(city_day(&late, 480), "2026-11-29");
        assert_eq!(city_day(&late, 0), "2026-11-28");
        let names: BTreeMap<String, String> =
            [("a3", "A3区"), ("a3-yuhua", "雨花亭街道")].map(|(c, n)| (c.to_owned(), n.to_owned())).into();
        assert_eq!(area_name("a3/a3-yuhua", &names).as_deref(), Some("雨花亭街道"));
        assert_eq!(area_name("a3/a3-gone", &names).as_deref(), Some("A3区"));
        assert_eq!(area_name("a3.a3-yuhua", &names).as_deref(), Some("雨花亭街道"));
        assert_eq!(area_name("x9", &names).as_deref(), Some("x9"));
        assert_eq!(area_name("", &names), None);
        let json = r#"{"computed_at":"2026-11-29T02:00:00.000Z","window_days":30,"issues":[{"title":"油烟",
            "representative":"A1","category":"04.02.01","from":"2026-11-01T01:00:00Z","to":"2026-11-02T01:00:00Z",
            "members":["A1","A2"],"reports":3,"heat":2.7}]}"#;
        let published: HotIssues = serde_json::from_str(json).unwrap();
        assert_eq!((published.window_days, published.issues[0].area.as_deref()), (30, None));
    }

    #[test]
    fn alerts_read_as_supervisors_need_them() {
        assert_eq!(
            [p_value_text(0.000_02), p_value_text(0.000_999), p_value_text(0.001)],
            ["< 0.001", "< 0.001", "0.001"]
        );
        assert_eq!([p_value_text(0.0234), p_value_text(f64::NAN)], ["0.023", "—"]);
        assert_eq!([one_decimal(4.25), one_decimal(3.0), one_decimal(f64::INFINITY)], ["4.3", "3.0", "—"]);
        let json = r#"{"alerts":[
            {"key":"14|a3","window":"day","day":"2026-11-27","observed":25,"expected":4.1,"p_value":1e-9,"ratio":6.1,"created_at":"x"},
            {"key":"04|","window":"week","day":"2026-11-28","observed":40,"expected":20.0,"p_value":0.0004,"ratio":2.0,"created_at":"x"}]}"#;
        #[derive(Deserialize)]
        struct List {
            alerts: Vec<AlertRow>,
        }
        let mut alerts = serde_json::from_str::<List>(json).unwrap().alerts;
        newest_first(&mut alerts);
        assert_eq!(alerts[0].day, "2026-11-28");
        assert_eq!((alerts[0].parts(), alerts[1].parts()), (("04", ""), ("14", "a3")));
        assert_eq!(window_key("week"), "staff.alerts.window.week");
        assert_eq!(window_key("month"), "staff.alerts.window.other");
    }

    #[test]
    fn every_key_built_at_run_time_is_translated() {
        let mut keys: Vec<&str> = vec!["open.heatmap.month", "open.heatmap.year"];
        keys.extend(["day", "week", "other"].map(window_key));
        keys.extend([(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)].map(|(lat, lng)| place(lat, lng, 5).0));
        keys.extend([4, 7].map(|p| cell_size(p).0));
        for lang in Lang::ALL {
            for key in &keys {
                assert!(lang.get(key).is_some(), "{lang:?}: {key}");
            }
        }
    }
}
