//! The open overview's data (`GET /api/v1/open/dashboard`): its filters as the address carries
//! them, the same checks the server makes, and the series with the days nobody wrote in filled
//! with zeros (the server sends only days that have a row). Pure parts build on the host so the
//! tests cover them.

use crate::api::ApiError;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use shared::error::{FieldErrorCode, FieldErrors};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Totals {
    pub created: u64,
    pub accepted: u64,
    pub replied: u64,
    pub closed: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct OnTime {
    pub response: Option<f64>,
    /// (on time, due)
    pub response_counts: [u64; 2],
    pub resolution: Option<f64>,
    pub resolution_counts: [u64; 2],
}

/// One day, ISO week (`2026-W48`) or month (`2026-11`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Point {
    pub key: String,
    pub created: u64,
    #[serde(default)]
    pub accepted: u64,
    #[serde(default)]
    pub replied: u64,
    pub closed: u64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CategoryCount {
    pub category: String,
    pub created: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Median {
    pub median_hours: Option<f64>,
    #[serde(default)]
    pub n: u64,
}

/// Median time from submission to acceptance and to closing; servers before it was added send
/// none, so every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Durations {
    #[serde(default)]
    pub respond: Option<Median>,
    #[serde(default)]
    pub close: Option<Median>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Dashboard {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    pub totals: Totals,
    pub on_time: OnTime,
    pub days: Vec<Point>,
    pub weeks: Vec<Point>,
    pub months: Vec<Point>,
    pub categories: Vec<CategoryCount>,
    #[serde(default)]
    pub durations: Durations,
}

/// What the page was asked for; an empty value is no filter (the server's default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub from: String,
    pub to: String,
    pub category: String,
    pub area: String,
    pub channel: String,
}

/// The query's names, which are also the server's field names in a refusal.
const NAMES: [&str; 5] = ["from", "to", "category", "area", "channel"];

impl Filters {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let [from, to, category, area, channel] =
            NAMES.map(|n| get(n).map(|v| v.trim().to_owned()).unwrap_or_default());
        Filters { from, to, category, area, channel }
    }

    /// What the server answered for: its default dates become explicit.
    pub fn answered(d: &Dashboard) -> Self {
        let own = |v: &Option<String>| v.clone().unwrap_or_default();
        Filters {
            from: d.from.clone(),
            to: d.to.clone(),
            category: own(&d.category),
            area: own(&d.area),
            channel: own(&d.channel),
        }
    }

    fn values(&self) -> [&str; 5] {
        [&self.from, &self.to, &self.category, &self.area, &self.channel]
    }

    /// `from=…&channel=…`, the set ones only, in a fixed order so equal views have equal links.
    pub fn query(&self) -> String {
        NAMES
            .iter()
            .zip(self.values())
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, v)| format!("{n}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The page's own address for filters and a chosen granularity, so a view can be linked to.
pub fn page_path(f: &Filters, by: Option<Granularity>) -> String {
    let mut query = f.query();
    if let Some(by) = by {
        let sep = if query.is_empty() { "" } else { "&" };
        query = format!("{query}{sep}by={}", by.as_str());
    }
    with_query("/open/dashboard", &query)
}

pub fn api_path(f: &Filters) -> String {
    with_query("/api/v1/open/dashboard", &f.query())
}

pub fn csv_path(f: &Filters) -> String {
    with_query("/api/v1/open/dashboard.csv", &f.query())
}

/// Percent-encoding for a query value: anything but unreserved characters.
fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `YYYY-MM-DD` exactly, as the server reads it.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shape {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    NaiveDate::from_ymd_opt(i32::try_from(n(0..4)?).ok()?, n(5..7)?, n(8..10)?)
}

/// A year and a day at most, as the server allows.
pub const MAX_DAYS: i64 = 366;

/// The field path the page uses for a query name: labels and messages are the page's own
/// (`field.dashboard.from`), not the citizens' form's.
pub fn field_path(name: &str) -> String {
    format!("dashboard.{name}")
}

/// The server's own checks of the dates, so a mistake is named before anything is sent.
pub fn check(f: &Filters) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let mut date = |name: &str, raw: &str| {
        let parsed = parse_date(raw);
        if !raw.is_empty() && parsed.is_none() {
            errors.add(&field_path(name), FieldErrorCode::InvalidFormat, "a date like 2026-11-29");
        }
        parsed
    };
    let (from, to) = (date("from", &f.from), date("to", &f.to));
    if let (Some(from), Some(to)) = (from, to) {
        if from > to || (to - from).num_days() >= MAX_DAYS {
            errors.add(&field_path("from"), FieldErrorCode::OutOfRange, "on or before `to`, at most 366 days");
        }
    }
    errors
}

/// A refusal with the server's field names (`from`) under the page's (`dashboard.from`).
pub fn prefixed(error: ApiError) -> ApiError {
    match error {
        ApiError::Api { status, mut body } => {
            let fields = std::mem::take(&mut body.fields.0);
            body.fields.0 = fields.into_iter().map(|(path, e)| (field_path(&path), e)).collect();
            ApiError::Api { status, body }
        }
        other => other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Granularity {
    #[default]
    Day,
    Week,
    Month,
}

impl Granularity {
    pub const ALL: [Granularity; 3] = [Granularity::Day, Granularity::Week, Granularity::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == raw)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Granularity::Day => "open.dashboard.by.day",
            Granularity::Week => "open.dashboard.by.week",
            Granularity::Month => "open.dashboard.by.month",
        }
    }

    /// The key the server gives the period `day` falls in.
    fn key(self, day: NaiveDate) -> String {
        match self {
            Granularity::Day => format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day()),
            Granularity::Week => {
                let week = day.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Granularity::Month => format!("{}-{:02}", day.year(), day.month()),
        }
    }
}

/// Every period from `from` to `to`, the quiet ones as zeros, so the chart's time axis is even.
pub fn series(d: &Dashboard, by: Granularity) -> Vec<Point> {
    let given = match by {
        Granularity::Day => &d.days,
        Granularity::Week => &d.weeks,
        Granularity::Month => &d.months,
    };
    let (Some(from), Some(to)) = (parse_date(&d.from), parse_date(&d.to)) else {
        return given.clone();
    };
    if from > to || (to - from).num_days() >= MAX_DAYS {
        return given.clone();
    }
    let mut keys: Vec<String> = Vec::new();
    for day in from.iter_days().take_while(|day| *day <= to) {
        let key = by.key(day);
        if keys.last() != Some(&key) {
            keys.push(key);
        }
    }
    keys.into_iter()
        .map(|key| given.iter().find(|p| p.key == key).cloned().unwrap_or(Point { key, ..Point::default() }))
        .collect()
}

/// Up to three months a day at a time, longer periods a week at a time.
pub fn default_granularity(d: &Dashboard) -> Granularity {
    match (parse_date(&d.from), parse_date(&d.to)) {
        (Some(from), Some(to)) if (to - from).num_days() >= 92 => Granularity::Week,
        _ => Granularity::Day,
    }
}

/// Code and name of each district (a top-level area; streets have a dotted code).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AreaProperties {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AreaFeature {
    pub properties: AreaProperties,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Areas {
    pub features: Vec<AreaFeature>,
}

pub fn districts(areas: Areas) -> Vec<(String, String)> {
    areas
        .features
        .into_iter()
        .map(|f| f.properties)
        .filter(|p| !p.code.contains('.'))
        .map(|p| (p.code, p.name))
        .collect()
}

#[cfg(all(target_arch = "wasm32", feature = "open"))]
pub use client::*;

#[cfg(all(target_arch = "wasm32", feature = "open"))]
mod client {
    use super::{api_path, districts, Areas, Dashboard, Filters};
    use crate::api::{call, decode, ApiError};

    pub async fn dashboard(f: Filters) -> Result<Dashboard, ApiError> {
        decode(&call("GET", &api_path(&f), &[], None).await?)
    }

    /// The districts for the area filter, by code.
    pub async fn district_names() -> Result<Vec<(String, String)>, ApiError> {
        let areas: Areas = decode(&call("GET", "/api/v1/areas", &[], None).await?)?;
        Ok(districts(areas))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use shared::error::{ApiErrorBody, ErrorCode};

    fn sample() -> Dashboard {
        serde_json::from_str(
            r#"{"from":"2026-11-27","to":"2026-11-30","category":"01","area":null,"channel":null,
            "totals":{"created":5,"accepted":3,"replied":2,"closed":1},
            "on_time":{"response":0.5,"response_counts":[1,2],"resolution":null,"resolution_counts":[0,0]},
            "days":[{"key":"2026-11-28","created":3,"accepted":2,"replied":1,"closed":0},
                    {"key":"2026-11-30","created":2,"accepted":1,"replied":1,"closed":1}],
            "weeks":[{"key":"2026-W48","created":3,"accepted":2,"replied":1,"closed":0},
                     {"key":"2026-W49","created":2,"accepted":1,"replied":1,"closed":1}],
            "months":[{"key":"2026-11","created":5,"accepted":3,"replied":2,"closed":1}],
            "categories":[{"category":"01","created":5}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_answer_reads_with_or_without_durations() {
        let d = sample();
        assert_eq!(d.durations, Durations::default());
        assert_eq!(d.on_time.response_counts, [1, 2]);
        let mut v = raw();
        v["durations"] =
            serde_json::json!({"respond": {"median_hours": 3.5, "n": 4}, "close": {"median_hours": null, "n": 0}});
        let d: Dashboard = serde_json::from_value(v).unwrap();
        assert_eq!(d.durations.respond, Some(Median { median_hours: Some(3.5), n: 4 }));
        assert_eq!(d.durations.close, Some(Median { median_hours: None, n: 0 }));
    }

    fn raw() -> serde_json::Value {
        serde_json::json!({"from":"2026-11-01","to":"2026-11-01",
            "totals":{"created":0,"accepted":0,"replied":0,"closed":0},
            "on_time":{"response":null,"response_counts":[0,0],"resolution":null,"resolution_counts":[0,0]},
            "days":[],"weeks":[],"months":[],"categories":[]})
    }

    #[test]
    fn quiet_days_weeks_and_months_are_zeros() {
        let d = sample();
        let days = series(&d, Granularity::Day);
        let keys: Vec<_> = days.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30"]);
        assert_eq!(days.iter().map(|p| p.created).collect::<Vec<_>>(), [0, 3, 0, 2]);
        let weeks = series(&d, Granularity::Week);
        assert_eq!(weeks.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["2026-W48", "2026-W49"]);
        assert_eq!(series(&d, Granularity::Month).len(), 1);
        // A year's ISO week belongs to the year of its Thursday.
        assert_eq!(Granularity::Week.key(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()), "2026-W53");
        let mut broken = d.clone();
        broken.from = "soon".into();
        assert_eq!(series(&broken, Granularity::Day), d.days);
        assert_eq!(default_granularity(&d), Granularity::Day);
        let mut long = d;
        long.from = "2026-01-01".into();
        assert_eq!(default_granularity(&long), Granularity::Week);
    }

    #[test]
    fn filters_make_stable_links() {
        let f = Filters::from_query(|n| match n {
            "channel" => Some("web".into()),
            "from" => Some(" 2026-11-01 ".into()),
            "area" => Some("a 3&x".into()),
            _ => None,
        });
        assert_eq!(f.from, "2026-11-01");
        assert_eq!(f.query(), "from=2026-11-01&area=a%203%26x&channel=web");
        assert_eq!(api_path(&f), "/api/v1/open/dashboard?from=2026-11-01&area=a%203%26x&channel=web");
        assert_eq!(csv_path(&Filters::default()), "/api/v1/open/dashboard.csv");
        assert_eq!(page_path(&Filters::default(), None), "/open/dashboard");
        assert_eq!(page_path(&Filters::default(), Some(Granularity::Month)), "/open/dashboard?by=month");
        assert_eq!(
            page_path(&f, Some(Granularity::Week)),
            "/open/dashboard?from=2026-11-01&area=a%203%26x&channel=web&by=week"
        );
        let answered = Filters::answered(&sample());
        assert_eq!(
            (answered.from.as_str(), answered.category.as_str(), answered.area.as_str()),
            ("2026-11-27", "01", "")
        );
        assert_eq!(Granularity::parse("week"), Some(Granularity::Week));
        assert_eq!(Granularity::parse("year"), None);
    }

    #[test]
    fn dates_are_checked_as_the_server_does() {
        assert_eq!(parse_date("2026-11-29"), NaiveDate::from_ymd_opt(2026, 11, 29));
        for bad in ["2026-02-30", "2026-1-01", "20261129", "2026-11-2x", "+026-11-29", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let f = |from: &str, to: &str| Filters { from: from.into(), to: to.into(), ..Filters::default() };
        assert!(check(&f("", "")).is_empty());
        assert!(check(&f("2025-11-30", "2026-11-30")).is_empty());
        let e = check(&f("2026-13-01", "x"));
        assert_eq!(e.get("dashboard.from").map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
        assert_eq!(e.get("dashboard.to").map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
        let e = check(&f("2026-12-01", "2026-11-01"));
        assert_eq!(e.get("dashboard.from").map(|e| e.code), Some(FieldErrorCode::OutOfRange));
        assert!(!check(&f("2025-11-29", "2026-11-30")).is_empty(), "367 days");
    }

    #[test]
    fn refusals_are_named_by_the_pages_labels_in_every_language() {
        let mut fields = FieldErrors::new();
        fields.add("from", FieldErrorCode::InvalidFormat, "x");
        let body = ApiErrorBody::with_fields(ErrorCode::ValidationFailed, String::new(), fields);
        let ApiError::Api { body, .. } = prefixed(ApiError::Api { status: 422, body }) else { panic!() };
        assert!(body.fields.get("dashboard.from").is_some());
        assert_eq!(prefixed(ApiError::Network), ApiError::Network);
        for lang in Lang::ALL {
            for name in NAMES {
                assert!(lang.get(&format!("field.{}", field_path(name))).is_some(), "{lang:?}: {name}");
            }
            for g in Granularity::ALL {
                assert!(lang.get(g.label_key()).is_some(), "{lang:?}: {g:?}");
            }
            for code in [FieldErrorCode::InvalidFormat, FieldErrorCode::OutOfRange, FieldErrorCode::UnknownValue] {
                for name in NAMES {
                    let e = shared::error::FieldError { code, message: String::new(), limit: None };
                    let text = crate::i18n::field_message(lang, &field_path(name), &e);
                    assert!(!text.contains('{') && !text.starts_with("field_error."), "{lang:?} {name}: {text}");
                }
            }
        }
    }

    #[test]
    fn only_districts_are_offered() {
        let areas: Areas = serde_json::from_str(
            r#"{"type":"FeatureCollection","features":[
            {"properties":{"code":"a3","name":"天心区","level":"district","parent":null},"geometry":null},
            {"properties":{"code":"a3.01","name":"坡子街街道","level":"street","parent":"a3"},"geometry":null}]}"#,
        )
        .unwrap();
        assert_eq!(districts(areas), [("a3".to_owned(), "天心区".to_owned())]);
    }
}
