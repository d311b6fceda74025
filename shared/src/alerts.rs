//! Spike alerts (预警): a category in an area suddenly drawing more requests than its own
//! recent weeks make likely, found early enough for a department to act on the cause.
//!
//! For each key (the caller's `category|area`) two windows are judged: the latest day and the
//! latest seven days. The expected count is the seasonal baseline that
//! [`crate::forecast::Model::WeekdayMean`] forecasts with: the mean of the same window over
//! the previous `baseline_weeks` weeks, so a Monday is compared with Mondays and a week with
//! whole weeks. The observed count is then tested against the gamma–Poisson predictive
//! distribution of that mean: a negative binomial whose spread holds
//!
//! - the Poisson noise of the count itself,
//! - the key's overdispersion, estimated from the same weeks (days scattered more widely
//!   than Poisson around their weekday means, weeks more widely than their days explain),
//! - the uncertainty of a mean estimated from a few weeks (the gamma posterior after a
//!   Jeffreys-like half-count prior, which also keeps the expectation of a key never seen
//!   before above zero).
//!
//! A window alerts when its upper-tail p-value is at most `p_value` and it holds at least
//! `min_count` requests, so one or two tickets never alert however quiet the key was. The
//! p-value is per test: a city watching thousands of keys twice a day should keep it small.

use crate::error::{FieldErrorCode, FieldErrors};
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Fewer baseline weeks than this and a mean is a guess: no alert.
pub const MIN_BASELINE_WEEKS: u32 = 2;
/// A year of weeks; older weeks describe another season.
pub const MAX_BASELINE_WEEKS: u32 = 52;
/// The loosest threshold a city may set.
pub const MAX_P_VALUE: f64 = 0.1;
pub const MAX_MIN_COUNT: u32 = 10_000;

/// The half-count prior of the gamma–Poisson baseline (Jeffreys' for a Poisson mean).
const PRIOR_COUNT: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AlertSettings {
    /// The largest upper-tail probability that still alerts.
    pub p_value: f64,
    /// The fewest requests in a window that may alert.
    pub min_count: u32,
    /// How many earlier weeks make the baseline.
    pub baseline_weeks: u32,
}

impl Default for AlertSettings {
    /// p ≤ 0.001: with a few hundred keys a day, about one false alert in several days.
    /// Five requests: fewer is a coincidence a caseworker sees anyway. Eight weeks: long
    /// enough for a stable mean, short enough to follow the season.
    fn default() -> Self {
        Self { p_value: 0.001, min_count: 5, baseline_weeks: 8 }
    }
}

/// The settings as an admin sends them; absent fields keep their defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertSettingsInput {
    #[serde(default)]
    pub p_value: Option<f64>,
    #[serde(default)]
    pub min_count: Option<u32>,
    #[serde(default)]
    pub baseline_weeks: Option<u32>,
}

