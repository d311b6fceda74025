//! The monthly assessment (考核) of departments and streets: response, resolution and
//! satisfaction rates (三率), timeliness, re-dispatch and repeats, one weighted score, a
//! ranking and the red and black lists (红黑榜).
//!
//! Everything is computed from [`AssessedTicket`] rows, which are also published as an open
//! CSV without personal data, so anyone can recompute a published figure with the same
//! function (`cargo xtask assess`). Formulas and defaults: `docs/assessment.md`.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::evaluation::Satisfaction;
use chrono::{DateTime, Datelike, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Whether a deadline was met, as far as can be told at `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Punctuality {
    OnTime,
    Late,
    /// Not done and not yet due: it counts for neither side.
    Pending,
}

impl Punctuality {
    pub const ALL: [Punctuality; 3] = [Punctuality::OnTime, Punctuality::Late, Punctuality::Pending];

    /// None when there is no deadline. Done at the very instant of the deadline is on time.
    pub fn of(done_at: Option<DateTime<Utc>>, due: Option<DateTime<Utc>>, as_of: DateTime<Utc>) -> Option<Self> {
        let due = due?;
        Some(match done_at {
            Some(done) if done <= due => Punctuality::OnTime,
            Some(_) => Punctuality::Late,
            None if due < as_of => Punctuality::Late,
            None => Punctuality::Pending,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Punctuality::OnTime => "on_time",
            Punctuality::Late => "late",
            Punctuality::Pending => "pending",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw)
    }
}

/// Why a ticket does not count against anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// A confirmed duplicate merged into another ticket: the other one is assessed.
    Duplicate,
    /// A confirmed unreasonable request (不合理诉求).
    Unreasonable,
}

impl Exclusion {
    pub const ALL: [Exclusion; 2] = [Exclusion::Duplicate, Exclusion::Unreasonable];

    pub fn as_str(self) -> &'static str {
        match self {
            Exclusion::Duplicate => "duplicate",
            Exclusion::Unreasonable => "unreasonable",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == raw)
    }
}

/// One row of the open CSV: a ticket's assessable facts, no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessedTicket {
    pub tracking_no: String,
    /// "YYYY-MM", the month of dispatch in city time.
    pub month: String,
    /// The current lead department's code.
    pub department: Option<String>,
    /// The ticket's area code (street/township, or district when no street is known).
    pub street: Option<String>,
    pub category: String,
    pub channel: String,
    pub excluded: Option<Exclusion>,
    /// Accepted against the response deadline.
    pub response: Option<Punctuality>,
    /// Replied against the resolution deadline.
    pub resolution: Option<Punctuality>,
    /// Departments the ticket was taken away from by a re-dispatch.
    pub redispatched_from: Vec<String>,
    pub reopen_count: u32,
    /// Duplicates merged into it.
    pub repeat_count: u32,
    /// The citizen's latest rating.
    pub satisfaction: Option<Satisfaction>,
    pub resolved: Option<bool>,
}

/// "YYYY-MM" of an instant in the city's clock.
pub fn month_of(at: DateTime<Utc>, offset: FixedOffset) -> String {
    let local = at.with_timezone(&offset);
    format!("{:04}-{:02}", local.year(), local.month())
}

/// A month as the API and the CSV write it: "YYYY-MM", month 01 to 12.
pub fn is_month(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.len() == 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(&raw[5..], "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Department,
    Street,
}

impl GroupBy {
    pub const ALL: [GroupBy; 2] = [GroupBy::Department, GroupBy::Street];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Department => "department",
            GroupBy::Street => "street",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == raw)
    }
}

/// How much each rate counts in the score; a rate with weight 0 is shown but not scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateWeights {
    pub response: f64,
    pub resolution: f64,
    pub satisfaction: f64,
    pub on_time: f64,
    pub redispatch: f64,
    pub repeat: f64,
}

impl Default for RateWeights {
    /// The 三率 score: response 10 %, resolution 45 %, satisfaction 45 %.
    fn default() -> Self {
        RateWeights { response: 0.1, resolution: 0.45, satisfaction: 0.45, on_time: 0.0, redispatch: 0.0, repeat: 0.0 }
    }
}

impl RateWeights {
    fn named(&self) -> [(&'static str, f64); 6] {
        [
            ("response", self.response),
            ("resolution", self.resolution),
            ("satisfaction", self.satisfaction),
            ("on_time", self.on_time),
            ("redispatch", self.redispatch),
            ("repeat", self.repeat),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentSettings {
    /// What a "basically satisfied" rating is worth against a "satisfied" one (1).
    pub basically_satisfied_weight: f64,
    pub weights: RateWeights,
    /// Ranked groups scoring at least this are on the red list.
    pub red_threshold: f64,
    /// Ranked groups scoring below this are on the black list.
    pub black_threshold: f64,
    /// Fewer assessed tickets than this and a group is shown but not ranked: a handful of
    /// tickets says too little to name a department in public.
    pub min_tickets: u32,
}

impl Default for AssessmentSettings {
    fn default() -> Self {
        AssessmentSettings {
            basically_satisfied_weight: 0.8,
            weights: RateWeights::default(),
            red_threshold: 90.0,
            black_threshold: 60.0,
            min_tickets: 5,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateWeightsInput {
    pub response: Option<f64>,
    pub resolution: Option<f64>,
    pub satisfaction: Option<f64>,
    pub on_time: Option<f64>,
    pub redispatch: Option<f64>,
    pub repeat: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentSettingsInput {
    pub basically_satisfied_weight: Option<f64>,
    pub weights: Option<RateWeightsInput>,
    pub red_threshold: Option<f64>,
    pub black_threshold: Option<f64>,
    pub min_tickets: Option<i64>,
}

impl AssessmentSettings {
    pub const MAX_MIN_TICKETS: u32 = 1000;

    /// Absent fields keep their defaults, each weight on its own; errors name the field
    /// (`weights.response`, `black_threshold`).
    pub fn parse(input: &AssessmentSettingsInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let defaults = AssessmentSettings::default();
        let mut fraction = |field: &str, value: Option<f64>, default: f64| match value {
            None => default,
            Some(v) if (0.0..=1.0).contains(&v) => v,
            Some(v) => {
                errors.add_with_limit(field, FieldErrorCode::OutOfRange, "between 0 and 1", Some(u32::from(v > 1.0)));
                default
            }
        };
        let basically_satisfied_weight = fraction(
            "basically_satisfied_weight",
            input.basically_satisfied_weight,
            defaults.basically_satisfied_weight,
        );
        let given = input.weights.clone().unwrap_or_default();
        let d = &defaults.weights;
        let weights = RateWeights {
            response: fraction("weights.response", given.response, d.response),
            resolution: fraction("weights.resolution", given.resolution, d.resolution),
            satisfaction: fraction("weights.satisfaction", given.satisfaction, d.satisfaction),
            on_time: fraction("weights.on_time", given.on_time, d.on_time),
            redispatch: fraction("weights.redispatch", given.redispatch, d.redispatch),
            repeat: fraction("weights.repeat", given.repeat, d.repeat),
        };
        if weights.named().iter().all(|(_, w)| *w == 0.0) {
            errors.add("weights", FieldErrorCode::OutOfRange, "at least one weight above 0");
        }
        let mut threshold = |field: &str, value: Option<f64>, default: f64| match value {
            None => default,
            Some(v) if (0.0..=100.0).contains(&v) => v,
            Some(v) => {
                let limit = if v > 100.0 { 100 } else { 0 };
                errors.add_with_limit(field, FieldErrorCode::OutOfRange, "between 0 and 100", Some(limit));
                default
            }
        };
        let red_threshold = threshold("red_threshold", input.red_threshold, defaults.red_threshold);
        let black_threshold = threshold("black_threshold", input.black_threshold, defaults.black_threshold);
        if errors.get("red_threshold").is_none()
            && errors.get("black_threshold").is_none()
            && black_threshold > red_threshold
        {
            errors.add("black_threshold", FieldErrorCode::OutOfRange, "at most red_threshold");
        }
        let min_tickets = match input.min_tickets {
            None => defaults.min_tickets,
            Some(n) if (1..=i64::from(Self::MAX_MIN_TICKETS)).contains(&n) => n as u32,
            Some(n) => {
                let limit = if n < 1 { 1 } else { Self::MAX_MIN_TICKETS };
                errors.add_with_limit("min_tickets", FieldErrorCode::OutOfRange, "1 to 1000", Some(limit));
                defaults.min_tickets
            }
        };
        errors.finish(|| AssessmentSettings {
            basically_satisfied_weight,
            weights,
            red_threshold,
            black_threshold,
            min_tickets,
        })
    }
}

/// Each 0–1; None when the denominator is 0, so "nothing to judge" never reads as 0 % or 100 %.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    pub response: Option<f64>,
    pub resolution: Option<f64>,
    pub satisfaction: Option<f64>,
    pub on_time: Option<f64>,
    pub redispatch: Option<f64>,
    pub repeat: Option<f64>,
}

/// The numerators and denominators behind [`Rates`], published so every rate can be checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub tickets: u32,
    pub excluded_duplicates: u32,
    pub excluded_unreasonable: u32,
    pub assessed: u32,
    pub response_on_time: u32,
    pub response_due: u32,
    pub resolution_on_time: u32,
    pub resolution_due: u32,
    pub rated: u32,
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
    pub resolved_answered: u32,
    pub resolved: u32,
    pub handled: u32,
    pub redispatched_away: u32,
    pub repeated: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListMark {
    Red,
    Black,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    /// The department or area code.
    pub group: String,
    pub counts: Counts,
    pub rates: Rates,
    /// 0–100, one decimal.
    pub score: Option<f64>,
    pub rank: Option<u32>,
    pub list: Option<ListMark>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeagueTable {
    pub month: String,
    pub by: GroupBy,
    pub settings: AssessmentSettings,
    /// By rank, then code; unranked groups last.
    pub groups: Vec<GroupFigures>,
    /// Group codes in rank order.
    pub red: Vec<String>,
    pub black: Vec<String>,
}

fn add_assessed(counts: &mut Counts, row: &AssessedTicket) {
    counts.assessed += 1;
    match row.response {
        Some(Punctuality::OnTime) => {
            counts.response_on_time += 1;
            counts.response_due += 1;
        }
        Some(Punctuality::Late) => counts.response_due += 1,
        Some(Punctuality::Pending) | None => {}
    }
    match row.resolution {
        Some(Punctuality::OnTime) => {
            counts.resolution_on_time += 1;
            counts.resolution_due += 1;
        }
        Some(Punctuality::Late) => counts.resolution_due += 1,
        Some(Punctuality::Pending) | None => {}
    }
    if let Some(s) = row.satisfaction {
        counts.rated += 1;
        match s {
            Satisfaction::Satisfied => counts.satisfied += 1,
            Satisfaction::BasicallySatisfied => counts.basically_satisfied += 1,
            Satisfaction::Unsatisfied => counts.unsatisfied += 1,
        }
    }
    if let Some(resolved) = row.resolved {
        counts.resolved_answered += 1;
        counts.resolved += u32::from(resolved);
    }
    if row.reopen_count > 0 || row.repeat_count > 0 {
        counts.repeated += 1;
    }
}

fn ratio(numerator: f64, denominator: u32) -> Option<f64> {
    (denominator > 0).then(|| numerator / f64::from(denominator))
}

fn rates(c: &Counts, basically_weight: f64) -> Rates {
    Rates {
        response: ratio(f64::from(c.response_on_time), c.response_due),
        resolution: ratio(f64::from(c.resolved), c.resolved_answered),
        satisfaction: ratio(f64::from(c.satisfied) + basically_weight * f64::from(c.basically_satisfied), c.rated),
        on_time: ratio(f64::from(c.resolution_on_time), c.resolution_due),
        redispatch: ratio(f64::from(c.redispatched_away), c.handled),
        repeat: ratio(f64::from(c.repeated), c.assessed),
    }
}

/// The weighted mean of the available weighted rates, 0–100 to one decimal. Re-dispatch and
/// repeats are bad, so they enter as their complement.
fn score(r: &Rates, w: &RateWeights) -> Option<f64> {
    let terms = [
        (w.response, r.response),
        (w.resolution, r.resolution),
        (w.satisfaction, r.satisfaction),
        (w.on_time, r.on_time),
        (w.redispatch, r.redispatch.map(|v| 1.0 - v)),
        (w.repeat, r.repeat.map(|v| 1.0 - v)),
    ];
    let (total, weights) = terms
        .into_iter()
        .filter(|(weight, _)| *weight > 0.0)
        .filter_map(|(weight, rate)| rate.map(|rate| (weight * rate, weight)))
        .fold((0.0, 0.0), |(t, ws), (x, w)| (t + x, ws + w));
    (weights > 0.0).then(|| (total / weights * 1000.0).round() / 10.0)
}

/// The league table of one month. Rows of other months are ignored, as are rows without a
/// department (or street) for that grouping, except that a row always counts against the
/// departments it was taken away from.
pub fn league(rows: &[AssessedTicket], month: &str, by: GroupBy, settings: &AssessmentSettings) -> LeagueTable {
    let mut groups: BTreeMap<&str, Counts> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.month == month) {
        let assessed = row.excluded.is_none();
        let own = match by {
            GroupBy::Department => row.department.as_deref(),
            GroupBy::Street => row.street.as_deref(),
        };
        if let Some(code) = own {
            let counts = groups.entry(code).or_default();
            counts.tickets += 1;
            match row.excluded {
                Some(Exclusion::Duplicate) => counts.excluded_duplicates += 1,
                Some(Exclusion::Unreasonable) => counts.excluded_unreasonable += 1,
                None => add_assessed(counts, row),
            }
        }
        if !assessed {
            continue;
        }
        match by {
            GroupBy::Department => {
                // A set, so a ticket that went A → B → A → C counts once against A, and once
                // in A's handled tickets even while A holds it again.
                let away: BTreeSet<&str> = row.redispatched_from.iter().map(String::as_str).collect();
                for &code in &away {
                    let counts = groups.entry(code).or_default();
                    counts.redispatched_away += 1;
                    counts.handled += 1;
                }
                if let Some(code) = own.filter(|c| !away.contains(c)) {
                    groups.entry(code).or_default().handled += 1;
                }
            }
            GroupBy::Street => {
                if let Some(code) = own {
                    let counts = groups.entry(code).or_default();
                    counts.handled += 1;
                    counts.redispatched_away += u32::from(!row.redispatched_from.is_empty());
                }
            }
        }
    }

    let mut figures: Vec<GroupFigures> = groups
        .into_iter()
        .map(|(code, counts)| {
            let rates = rates(&counts, settings.basically_satisfied_weight);
            let score = score(&rates, &settings.weights);
            GroupFigures { group: code.to_owned(), counts, rates, score, rank: None, list: None }
        })
        .collect();

    let ranked_score = |g: &GroupFigures| g.score.filter(|_| g.counts.assessed >= settings.min_tickets);
    // Best first, ties by code; unranked groups after all ranked ones, by code.
    figures.sort_by(|a, b| match (ranked_score(a), ranked_score(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x).then_with(|| a.group.cmp(&b.group)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.group.cmp(&b.group),
    });
    let (mut red, mut black) = (Vec::new(), Vec::new());
    let mut previous: Option<(f64, u32)> = None;
    for (i, g) in figures.iter_mut().enumerate() {
        let Some(s) = ranked_score(g) else { break };
        // Standard competition ranking: equal scores share a rank, the next rank skips.
        let rank = match previous {
            Some((p, r)) if p == s => r,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        previous = Some((s, rank));
        g.rank = Some(rank);
        if s >= settings.red_threshold {
            g.list = Some(ListMark::Red);
            red.push(g.group.clone());
        } else if s < settings.black_threshold {
            g.list = Some(ListMark::Black);
            black.push(g.group.clone());
        }
    }
    LeagueTable { month: month.to_owned(), by, settings: settings.clone(), groups: figures, red, black }
}

/// The columns of the open CSV, in the order [`to_csv`] writes them.
pub const CSV_HEADER: [&str; 14] = [
    "tracking_no",
    "month",
    "department",
    "street",
    "category",
    "channel",
    "excluded",
    "response",
    "resolution",
    "redispatched_from",
    "reopen_count",
    "repeat_count",
    "satisfaction",
    "resolved",
];

const TRACKING_NO: usize = 0;
const MONTH: usize = 1;
const DEPARTMENT: usize = 2;
const STREET: usize = 3;
const CATEGORY: usize = 4;
const CHANNEL: usize = 5;
const EXCLUDED: usize = 6;
const RESPONSE: usize = 7;
const RESOLUTION: usize = 8;
const REDISPATCHED_FROM: usize = 9;
const REOPEN_COUNT: usize = 10;
const REPEAT_COUNT: usize = 11;
const SATISFACTION: usize = 12;
const RESOLVED: usize = 13;

/// Separates the codes of `redispatched_from` in one cell; department codes never hold it.
const LIST_SEPARATOR: char = ';';

fn push_cell(out: &mut String, cell: &str) {
    if cell.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

fn push_record<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

/// The open CSV: a header, then one CRLF-terminated record per row, RFC 4180 quoting. Absent
/// values are empty cells, booleans `yes`/`no`, `redispatched_from` codes joined by `;`.
/// [`from_csv`] reads it back unchanged as long as codes are non-empty and hold no `;`.
pub fn to_csv(rows: &[AssessedTicket]) -> String {
    let mut out = String::new();
    push_record(&mut out, CSV_HEADER);
    for row in rows {
        let reopen = row.reopen_count.to_string();
        let repeat = row.repeat_count.to_string();
        let from = row.redispatched_from.join(&LIST_SEPARATOR.to_string());
        let cells: [&str; 14] = [
            &row.tracking_no,
            &row.month,
            row.department.as_deref().unwrap_or_default(),
            row.street.as_deref().unwrap_or_default(),
            &row.category,
            &row.channel,
            row.excluded.map_or("", Exclusion::as_str),
            row.response.map_or("", Punctuality::as_str),
            row.resolution.map_or("", Punctuality::as_str),
            &from,
            &reopen,
            &repeat,
            row.satisfaction.map_or("", Satisfaction::as_str),
            row.resolved.map_or("", |r| if r { "yes" } else { "no" }),
        ];
        push_record(&mut out, cells);
    }
    out
}

/// Why the CSV could not be read: the first problem, by 1-based data row (0 is the header)
/// and column name (`row` when the record as a whole is wrong).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsvError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}, column {}: {}", self.row, self.column, self.message)
    }
}

/// A record's cells, or the 0-based cell whose quoting is broken and why.
type RawRecord = Result<Vec<String>, (usize, &'static str)>;

/// RFC 4180 records, read by the import's splitter; blank lines are not records.
fn records(text: &str) -> Vec<RawRecord> {
    crate::import_csv::Records::new(text)
        .filter(|r| !r.blank)
        .map(|r| match r.problem {
            None => Ok(r.cells),
            Some(p) => Err(p),
        })
        .collect()
}

/// One data record with the file position of each of [`CSV_HEADER`]'s columns.
struct Cells<'a> {
    row: usize,
    cells: &'a [String],
    at: &'a [usize; 14],
}

impl Cells<'_> {
    fn raw(&self, column: usize) -> &str {
        self.at.get(column).and_then(|&i| self.cells.get(i)).map_or("", String::as_str)
    }

    fn error(&self, column: usize, message: String) -> CsvError {
        CsvError { row: self.row, column: CSV_HEADER.get(column).copied().unwrap_or("row").to_owned(), message }
    }

    fn required(&self, column: usize) -> Result<String, CsvError> {
        let cell = self.raw(column);
        if cell.is_empty() {
            return Err(self.error(column, "required".to_owned()));
        }
        Ok(cell.to_owned())
    }

    fn optional(&self, column: usize) -> Option<String> {
        Some(self.raw(column)).filter(|c| !c.is_empty()).map(str::to_owned)
    }

    fn choice<T>(
        &self,
        column: usize,
        parse: impl Fn(&str) -> Option<T>,
        names: &[&str],
    ) -> Result<Option<T>, CsvError> {
        let cell = self.raw(column).trim();
        if cell.is_empty() {
            return Ok(None);
        }
        parse(cell)
            .map(Some)
            .ok_or_else(|| self.error(column, format!("{cell:?} is not one of {}, or empty", names.join(", "))))
    }

    fn count(&self, column: usize) -> Result<u32, CsvError> {
        let cell = self.raw(column).trim();
        cell.parse::<u32>().map_err(|_| self.error(column, format!("{cell:?} is not a whole number")))
    }

    fn ticket(&self) -> Result<AssessedTicket, CsvError> {
        let month = self.required(MONTH)?;
        if !is_month(&month) {
            return Err(self.error(MONTH, format!("{month:?} is not a month like 2026-11")));
        }
        let from = self.raw(REDISPATCHED_FROM);
        Ok(AssessedTicket {
            tracking_no: self.required(TRACKING_NO)?,
            month,
            department: self.optional(DEPARTMENT),
            street: self.optional(STREET),
            category: self.required(CATEGORY)?,
            channel: self.required(CHANNEL)?,
            excluded: self.choice(EXCLUDED, Exclusion::parse, &Exclusion::ALL.map(Exclusion::as_str))?,
            response: self.choice(RESPONSE, Punctuality::parse, &Punctuality::ALL.map(Punctuality::as_str))?,
            resolution: self.choice(RESOLUTION, Punctuality::parse, &Punctuality::ALL.map(Punctuality::as_str))?,
            redispatched_from: if from.is_empty() {
                Vec::new()
            } else {
                from.split(LIST_SEPARATOR).map(str::to_owned).collect()
            },
            reopen_count: self.count(REOPEN_COUNT)?,
            repeat_count: self.count(REPEAT_COUNT)?,
            satisfaction: self.choice(
                SATISFACTION,
                Satisfaction::parse,
                &Satisfaction::ALL.map(Satisfaction::as_str),
            )?,
            resolved: self.choice(
                RESOLVED,
                |c| match c {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                &["yes", "no"],
            )?,
        })
    }
}

/// Read the open CSV. Columns may come in any order but must all be there, once; an optional
/// byte-order mark is skipped. The first problem stops the reading: a published file is
/// either recomputed whole or not at all.
pub fn from_csv(text: &str) -> Result<Vec<AssessedTicket>, CsvError> {
    let header_error = |column: &str, message: String| CsvError { row: 0, column: column.to_owned(), message };
    let mut records = records(text).into_iter();
    let header = match records.next() {
        None => return Err(header_error("header", "the file is empty: the first line names the columns".into())),
        Some(Err((_, message))) => return Err(header_error("header", format!("the header is malformed: {message}"))),
        Some(Ok(cells)) => cells,
    };
    let mut at: [Option<usize>; 14] = [None; 14];
    for (position, name) in header.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        let Some(column) = CSV_HEADER.iter().position(|c| *c == name) else {
            return Err(header_error(&name, format!("unknown column: columns are {}", CSV_HEADER.join(", "))));
        };
        if at[column].replace(position).is_some() {
            return Err(header_error(&name, "the column appears twice".into()));
        }
    }
    let mut positions = [0; 14];
    for (column, (slot, found)) in positions.iter_mut().zip(at).enumerate() {
        *slot = found.ok_or_else(|| header_error(CSV_HEADER[column], "the column is missing".into()))?;
    }
    let mut rows = Vec::new();
    for (index, record) in records.enumerate() {
        let row = index + 1;
        let cells = match record {
            Ok(cells) => cells,
            Err((cell, message)) => {
                let column = header.get(cell).map_or("row", |c| c.trim());
                return Err(CsvError { row, column: column.to_ascii_lowercase(), message: message.to_owned() });
            }
        };
        if cells.len() != header.len() {
            return Err(CsvError {
                row,
                column: "row".into(),
                message: format!("{} cells where the header has {} columns", cells.len(), header.len()),
            });
        }
        rows.push(Cells { row, cells: &cells, at: &positions }.ticket()?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const NOV: &str = "2026-11";

    fn t(no: &str, department: Option<&str>, street: Option<&str>) -> AssessedTicket {
        AssessedTicket {
            tracking_no: no.into(),
            month: NOV.into(),
            department: department.map(Into::into),
            street: street.map(Into::into),
            category: "01.02".into(),
            channel: "phone".into(),
            excluded: None,
            response: None,
            resolution: None,
            redispatched_from: Vec::new(),
            reopen_count: 0,
            repeat_count: 0,
            satisfaction: None,
            resolved: None,
        }
    }

    fn good(no: &str, department: &str, street: &str) -> AssessedTicket {
        AssessedTicket {
            response: Some(Punctuality::OnTime),
            resolution: Some(Punctuality::OnTime),
            satisfaction: Some(Satisfaction::Satisfied),
            resolved: Some(true),
            ..t(no, Some(department), Some(street))
        }
    }

    fn bad(no: &str, department: &str) -> AssessedTicket {
        AssessedTicket {
            response: Some(Punctuality::Late),
            resolution: Some(Punctuality::Late),
            satisfaction: Some(Satisfaction::Unsatisfied),
            resolved: Some(false),
            ..t(no, Some(department), None)
        }
    }

    /// Department a's month, worked by hand in `a_worked_month_by_department`.
    fn month_rows() -> Vec<AssessedTicket> {
        use Punctuality::{Late, OnTime, Pending};
        let mut rows = vec![
            good("a1", "a", "s1"),
            AssessedTicket {
                response: Some(Late),
                resolution: Some(Late),
                satisfaction: Some(Satisfaction::BasicallySatisfied),
                resolved: Some(false),
                reopen_count: 1,
                ..t("a2", Some("a"), Some("s1"))
            },
            AssessedTicket { response: Some(OnTime), resolution: Some(Pending), ..t("a3", Some("a"), Some("s1")) },
            AssessedTicket {
                response: Some(Pending),
                satisfaction: Some(Satisfaction::Unsatisfied),
                resolved: Some(false),
                ..t("a4", Some("a"), Some("s1"))
            },
            AssessedTicket { redispatched_from: vec!["b".into()], ..good("a5", "a", "s1") },
            AssessedTicket { excluded: Some(Exclusion::Duplicate), ..good("a6", "a", "s1") },
            AssessedTicket { excluded: Some(Exclusion::Unreasonable), ..bad("a7", "a") },
        ];
        rows.extend((1..=5).map(|i| good(&format!("b{i}"), "b", "s2")));
        rows.extend((1..=2).map(|i| good(&format!("c{i}"), "c", "s2")));
        // Excluded: the re-dispatch away from c does not count against c.
        rows.push(AssessedTicket {
            excluded: Some(Exclusion::Unreasonable),
            redispatched_from: vec!["c".into()],
            ..good("c3", "b", "s2")
        });
        rows.extend((1..=5).map(|i| bad(&format!("d{i}"), "d")));
        rows.push(AssessedTicket { department: None, ..good("n1", "-", "s2") });
        rows.push(AssessedTicket { month: "2026-10".into(), ..bad("old", "b") });
        rows
    }

    fn group<'a>(table: &'a LeagueTable, code: &str) -> &'a GroupFigures {
        table.groups.iter().find(|g| g.group == code).unwrap()
    }

    #[test]
    fn a_worked_month_by_department() {
        let table = league(&month_rows(), NOV, GroupBy::Department, &AssessmentSettings::default());
        let a = group(&table, "a");
        // a1–a7: a6 and a7 excluded, so five assessed.
        // response: a1, a3, a5 on time, a2 late, a4 pending (not due) → 3/4.
        // resolution answered: a1 yes, a2 no, a4 no, a5 yes → 2/4.
        // satisfaction: a1 S, a2 B, a4 U, a5 S → (2 + 0.8·1)/4 = 0.7.
        // on time: a1, a5 on time, a2 late, a3 pending → 2/3.
        // re-dispatch: none taken from a → 0/5. repeat: a2 reopened → 1/5.
        assert_eq!(
            a.counts,
            Counts {
                tickets: 7,
                excluded_duplicates: 1,
                excluded_unreasonable: 1,
                assessed: 5,
                response_on_time: 3,
                response_due: 4,
                resolution_on_time: 2,
                resolution_due: 3,
                rated: 4,
                satisfied: 2,
                basically_satisfied: 1,
                unsatisfied: 1,
                resolved_answered: 4,
                resolved: 2,
                handled: 5,
                redispatched_away: 0,
                repeated: 1,
            }
        );
        assert_eq!(
            a.rates,
            Rates {
                response: Some(0.75),
                resolution: Some(0.5),
                satisfaction: Some(2.8 / 4.0),
                on_time: Some(2.0 / 3.0),
                redispatch: Some(0.0),
                repeat: Some(0.2),
            }
        );
        // 100 × (0.1·0.75 + 0.45·0.5 + 0.45·0.7) / 1 = 7.5 + 22.5 + 31.5 = 61.5
        assert_eq!(a.score, Some(61.5));

        // a5 was taken from b: it counts against b, which handled its five plus a5.
        let b = group(&table, "b");
        assert_eq!((b.counts.tickets, b.counts.assessed, b.counts.excluded_unreasonable), (6, 5, 1));
        assert_eq!((b.counts.redispatched_away, b.counts.handled), (1, 6));
        assert_eq!(b.rates.redispatch, Some(1.0 / 6.0));
        assert_eq!(b.score, Some(100.0), "re-dispatch has weight 0 by default");

        let c = group(&table, "c");
        assert_eq!((c.counts.assessed, c.counts.redispatched_away, c.score, c.rank), (2, 0, Some(100.0), None));
        let d = group(&table, "d");
        assert_eq!(d.score, Some(0.0));

        let order: Vec<_> = table.groups.iter().map(|g| (g.group.as_str(), g.rank, g.list)).collect();
        assert_eq!(
            order,
            vec![
                ("b", Some(1), Some(ListMark::Red)),
                ("a", Some(2), None),
                ("d", Some(3), Some(ListMark::Black)),
                ("c", None, None),
            ],
            "no row without a department, none from October"
        );
        assert_eq!((table.red, table.black), (vec!["b".to_owned()], vec!["d".to_owned()]));
    }

    #[test]
    fn the_same_month_by_street() {
        let table = league(&month_rows(), NOV, GroupBy::Street, &AssessmentSettings::default());
        let codes: Vec<_> = table.groups.iter().map(|g| g.group.as_str()).collect();
        assert_eq!(codes, vec!["s2", "s1"], "rows without a street (a7, d1–d5) are left out");
        let s1 = group(&table, "s1");
        // a5 was re-dispatched at all: 1 of the 5 assessed.
        assert_eq!((s1.counts.redispatched_away, s1.counts.handled, s1.rates.redispatch), (1, 5, Some(0.2)));
        assert_eq!(s1.score, Some(61.5));
        // b1–b5, c1, c2 and n1 (no department, but a street); c3 excluded.
        let s2 = group(&table, "s2");
        assert_eq!((s2.counts.tickets, s2.counts.assessed, s2.score, s2.rank), (9, 8, Some(100.0), Some(1)));
    }

    #[test]
    fn an_empty_month_has_no_groups_and_an_excluded_one_no_rates() {
        let rows = month_rows();
        let empty = league(&rows, "2026-12", GroupBy::Department, &AssessmentSettings::default());
        assert!(empty.groups.is_empty() && empty.red.is_empty() && empty.black.is_empty());
        assert_eq!(empty.month, "2026-12");

        let excluded: Vec<_> =
            rows.into_iter().map(|r| AssessedTicket { excluded: Some(Exclusion::Duplicate), ..r }).collect();
        let table = league(&excluded, NOV, GroupBy::Department, &AssessmentSettings::default());
        assert_eq!(table.groups.len(), 4, "a5's re-dispatch from b no longer counts, b still has tickets");
        for g in &table.groups {
            assert!(g.counts.tickets > 0);
            assert_eq!(g.counts.tickets, g.counts.excluded_duplicates);
            assert_eq!((g.counts.assessed, g.counts.handled), (0, 0));
            assert_eq!((&g.rates, g.score, g.rank, g.list), (&Rates::default(), None, None, None));
        }
        assert!(table.red.is_empty() && table.black.is_empty());
    }

    fn satisfaction_only() -> AssessmentSettings {
        AssessmentSettings {
            weights: RateWeights { response: 0.0, resolution: 0.0, satisfaction: 1.0, ..RateWeights::default() },
            ..AssessmentSettings::default()
        }
    }

    /// `n` rated tickets of `department`, the first `satisfied` of them satisfied.
    fn rated(department: &str, n: usize, satisfied: usize) -> Vec<AssessedTicket> {
        (0..n)
            .map(|i| {
                let s = if i < satisfied { Satisfaction::Satisfied } else { Satisfaction::Unsatisfied };
                AssessedTicket { satisfaction: Some(s), ..t(&format!("{department}{i}"), Some(department), None) }
            })
            .collect()
    }

    #[test]
    fn ties_share_a_rank_and_thresholds_are_inclusive_for_red_only() {
        let rows: Vec<_> = [
            rated("y", 5, 5),   // 100.0
            rated("x", 10, 10), // 100.0
            rated("r", 10, 9),  // 90.0: red, the threshold is inclusive
            rated("p", 10, 6),  // 60.0: not black, black is strictly below
            rated("k", 10, 5),  // 50.0: black
            rated("q", 4, 0),   // 0.0 but only 4 tickets: not ranked, not listed
        ]
        .concat();
        let table = league(&rows, NOV, GroupBy::Department, &satisfaction_only());
        let order: Vec<_> = table.groups.iter().map(|g| (g.group.as_str(), g.score, g.rank, g.list)).collect();
        assert_eq!(
            order,
            vec![
                ("x", Some(100.0), Some(1), Some(ListMark::Red)),
                ("y", Some(100.0), Some(1), Some(ListMark::Red)),
                ("r", Some(90.0), Some(3), Some(ListMark::Red)),
                ("p", Some(60.0), Some(4), None),
                ("k", Some(50.0), Some(5), Some(ListMark::Black)),
                ("q", Some(0.0), None, None),
            ]
        );
        assert_eq!(table.red, vec!["x", "y", "r"]);
        assert_eq!(table.black, vec!["k"]);
    }

    #[test]
    fn a_score_uses_only_the_rates_it_has_and_complements_the_bad_ones() {
        let settings = AssessmentSettings {
            weights: RateWeights {
                response: 0.0,
                resolution: 0.0,
                satisfaction: 0.5,
                on_time: 0.0,
                redispatch: 0.25,
                repeat: 0.25,
            },
            min_tickets: 1,
            ..AssessmentSettings::default()
        };
        // Not rated, so only re-dispatch (1 − 1/2) and repeat (1 − 0/2) count:
        // 100 × (0.25·0.5 + 0.25·1) / 0.5 = 75.0
        let rows = vec![
            AssessedTicket { redispatched_from: vec!["z".into()], ..t("1", Some("z"), None) },
            t("2", Some("z"), None),
        ];
        let table = league(&rows, NOV, GroupBy::Department, &settings);
        let z = group(&table, "z");
        // Taken from z and given back to z: one row, counted once in handled.
        assert_eq!((z.counts.redispatched_away, z.counts.handled), (1, 2));
        assert_eq!((z.rates.satisfaction, z.rates.redispatch, z.rates.repeat), (None, Some(0.5), Some(0.0)));
        assert_eq!(z.score, Some(75.0));
        // No weighted rate available: no score at all, never 0 or 100.
        let only_satisfaction = league(&rows, NOV, GroupBy::Department, &satisfaction_only());
        assert_eq!(group(&only_satisfaction, "z").score, None);
    }

    #[test]
    fn punctuality_at_the_boundaries() {
        let due = Utc.with_ymd_and_hms(2026, 11, 3, 15, 59, 59).unwrap();
        let second = chrono::Duration::seconds(1);
        let later = due + chrono::Duration::days(3);
        assert_eq!(Punctuality::of(Some(due), Some(due), later), Some(Punctuality::OnTime));
        assert_eq!(Punctuality::of(Some(due + second), Some(due), due), Some(Punctuality::Late));
        assert_eq!(Punctuality::of(None, Some(due), due), Some(Punctuality::Pending), "due now is not yet late");
        assert_eq!(Punctuality::of(None, Some(due), due + second), Some(Punctuality::Late));
        assert_eq!(Punctuality::of(Some(due), None, later), None);
        for p in Punctuality::ALL {
            assert_eq!(Punctuality::parse(p.as_str()), Some(p));
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{}\"", p.as_str()));
        }
        assert_eq!(GroupBy::parse("street"), Some(GroupBy::Street));
        assert_eq!(GroupBy::parse("Street"), None);
    }

    #[test]
    fn month_of_follows_the_city_clock() {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        let before = Utc.with_ymd_and_hms(2026, 11, 30, 15, 59, 59).unwrap();
        assert_eq!(month_of(before, cst), "2026-11");
        assert_eq!(month_of(before + chrono::Duration::seconds(1), cst), "2026-12", "midnight on 1 December in UTC+8");
        assert_eq!(month_of(before + chrono::Duration::seconds(1), FixedOffset::east_opt(0).unwrap()), "2026-11");
        assert_eq!(month_of(Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap(), cst), "2027-01");
        assert!(is_month("2026-11") && is_month("0001-01"));
        for bad in ["2026-13", "2026-00", "2026-1", "2026/11", "２０２６-11", "2026-11-01", ""] {
            assert!(!is_month(bad), "{bad}");
        }
    }

    #[test]
    fn settings_keep_defaults_and_name_bad_fields() {
        assert_eq!(
            AssessmentSettings::parse(&AssessmentSettingsInput::default()).unwrap(),
            AssessmentSettings::default()
        );
        let one = AssessmentSettingsInput {
            weights: Some(RateWeightsInput { on_time: Some(0.2), ..Default::default() }),
            min_tickets: Some(1),
            ..Default::default()
        };
        let parsed = AssessmentSettings::parse(&one).unwrap();
        assert_eq!(parsed.weights, RateWeights { on_time: 0.2, ..RateWeights::default() });
        assert_eq!(parsed.min_tickets, 1);

        let bad = AssessmentSettingsInput {
            basically_satisfied_weight: Some(1.5),
            weights: Some(RateWeightsInput { response: Some(-0.1), repeat: Some(2.0), ..Default::default() }),
            red_threshold: Some(101.0),
            black_threshold: Some(-1.0),
            min_tickets: Some(0),
        };
        let e = AssessmentSettings::parse(&bad).unwrap_err();
        assert_eq!(e.get("basically_satisfied_weight").unwrap().limit, Some(1));
        assert_eq!(e.get("weights.response").unwrap().limit, Some(0));
        assert_eq!(e.get("weights.repeat").unwrap().code, FieldErrorCode::OutOfRange);
        assert_eq!(e.get("red_threshold").unwrap().limit, Some(100));
        assert_eq!(e.get("black_threshold").unwrap().limit, Some(0));
        assert_eq!(e.get("min_tickets").unwrap().limit, Some(1));
        assert_eq!(e.0.len(), 6);

        let zero = RateWeightsInput {
            response: Some(0.0),
            resolution: Some(0.0),
            satisfaction: Some(0.0),
            ..Default::default()
        };
        let crossed = AssessmentSettingsInput {
            weights: Some(zero),
            red_threshold: Some(50.0),
            black_threshold: Some(70.0),
            min_tickets: Some(1001),
            ..Default::default()
        };
        let e = AssessmentSettings::parse(&crossed).unwrap_err();
        assert!(e.get("weights").is_some());
        assert!(e.get("black_threshold").is_some());
        assert_eq!(e.get("min_tickets").unwrap().limit, Some(1000));

        let unknown = serde_json::from_str::<AssessmentSettingsInput>(r#"{"weights": {"speed": 1}}"#);
        assert!(unknown.is_err());
        // The published settings read back as input unchanged.
        let published = serde_json::to_string(&AssessmentSettings::default()).unwrap();
        let input: AssessmentSettingsInput = serde_json::from_str(&published).unwrap();
        assert_eq!(AssessmentSettings::parse(&input).unwrap(), AssessmentSettings::default());
    }

    #[test]
    fn the_csv_quotes_what_needs_it() {
        let row = AssessedTicket {
            category: "a,\"b\"".into(),
            redispatched_from: vec!["x".into(), "y".into()],
            excluded: Some(Exclusion::Unreasonable),
            resolved: Some(false),
            ..t("HY-1", Some("d"), None)
        };
        let csv = to_csv(std::slice::from_ref(&row));
        assert_eq!(
            csv,
            "tracking_no,month,department,street,category,channel,excluded,response,resolution,redispatched_from,\
             reopen_count,repeat_count,satisfaction,resolved\r\n\
             HY-1,2026-11,d,,\"a,\"\"b\"\"\",phone,unreasonable,,,x;y,0,0,,no\r\n"
        );
        assert_eq!(from_csv(&csv).unwrap(), vec![row]);
        assert_eq!(from_csv(&to_csv(&[])).unwrap(), vec![]);
    }

    #[test]
    fn csv_errors_name_the_row_and_the_column() {
        let header = CSV_HEADER.join(",");
        let ok = "HY-1,2026-11,d,,01,phone,,on_time,,,0,0,,yes";
        let text = format!("{header}\n{ok}\n\nHY-2,2026-11,d,,01,phone,,soon,,,0,0,,yes\n");
        let e = from_csv(&text).unwrap_err();
        assert_eq!((e.row, e.column.as_str()), (2, "response"), "the blank line is not a row");
        assert!(e.message.contains("on_time, late, pending"), "{}", e.message);

        let cases = [
            (format!("{header}\n{ok},extra\n"), 1, "row"),
            (format!("{header}\n{}\n", ok.replace(",0,0,", ",-1,0,")), 1, "reopen_count"),
            (format!("{header}\n{}\n", ok.replace("2026-11", "2026-13")), 1, "month"),
            (format!("{header}\n{}\n", ok.replace("HY-1", "")), 1, "tracking_no"),
            (format!("{header}\n{}\n", ok.replace(",yes", ",true")), 1, "resolved"),
            (format!("{header}\n{ok}\nHY-2,2026-11,\"d\"x,,01,phone,,,,,0,0,,\n"), 2, "department"),
            (format!("{header}\n{ok}\nHY-2,\"2026-11,d\n"), 2, "month"),
            (header.replace("street", "area"), 0, "area"),
            (header.replace(",resolved", ""), 0, "resolved"),
            (format!("{header},month"), 0, "month"),
            (String::new(), 0, "header"),
        ];
        for (text, row, column) in cases {
            let e = from_csv(&text).unwrap_err();
            assert_eq!((e.row, e.column.as_str()), (row, column), "{text:?}: {e}");
        }
    }

    #[test]
    fn csv_columns_may_come_in_any_order() {
        let mut reversed = CSV_HEADER;
        reversed.reverse();
        let text = format!(
            "\u{feff}{}\r\nyes,satisfied,2,1,a;b,late,on_time,,web,09,s,d,2026-11,HY-9\r\n",
            reversed.join(",")
        );
        let row = AssessedTicket {
            resolved: Some(true),
            satisfaction: Some(Satisfaction::Satisfied),
            repeat_count: 2,
            reopen_count: 1,
            redispatched_from: vec!["a".into(), "b".into()],
            resolution: Some(Punctuality::Late),
            response: Some(Punctuality::OnTime),
            channel: "web".into(),
            category: "09".into(),
            ..t("HY-9", Some("d"), Some("s"))
        };
        assert_eq!(from_csv(&text).unwrap(), vec![row]);
    }

    mod round_trip {
        use super::super::*;
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            "[a-z0-9 ,;\"\r\n市区-]{1,10}"
        }

        fn code() -> impl Strategy<Value = String> {
            "[a-z0-9.-]{1,12}"
        }

        fn month() -> impl Strategy<Value = String> {
            (0u32..=9999, 1u32..=12).prop_map(|(y, m)| format!("{y:04}-{m:02}"))
        }

        fn punctuality() -> impl Strategy<Value = Option<Punctuality>> {
            proptest::option::of(proptest::sample::select(Punctuality::ALL.to_vec()))
        }

        fn ticket() -> impl Strategy<Value = AssessedTicket> {
            let ids = (text(), month(), proptest::option::of(code()), proptest::option::of(code()), text(), text());
            let facts = (
                proptest::option::of(proptest::sample::select(Exclusion::ALL.to_vec())),
                punctuality(),
                punctuality(),
                proptest::collection::vec(code(), 0..4),
                any::<u32>(),
                any::<u32>(),
                proptest::option::of(proptest::sample::select(Satisfaction::ALL.to_vec())),
                proptest::option::of(any::<bool>()),
            );
            (ids, facts).prop_map(
                |(
                    (tracking_no, month, department, street, category, channel),
                    (
                        excluded,
                        response,
                        resolution,
                        redispatched_from,
                        reopen_count,
                        repeat_count,
                        satisfaction,
                        resolved,
                    ),
                )| AssessedTicket {
                    tracking_no,
                    month,
                    department,
                    street,
                    category,
                    channel,
                    excluded,
                    response,
                    resolution,
                    redispatched_from,
                    reopen_count,
                    repeat_count,
                    satisfaction,
                    resolved,
                },
            )
        }

        proptest! {
            #[test]
            fn to_csv_reads_back_exactly(rows in proptest::collection::vec(ticket(), 0..8)) {
                let csv = to_csv(&rows);
                prop_assert_eq!(from_csv(&csv), Ok(rows));
            }

            #[test]
            fn any_text_reads_without_panicking(text in "[a-z0-9_,;\"\r\n -]{0,200}") {
                let _ = from_csv(&text);
                let _ = from_csv(&format!("{}\n{text}", CSV_HEADER.join(",")));
            }
        }
    }
}
