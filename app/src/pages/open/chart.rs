//! The open overview's charts as inline SVG, each with a text summary and the same figures as a
//! table: the picture is for a glance, the table for screen readers and for checking.
//! Functions, not components: each component costs the bundle wrapper code.

use crate::chart::{self, num, short_label, Frame};
use crate::dashboard_api::{Granularity, Point};
use crate::i18n::use_i18n;
use crate::open_api::percent;
use leptos::prelude::*;

/// Tables longer than this fold away under the chart; the chart already shows their shape.
const OPEN_ROWS: usize = 14;

fn title_key(by: Granularity) -> &'static str {
    match by {
        Granularity::Day => "open.dashboard.trend.day",
        Granularity::Week => "open.dashboard.trend.week",
        Granularity::Month => "open.dashboard.trend.month",
    }
}

fn column_key(by: Granularity) -> &'static str {
    match by {
        Granularity::Day => "open.dashboard.col.day",
        Granularity::Week => "open.dashboard.col.week",
        Granularity::Month => "open.dashboard.col.month",
    }
}

/// A long table behind a disclosure, a short one as it is.
fn fold(rows: usize, table: AnyView) -> AnyView {
    if rows <= OPEN_ROWS {
        return table;
    }
    let i18n = use_i18n();
    let n = rows.to_string();
    view! {
        <details class="dash-details">
            <summary>{move || i18n.tf("open.dashboard.table", &[("n", &n)])}</summary>
            {table}
        </details>
    }
    .into_any()
}

/// New requests as columns and closed ones as a line, per day, week or month.
pub fn trend_chart(points: Vec<Point>, by: Granularity) -> impl IntoView {
    let i18n = use_i18n();
    let created: Vec<u64> = points.iter().map(|p| p.created).collect();
    let closed: Vec<u64> = points.iter().map(|p| p.closed).collect();
    let t = chart::trend(&created, &closed);
    let f = t.frame;
    let right = f.width - f.right;
    let grid = t
        .ticks
        .iter()
        .map(|&(value, y)| {
            view! {
                <line class="chart__grid" x1=num(f.left) x2=num(right) y1=num(y) y2=num(y)/>
                <text class="chart__tick" x=num(f.left - 4.0) y=num(y + 4.0) text-anchor="end">
                    {value.to_string()}
                </text>
            }
        })
        .collect_view();
    let bars = t
        .bars
        .iter()
        .map(|r| view! { <rect class="chart__bar" x=num(r.x) y=num(r.y) width=num(r.width) height=num(r.height)/> })
        .collect_view();
    let dots =
        t.dots.iter().map(|&(x, y)| view! { <circle class="chart__dot" cx=num(x) cy=num(y) r="2"/> }).collect_view();
    let labels = t
        .labels
        .iter()
        .filter_map(|l| points.get(l.index).map(|p| (l, short_label(&p.key))))
        .map(|(l, text)| {
            view! { <text class="chart__tick" x=num(l.x) y=num(f.height - 6.0) text-anchor=l.anchor>{text}</text> }
        })
        .collect_view();
    let summary = {
        let n = points.len().to_string();
        let (sum_created, sum_closed) =
            (created.iter().sum::<u64>().to_string(), closed.iter().sum::<u64>().to_string());
        let peak = chart::peak(&created).and_then(|i| points.get(i)).map(|p| (p.key.clone(), p.created.to_string()));
        move || match &peak {
            Some((key, max)) => i18n.tf(
                "open.dashboard.trend.summary",
                &[("n", &n), ("created", &sum_created), ("closed", &sum_closed), ("peak", key), ("max", max)],
            ),
            None => i18n.tf("open.dashboard.trend.quiet", &[("n", &n)]),
        }
    };
    let rows = points
        .iter()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row">{p.key.clone()}</th>
                    <td class="num">{p.created}</td>
                    <td class="num">{p.closed}</td>
                </tr>
            }
        })
        .collect_view();
    let title = i18n.tr(title_key(by));
    let table = view! {
        <table class="table dash-table" id="dash-trend-table">
            <caption>{title}</caption>
            <thead>
                <tr>
                    <th scope="col">{i18n.tr(column_key(by))}</th>
                    <th scope="col" class="num">{i18n.tr("open.dashboard.col.created")}</th>
                    <th scope="col" class="num">{i18n.tr("open.dashboard.col.closed")}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any();
    view! {
        <figure class="chart" data-points=points.len().to_string()>
            <ul class="chart__legend">
                <li class="chart__key chart__key--bar">{i18n.tr("open.dashboard.legend.created")}</li>
                <li class="chart__key chart__key--line">{i18n.tr("open.dashboard.legend.closed")}</li>
            </ul>
            <svg
                id="dash-trend-svg"
                class="chart__svg"
                role="img"
                aria-labelledby="dash-trend-title dash-trend-summary"
                viewBox=f.view_box()
                width="100%"
                preserveAspectRatio="xMidYMid meet"
            >
                <title id="dash-trend-title">{title}</title>
                {grid}
                <g class="chart__bars">{bars}</g>
                <polyline class="chart__line" points=t.line fill="none"/>
                {dots}
                <line class="chart__axis" x1=num(f.left) x2=num(right) y1=num(f.base()) y2=num(f.base())/>
                {labels}
            </svg>
            <figcaption id="dash-trend-summary" class="chart__summary">{summary}</figcaption>
        </figure>
        {fold(points.len(), table)}
    }
}

