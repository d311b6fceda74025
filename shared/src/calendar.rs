//! The working-day calendar: public holidays and 调休 make-up working days as data.
//!
//! A day is a working day when it is Monday to Friday, unless the calendar says otherwise: a
//! `Holiday` is off although it may be a weekday, a `Workday` is a weekend day worked in
//! exchange (调休). Deadlines count whole local working days in the city's clock and fall due
//! at the end (23:59:59 local) of the last one.

use crate::error::{FieldErrorCode, FieldErrors};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The shipped China data (file `calendar_cn.rs`, kept beside this one).
#[path = "calendar_cn.rs"]
pub mod cn;

/// How far any count walks: ten years of days. Deadlines are weeks away, so only a
/// pathological calendar (every day a holiday) ever reaches it; the walk then stops there.
pub const MAX_SCAN_DAYS: u32 = 3660;

/// The longest day name an admin may give.
pub const MAX_NAME_CHARS: usize = 40;

/// The longest list one edit may carry (a year has 366 days).
pub const MAX_DAYS_PER_EDIT: usize = 366;

/// The last second of a local day.
const END_OF_DAY: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 59) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// Off, although a weekday (or a weekend day inside a holiday span).
    Holiday,
    /// A weekend day worked in exchange for a holiday (调休).
    Workday,
}

impl DayKind {
    pub const ALL: [DayKind; 2] = [DayKind::Holiday, DayKind::Workday];

    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// One day that differs from the plain Monday–Friday week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// Holidays and make-up working days by date; every other day is Monday–Friday.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkCalendar {
    overrides: BTreeMap<NaiveDate, (DayKind, String)>,
}

impl WorkCalendar {
    /// A calendar of these days; a date given twice keeps its last entry.
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> Self {
        let overrides = days.into_iter().map(|d| (d.date, (d.kind, d.name))).collect();
        Self { overrides }
    }

    /// China's official arrangement as shipped in [`cn`] (2026; later years
    /// are entered by admins until a release ships them).
    pub fn china() -> Self {
        Self::new(cn::DAYS.iter().filter_map(|(date, kind, name)| {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
            Some(CalendarDay { date, kind: *kind, name: (*name).to_owned() })
        }))
    }

    /// Every entry, sorted by date.
    pub fn days(&self) -> Vec<CalendarDay> {
        self.overrides
            .iter()
            .map(|(date, (kind, name))| CalendarDay { date: *date, kind: *kind, name: name.clone() })
            .collect()
    }

    /// The years with at least one entry, ascending.
    pub fn years(&self) -> Vec<i32> {
        self.overrides.keys().map(|d| d.year()).collect::<BTreeSet<_>>().into_iter().collect()
    }

    /// Replace one year: every entry dated in `year` goes, then `days` come in. An admin's
    /// edit of a year is the whole list for that year.
    pub fn replace_year(&mut self, year: i32, days: impl IntoIterator<Item = CalendarDay>) {
        self.overrides.retain(|d, _| d.year() != year);
        self.overrides.extend(days.into_iter().map(|d| (d.date, (d.kind, d.name))));
    }

    /// The calendar's entry for a date, if it has one.
    pub fn entry(&self, date: NaiveDate) -> Option<(DayKind, &str)> {
        self.overrides.get(&date).map(|(kind, name)| (*kind, name.as_str()))
    }