impl AlertSettings {
    /// Errors name `p_value` (above 0, at most 0.1), `min_count` (1 to 10 000) or
    /// `baseline_weeks` (2 to 52).
    pub fn parse(input: &AlertSettingsInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let d = Self::default();
        let p_value = input.p_value.unwrap_or(d.p_value);
        if !(p_value > 0.0 && p_value <= MAX_P_VALUE) {
            errors.add("p_value", FieldErrorCode::OutOfRange, "p_value must be above 0 and at most 0.1");
        }
        let min_count = input.min_count.unwrap_or(d.min_count);
        if !(1..=MAX_MIN_COUNT).contains(&min_count) {
            errors.add_with_limit(
                "min_count",
                FieldErrorCode::OutOfRange,
                format!("min_count must be between 1 and {MAX_MIN_COUNT}"),
                Some(if min_count < 1 { 1 } else { MAX_MIN_COUNT }),
            );
        }
        let baseline_weeks = input.baseline_weeks.unwrap_or(d.baseline_weeks);
        if !(MIN_BASELINE_WEEKS..=MAX_BASELINE_WEEKS).contains(&baseline_weeks) {
            errors.add_with_limit(
                "baseline_weeks",
                FieldErrorCode::OutOfRange,
                format!("baseline_weeks must be between {MIN_BASELINE_WEEKS} and {MAX_BASELINE_WEEKS}"),
                Some(if baseline_weeks < MIN_BASELINE_WEEKS { MIN_BASELINE_WEEKS } else { MAX_BASELINE_WEEKS }),
            );
        }
        errors.finish(|| Self { p_value, min_count, baseline_weeks })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// The day `today`.
    Day,
    /// The seven days ending with `today`.
    Week,
}

impl Window {
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Day => "day",
            Window::Week => "week",
        }
    }

    fn days(self) -> u64 {
        match self {
            Window::Day => 1,
            Window::Week => 7,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The series' key as given (`category|area`).
    pub key: String,
    pub window: Window,
    pub observed: u32,
    /// The baseline mean for the window.
    pub expected: f64,
    /// P(a count at least `observed`) under the baseline's predictive distribution.
    pub p_value: f64,
    /// observed / expected.
    pub ratio: f64,
}

/// The alerts for `today`, most significant first (p-value, then ratio, then key and window,
/// so equal inputs give equal lists).
///
/// Each series is one key's daily counts; days absent are days without requests, and several
/// entries for a day add up. Days after `today` are ignored. A day is whatever 24-hour bucket
/// the caller counts by: local calendar days with `today` the last complete one, or 24-hour
/// spans ending now with `today` naming the latest. The platform is taken to have started
/// counting on the earliest day of any series: earlier weeks are not baseline, and a window
/// with fewer than [`MIN_BASELINE_WEEKS`] baseline weeks is not judged.
pub fn detect(series: &[(String, Vec<(NaiveDate, u32)>)], today: NaiveDate, settings: &AlertSettings) -> Vec<Alert> {
    let Some(counting_since) = series.iter().flat_map(|(_, days)| days.iter().map(|(d, _)| *d)).min() else {
        return Vec::new();
    };
    let weeks = settings.baseline_weeks.clamp(MIN_BASELINE_WEEKS, MAX_BASELINE_WEEKS);
    let mut alerts = Vec::new();
    for (key, days) in series {
        let mut by_day: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        for &(date, count) in days {
            if date <= today {
                *by_day.entry(date).or_insert(0) += u64::from(count);
            }
        }
        let history = History { by_day, counting_since, today, weeks };
        let day_dispersion = history.day_dispersion();
        for window in [Window::Day, Window::Week] {
            let Some(baseline) = history.baseline(window, day_dispersion) else { continue };
            let observed = u32::try_from(history.sum_ending(today, window.days())).unwrap_or(u32::MAX);
            if observed < settings.min_count {
                continue;
            }
            let p_value = negative_binomial_upper_tail(observed, baseline.mean, baseline.dispersion);
            if p_value <= settings.p_value {
                alerts.push(Alert {
                    key: key.clone(),
                    window,
                    observed,
                    expected: baseline.mean,
                    p_value,
                    ratio: f64::from(observed) / baseline.mean,
                });
            }
        }
    }
    alerts.sort_by(|a, b| {
        a.p_value
            .total_cmp(&b.p_value)
            .then_with(|| b.ratio.total_cmp(&a.ratio))
            .then_with(|| a.key.cmp(&b.key))
            .then_with(|| a.window.cmp(&b.window))
    });
    alerts
}

/// One key's counts up to `today`.
struct History {
    by_day: BTreeMap<NaiveDate, u64>,
    counting_since: NaiveDate,
    today: NaiveDate,
    weeks: u32,
}

/// The predictive distribution of a window's count: mean and NB dispersion.
struct Baseline {
    mean: f64,
    dispersion: f64,
}

impl History {
    fn count(&self, date: NaiveDate) -> u64 {
        self.by_day.get(&date).copied().unwrap_or(0)
    }

    /// The requests of the `days` days ending with `end`.
    fn sum_ending(&self, end: NaiveDate, days: u64) -> u64 {
        match end.checked_sub_days(Days::new(days - 1)) {
            Some(start) => self.by_day.range(start..=end).map(|(_, n)| n).sum(),
            None => self.by_day.range(..=end).map(|(_, n)| n).sum(),
        }
    }

    /// The window's totals in each earlier week the platform was counting, latest first.
    fn weekly_sums(&self, days: u64) -> Vec<f64> {
        (1..=u64::from(self.weeks))
            .map_while(|k| {
                let end = self.today.checked_sub_days(Days::new(7 * k))?;
                let start = end.checked_sub_days(Days::new(days - 1))?;
                (start >= self.counting_since).then(|| self.sum_ending(end, days) as f64)
            })
            .collect()
    }

    /// Day-level overdispersion α (variance = μ + αμ²) of the baseline weeks around their
    /// weekday means, by the method of moments; 0 when they scatter no more than Poisson.
    fn day_dispersion(&self) -> f64 {
        let mut by_weekday: [Vec<f64>; 7] = Default::default();
        for k in 1..=u64::from(self.weeks) * 7 {
            let Some(date) = self.today.checked_sub_days(Days::new(k)) else { break };
            if date < self.counting_since {
                break;
            }
            by_weekday[date.weekday().num_days_from_monday() as usize].push(self.count(date) as f64);
        }
        let (mut excess, mut scale) = (0.0, 0.0);
        for values in by_weekday.iter().filter(|v| v.len() >= 2) {
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
            excess += n * (variance - mean);
            scale += n * mean * mean;
        }
        if scale > 0.0 {
            (excess / scale).max(0.0)
        } else {
            0.0
        }
    }

    fn baseline(&self, window: Window, day_dispersion: f64) -> Option<Baseline> {
        let sums = self.weekly_sums(window.days());
        if sums.len() < MIN_BASELINE_WEEKS as usize {
            return None;
        }
        let k = sums.len() as f64;
        let total: f64 = sums.iter().sum();
        let mean = (total + PRIOR_COUNT) / k;
        let dispersion = match window {
            Window::Day => day_dispersion,
            Window::Week => {
                // Independent days with dispersion α make a week of dispersion ≈ α·Σμd²/μw²
                // (≈ α/7 for a flat week); a level shift lasting days shows only in the
                // spread of whole weeks, so the larger of the two is the honest one.
                let day_means: Vec<f64> = (0..7u64)
                    .map(|j| {
                        let days: Vec<f64> = (1..=u64::from(self.weeks))
                            .filter_map(|w| self.today.checked_sub_days(Days::new(7 * w + j)))
                            .filter(|d| *d >= self.counting_since)
                            .map(|d| self.count(d) as f64)
                            .collect();
                        days.iter().sum::<f64>() / (days.len().max(1) as f64)
                    })
                    .collect();
                let week_mean: f64 = day_means.iter().sum();
                let from_days = if week_mean > 0.0 {
                    day_dispersion * day_means.iter().map(|m| m * m).sum::<f64>() / (week_mean * week_mean)
                } else {
                    0.0
                };
                let sample_mean = total / k;
                let variance = sums.iter().map(|s| (s - sample_mean).powi(2)).sum::<f64>() / (k - 1.0);
                let direct = if sample_mean > 0.0 {
                    ((variance - sample_mean) / (sample_mean * sample_mean)).max(0.0)
                } else {
                    0.0
                };
                from_days.max(direct)
            }
        };
        // Gamma–Poisson predictive: a mean known from k weeks adds variance (μ + αμ²)/k.
        let dispersion = dispersion * (1.0 + 1.0 / k) + 1.0 / (k * mean);
        Some(Baseline { mean, dispersion })
    }
}

/// P(X ≥ k) for X ~ Poisson(λ): the regularized lower incomplete gamma P(k, λ), by its series
/// or continued fraction, so it stays accurate for large λ and in the far tail.
pub fn poisson_upper_tail(k: u32, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda.is_nan() || lambda <= 0.0 {
        return 0.0;
    }
    if lambda.is_infinite() {
        return 1.0;
    }
    regularized_gamma_lower(f64::from(k), lambda)
}

/// P(X ≥ k) for X negative binomial with this mean and dispersion α (variance μ + αμ²);
/// α = 0 is Poisson. Through the regularized incomplete beta: P(X ≥ k) = I_{μ/(μ+r)}(k, r),
/// r = 1/α.
pub fn negative_binomial_upper_tail(k: u32, mean: f64, dispersion: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if mean.is_nan() || mean <= 0.0 {
        return 0.0;
    }
    // Below this the NB is Poisson to well past the digits an alert reads.
    if dispersion.is_nan() || dispersion <= 1e-12 {
        return poisson_upper_tail(k, mean);
    }
    if mean.is_infinite() || dispersion.is_infinite() {
        return 1.0;
    }
    let r = 1.0 / dispersion;
    regularized_beta(f64::from(k), r, mean / (mean + r))
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 15 significant digits).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the series in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Iteration bound for the series and continued fractions: they need O(√a) terms, so this
/// covers counts far beyond any hotline's.
const MAX_TERMS: usize = 100_000;
const EPS: f64 = 1e-15;
const TINY: f64 = 1e-300;

/// P(a, x) = γ(a, x)/Γ(a).
fn regularized_gamma_lower(a: f64, x: f64) -> f64 {
    let log_prefix = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // Series: converges fast below the mode, and computes a small P without cancellation.
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut ap = a;
        for _ in 0..MAX_TERMS {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * EPS {
                break;
            }
        }
        (sum.ln() + log_prefix).exp().clamp(0.0, 1.0)
    } else {
        // Continued fraction for Q = 1 − P (modified Lentz).
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..MAX_TERMS {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < EPS {
                break;
            }
        }
        let q = (h.ln() + log_prefix).exp();
        (1.0 - q).clamp(0.0, 1.0)
    }
}

