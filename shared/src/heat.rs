//! The public heat map: ticket counts per geohash cell, with no cell small enough to point at a reporter.
//!
//! # Grid
//! Geohash (base-32 strings; each character splits a cell into 32). The store keeps one
//! [`STORED_PRECISION`]-character geohash per ticket, so the counts for any coarser map are one indexed
//! `GROUP BY substr(geohash, 1, p)`, and a cell's parent is its string minus the last character. The
//! duplicate-search grid ([`crate::duplicates::cell_of`]) has a single size and no parents, so it does not fit.
//!
//! | zoom (Leaflet) | precision | cell (at 30° N)   | cell width on screen | cells on a full-HD screen of data |
//! |----------------|-----------|-------------------|----------------------|-----------------------------------|
//! | 0–9            | 4         | ≈ 34 km × 20 km   | ≤ 128 px             | ≤ 220                             |
//! | 10–12          | 5         | ≈ 4.2 km × 4.9 km | 32–128 px            | ≤ 1,750                           |
//! | 13–15          | 6         | ≈ 1.1 km × 0.6 km | 64–256 px            | ≤ 880                             |
//! | 16 and closer  | 7         | ≈ 130 m × 150 m   | ≥ 64 px              | ≤ 440                             |
//!
//! The budget decides: a map carries at most [`MAX_PUBLIC_CELLS`], so a 1920 × 1080 screen covered with
//! data needs cells of about 1,300 px² or more. Each zoom takes the finest precision that (nearly) meets
//! that; only a 250 km wide screen full of data at zoom 10 would exceed it, and [`cap`] is the safety net.
//! The app should scale the heat layer's radius with the cell's size on screen. Precision 7, a ~150 m
//! square, is the finest place a stranger may learn, like the ~100 m public point of
//! [`crate::geo::LatLng::coarse`].
//!
//! # Privacy rule
//! A cell with fewer than `min_count` tickets is never published as it is:
//! 1. cells with at least `min_count` tickets are published at the requested precision;
//! 2. the tickets of every smaller cell are pooled into its parent (one character shorter), and the pool —
//!    *only* the small children, never the published ones — is published at the parent if it reaches
//!    `min_count`;
//! 3. what is still too small is pooled once more, into the grandparent ([`ROLL_UP_LEVELS`] = 2);
//! 4. what is below `min_count` even there is dropped and counted in [`HeatMap::suppressed`].
//!
//! So every published count is at least `min_count`, and published + suppressed = every ticket counted.
//! A pool is published at its parent's centre: its tickets are somewhere in that coarser cell, which is all
//! the map claims. Known limit: comparing two maps of different precision (or of two filters) can reveal a
//! difference below `min_count`; that difference is located no finer than the coarser map's cell.

use crate::geo::{BoundingBox, LatLng};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The geohash alphabet: digits and lower-case letters without a, i, l and o.
const BASE32: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";

/// Longest geohash handled (≈ 4 cm); longer input is cut to this.
pub const MAX_PRECISION: usize = 12;
/// The precision the store keeps per ticket: the finest any public map uses.
pub const STORED_PRECISION: usize = 7;
/// How many times a small cell is pooled into its parent before its tickets are suppressed.
pub const ROLL_UP_LEVELS: usize = 2;
/// Fewest tickets a published cell may show, unless the city configures more.
pub const DEFAULT_MIN_COUNT: u32 = 5;
/// Most cells a public map should carry: a serialised cell is at most [`MAX_CELL_BYTES`] bytes, so 1,600
/// of them stay under 100 KB of JSON (before compression) whatever the city's size.
pub const MAX_PUBLIC_CELLS: usize = 1_600;
/// The longest serialised [`HeatCell`] of a map at precision ≤ 7, with its separating comma:
/// `{"c":"wx4g0bm","y":-89.1234,"x":-179.1234,"n":4294967295},`.
pub const MAX_CELL_BYTES: usize = 58;

/// The geohash precision for a Leaflet zoom level (see the table in the module docs).
pub fn precision_for_zoom(zoom: u8) -> usize {
    match zoom {
        0..=9 => 4,
        10..=12 => 5,
        13..=15 => 6,
        _ => 7,
    }
}