    /// The calendar's word if it has one, else Monday to Friday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.overrides.get(&d) {
            Some((DayKind::Holiday, _)) => false,
            Some((DayKind::Workday, _)) => true,
            None => is_weekday(d),
        }
    }

    /// Deadline `n` working days after the local day of `from` (the day of `from` itself does
    /// not count), at the end of that local working day (23:59:59 local), as UTC. n = 0 → end
    /// of the current local day if it is a working day, else end of the next working day.
    pub fn add_working_days(&self, from: DateTime<Utc>, n: u32, offset: FixedOffset) -> DateTime<Utc> {
        let mut day = local_date(from, offset);
        if n == 0 {
            let mut scanned = 0;
            while !self.is_working_day(day) && scanned < MAX_SCAN_DAYS {
                let Some(next) = day.succ_opt() else { break };
                day = next;
                scanned += 1;
            }
        } else {
            let mut remaining = n;
            for _ in 0..MAX_SCAN_DAYS {
                let Some(next) = day.succ_opt() else { break };
                day = next;
                if self.is_working_day(day) {
                    remaining -= 1;
                    if remaining == 0 {
                        break;
                    }
                }
            }
        }
        end_of_local_day(day, offset)
    }

    /// Whole working days strictly after the local day of `from` up to and including the local
    /// day of `to` (0 if to <= from).
    pub fn working_days_between(&self, from: DateTime<Utc>, to: DateTime<Utc>, offset: FixedOffset) -> u32 {
        if to <= from {
            return 0;
        }
        let end = local_date(to, offset);
        let mut day = local_date(from, offset);
        let mut count = 0;
        for _ in 0..MAX_SCAN_DAYS {
            if day >= end {
                break;
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn local_date(t: DateTime<Utc>, offset: FixedOffset) -> NaiveDate {
    t.with_timezone(&offset).date_naive()
}

fn end_of_local_day(d: NaiveDate, offset: FixedOffset) -> DateTime<Utc> {
    let local = d.and_time(END_OF_DAY);
    // A fixed offset maps every local time to one instant; only the ends of chrono's range fail.
    local.and_local_timezone(offset).single().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| local.and_utc())
}

/// One day of an admin's edit, as sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CalendarDayInput {
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl From<&CalendarDay> for CalendarDayInput {
    fn from(day: &CalendarDay) -> Self {
        Self {
            date: Some(day.date.format("%Y-%m-%d").to_string()),
            kind: Some(day.kind.as_str().to_owned()),
            name: Some(day.name.clone()),
        }
    }
}

/// Admin edit: a whole year's list replaces that year (see [`WorkCalendar::replace_year`]).
/// Errors name `days[i].date`, `days[i].kind`, `days[i].name` (or `days` for an overlong
/// list). A date is `YYYY-MM-DD` and may appear once; kind is `holiday` or `workday`; a
/// holiday may fall on any day (weekend days inside a holiday span are listed too) but a
/// workday must be a Saturday or Sunday, since a make-up day on a weekday would mean nothing;
/// the name is required, at most 40 characters.
pub fn parse_days(input: &[CalendarDayInput]) -> Result<Vec<CalendarDay>, FieldErrors> {
    let mut errors = FieldErrors::new();
    if input.len() > MAX_DAYS_PER_EDIT {
        errors.add_with_limit(
            "days",
            FieldErrorCode::TooLong,
            format!("at most {MAX_DAYS_PER_EDIT} days"),
            Some(MAX_DAYS_PER_EDIT as u32),
        );
    }
    let mut seen = BTreeSet::new();
    let mut days = Vec::with_capacity(input.len());
    for (i, day) in input.iter().enumerate() {
        let field = |name: &str| format!("days[{i}].{name}");

        let date = match day.date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                errors.add(&field("date"), FieldErrorCode::Required, "a date is required");
                None
            }
            Some(raw) => match parse_date(raw) {
                None => {
                    errors.add(&field("date"), FieldErrorCode::InvalidFormat, "a date looks like 2026-10-01");
                    None
                }
                Some(date) if !seen.insert(date) => {
                    errors.add(&field("date"), FieldErrorCode::Taken, "this date is already listed");
                    None
                }
                Some(date) => Some(date),
            },
        };

        let kind = match day.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                errors.add(&field("kind"), FieldErrorCode::Required, "holiday or workday");
                None
            }
            Some(raw) => match DayKind::parse(raw) {
                None => {
                    errors.add(&field("kind"), FieldErrorCode::UnknownValue, "holiday or workday");
                    None
                }
                Some(kind) => Some(kind),
            },
        };
        if let (Some(DayKind::Workday), Some(date)) = (kind, date) {
            if is_weekday(date) {
                errors.add(
                    &field("kind"),
                    FieldErrorCode::OutOfRange,
                    "a make-up working day must be a Saturday or Sunday",
                );
            }
        }

        let name = day.name.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() {
            errors.add(&field("name"), FieldErrorCode::Required, "a name is required");
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.add_with_limit(
                &field("name"),
                FieldErrorCode::TooLong,
                format!("at most {MAX_NAME_CHARS} characters"),
                Some(MAX_NAME_CHARS as u32),
            );
        }

        if let (Some(date), Some(kind)) = (date, kind) {
            days.push(CalendarDay { date, kind, name: name.to_owned() });
        }
    }
    days.sort_by_key(|d| d.date);
    errors.finish(|| days)
}

