//! How long requests took, for the public medians: a histogram per week kept by the database
//! (migration 0011), read back as a median. Fixed buckets in hours, so the rollup is a handful of
//! rows per week whatever the volume, and the median is exact to within its bucket.

/// Upper bounds (exclusive) of the buckets in hours; the last bucket is everything from 720 h
/// (30 days) up. The migration's `CASE` has the same bounds (checked by a test).
pub const BOUNDS_HOURS: [f64; 16] =
    [1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 36.0, 48.0, 72.0, 96.0, 120.0, 168.0, 240.0, 360.0, 480.0, 720.0];

/// The number of buckets: one per bound and the open one above the last.
pub const BUCKETS: usize = BOUNDS_HOURS.len() + 1;

/// The bucket a duration falls in; negative durations (clock skew in imported history) count
/// as the first.
pub fn bucket_of(hours: f64) -> usize {
    BOUNDS_HOURS.iter().position(|b| hours < *b).unwrap_or(BOUNDS_HOURS.len())
}

/// The median of a histogram (counts per bucket), interpolated linearly inside its bucket; the
/// open last bucket answers its lower bound (the median is at least that). `None` when empty.
pub fn median_hours(counts: &[i64]) -> Option<f64> {
    let total: i64 = counts.iter().map(|c| (*c).max(0)).sum();
    if total == 0 {
        return None;
    }
    let half = total as f64 / 2.0;
    let mut below = 0.0;
    for (i, count) in counts.iter().enumerate().take(BUCKETS) {
        let count = (*count).max(0) as f64;
        if count > 0.0 && below + count >= half {
            let lo = if i == 0 { 0.0 } else { BOUNDS_HOURS[i - 1] };
            let Some(hi) = BOUNDS_HOURS.get(i) else {
                return Some(lo);
            };
            return Some(lo + (hi - lo) * (half - below) / count);
        }
        below += count;
    }
    BOUNDS_HOURS.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_half_open() {
        assert_eq!(bucket_of(-3.0), 0);
        assert_eq!(bucket_of(0.5), 0);
        assert_eq!(bucket_of(1.0), 1);
        assert_eq!(bucket_of(23.99), 5);
        assert_eq!(bucket_of(24.0), 6);
        assert_eq!(bucket_of(719.0), 15);
        assert_eq!(bucket_of(720.0), 16);
        assert_eq!(bucket_of(10_000.0), 16);
    }

    #[test]
    fn the_median_interpolates_within_its_bucket() {
        assert_eq!(median_hours(&[0; BUCKETS]), None);
        assert_eq!(median_hours(&[]), None);
        // Four requests answered within 1–2 h: the median is the middle of that bucket.
        let mut counts = [0i64; BUCKETS];
        counts[1] = 4;
        assert_eq!(median_hours(&counts), Some(1.5));
        // Two fast, two within 24–36 h: half is reached at the top of the first bucket.
        counts = [0; BUCKETS];
        counts[0] = 2;
        counts[6] = 2;
        assert_eq!(median_hours(&counts), Some(1.0));
        // One fast, three slow in 48–72 h: 0.5 of the way into the 48–72 bucket's three.
        counts = [0; BUCKETS];
        counts[0] = 1;
        counts[8] = 3;
        assert_eq!(median_hours(&counts), Some(48.0 + 24.0 * (1.0 / 3.0)));
        // Everything over 30 days: at least 720 h.
        counts = [0; BUCKETS];
        counts[16] = 5;
        assert_eq!(median_hours(&counts), Some(720.0));
    }

    #[test]
    fn the_median_of_a_histogram_is_within_the_true_medians_bucket() {
        let samples: Vec<f64> = (0..101).map(|i| (f64::from(i) * 7.3) % 400.0).collect();
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let truth = sorted[50];
        let mut counts = [0i64; BUCKETS];
        for s in &samples {
            counts[bucket_of(*s)] += 1;
        }
        let median = median_hours(&counts).unwrap();
        let b = bucket_of(truth);
        let lo = if b == 0 { 0.0 } else { BOUNDS_HOURS[b - 1] };
        assert!(median >= lo && median <= BOUNDS_HOURS[b], "{median} vs {truth}");
    }

    #[test]
    fn the_migration_buckets_like_this_module() {
        let sql = include_str!("../../migrations/0011_durations.sql");
        let case_start = sql.find("CASE WHEN h <").unwrap();
        let case = &sql[case_start..case_start + sql[case_start..].find("END").unwrap()];
        let bounds: Vec<f64> = case
            .split("WHEN h < ")
            .skip(1)
            .map(|part| part.split_whitespace().next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(bounds, BOUNDS_HOURS.to_vec());
        let buckets: Vec<usize> =
            case.split("THEN ").skip(1).map(|p| p.split_whitespace().next().unwrap().parse().unwrap()).collect();
        assert_eq!(buckets, (0..BOUNDS_HOURS.len()).collect::<Vec<_>>());
        assert!(case.contains(&format!("ELSE {}", BOUNDS_HOURS.len())));
    }
}