/// Each category's share of the new requests, largest first. `rows`: (name, count).
pub fn share_chart(mut rows: Vec<(String, u64)>) -> impl IntoView {
    let i18n = use_i18n();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let counts: Vec<u64> = rows.iter().map(|r| r.1).collect();
    let shares: Vec<String> = chart::shares(&counts).into_iter().map(percent).collect();
    if counts.iter().sum::<u64>() == 0 {
        return view! { <p id="dash-shares-none">{i18n.tr("open.dashboard.shares.none")}</p> }.into_any();
    }
    let f: Frame = chart::share_frame(rows.len());
    let marks = rows
        .iter()
        .zip(chart::share_bars(&counts))
        .zip(&shares)
        .map(|(((name, _), bar), share)| {
            view! {
                <text class="chart__name" x="0" y=num(bar.y - 5.0)>{name.clone()}</text>
                <rect class="chart__bar" x=num(bar.x) y=num(bar.y) width=num(bar.width) height=num(bar.height)/>
                <text class="chart__tick" x=num(bar.x + bar.width + 4.0) y=num(bar.y + 10.0)>{share.clone()}</text>
            }
        })
        .collect_view();
    let summary = {
        let n = rows.len().to_string();
        let (name, share) = (rows[0].0.clone(), shares[0].clone());
        move || i18n.tf("open.dashboard.shares.summary", &[("n", &n), ("name", &name), ("share", &share)])
    };
    let table_rows = rows
        .iter()
        .zip(&shares)
        .map(|((name, count), share)| {
            view! {
                <tr>
                    <th scope="row">{name.clone()}</th>
                    <td class="num">{*count}</td>
                    <td class="num">{share.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let title = i18n.tr("open.dashboard.shares.title");
    let table = view! {
        <table class="table dash-table" id="dash-share-table">
            <caption>{title}</caption>
            <thead>
                <tr>
                    <th scope="col">{i18n.tr("open.dashboard.col.category")}</th>
                    <th scope="col" class="num">{i18n.tr("open.dashboard.col.count")}</th>
                    <th scope="col" class="num">{i18n.tr("open.dashboard.col.share")}</th>
                </tr>
            </thead>
            <tbody>{table_rows}</tbody>
        </table>
    }
    .into_any();
    view! {
        <figure class="chart">
            <svg
                id="dash-share-svg"
                class="chart__svg"
                role="img"
                aria-labelledby="dash-share-title dash-share-summary"
                viewBox=f.view_box()
                width="100%"
            >
                <title id="dash-share-title">{title}</title>
                {marks}
            </svg>
            <figcaption id="dash-share-summary" class="chart__summary">{summary}</figcaption>
        </figure>
        {fold(rows.len(), table)}
    }
    .into_any()
}
