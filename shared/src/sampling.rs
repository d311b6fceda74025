//! Observers' weekly samples (抽样评议): a stratified random draw of closed tickets for each
//! deputy or observer to grade, reproducible from the week and the observer alone.
//!
//! Strata are (department, level-1 category) so every department is judged on the mix of work
//! it really does; seats go to strata in proportion to their size (largest remainder). An
//! observer never draws a ticket they reported themselves.

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A closed ticket that may be sampled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub ticket_id: String,
    pub department: String,
    /// The level-1 category code ("01").
    pub family: String,
    /// The reporter's phone numbers and emails, normalised by [`reporter_key`].
    pub reporter_keys: Vec<String>,
}

/// What identifies a reporter across tickets: an email trimmed and lowercased, or a phone
/// number as its digits, with a +86 / 0086 / 86 before an 11-digit mobile number dropped so
/// "+86 138-0000-0000" and "13800000000" are one person. None when blank or neither an email
/// nor holding any digit.
pub fn reporter_key(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.contains('@') {
        return Some(raw.to_lowercase());
    }
    // Chinese input methods often type full-width digits.
    let digits: String = raw
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
            _ => None,
        })
        .collect();
    if digits.is_empty() {
        return None;
    }
    let is_mobile = |rest: &str| rest.len() == 11 && rest.starts_with('1');
    for prefix in ["0086", "86"] {
        if let Some(rest) = digits.strip_prefix(prefix).filter(|rest| is_mobile(rest)) {
            return Some(rest.to_owned());
        }
    }
    Some(digits)
}

/// The ISO week ("2026-W48") of an instant in the city's clock: samples are drawn per week.
pub fn week_of(at: DateTime<Utc>, offset: FixedOffset) -> String {
    let week = at.with_timezone(&offset).date_naive().iso_week();
    format!("{:04}-W{:02}", week.year(), week.week())
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME))
}

/// The seed of one observer's sample for one week: FNV-1a 64 over the week, a 0xFF byte and
/// the observer id. Spelled out rather than std's hasher, whose output may change between
/// Rust releases; 0xFF never occurs in UTF-8, so ("2026-W4", "8x") and ("2026-W48", "x") differ.
pub fn seed_for(week: &str, observer_id: &str) -> u64 {
    fnv1a(fnv1a(fnv1a(FNV_OFFSET, week.as_bytes()), &[0xFF]), observer_id.as_bytes())
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fully specified, and good enough to shuffle.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0), by Lemire's multiply-and-reject: a plain `% n` would favour
    /// the low indices.
    fn below(&mut self, n: u64) -> u64 {
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }
}