/// Strictly `YYYY-MM-DD` (chrono alone would also take `2026-1-1`).
fn parse_date(raw: &str) -> Option<NaiveDate> {
    let shaped = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    shaped.then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Timelike};
    use proptest::prelude::*;

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A Beijing-time instant as UTC.
    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        cst().with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    /// The end of a Beijing-time day as UTC.
    fn end(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        cst().with_ymd_and_hms(y, m, d, 23, 59, 59).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn shipped_data_is_well_formed() {
        let input: Vec<CalendarDayInput> = cn::DAYS
            .iter()
            .map(|(d, k, n)| CalendarDayInput {
                date: Some((*d).to_owned()),
                kind: Some(k.as_str().to_owned()),
                name: Some((*n).to_owned()),
            })
            .collect();
        // Every date parses, none repeats, every make-up day is a weekend day.
        let parsed = parse_days(&input).unwrap();
        assert_eq!(parsed.len(), cn::DAYS.len());
        let dates: Vec<&str> = cn::DAYS.iter().map(|(d, _, _)| *d).collect();
        let mut sorted = dates.clone();
        sorted.sort_unstable();
        assert_eq!(dates, sorted, "the table is in date order");

        let china = WorkCalendar::china();
        assert_eq!(china.days(), parsed);
        assert_eq!(china.years(), vec![2026]);
        let holidays = parsed.iter().filter(|d| d.kind == DayKind::Holiday).count();
        let workdays = parsed.iter().filter(|d| d.kind == DayKind::Workday).count();
        // 元旦 3 + 春节 9 + 清明 3 + 劳动 5 + 端午 3 + 中秋 3 + 国庆 7; make-up 1 + 2 + 1 + 2.
        assert_eq!((holidays, workdays), (33, 6));
        for (d, weekday) in [
            (date(2026, 1, 1), Weekday::Thu),
            (date(2026, 1, 4), Weekday::Sun),
            (date(2026, 2, 14), Weekday::Sat),
            (date(2026, 2, 15), Weekday::Sun),
            (date(2026, 2, 23), Weekday::Mon),
            (date(2026, 2, 28), Weekday::Sat),
            (date(2026, 4, 4), Weekday::Sat),
            (date(2026, 5, 9), Weekday::Sat),
            (date(2026, 6, 19), Weekday::Fri),
            (date(2026, 9, 20), Weekday::Sun),
            (date(2026, 9, 25), Weekday::Fri),
            (date(2026, 10, 7), Weekday::Wed),
            (date(2026, 10, 10), Weekday::Sat),
        ] {
            assert_eq!(d.weekday(), weekday, "{d} matches the weekday the notice gives");
        }
    }

    #[test]
    fn new_years_day_holiday_and_its_make_up_sunday() {
        let cal = WorkCalendar::china();
        for d in 1..=3 {
            assert!(!cal.is_working_day(date(2026, 1, d)));
        }
        assert!(cal.is_working_day(date(2026, 1, 4)), "Sunday 4 January is worked");
        assert_eq!(cal.entry(date(2026, 1, 1)), Some((DayKind::Holiday, "元旦")));
        // New Year's Eve (a Wednesday), one working day: Thu–Sat off, Sunday worked.
        assert_eq!(cal.add_working_days(at(2025, 12, 31, 18), 1, cst()), end(2026, 1, 4));
        assert_eq!(cal.add_working_days(at(2025, 12, 31, 18), 2, cst()), end(2026, 1, 5));
        // Without the calendar it would have been Thursday the 1st.
        assert_eq!(WorkCalendar::default().add_working_days(at(2025, 12, 31, 18), 1, cst()), end(2026, 1, 1));
    }

    #[test]
    fn spring_festival_counts_make_up_saturdays_and_skips_the_holiday_week() {
        let cal = WorkCalendar::china();
        assert!(cal.is_working_day(date(2026, 2, 14)), "make-up Saturday");
        assert!(!cal.is_working_day(date(2026, 2, 18)), "holiday Wednesday");
        assert!(!cal.is_working_day(date(2026, 2, 21)), "Saturday inside the span");
        let friday = at(2026, 2, 13, 10);
        assert_eq!(cal.add_working_days(friday, 1, cst()), end(2026, 2, 14));
        assert_eq!(cal.add_working_days(friday, 2, cst()), end(2026, 2, 24));
        assert_eq!(cal.add_working_days(friday, 6, cst()), end(2026, 2, 28), "the second make-up Saturday");
        assert_eq!(cal.add_working_days(friday, 7, cst()), end(2026, 3, 2));
        assert_eq!(cal.working_days_between(friday, at(2026, 3, 2, 9), cst()), 7);
        assert_eq!(cal.working_days_between(friday, at(2026, 2, 23, 9), cst()), 1);
        // n = 0: a request on the holiday Wednesday is due at the end of the first day back.
        assert_eq!(cal.add_working_days(at(2026, 2, 18, 9), 0, cst()), end(2026, 2, 24));
        assert_eq!(cal.add_working_days(friday, 0, cst()), end(2026, 2, 13));
        // The local day decides: 20:00 UTC on the 13th is already Saturday the 14th in Beijing.
        let late = Utc.with_ymd_and_hms(2026, 2, 13, 20, 0, 0).unwrap();
        assert_eq!(cal.add_working_days(late, 0, cst()), end(2026, 2, 14));
        assert_eq!(cal.add_working_days(late, 1, cst()), end(2026, 2, 24));
    }

    #[test]
    fn national_day_and_mid_autumn() {
        let cal = WorkCalendar::china();
        assert!(cal.is_working_day(date(2026, 9, 20)), "make-up Sunday");
        assert!(!cal.is_working_day(date(2026, 9, 25)), "中秋 Friday");
        assert!(!cal.is_working_day(date(2026, 10, 7)), "holiday Wednesday");
        assert!(cal.is_working_day(date(2026, 10, 10)), "make-up Saturday");
        // From Friday 18 September: 20(Sun) 21 22 23 24 | 28 29 30 | 8 9 → ten working days.
        let friday = at(2026, 9, 18, 15);
        assert_eq!(cal.add_working_days(friday, 10, cst()), end(2026, 10, 9));
        assert_eq!(cal.add_working_days(friday, 11, cst()), end(2026, 10, 10));
        assert_eq!(cal.add_working_days(friday, 12, cst()), end(2026, 10, 12));
        assert_eq!(cal.working_days_between(friday, end(2026, 10, 7), cst()), 8);
    }

    #[test]
    fn between_is_zero_unless_to_is_after_from() {
        let cal = WorkCalendar::china();
        let t = at(2026, 3, 2, 9);
        assert_eq!(cal.working_days_between(t, t, cst()), 0);
        assert_eq!(cal.working_days_between(t, t - Duration::days(3), cst()), 0);
        assert_eq!(cal.working_days_between(t, t + Duration::hours(5), cst()), 0, "same local day");
        assert_eq!(cal.working_days_between(t, t + Duration::days(1), cst()), 1);
    }

    #[test]
    fn replace_year_swaps_only_that_year() {
        let mut cal = WorkCalendar::china();
        cal.replace_year(
            2027,
            [CalendarDay { date: date(2027, 1, 1), kind: DayKind::Holiday, name: "元旦".to_owned() }],
        );
        assert_eq!(cal.years(), vec![2026, 2027]);
        cal.replace_year(2026, []);
        assert_eq!(cal.years(), vec![2027]);
        assert!(cal.is_working_day(date(2026, 2, 18)));
        assert!(!cal.is_working_day(date(2027, 1, 1)));
    }

    #[test]
    fn parse_days_names_the_refused_fields() {
        let day = |d: &str, k: &str, n: &str| CalendarDayInput {
            date: Some(d.to_owned()),
            kind: Some(k.to_owned()),
            name: Some(n.to_owned()),
        };
        let ok = parse_days(&[day("2027-01-01", "holiday", " 元旦 "), day("2026-12-27", "workday", "调休")]).unwrap();
        assert_eq!(ok[0].date, date(2026, 12, 27), "sorted by date");
        assert_eq!(ok[1].name, "元旦", "trimmed");
        // A holiday on a weekend is fine (a weekend day inside a span).
        assert!(parse_days(&[day("2026-02-21", "holiday", "春节")]).is_ok());

        let input = vec![
            day("2027-1-1", "holiday", "元旦"),
            day("2027-02-30", "holiday", "春节"),
            day("2027-03-01", "day_off", "x"),
            day("2027-03-03", "workday", "周三"),
            day("2027-03-06", "holiday", ""),
            day("2027-03-07", "holiday", &"长".repeat(41)),
            day("2027-03-06", "holiday", "again"),
            CalendarDayInput::default(),
        ];
        let errors = parse_days(&input).unwrap_err();
        let code = |f: &str| errors.get(f).map(|e| e.code);
        assert_eq!(code("days[0].date"), Some(FieldErrorCode::InvalidFormat));
        assert_eq!(code("days[1].date"), Some(FieldErrorCode::InvalidFormat));
        assert_eq!(code("days[2].kind"), Some(FieldErrorCode::UnknownValue));
        assert_eq!(code("days[3].kind"), Some(FieldErrorCode::OutOfRange), "a workday on a Wednesday");
        assert_eq!(code("days[4].name"), Some(FieldErrorCode::Required));
        assert_eq!(errors.get("days[5].name").and_then(|e| e.limit), Some(40));
        assert_eq!(code("days[6].date"), Some(FieldErrorCode::Taken));
        assert_eq!(code("days[7].date"), Some(FieldErrorCode::Required));
        assert_eq!(code("days[7].kind"), Some(FieldErrorCode::Required));
        assert_eq!(code("days[7].name"), Some(FieldErrorCode::Required));
        assert_eq!(errors.0.len(), 10);

        let too_many = vec![day("2027-01-01", "holiday", "x"); MAX_DAYS_PER_EDIT + 1];
        assert_eq!(parse_days(&too_many).unwrap_err().get("days").map(|e| e.code), Some(FieldErrorCode::TooLong));
    }

    #[test]
    fn round_trips_through_the_input_shape() {
        let days = WorkCalendar::china().days();
        let input: Vec<CalendarDayInput> = days.iter().map(CalendarDayInput::from).collect();
        assert_eq!(parse_days(&input).unwrap(), days);
        assert_eq!(serde_json::to_string(&DayKind::Workday).unwrap(), "\"workday\"");
    }

    /// Plain Monday–Friday days in (a, b], counted by whole weeks, independent of the walk.
    fn weekdays_between(a: NaiveDate, b: NaiveDate) -> u32 {
        if b <= a {
            return 0;
        }
        let days = (b - a).num_days();
        let weeks = days / 7;
        let mut count = weeks * 5;
        let mut d = a + Duration::days(weeks * 7);
        while d < b {
            d = d.succ_opt().unwrap();
            if is_weekday(d) {
                count += 1;
            }
        }
        u32::try_from(count).unwrap()
    }

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        // 2025-06-01 .. 2027-06-01: across the shipped year and beyond it.
        (1_748_736_000i64..1_811_808_000).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
    }

    fn offset() -> impl Strategy<Value = FixedOffset> {
        prop_oneof![Just(cst()), (-48i32..=56).prop_map(|q| FixedOffset::east_opt(q * 15 * 60).unwrap())]
    }

    fn calendar() -> impl Strategy<Value = WorkCalendar> {
        prop_oneof![Just(WorkCalendar::china()), Just(WorkCalendar::default())]
    }

    proptest! {
        #[test]
        fn deadline_is_the_end_of_a_working_day(cal in calendar(), from in instant(), n in 0u32..200, off in offset()) {
            let due = cal.add_working_days(from, n, off).with_timezone(&off);
            prop_assert!(cal.is_working_day(due.date_naive()));
            prop_assert_eq!((due.hour(), due.minute(), due.second()), (23, 59, 59));
            prop_assert!(due.date_naive() >= from.with_timezone(&off).date_naive());
        }

        #[test]
        fn deadline_is_monotone_in_n(cal in calendar(), from in instant(), n in 0u32..200, off in offset()) {
            prop_assert!(cal.add_working_days(from, n, off) <= cal.add_working_days(from, n + 1, off));
            if n > 0 {
                prop_assert!(cal.add_working_days(from, n, off) < cal.add_working_days(from, n + 1, off));
            }
        }

        #[test]
        fn between_inverts_add(cal in calendar(), from in instant(), n in 1u32..200, off in offset()) {
            let due = cal.add_working_days(from, n, off);
            prop_assert_eq!(cal.working_days_between(from, due, off), n);
            // And the deadline is the first instant with n working days behind it by local day.
            prop_assert_eq!(cal.working_days_between(from, due - Duration::days(1), off), n - 1);
        }

        #[test]
        fn empty_calendar_is_monday_to_friday(from in instant(), to in instant(), n in 1u32..200, off in offset()) {
            let cal = WorkCalendar::default();
            let a = from.with_timezone(&off).date_naive();
            let expected = if to <= from { 0 } else { weekdays_between(a, to.with_timezone(&off).date_naive()) };
            prop_assert_eq!(cal.working_days_between(from, to, off), expected);
            let due = cal.add_working_days(from, n, off).with_timezone(&off).date_naive();
            prop_assert!(is_weekday(due));
            prop_assert_eq!(weekdays_between(a, due), n);
            prop_assert_eq!(weekdays_between(a, due.pred_opt().unwrap()), n - 1);
        }
    }
}