/// The geohash of the cell `point` lies in, `precision` characters long (clamped to 1..=12).
///
/// Points must be valid ([`LatLng::parse_into`] guarantees it); out-of-range values are clamped to the
/// nearest edge of the world so the result is still a cell.
pub fn cell_of(point: LatLng, precision: usize) -> String {
    let precision = precision.clamp(1, MAX_PRECISION);
    let (mut lat_lo, mut lat_hi) = (-90.0f64, 90.0f64);
    let (mut lng_lo, mut lng_hi) = (-180.0f64, 180.0f64);
    let lat = point.lat.clamp(lat_lo, lat_hi);
    let lng = point.lng.clamp(lng_lo, lng_hi);
    let mut out = String::with_capacity(precision);
    // Bits alternate longitude, latitude, starting with longitude; five bits make a character.
    let mut even = true;
    let mut bits = 0usize;
    let mut index = 0usize;
    while out.len() < precision {
        if even {
            let mid = (lng_lo + lng_hi) / 2.0;
            index <<= 1;
            if lng >= mid {
                index |= 1;
                lng_lo = mid;
            } else {
                lng_hi = mid;
            }
        } else {
            let mid = (lat_lo + lat_hi) / 2.0;
            index <<= 1;
            if lat >= mid {
                index |= 1;
                lat_lo = mid;
            } else {
                lat_hi = mid;
            }
        }
        even = !even;
        bits += 1;
        if bits == 5 {
            out.push(char::from(BASE32[index]));
            bits = 0;
            index = 0;
        }
    }
    out
}

fn digit(c: u8) -> Option<usize> {
    BASE32.iter().position(|&b| b == c.to_ascii_lowercase())
}

/// The cell's bounds, or `None` for an empty string or a character outside the geohash alphabet.
pub fn bounds(cell: &str) -> Option<BoundingBox> {
    if cell.is_empty() || cell.len() > MAX_PRECISION {
        return None;
    }
    let (mut south, mut north) = (-90.0f64, 90.0f64);
    let (mut west, mut east) = (-180.0f64, 180.0f64);
    let mut even = true;
    for &c in cell.as_bytes() {
        let d = digit(c)?;
        for shift in (0..5).rev() {
            let bit = (d >> shift) & 1 == 1;
            if even {
                let mid = (west + east) / 2.0;
                if bit {
                    west = mid;
                } else {
                    east = mid;
                }
            } else {
                let mid = (south + north) / 2.0;
                if bit {
                    south = mid;
                } else {
                    north = mid;
                }
            }
            even = !even;
        }
    }
    Some(BoundingBox { south, west, north, east })
}

/// Decimal places that keep a rounded centre well inside a cell of this length, and the JSON short.
fn decimals(len: usize) -> i32 {
    match len {
        0..=2 => 1,
        3..=4 => 2,
        5..=6 => 3,
        7 => 4,
        8 => 5,
        _ => 6,
    }
}

/// The cell's centre, rounded to a few decimals (it stays inside the cell), or `None` for an invalid cell.
pub fn centre(cell: &str) -> Option<LatLng> {
    let b = bounds(cell)?;
    let scale = 10f64.powi(decimals(cell.len()));
    let round = |v: f64| (v * scale).round() / scale;
    Some(LatLng { lat: round((b.south + b.north) / 2.0), lng: round((b.west + b.east) / 2.0) })
}

/// Count points per cell of `precision`: what the store's `GROUP BY` returns, for callers that hold points.
pub fn tally(points: impl IntoIterator<Item = LatLng>, precision: usize) -> Vec<(String, u32)> {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for p in points {
        let n = counts.entry(cell_of(p, precision)).or_insert(0);
        *n = n.saturating_add(1);
    }
    counts.into_iter().collect()
}