/// Draw `size` ticket ids, sorted. Candidates sharing a reporter key with `exclude_keys` (the
/// observer's own phone and email) or listed in `exclude_tickets` (already graded) are never
/// drawn; when fewer than `size` remain, all are returned. Input order does not matter: the
/// same candidates, size and seed always give the same sample.
pub fn draw(
    candidates: &[Candidate],
    exclude_keys: &[String],
    exclude_tickets: &[String],
    size: usize,
    seed: u64,
) -> Vec<String> {
    // Keys are normalised again so a caller passing raw values still keeps the rule.
    let own: BTreeSet<String> = exclude_keys.iter().filter_map(|k| reporter_key(k)).collect();
    let mut barred: BTreeSet<&str> = exclude_tickets.iter().map(String::as_str).collect();
    for c in candidates {
        if c.reporter_keys.iter().filter_map(|k| reporter_key(k)).any(|k| own.contains(&k)) {
            barred.insert(&c.ticket_id);
        }
    }
    let mut pool: Vec<&Candidate> = candidates.iter().filter(|c| !barred.contains(c.ticket_id.as_str())).collect();
    pool.sort_by(|a, b| (&a.ticket_id, &a.department, &a.family).cmp(&(&b.ticket_id, &b.department, &b.family)));
    pool.dedup_by(|a, b| a.ticket_id == b.ticket_id);
    if pool.len() <= size {
        return pool.into_iter().map(|c| c.ticket_id.clone()).collect();
    }

    let mut strata: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for c in &pool {
        strata.entry((&c.department, &c.family)).or_default().push(&c.ticket_id);
    }
    let mut rng = SplitMix64(seed);
    let total = pool.len() as u128;
    let wanted = size as u128;
    // (seats, remainder of size·n / total, random tie-break) per stratum, in stratum order.
    let mut shares: Vec<(usize, u128, u64)> = strata
        .values()
        .map(|ids| {
            let exact = wanted * ids.len() as u128;
            ((exact / total) as usize, exact % total, rng.next())
        })
        .collect();
    let left = size - shares.iter().map(|s| s.0).sum::<usize>();
    let mut by_remainder: Vec<usize> = (0..shares.len()).collect();
    by_remainder.sort_by(|&a, &b| shares[b].1.cmp(&shares[a].1).then(shares[a].2.cmp(&shares[b].2)));
    // Each remainder is below `total`, so at least `left` strata have one, and a stratum with
    // a remainder holds more tickets than its floor: no stratum is ever asked for too many.
    for &i in by_remainder.iter().take(left) {
        shares[i].0 += 1;
    }

    let mut sample = Vec::with_capacity(size);
    for (ids, (seats, _, _)) in strata.into_values().zip(shares) {
        let mut ids = ids;
        let seats = seats.min(ids.len());
        for i in 0..seats {
            let j = i + rng.below((ids.len() - i) as u64) as usize;
            ids.swap(i, j);
        }
        sample.extend(ids[..seats].iter().map(|id| (*id).to_owned()));
    }
    sample.sort();
    sample
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn candidate(id: &str, department: &str, family: &str) -> Candidate {
        Candidate {
            ticket_id: id.into(),
            department: department.into(),
            family: family.into(),
            reporter_keys: vec![format!("1380000{}", id.trim_start_matches('t'))],
        }
    }

    /// `sizes[i]` tickets in stratum i, ids "t0000".. across all strata.
    fn population(sizes: &[usize]) -> Vec<Candidate> {
        let mut out = Vec::new();
        for (s, n) in sizes.iter().enumerate() {
            for _ in 0..*n {
                let id = format!("t{:04}", out.len());
                out.push(candidate(&id, &format!("d{}", s % 3), &format!("{:02}", s)));
            }
        }
        out
    }

    #[test]
    fn reporter_keys_are_normalised() {
        assert_eq!(reporter_key(" +86 138-0013-8000 ").as_deref(), Some("13800138000"));
        assert_eq!(reporter_key("008613800138000").as_deref(), Some("13800138000"));
        assert_eq!(reporter_key("8613800138000").as_deref(), Some("13800138000"));
        assert_eq!(reporter_key("１３８００１３８０００").as_deref(), Some("13800138000"));
        assert_eq!(reporter_key("0731-8888 6666").as_deref(), Some("073188886666"));
        assert_eq!(reporter_key("86123").as_deref(), Some("86123"), "not a mobile: nothing stripped");
        assert_eq!(reporter_key("  Li.Wei@Example.CN ").as_deref(), Some("li.wei@example.cn"));
        for blank in ["", "   ", "n/a"] {
            assert_eq!(reporter_key(blank), None, "{blank:?}");
        }
        for raw in ["+86 138 0013 8000", "Li@X.cn", "0731-88886666"] {
            let once = reporter_key(raw).unwrap();
            assert_eq!(reporter_key(&once), Some(once.clone()), "normalising twice changes nothing");
        }
    }

    #[test]
    fn weeks_are_iso_weeks_in_the_city_clock() {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        // Sunday 3 January 2021 belongs to the 53rd week of 2020; Monday starts 2021-W01.
        let sunday_late = Utc.with_ymd_and_hms(2021, 1, 3, 15, 59, 59).unwrap();
        assert_eq!(week_of(sunday_late, cst), "2020-W53");
        assert_eq!(week_of(sunday_late + chrono::Duration::seconds(1), cst), "2021-W01");
        assert_eq!(week_of(Utc.with_ymd_and_hms(2024, 12, 30, 0, 0, 0).unwrap(), cst), "2025-W01");
        assert_eq!(week_of(Utc.with_ymd_and_hms(2026, 11, 25, 4, 0, 0).unwrap(), cst), "2026-W48");
    }

    #[test]
    fn seeds_are_stable_and_unambiguous() {
        assert_eq!(fnv1a(FNV_OFFSET, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(FNV_OFFSET, b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(seed_for("2026-W48", "obs-1"), seed_for("2026-W48", "obs-1"));
        assert_ne!(seed_for("2026-W48", "obs-1"), seed_for("2026-W49", "obs-1"));
        assert_ne!(seed_for("2026-W4", "8x"), seed_for("2026-W48", "x"));
        // The published reference value of SplitMix64 seeded with 0.
        assert_eq!(SplitMix64(0).next(), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn the_same_seed_draws_the_same_sample_whatever_the_input_order() {
        let people = population(&[12, 7, 30, 5, 19]);
        let sample = draw(&people, &[], &[], 10, 42);
        assert_eq!(sample.len(), 10);
        assert!(sample.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        assert_eq!(draw(&people, &[], &[], 10, 42), sample);
        let mut shuffled = people.clone();
        shuffled.reverse();
        shuffled.rotate_left(17);
        assert_eq!(draw(&shuffled, &[], &[], 10, 42), sample);
        // A duplicated candidate is one ticket.
        let mut doubled = people.clone();
        doubled.extend(people.iter().take(20).cloned());
        assert_eq!(draw(&doubled, &[], &[], 10, 42), sample);
        // Locks the algorithm: published samples must stay reproducible across releases.
        assert_eq!(sample, GOLDEN);
    }

    const GOLDEN: [&str; 10] =
        ["t0003", "t0010", "t0014", "t0033", "t0034", "t0035", "t0039", "t0053", "t0058", "t0065"];

    #[test]
    fn different_seeds_draw_different_samples() {
        let people = population(&[12, 7, 30, 5, 19]);
        let samples: BTreeSet<Vec<String>> = (1..=20).map(|seed| draw(&people, &[], &[], 10, seed)).collect();
        assert_eq!(samples.len(), 20);
    }

    #[test]
    fn own_and_already_graded_tickets_are_never_drawn() {
        let mut people = population(&[10, 10]);
        people[3].reporter_keys = vec!["li@x.cn".into(), "13900000000".into()];
        people[7].reporter_keys = vec!["13900000000".into()];
        let own = vec!["+86 139 0000 0000".to_owned()];
        let graded = vec!["t0011".to_owned(), "t0019".to_owned()];
        for seed in 0..200 {
            let sample = draw(&people, &own, &graded, 8, seed);
            assert_eq!(sample.len(), 8);
            for never in ["t0003", "t0007", "t0011", "t0019"] {
                assert!(!sample.iter().any(|id| id == never), "{never} in {sample:?}");
            }
        }
        let all = draw(&people, &own, &graded, 16, 1);
        assert_eq!(all.len(), 16, "20 candidates less 4 excluded, all returned");
    }

    #[test]
    fn strata_get_their_proportional_share() {
        let sizes = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 392];
        let people = population(&sizes);
        let total: usize = sizes.iter().sum();
        assert_eq!(total, 1000);
        for (size, seed) in [(37, 1), (50, 2), (101, 3), (999, 4)] {
            let sample = draw(&people, &[], &[], size, seed);
            assert_eq!(sample.len(), size);
            let mut start = 0;
            for n in sizes {
                let ids: BTreeSet<String> = people[start..start + n].iter().map(|c| c.ticket_id.clone()).collect();
                start += n;
                let got = sample.iter().filter(|id| ids.contains(*id)).count() as f64;
                let quota = (size * n) as f64 / total as f64;
                assert!((got - quota).abs() < 1.0, "size {size}: {got} drawn from a stratum of {n}, quota {quota}");
            }
        }
    }

    /// How often each ticket is drawn over seeds 0..runs.
    fn frequencies(people: &[Candidate], size: usize, runs: u64) -> BTreeMap<String, f64> {
        let mut counts: BTreeMap<String, u64> = people.iter().map(|c| (c.ticket_id.clone(), 0)).collect();
        for seed in 0..runs {
            for id in draw(people, &[], &[], size, seed.wrapping_mul(0x9e37_79b9)) {
                *counts.entry(id).or_default() += 1;
            }
        }
        counts.into_iter().map(|(id, n)| (id, n as f64 / runs as f64)).collect()
    }

    #[test]
    fn every_ticket_is_equally_likely_to_be_drawn() {
        // Quotas 2, 3, 4 and 3 are whole: each ticket's chance is exactly 12/60 = 0.2.
        // Over 4000 fixed seeds one frequency has a standard deviation of √(0.2·0.8/4000) ≈
        // 0.0063; ±0.04 is over six of them, and the seeds are fixed, so the test cannot flake.
        for (id, f) in frequencies(&population(&[10, 15, 20, 15]), 12, 4000) {
            assert!((f - 0.2).abs() < 0.04, "{id}: {f}");
        }
        // Quotas of 0.5 each: which two strata get a seat is the seeded tie-break, so every
        // ticket still has 2/20 = 0.1 (σ ≈ 0.0047 over 4000 seeds).
        for (id, f) in frequencies(&population(&[5, 5, 5, 5]), 2, 4000) {
            assert!((f - 0.1).abs() < 0.03, "{id}: {f}");
        }
    }

    #[test]
    fn small_populations_and_empty_input() {
        let people = population(&[2, 3]);
        let all: Vec<String> = people.iter().map(|c| c.ticket_id.clone()).collect();
        assert_eq!(draw(&people, &[], &[], 5, 9), all);
        assert_eq!(draw(&people, &[], &[], 50, 9), all);
        assert!(draw(&people, &[], &[], 0, 9).is_empty());
        assert!(draw(&[], &[], &[], 10, 9).is_empty());
        assert!(draw(&people, &[], &all, 3, 9).is_empty());
    }
}
