//! The open dashboard's chart geometry: round axis ticks, bar and line coordinates, shares and
//! readable durations. Pure, so the host tests check every number the SVG draws; coordinates are
//! written with integer arithmetic ([`num`]), which costs the wasm far less than float formatting.

use crate::open_api::decimal;

/// A drawing in viewBox units. The SVG is as wide as its box, so on a 390 px phone a unit is
/// about a CSS pixel and the labels keep their size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    pub fn plot_width(&self) -> f64 {
        (self.width - self.left - self.right).max(1.0)
    }

    pub fn plot_height(&self) -> f64 {
        (self.height - self.top - self.bottom).max(1.0)
    }

    /// The baseline, where zero is drawn.
    pub fn base(&self) -> f64 {
        self.top + self.plot_height()
    }

    pub fn view_box(&self) -> String {
        format!("0 0 {} {}", num(self.width), num(self.height))
    }
}

/// The viewBox width of every chart: a 390 px screen less the page's margins.
pub const WIDTH: f64 = 350.0;
/// A digit's width at the axis labels' size (11 units, in the CSS), for room left of the axis.
const DIGIT: f64 = 6.5;

/// A coordinate as the SVG attribute reads it, to a tenth.
pub fn num(v: f64) -> String {
    decimal(v, 1, false)
}