/// One published cell. Field names are one letter because a map carries up to [`MAX_PUBLIC_CELLS`] of them.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct HeatCell {
    /// The geohash; shorter than the map's precision when it holds pooled small cells.
    #[serde(rename = "c")]
    pub cell: String,
    /// The cell's centre.
    #[serde(rename = "y")]
    pub lat: f64,
    #[serde(rename = "x")]
    pub lng: f64,
    /// Tickets in the cell; never below the map's `min_count`.
    #[serde(rename = "n")]
    pub count: u32,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct HeatMap {
    /// The map's precision; pooled cells are up to [`ROLL_UP_LEVELS`] characters shorter.
    pub precision: usize,
    pub min_count: u32,
    /// Sorted by geohash.
    pub cells: Vec<HeatCell>,
    /// Tickets not shown: in cells too small even after pooling, or given with an invalid cell.
    pub suppressed: u32,
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn heat_cell(cell: String, count: u64) -> HeatCell {
    // Only valid cells reach here; the fallback keeps the function total.
    let c = centre(&cell).unwrap_or(LatLng { lat: 0.0, lng: 0.0 });
    HeatCell { cell, lat: c.lat, lng: c.lng, count: to_u32(count) }
}

/// Build the public map from ticket counts per cell of `precision` characters, applying the privacy rule
/// of the module docs.
///
/// Cells given longer than `precision` are cut to it; repeated cells are summed. A cell that is shorter or
/// not a geohash cannot be placed, and its tickets are counted as suppressed rather than lost.
pub fn aggregate(counts: impl IntoIterator<Item = (String, u32)>, precision: usize, min_count: u32) -> HeatMap {
    let precision = precision.clamp(1, MAX_PRECISION);
    let k = u64::from(min_count.max(1));
    let mut suppressed: u64 = 0;
    let mut level: BTreeMap<String, u64> = BTreeMap::new();
    for (cell, n) in counts {
        if n == 0 {
            continue;
        }
        let valid = cell.len() >= precision && cell.bytes().all(|b| digit(b).is_some());
        if !valid {
            suppressed += u64::from(n);
            continue;
        }
        *level.entry(cell[..precision].to_ascii_lowercase()).or_insert(0) += u64::from(n);
    }
    let mut published: Vec<(String, u64)> = Vec::new();
    for step in 0..=ROLL_UP_LEVELS {
        let len = precision - step.min(precision - 1);
        let can_pool = step < ROLL_UP_LEVELS && len > 1;
        let mut pooled: BTreeMap<String, u64> = BTreeMap::new();
        for (cell, n) in std::mem::take(&mut level) {
            if n >= k {
                published.push((cell, n));
            } else if can_pool {
                *pooled.entry(cell[..len - 1].to_owned()).or_insert(0) += n;
            } else {
                suppressed += n;
            }
        }
        if pooled.is_empty() {
            break;
        }
        level = pooled;
    }
    published.sort_by(|a, b| a.0.cmp(&b.0));
    HeatMap {
        precision,
        min_count: min_count.max(1),
        cells: published.into_iter().map(|(c, n)| heat_cell(c, n)).collect(),
        suppressed: to_u32(suppressed),
    }
}

/// Coarsen a published map one precision at a time until it has at most `max_cells` cells.
///
/// Cells merge into their ancestors, so every count stays at or above `min_count` and no ticket is lost;
/// suppressed tickets stay suppressed (aggregate again at the coarser precision to show them). At
/// precision 1 the map has at most 32 cells, and it stops there whatever `max_cells` says.
pub fn cap(map: HeatMap, max_cells: usize) -> HeatMap {
    let mut map = map;
    while map.cells.len() > max_cells && map.precision > 1 {
        let precision = map.precision - 1;
        let mut merged: BTreeMap<String, u64> = BTreeMap::new();
        for c in map.cells {
            // A map read from elsewhere may hold a cell that is no geohash; it is kept as it is, not split.
            let parent = c.cell.get(..c.cell.len().min(precision)).unwrap_or(&c.cell);
            *merged.entry(parent.to_owned()).or_insert(0) += u64::from(c.count);
        }
        map = HeatMap {
            precision,
            min_count: map.min_count,
            cells: merged.into_iter().map(|(c, n)| heat_cell(c, n)).collect(),
            suppressed: map.suppressed,
        };
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Rng;
    use proptest::prelude::*;

    fn ll(lat: f64, lng: f64) -> LatLng {
        LatLng { lat, lng }
    }

    #[test]
    fn known_vectors() {
        // Published examples: Wikipedia's Jutland point, the geohash.org demo and the top-level split.
        assert_eq!(cell_of(ll(57.64911, 10.40744), 11), "u4pruydqqvj");
        assert_eq!(cell_of(ll(42.6, -5.6), 5), "ezs42");
        assert_eq!(cell_of(ll(-25.382708, -49.265506), 12), "6gkzwgjzn820");
        assert_eq!(cell_of(ll(0.0, 0.0), 1), "s");
        assert_eq!(cell_of(ll(-90.0, -180.0), 3), "000");
        assert_eq!(cell_of(ll(90.0, 180.0), 3), "zzz");
        let b = bounds("ezs42").unwrap();
        assert!((b.south - 42.583_007_812_5).abs() < 1e-9 && (b.north - 42.626_953_125).abs() < 1e-9, "{b:?}");
        assert!((b.west - -5.625).abs() < 1e-9 && (b.east - -5.581_054_687_5).abs() < 1e-9, "{b:?}");
        assert_eq!(bounds("EZS42"), bounds("ezs42"), "upper case is read too");
        assert_eq!(bounds("ezs4a"), None, "a is not in the alphabet");
        assert_eq!(bounds(""), None);
        assert_eq!(cell_of(ll(57.64911, 10.40744), 99).len(), MAX_PRECISION);
    }

    #[test]
    fn zoom_table_is_monotone_and_bounded() {
        let all: Vec<usize> = (0..=22).map(precision_for_zoom).collect();
        assert!(all.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!((all[0], all[22]), (4, STORED_PRECISION));
        assert_eq!(
            [precision_for_zoom(9), precision_for_zoom(10), precision_for_zoom(13), precision_for_zoom(16)],
            [4, 5, 6, 7]
        );
    }

    proptest! {
        #[test]
        fn centre_of_the_cell_is_inside_it_and_maps_back(lat in -89.9f64..89.9, lng in -179.9f64..179.9, p in 1usize..=9) {
            let cell = cell_of(ll(lat, lng), p);
            prop_assert_eq!(cell.len(), p);
            let b = bounds(&cell).unwrap();
            prop_assert!(b.contains(ll(lat, lng)), "{} {:?}", cell, b);
            let c = centre(&cell).unwrap();
            prop_assert!(b.contains(c));
            prop_assert_eq!(cell_of(c, p), cell.clone());
            // The parent is the string minus its last character.
            if p > 1 {
                prop_assert_eq!(cell_of(ll(lat, lng), p - 1), cell[..p - 1].to_owned());
            }
        }

        #[test]
        fn published_cells_are_big_enough_and_totals_add_up(
            cells in proptest::collection::vec((0usize..64, 1u32..9), 0..120),
            min_count in 0u32..12,
            precision in 3usize..=7,
        ) {
            // Cells drawn from a few neighbourhoods so that siblings and cousins share parents.
            let counts: Vec<(String, u32)> = cells.iter().map(|&(i, n)| {
                let lat = 28.0 + (i % 8) as f64 * 0.0013 + (i / 32) as f64 * 0.2;
                let lng = 113.0 + ((i / 8) % 4) as f64 * 0.0017;
                (cell_of(ll(lat, lng), precision), n)
            }).collect();
            let total: u64 = counts.iter().map(|c| u64::from(c.1)).sum();
            let map = aggregate(counts, precision, min_count);
            let shown: u64 = map.cells.iter().map(|c| u64::from(c.count)).sum();
            prop_assert_eq!(shown + u64::from(map.suppressed), total);
            for c in &map.cells {
                prop_assert!(c.count >= min_count.max(1), "{:?}", c);
                prop_assert!(c.cell.len() <= precision && c.cell.len() + ROLL_UP_LEVELS >= precision);
            }
            let mut names: Vec<&str> = map.cells.iter().map(|c| c.cell.as_str()).collect();
            names.dedup();
            prop_assert_eq!(names.len(), map.cells.len(), "each cell is published once");
            let capped = cap(map.clone(), 3);
            let kept: u64 = capped.cells.iter().map(|c| u64::from(c.count)).sum();
            prop_assert_eq!(kept, shown);
            prop_assert!(capped.cells.len() <= 3 || capped.precision == 1);
            prop_assert!(capped.cells.iter().all(|c| c.count >= min_count.max(1)));
        }
    }

    #[test]
    fn small_cells_pool_into_parents_then_vanish() {
        // Three sibling cells of 2 (pool 6 ≥ 5: published at the parent), one lonely cell of 3 (suppressed).
        let counts = vec![
            ("wt0000b".to_owned(), 9),
            ("wt0000c".to_owned(), 2),
            ("wt0000d".to_owned(), 2),
            ("wt0000e".to_owned(), 2),
            ("wt9999z".to_owned(), 3),
            ("bogus!!".to_owned(), 4),
            ("wt01".to_owned(), 7),
        ];
        let map = aggregate(counts, 7, 5);
        let cells: Vec<(&str, u32)> = map.cells.iter().map(|c| (c.cell.as_str(), c.count)).collect();
        assert_eq!(cells, vec![("wt0000", 6), ("wt0000b", 9)]);
        assert_eq!(map.suppressed, 3 + 4 + 7, "the lonely cell, the invalid one and the short one");
        // Two lonely cells two levels apart in different parents meet in the grandparent.
        let map = aggregate(vec![("wt00001".to_owned(), 3), ("wt00011".to_owned(), 3)], 7, 5);
        assert_eq!(map.cells.iter().map(|c| (c.cell.as_str(), c.count)).collect::<Vec<_>>(), vec![("wt000", 6)]);
        assert_eq!(map.suppressed, 0);
        // A map with min_count 0 publishes everything as given.
        let map = aggregate(vec![("wt00001".to_owned(), 1)], 7, 0);
        assert_eq!((map.cells.len(), map.min_count), (1, 1));
    }

    #[test]
    fn cap_keeps_cells_it_cannot_read() {
        let foreign = HeatCell { cell: "路灯".into(), lat: 0.0, lng: 0.0, count: 7 };
        let map =
            HeatMap { precision: 3, min_count: 5, cells: vec![foreign, heat_cell("wx4".into(), 9)], suppressed: 2 };
        let capped = cap(map, 0);
        assert_eq!(capped.precision, 1);
        assert_eq!(
            capped.cells.iter().map(|c| (c.cell.as_str(), c.count)).collect::<Vec<_>>(),
            vec![("w", 9), ("路灯", 7)]
        );
        assert_eq!(capped.suppressed, 2);
    }

    #[test]
    fn wire_format_is_short() {
        let cell = heat_cell("wx4g0bm".to_owned(), 12);
        let json = serde_json::to_string(&cell).unwrap();
        assert_eq!(json, r#"{"c":"wx4g0bm","y":39.9044,"x":116.4077,"n":12}"#);
        let worst = HeatCell { cell: "wx4g0bm".into(), lat: -89.1234, lng: -179.1234, count: u32::MAX };
        assert_eq!(serde_json::to_string(&worst).unwrap().len() + 1, MAX_CELL_BYTES);
        let envelope = serde_json::to_string(&HeatMap {
            precision: 7,
            min_count: u32::MAX,
            cells: Vec::new(),
            suppressed: u32::MAX,
        })
        .unwrap();
        assert!(MAX_PUBLIC_CELLS * MAX_CELL_BYTES + envelope.len() <= 100_000);
        let back: HeatCell = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cell);
    }

    // --- Real and synthetic cities -----------------------------------------------------------------------

    const BALTIMORE: &str = "../../shared/data/baltimore_311_sample_10k.csv";

    /// Located requests, and how many rows carried the placeholder point instead.
    fn baltimore_points() -> (Vec<LatLng>, usize) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BALTIMORE);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut records = crate::import_csv::Records::new(&text);
        let header = records.next().unwrap().cells;
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (lat, lng) = (col("Latitude"), col("Longitude"));
        let all: Vec<LatLng> = records
            .filter(|r| !r.blank)
            .filter_map(|r| Some(ll(r.cells.get(lat)?.parse().ok()?, r.cells.get(lng)?.parse().ok()?)))
            .collect();
        // The export puts 39,-77 (a few times 39,-76) where the address was not geocoded: whole degrees,
        // a field in Maryland, not a request.
        let placeholder = |p: &LatLng| p.lat.fract() == 0.0 && p.lng.fract() == 0.0;
        let located: Vec<LatLng> = all.iter().copied().filter(|p| !placeholder(p)).collect();
        let placeholders = all.len() - located.len();
        (located, placeholders)
    }

    #[test]
    fn baltimore_cells_and_suppression_by_zoom() {
        let (points, placeholders) = baltimore_points();
        assert!(points.len() > 8_000, "{}", points.len());
        // A few requests come from just outside the city line; none from the placeholder.
        assert!(points.iter().all(|p| (39.1..39.7).contains(&p.lat) && (-76.9..-76.3).contains(&p.lng)));
        let stored = tally(points.iter().copied(), STORED_PRECISION);
        eprintln!(
            "Baltimore 311 sample: {} located requests ({placeholders} at a placeholder point skipped), min_count {DEFAULT_MIN_COUNT}",
            points.len()
        );
        eprintln!("zoom precision cells = fine + pooled  largest  suppressed (share)  json_bytes");
        let mut shares = Vec::new();
        for zoom in [9, 10, 13, 16] {
            let p = precision_for_zoom(zoom);
            // The store's GROUP BY substr(geohash, 1, p) over the stored column.
            let counts = stored.iter().map(|(c, n)| (c[..p].to_owned(), *n));
            let map = aggregate(counts, p, DEFAULT_MIN_COUNT);
            let pooled = map.cells.iter().filter(|c| c.cell.len() < p).count();
            let largest = map.cells.iter().map(|c| c.count).max().unwrap_or(0);
            let share = f64::from(map.suppressed) / points.len() as f64;
            let bytes = serde_json::to_string(&map).unwrap().len();
            eprintln!(
                "{zoom:>4} {p:>9} {:>5} = {:>4} + {pooled:<6} {largest:>7} {:>10} ({:.1} %) {bytes:>10}",
                map.cells.len(),
                map.cells.len() - pooled,
                map.suppressed,
                share * 100.0
            );
            let shown: u32 = map.cells.iter().map(|c| c.count).sum();
            assert_eq!(shown + map.suppressed, points.len() as u32);
            assert!(map.cells.iter().all(|c| c.count >= DEFAULT_MIN_COUNT));
            shares.push(share);
        }
        // Measured: down to precision 6 only one far-off request is suppressed; at 7 (a ~150 m square) half
        // the published cells are pools of small ones, and 0.7 % of the requests cannot be shown at all.
        assert!(shares.windows(2).all(|w| w[0] <= w[1]), "{shares:?}");
        assert!(shares[2] < 0.001 && shares[3] < 0.02, "{shares:?}");
    }

    /// A metro area of `n` tickets: a dense core, a dozen town centres and a sprawl, ±30 km around `centre`.
    fn synthetic_city(n: usize, centre: LatLng, seed: u64) -> Vec<(String, u32)> {
        let mut rng = Rng::new(seed);
        let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        // Sum of uniforms: a cheap, bounded bell curve.
        let bell = move |spread: f64, u: &mut dyn FnMut() -> f64| (u() + u() + u() - 1.5) * spread;
        let km_lat = 1.0 / 111.2;
        let km_lng = km_lat / centre.lat.to_radians().cos();
        let towns: Vec<(f64, f64)> = (0..12)
            .map(|i| {
                let angle = i as f64 * 0.52;
                let r = 6.0 + (i % 4) as f64 * 5.0;
                (r * angle.sin(), r * angle.cos())
            })
            .collect();
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        for i in 0..n {
            let (dy, dx) = match i % 10 {
                0..=3 => (bell(8.0, &mut unit), bell(8.0, &mut unit)),
                4..=7 => {
                    let (ty, tx) = towns[i % towns.len()];
                    (ty + bell(3.0, &mut unit), tx + bell(3.0, &mut unit))
                }
                _ => ((unit() - 0.5) * 60.0, (unit() - 0.5) * 60.0),
            };
            let p = ll(centre.lat + dy * km_lat, centre.lng + dx * km_lng);
            *counts.entry(cell_of(p, STORED_PRECISION)).or_insert(0) += 1;
        }
        counts.into_iter().collect()
    }

    /// The part of the stored counts a 1920 × 1080 px map at `zoom` centred on `centre` shows.
    fn viewport(counts: &[(String, u32)], centre: LatLng, zoom: u8) -> Vec<(String, u32)> {
        let degrees_per_px = 360.0 / (256.0 * f64::from(1u32 << zoom));
        let half_w = 960.0 * degrees_per_px;
        let half_h = 540.0 * degrees_per_px * centre.lat.to_radians().cos();
        let view = BoundingBox {
            south: centre.lat - half_h,
            west: centre.lng - half_w,
            north: centre.lat + half_h,
            east: centre.lng + half_w,
        };
        counts.iter().filter(|(c, _)| centre_of(c).is_some_and(|p| view.contains(p))).cloned().collect()
    }

    fn centre_of(cell: &str) -> Option<LatLng> {
        centre(cell)
    }

    fn at_precision(counts: &[(String, u32)], p: usize) -> impl Iterator<Item = (String, u32)> + '_ {
        counts.iter().map(move |(c, n)| (c[..p].to_owned(), *n))
    }

    #[test]
    fn a_million_tickets_fit_in_100_kb() {
        let core = ll(28.2, 112.95);
        let counts = synthetic_city(1_000_000, core, 7);
        let json_len = |m: &HeatMap| serde_json::to_vec(m).unwrap().len();
        eprintln!("synthetic metro area: 1,000,000 tickets over 60 km × 60 km, min_count {DEFAULT_MIN_COUNT}");
        eprintln!("view              precision  cells  suppressed  json_bytes");
        let mut fits = Vec::new();
        for p in [4usize, 5, 6] {
            let map = aggregate(at_precision(&counts, p), p, DEFAULT_MIN_COUNT);
            eprintln!("whole metro      {p:>10} {:>6} {:>11} {:>11}", map.cells.len(), map.suppressed, json_len(&map));
            if json_len(&map) <= 100_000 {
                fits.push(p);
            }
        }
        // What the Worker serves: the cells inside the screen, at the zoom's precision.
        for zoom in [10u8, 12, 13, 15, 16] {
            let p = precision_for_zoom(zoom);
            let seen = viewport(&counts, core, zoom);
            let map = cap(aggregate(at_precision(&seen, p), p, DEFAULT_MIN_COUNT), MAX_PUBLIC_CELLS);
            let bytes = json_len(&map);
            eprintln!(
                "screen at zoom {zoom:<2} {:>10} {:>6} {:>11} {bytes:>11}",
                map.precision,
                map.cells.len(),
                map.suppressed
            );
            assert!(bytes <= 100_000, "zoom {zoom}: {bytes}");
        }
        // Precision 6 over the whole metro area is ~5,500 cells (~250 KB): that is what `cap` is for.
        let full = aggregate(at_precision(&counts, 6), 6, DEFAULT_MIN_COUNT);
        let capped = cap(full.clone(), MAX_PUBLIC_CELLS);
        let bytes = json_len(&capped);
        eprintln!(
            "cap(whole metro at 6, {MAX_PUBLIC_CELLS}) → precision {}, {} cells, {bytes} bytes; uncapped fits at {fits:?}",
            capped.precision,
            capped.cells.len()
        );
        assert!(bytes <= 100_000, "{bytes}");
        let total = |m: &HeatMap| m.cells.iter().map(|c| u64::from(c.count)).sum::<u64>();
        assert_eq!(total(&capped), total(&full));
        assert_eq!(fits, vec![4, 5]);
    }
}