/// I_x(a, b), the regularized incomplete beta function.
fn regularized_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let log_prefix = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    // The fraction converges fast on this side of the mean; the other side by symmetry.
    if x < (a + 1.0) / (a + b + 2.0) {
        (log_prefix.exp() * beta_fraction(a, b, x) / a).clamp(0.0, 1.0)
    } else {
        (1.0 - log_prefix.exp() * beta_fraction(b, a, 1.0 - x) / b).clamp(0.0, 1.0)
    }
}

/// The continued fraction of the incomplete beta (modified Lentz).
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    let clamp_tiny = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / clamp_tiny(1.0 - (a + b) * x / (a + 1.0));
    let mut h = d;
    for m in 1..MAX_TERMS {
        let m = m as f64;
        let m2 = 2.0 * m;
        let even = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 / clamp_tiny(1.0 + even * d);
        c = clamp_tiny(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 / clamp_tiny(1.0 + odd * d);
        c = clamp_tiny(1.0 + odd / c);
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn poisson_tail_matches_known_values() {
        // 1 − e⁻¹(1 + 1 + ½) = 0.080301…
        assert!(close(poisson_upper_tail(3, 1.0), 0.080_301_397_071_394_2, 1e-12), "{}", poisson_upper_tail(3, 1.0));
        // λ = 100, k = 130: 0.0023 (the normal approximation would say 0.0013).
        let p = poisson_upper_tail(130, 100.0);
        assert!((0.0022..0.0024).contains(&p), "{p}");
        assert!(close(p, 0.002_282_093_054_316_955, 1e-10), "{p}");
        assert_eq!(poisson_upper_tail(0, 5.0), 1.0);
        assert_eq!(poisson_upper_tail(0, 0.0), 1.0);
        assert_eq!(poisson_upper_tail(1, 0.0), 0.0);
        assert!(close(poisson_upper_tail(1, 2.0), 1.0 - (-2.0f64).exp(), 1e-13));
        // Summed exactly in 60-digit decimal arithmetic (Python's `decimal`), on both branches.
        for (k, lambda, exact) in [
            (20, 25.0, 0.866_425_165_914_349_6),
            (40, 25.0, 0.003_443_568_729_427_069_7),
            (60, 30.0, 9.251_868_804_915_057e-7),
            (200, 180.0, 0.074_858_034_984_159_58),
            (20, 10.0, 0.003_454_341_975_856_807_7),
        ] {
            let p = poisson_upper_tail(k, lambda);
            assert!(close(p, exact, 1e-10), "k={k} λ={lambda}: {p} vs {exact}");
        }
        // Large λ, both branches, and the far tail stays a tiny positive number, not 0 or NaN.
        let centre = poisson_upper_tail(10_000, 10_000.0);
        assert!((0.49..0.51).contains(&centre), "{centre}");
        assert!(poisson_upper_tail(9_000, 10_000.0) > 0.999_999);
        let far = poisson_upper_tail(12_000, 10_000.0);
        assert!(far > 0.0 && far < 1e-80, "{far}");
        let very_far = poisson_upper_tail(100, 1.0);
        assert!(very_far > 0.0 && very_far < 1e-150, "{very_far}");
    }

    #[test]
    fn negative_binomial_tail_widens_poisson_and_tends_to_it() {
        // Almost no dispersion: Poisson.
        let p = poisson_upper_tail(130, 100.0);
        assert!(close(negative_binomial_upper_tail(130, 100.0, 1e-9), p, 1e-5));
        // α = 1 is geometric with p = 1/(1+μ): P(X ≥ k) = (μ/(1+μ))^k.
        for (k, mu) in [(1u32, 2.0f64), (3, 2.0), (10, 4.0), (25, 0.5)] {
            let exact = (mu / (1.0 + mu)).powi(k as i32);
            assert!(close(negative_binomial_upper_tail(k, mu, 1.0), exact, 1e-10), "k={k} μ={mu}");
        }
        // Overdispersion fattens the tail: 0.0307 against Poisson's 0.0035 (exact as above).
        let p = negative_binomial_upper_tail(20, 10.0, 0.1);
        assert!(close(p, 0.030_714_172_869_920_73, 1e-10), "{p}");
        assert!(p > 5.0 * poisson_upper_tail(20, 10.0));
        assert_eq!(negative_binomial_upper_tail(0, 3.0, 0.5), 1.0);
        assert_eq!(negative_binomial_upper_tail(4, 0.0, 0.5), 0.0);
    }

    fn flat(from: NaiveDate, days: u64, mut per_day: impl FnMut(u64) -> u32) -> Vec<(NaiveDate, u32)> {
        (0..days).map(|i| (from + Days::new(i), per_day(i))).collect()
    }

    /// A fixed pseudo-random Poisson stream, so a test means the same thing every run.
    struct Rng(u64);

    impl Rng {
        fn uniform(&mut self) -> f64 {
            // SplitMix64.
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }

        fn poisson(&mut self, lambda: f64) -> u32 {
            let limit = (-lambda).exp();
            let mut product = self.uniform();
            let mut k = 0;
            while product > limit {
                product *= self.uniform();
                k += 1;
            }
            k
        }
    }

    #[test]
    fn settings_parse_with_named_fields() {
        assert_eq!(AlertSettings::parse(&AlertSettingsInput::default()).unwrap(), AlertSettings::default());
        let bad = AlertSettingsInput { p_value: Some(0.0), min_count: Some(0), baseline_weeks: Some(60) };
        let errors = AlertSettings::parse(&bad).unwrap_err();
        assert_eq!(errors.get("p_value").unwrap().code, FieldErrorCode::OutOfRange);
        assert_eq!(errors.get("min_count").unwrap().limit, Some(1));
        assert_eq!(errors.get("baseline_weeks").unwrap().limit, Some(MAX_BASELINE_WEEKS));
        assert!(AlertSettings::parse(&AlertSettingsInput { p_value: Some(f64::NAN), ..Default::default() }).is_err());
        assert!(AlertSettings::parse(&AlertSettingsInput { p_value: Some(0.5), ..Default::default() }).is_err());
        let ok = AlertSettingsInput { p_value: Some(0.01), min_count: Some(3), baseline_weeks: Some(4) };
        assert_eq!(
            AlertSettings::parse(&ok).unwrap(),
            AlertSettings { p_value: 0.01, min_count: 3, baseline_weeks: 4 }
        );
        let json = r#"{"p_value":0.01,"surprise":1}"#;
        assert!(serde_json::from_str::<AlertSettingsInput>(json).is_err(), "unknown fields are refused");
    }

    #[test]
    fn a_flat_series_never_alerts() {
        let start = date(2026, 1, 5);
        let today = date(2026, 3, 29);
        let series = vec![
            ("04.01|东城区".to_owned(), flat(start, 84, |_| 6)),
            ("04.02|西城区".to_owned(), flat(start, 84, |i| if i % 7 >= 5 { 1 } else { 9 })),
        ];
        assert!(detect(&series, today, &AlertSettings::default()).is_empty());
        // Nor does Poisson noise around a steady mean, over many keys and days.
        let mut rng = Rng(7);
        let noisy: Vec<(String, Vec<(NaiveDate, u32)>)> = (0..40)
            .map(|k| (format!("k{k}|a"), flat(start, 200, |i| rng.poisson(if i % 7 >= 5 { 3.0 } else { 8.0 }))))
            .collect();
        let mut alerts = 0;
        for day in 80..200 {
            alerts += detect(&noisy, start + Days::new(day), &AlertSettings::default()).len();
        }
        // 40 keys × 120 days × 2 windows = 9,600 tests at p ≤ 0.001: under ten expected.
        eprintln!("null Poisson keys: {alerts} alerts in 9,600 tests");
        assert!(alerts <= 10, "{alerts}");
    }

    #[test]
    fn an_injected_spike_alerts_and_sorts_first() {
        let start = date(2026, 1, 5);
        let today = date(2026, 3, 29);
        let mut rng = Rng(11);
        let mut spiked = flat(start, 84, |_| rng.poisson(4.0));
        let quiet = flat(start, 84, |_| rng.poisson(4.0));
        let mut mild = flat(start, 84, |_| rng.poisson(4.0));
        // The last day: 25 requests where 4 are usual.
        spiked.last_mut().unwrap().1 = 25;
        // A milder spike: 14 on the last day.
        mild.last_mut().unwrap().1 = 14;
        let series = vec![("b|x".to_owned(), mild), ("c|x".to_owned(), quiet), ("a|x".to_owned(), spiked)];
        let alerts = detect(&series, today, &AlertSettings::default());
        let found: Vec<(&str, Window)> = alerts.iter().map(|a| (a.key.as_str(), a.window)).collect();
        // One loud day does not make a loud week (25 + ~24 against ~28 a week is p ≈ 0.003).
        assert_eq!(found, [("a|x", Window::Day), ("b|x", Window::Day)], "{alerts:#?}");
        let top = &alerts[0];
        assert_eq!(top.observed, 25);
        assert!((3.0..5.5).contains(&top.expected), "{top:?}");
        assert!(top.p_value < 1e-6 && top.ratio > 4.0, "{top:?}");
        assert!(alerts.windows(2).all(|w| w[0].p_value <= w[1].p_value));
        // Same input, same list, whatever the order of the series.
        let mut reversed = series.clone();
        reversed.reverse();
        assert_eq!(detect(&reversed, today, &AlertSettings::default()), alerts);
        // A week-long rise that no single day shows: 7/day for a week over a base of 4.
        let mut rising = flat(start, 84, |_| 4);
        for day in rising.iter_mut().skip(77) {
            day.1 = 7;
        }
        let alerts = detect(&[("r|x".to_owned(), rising)], today, &AlertSettings::default());
        assert_eq!(alerts.iter().map(|a| a.window).collect::<Vec<_>>(), [Window::Week], "{alerts:?}");
        assert_eq!(alerts[0].observed, 49);
    }

    #[test]
    fn min_count_suppresses_tiny_counts() {
        let start = date(2026, 1, 5);
        let today = date(2026, 3, 29);
        // A key that never had a request gets three in a day: improbable, but three tickets.
        let mut rare = flat(start, 84, |_| 0);
        rare.last_mut().unwrap().1 = 3;
        let series = vec![("rare|x".to_owned(), rare)];
        assert!(detect(&series, today, &AlertSettings::default()).is_empty());
        let loose = AlertSettings { min_count: 3, ..AlertSettings::default() };
        let alerts = detect(&series, today, &loose);
        assert_eq!(alerts.len(), 2, "{alerts:?}");
        assert!(alerts.iter().all(|a| a.expected > 0.0 && a.ratio.is_finite()), "the prior keeps the mean above 0");
        // And a single ticket never alerts even at the loosest setting.
        let mut one = flat(start, 84, |_| 0);
        one.last_mut().unwrap().1 = 1;
        let loosest = AlertSettings { p_value: MAX_P_VALUE, min_count: 2, baseline_weeks: 8 };
        assert!(detect(&[("one|x".to_owned(), one)], today, &loosest).is_empty());
    }

    #[test]
    fn overdispersed_history_raises_the_bar() {
        let start = date(2026, 1, 5);
        let today = date(2026, 3, 29);
        // Two keys with mean 6 a day: one steady, one swinging 1 ↔ 11 from week to week.
        let mut steady = flat(start, 84, |_| 6);
        let mut swinging = flat(start, 84, |i| if (i / 7) % 2 == 0 { 1 } else { 11 });
        steady.last_mut().unwrap().1 = 18;
        swinging.last_mut().unwrap().1 = 18;
        let series = vec![("steady|x".to_owned(), steady), ("swinging|x".to_owned(), swinging)];
        let alerts = detect(&series, today, &AlertSettings::default());
        let keys: Vec<&str> = alerts.iter().filter(|a| a.window == Window::Day).map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["steady|x"], "{alerts:?}");
        let history = |days: &[(NaiveDate, u32)]| History {
            by_day: days.iter().map(|(d, n)| (*d, u64::from(*n))).collect(),
            counting_since: start,
            today,
            weeks: 8,
        };
        let swinging_history = history(&series[1].1);
        let dispersion = swinging_history.day_dispersion();
        assert!(dispersion > 0.3, "{dispersion}");
        assert_eq!(history(&series[0].1).day_dispersion(), 0.0);
        // Same mean, but the swinging key's 18 is an ordinary high week.
        let p_steady = alerts[0].p_value;
        let day = swinging_history.baseline(Window::Day, dispersion).unwrap();
        let p_swinging = negative_binomial_upper_tail(18, day.mean, day.dispersion);
        assert!(p_swinging > 100.0 * p_steady, "{p_swinging} vs {p_steady}");
    }

    #[test]
    fn young_platforms_and_future_days() {
        let today = date(2026, 3, 29);
        // Counting began ten days ago: one baseline week for the day window, none for the week.
        let mut young = flat(date(2026, 3, 20), 10, |_| 2);
        young.last_mut().unwrap().1 = 30;
        assert!(detect(&[("y|x".to_owned(), young.clone())], today, &AlertSettings::default()).is_empty());
        // Another key that started earlier makes the platform older; the young key's earlier
        // weeks then count as quiet weeks and its burst alerts.
        let old = flat(date(2026, 1, 5), 1, |_| 1);
        let alerts = detect(&[("y|x".to_owned(), young), ("o|x".to_owned(), old)], today, &AlertSettings::default());
        assert!(alerts.iter().any(|a| a.key == "y|x" && a.window == Window::Day), "{alerts:?}");
        // Days after today are not read.
        let mut later = flat(date(2026, 1, 5), 84, |_| 4);
        later.push((date(2026, 3, 30), 90));
        assert!(detect(&[("l|x".to_owned(), later)], today, &AlertSettings::default()).is_empty());
        assert!(detect(&[], today, &AlertSettings::default()).is_empty());
    }

    #[test]
    fn alerts_serialise_with_snake_case_windows() {
        let alert = Alert {
            key: "04.01|东城区".to_owned(),
            window: Window::Week,
            observed: 12,
            expected: 4.5,
            p_value: 0.0004,
            ratio: 12.0 / 4.5,
        };
        let json = serde_json::to_value(&alert).unwrap();
        assert_eq!(json["window"], "week");
        assert_eq!(serde_json::from_value::<Alert>(json).unwrap(), alert);
        assert_eq!(Window::Day.as_str(), "day");
    }
}