/// Round tick values from 0 to at least `max`, in steps of 1, 2 or 5 × 10ⁿ, at most `most`
/// steps: people read "0 5 10 15", not "0 4.3 8.6".
pub fn ticks(max: u64, most: u64) -> Vec<u64> {
    let most = most.max(1);
    let mut magnitude: u64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = magnitude.saturating_mul(m);
            let steps = max.div_ceil(step).max(1);
            if steps <= most {
                return (0..=steps).map(|i| i.saturating_mul(step)).collect();
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// The trend chart's frame: room on the left for the widest tick label.
pub fn trend_frame(top_tick: u64) -> Frame {
    let digits = top_tick.to_string().len() as f64;
    Frame { width: WIDTH, height: 190.0, left: 8.0 + DIGIT * digits, right: 6.0, top: 8.0, bottom: 22.0 }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A label under the x axis: which point, where, and which end of the text sits there (the
/// outer labels are aligned inwards so they never leave the drawing).
#[derive(Debug, Clone, PartialEq)]
pub struct XLabel {
    pub index: usize,
    pub x: f64,
    pub anchor: &'static str,
}

/// Everything the trend chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub frame: Frame,
    /// (value, y) of each horizontal grid line.
    pub ticks: Vec<(u64, f64)>,
    pub bars: Vec<Rect>,
    /// `points` of the polyline.
    pub line: String,
    /// The line's vertices, for dots when there are few.
    pub dots: Vec<(f64, f64)>,
    pub labels: Vec<XLabel>,
}

/// At most this many labels under the axis: five dates fit 350 units.
const MOST_X_LABELS: usize = 5;
/// Dots on the line only while they stay apart.
const MOST_DOTS: usize = 40;

/// `bars` as columns and `line` as a polyline over the same slots, one scale for both.
pub fn trend(bars: &[u64], line: &[u64]) -> Trend {
    let max = bars.iter().chain(line).copied().max().unwrap_or(0);
    let values = ticks(max, 4);
    let top_tick = values.last().copied().unwrap_or(1).max(1);
    let frame = trend_frame(top_tick);
    let n = bars.len().max(line.len()).max(1);
    let slot = frame.plot_width() / n as f64;
    // A gap between bars while there is room for one; touching bars beyond.
    let gap = if slot >= 4.0 { slot * 0.25 } else { 0.0 };
    let y = |v: u64| frame.top + frame.plot_height() * (1.0 - v as f64 / top_tick as f64);
    let centre = |i: usize| frame.left + slot * (i as f64 + 0.5);
    let bar_rects = bars
        .iter()
        .enumerate()
        .map(|(i, &v)| Rect {
            x: frame.left + slot * i as f64 + gap / 2.0,
            y: y(v),
            width: slot - gap,
            height: frame.base() - y(v),
        })
        .collect();
    let dots: Vec<(f64, f64)> = line.iter().enumerate().map(|(i, &v)| (centre(i), y(v))).collect();
    let points = dots.iter().map(|(x, y)| format!("{},{}", num(*x), num(*y))).collect::<Vec<_>>().join(" ");
    let labels = label_indices(n, MOST_X_LABELS)
        .into_iter()
        .map(|index| {
            // Wide slots hold their label centred; narrow ones align the outer labels with
            // the outer bars' edges so the text does not leave the drawing.
            let (x, anchor) = if slot >= 44.0 || (index != 0 && index != n - 1) {
                (centre(index), "middle")
            } else if index == 0 {
                (frame.left + gap / 2.0, "start")
            } else {
                (frame.left + slot * n as f64 - gap / 2.0, "end")
            };
            XLabel { index, x, anchor }
        })
        .collect();
    Trend {
        frame,
        ticks: values.iter().map(|&v| (v, y(v))).collect(),
        bars: bar_rects,
        line: points,
        dots: if line.len() <= MOST_DOTS { dots } else { Vec::new() },
        labels,
    }
}

/// Up to `most` indices of `n` points, first and last included, evenly spread.
pub fn label_indices(n: usize, most: usize) -> Vec<usize> {
    if n == 0 || most == 0 {
        return Vec::new();
    }
    if n <= most {
        return (0..n).collect();
    }
    let most = most.max(2);
    let mut out: Vec<usize> = (0..most).map(|i| i * (n - 1) / (most - 1)).collect();
    out.dedup();
    out
}

/// A period as the axis shows it: `2026-11-29` → `11-29`, `2026-W48` → `W48`, a month as is.
pub fn short_label(key: &str) -> String {
    if let Some((_, week)) = key.split_once("-W") {
        return format!("W{week}");
    }
    if key.len() == 10 {
        return key.get(5..).unwrap_or(key).to_owned();
    }
    key.to_owned()
}

/// Where the largest value is (the first of equals), for the chart's text summary.
pub fn peak(values: &[u64]) -> Option<usize> {
    let max = values.iter().copied().max().filter(|&m| m > 0)?;
    values.iter().position(|&v| v == max)
}

/// Each count's share of their sum; `None` when there is nothing to share.
pub fn shares(counts: &[u64]) -> Vec<Option<f64>> {
    let total: u64 = counts.iter().sum();
    counts.iter().map(|&c| (total > 0).then(|| c as f64 / total as f64)).collect()
}

/// The share chart: one row per category, a label above its bar and the percentage after it.
pub const SHARE_ROW: f64 = 36.0;
/// Room after the longest bar for its percentage ("100%").
const SHARE_VALUE_ROOM: f64 = 46.0;

pub fn share_frame(rows: usize) -> Frame {
    Frame { width: WIDTH, height: SHARE_ROW * rows.max(1) as f64 + 4.0, left: 0.0, right: 0.0, top: 0.0, bottom: 4.0 }
}

/// Bars scaled so the largest count fills the room; the percentages carry the exact figures.
pub fn share_bars(counts: &[u64]) -> Vec<Rect> {
    let frame = share_frame(counts.len());
    let full = frame.plot_width() - SHARE_VALUE_ROOM;
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            // A sliver for a category with a few requests, so its row is not mistaken for empty.
            let width = if c == 0 { 0.0 } else { (full * c as f64 / max as f64).max(2.0) };
            Rect { x: 0.0, y: SHARE_ROW * i as f64 + 18.0, width, height: 12.0 }
        })
        .collect()
}

/// A median duration people can read: minutes under an hour, hours under two days, days
/// beyond. (translation key with `{n}`, the number); `None` when there is none to tell.
pub fn duration(hours: Option<f64>) -> Option<(&'static str, String)> {
    let hours = hours.filter(|h| h.is_finite() && *h >= 0.0)?;
    Some(if hours < 1.0 {
        ("open.dashboard.minutes", ((hours * 60.0).round() as u64).max(1).to_string())
    } else if hours < 48.0 {
        ("open.dashboard.hours", decimal(hours, 1, false))
    } else {
        ("open.dashboard.days", decimal(hours / 24.0, 1, false))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(0, 4), [0, 1]);
        assert_eq!(ticks(1, 4), [0, 1]);
        assert_eq!(ticks(3, 4), [0, 1, 2, 3]);
        assert_eq!(ticks(7, 4), [0, 2, 4, 6, 8]);
        assert_eq!(ticks(10, 4), [0, 5, 10]);
        assert_eq!(ticks(17, 4), [0, 5, 10, 15, 20]);
        assert_eq!(ticks(95, 4), [0, 50, 100]);
        assert_eq!(ticks(1234, 4), [0, 500, 1000, 1500]);
        for max in 0..2000 {
            let t = ticks(max, 4);
            assert!(*t.last().unwrap() >= max && t.len() <= 5 && t.len() >= 2, "{max}: {t:?}");
        }
        assert!(ticks(u64::MAX, 4).len() <= 5);
    }

    #[test]
    fn bars_stand_on_the_baseline_and_fit_the_frame() {
        let t = trend(&[0, 5, 10], &[1, 2, 3]);
        let f = t.frame;
        assert_eq!(t.ticks.iter().map(|(v, _)| *v).collect::<Vec<_>>(), [0, 5, 10]);
        assert_eq!(t.ticks[0].1, f.base());
        assert_eq!(t.ticks[2].1, f.top);
        assert_eq!(t.bars.len(), 3);
        assert_eq!(t.bars[0].height, 0.0);
        assert_eq!(t.bars[2].y, f.top);
        for bar in &t.bars {
            assert!((bar.y + bar.height - f.base()).abs() < 1e-9);
            assert!(bar.x >= f.left && bar.x + bar.width <= f.width - f.right + 1e-9);
        }
        assert_eq!(t.line.split(' ').count(), 3);
        assert_eq!(t.dots.len(), 3);
        // A long year: thin touching bars, no dots, five labels.
        let year: Vec<u64> = (0..366).map(|i| i % 7).collect();
        let t = trend(&year, &year);
        assert_eq!(t.bars.len(), 366);
        assert!(t.dots.is_empty());
        assert_eq!(t.labels.len(), 5);
        let last = t.bars.last().unwrap();
        assert!(last.x + last.width <= t.frame.width - t.frame.right + 1e-9);
    }

    #[test]
    fn axis_labels_stay_inside_and_apart() {
        assert_eq!(label_indices(0, 5), Vec::<usize>::new());
        assert_eq!(label_indices(3, 5), [0, 1, 2]);
        assert_eq!(label_indices(30, 5), [0, 7, 14, 21, 29]);
        let t = trend(&[1; 30], &[]);
        assert_eq!(t.labels.first().map(|l| l.anchor), Some("start"));
        assert_eq!(t.labels.last().map(|l| l.anchor), Some("end"));
        assert!(t.labels.iter().all(|l| l.x >= 0.0 && l.x <= t.frame.width));
        assert_eq!(trend(&[4], &[]).labels[0].anchor, "middle");
        assert!(trend(&[4, 5, 6], &[]).labels.iter().all(|l| l.anchor == "middle"));
        assert_eq!(short_label("2026-11-29"), "11-29");
        assert_eq!(short_label("2026-W48"), "W48");
        assert_eq!(short_label("2026-11"), "2026-11");
        // Wider tick labels push the plot right.
        assert!(trend_frame(1000).left > trend_frame(10).left);
    }

    #[test]
    fn shares_and_their_bars() {
        let s = shares(&[3, 1]);
        assert_eq!(s, [Some(0.75), Some(0.25)]);
        assert_eq!(shares(&[0, 0]), [None, None]);
        let bars = share_bars(&[8, 2, 0]);
        assert_eq!(bars[0].width, WIDTH - SHARE_VALUE_ROOM);
        assert_eq!(bars[1].width, (WIDTH - SHARE_VALUE_ROOM) / 4.0);
        assert_eq!(bars[2].width, 0.0);
        assert!(bars[1].y > bars[0].y);
        assert!(bars[2].y + bars[2].height <= share_frame(3).height);
        assert_eq!(peak(&[1, 4, 4]), Some(1));
        assert_eq!(peak(&[0, 0]), None);
    }

    #[test]
    fn durations_read_in_minutes_hours_or_days() {
        assert_eq!(duration(None), None);
        assert_eq!(duration(Some(f64::NAN)), None);
        assert_eq!(duration(Some(0.25)), Some(("open.dashboard.minutes", "15".to_owned())));
        assert_eq!(duration(Some(0.001)), Some(("open.dashboard.minutes", "1".to_owned())));
        assert_eq!(duration(Some(3.46)), Some(("open.dashboard.hours", "3.5".to_owned())));
        assert_eq!(duration(Some(24.0)), Some(("open.dashboard.hours", "24".to_owned())));
        assert_eq!(duration(Some(60.0)), Some(("open.dashboard.days", "2.5".to_owned())));
        for lang in Lang::ALL {
            for key in ["open.dashboard.minutes", "open.dashboard.hours", "open.dashboard.days"] {
                assert!(lang.get(key).is_some_and(|v| v.contains("{n}")), "{lang:?}: {key}");
            }
        }
        assert_eq!(num(12.345), "12.3");
        assert_eq!(
            Frame { width: 350.0, height: 190.0, left: 0.0, right: 0.0, top: 0.0, bottom: 0.0 }.view_box(),
            "0 0 350 190"
        );
    }
}
