//! The first paint of `/track/{no}`, written by the Worker into index.html: the request's title,
//! status, facts and description as the app draws them (same elements, classes and order), so
//! a phone shows the request before the wasm has arrived and the app's swap moves nothing. The
//! app (`app/src/pages/ticket/`) is the reference; a change to the top of its page changes this.
//!
//! Only the public view goes in: the same struct the public API answers with.

use crate::status::Status;
use crate::ticket::{EventKind, PublicTicketView, TicketView};
use crate::translations::Texts;
use chrono::{DateTime, FixedOffset, Utc};

/// The languages the shell is written in, in index.html's order (`xtask/src/shell.rs`).
pub const LANGS: [&str; 3] = ["zh-Hans", "zh-Hant", "en"];

/// Where the Worker puts a language's track section: xtask leaves this comment in each
/// language's `<main>`.
pub fn marker(lang: &str) -> String {
    format!("<!-- track {lang} -->")
}

/// Where the public view's JSON goes for the app to start from (no second request).
pub const DATA_MARKER: &str = "<!-- track data -->";

/// The id of the `<script type="application/json">` holding the view.
pub const DATA_ID: &str = "ticket-data";

/// Text for an HTML text node or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::text::escape_markup(&mut out, text);
    out
}

/// Whether the page can be written ahead: a merged duplicate shows its master's progress
/// first, which only the app draws.
pub fn writable(view: &PublicTicketView) -> bool {
    view.master.is_none() && !view.following
}

/// index.html with the view written into each language's track section and its JSON for the app.
/// Without the markers (an older index.html) the page is returned as it was.
pub fn fill(index: &str, view: &PublicTicketView, texts: &[(&str, &Texts)], offset: FixedOffset) -> String {
    if !writable(view) || !index.contains(DATA_MARKER) {
        return index.to_owned();
    }
    let mut page = index.to_owned();
    for (lang, texts) in texts {
        page = page.replacen(&marker(lang), &section(view, texts, offset), 1);
    }
    // Shown without waiting for shell.js (which marks it too): a browser without JavaScript
    // still reads the request.
    page.replacen("<html ", "<html data-shell=\"track\" ", 1).replacen(DATA_MARKER, &data_block(view), 1)
}

/// The view as the public API sends it, inert inside a data block: `<` is escaped so no text
/// can close the element.
pub fn data_block(view: &PublicTicketView) -> String {
    let json = serde_json::to_string(&TicketView::Public(view.clone())).unwrap_or_default().replace('<', "\\u003c");
    format!("<script type=\"application/json\" id=\"{DATA_ID}\">{json}</script>")
}

/// The city's local time until the app (or boot.js) writes it in the reader's format and zone.
fn time(at: DateTime<Utc>, offset: FixedOffset) -> String {
    let iso = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    format!("<time datetime=\"{iso}\">{}</time>", at.with_timezone(&offset).format("%Y-%m-%d %H:%M"))
}

/// The summary list's rows, in the app's order (`ticket/mod.rs` then `progress::dates`).
fn rows(v: &PublicTicketView, t: &Texts, offset: FixedOffset) -> Vec<(String, String)> {
    let category = if v.category.path.is_empty() { v.category.code.to_string() } else { v.category.path.join(" › ") };
    let mut rows = vec![
        ("ticket.tracking_no", escape(v.tracking_no.as_str())),
        ("field.category", escape(&category)),
        ("ticket.kind", escape(t.text(&format!("kind.{}", v.kind.as_str())))),
        ("ticket.channel", escape(t.text(&format!("channel.{}", v.channel.as_str())))),
        ("ticket.created", time(v.created_at, offset)),
        ("ticket.updated", time(v.updated_at, offset)),
    ];
    if let Some(at) = v.accepted_at {
        rows.push(("ticket.accepted_at", time(at, offset)));
    }
    if let Some(at) = v.response_due.filter(|_| matches!(v.status, Status::Dispatched | Status::Reopened)) {
        rows.push(("ticket.response_due", time(at, offset)));
    }
    if let Some(at) = v.resolution_due.filter(|_| !v.status.is_final()) {
        let label = if v.status.is_open() { "ticket.resolution_due" } else { "ticket.resolution_due_was" };
        rows.push((label, time(at, offset)));
    }
    rows.into_iter().map(|(label, value)| (escape(t.text(label)), value)).collect()
}

/// One language's section.
pub fn section(v: &PublicTicketView, t: &Texts, offset: FixedOffset) -> String {
    let x = |key: &str| escape(t.text(key));
    let me_too = if v.me_too_count > 0 {
        format!("<p>{}</p>", escape(&t.fill("ticket.me_too_count", &[("count", &v.me_too_count.to_string())])))
    } else {
        String::new()
    };
    let reply = v.timeline.iter().rev().find_map(|e| match &e.kind {
        EventKind::Replied { text, department_name, .. } => Some((e.at, text.as_str(), department_name.as_str())),
        _ => None,
    });
    let reply = match reply {
        Some((at, text, department)) => format!(
            "<section class=\"notice notice--success\"><h2>{}</h2><p class=\"description\">{}</p>\
             <p class=\"hint\">{} · {}</p></section>",
            x("ticket.reply_heading"),
            escape(text),
            escape(department),
            time(at, offset)
        ),
        None => String::new(),
    };
    let rows: String = rows(v, t, offset)
        .into_iter()
        .map(|(label, value)| format!("<div class=\"summary-list__row\"><dt>{label}</dt><dd>{value}</dd></div>"))
        .collect();
    let listed = if v.listed { "" } else { " hidden" };
    format!(
        "<div class=\"page\" data-shell-page=\"track\"><p class=\"caption\">{}</p><h1 class=\"ticket-title\">{}</h1>\
         {me_too}<p class=\"status-line\">{} <strong class=\"status status--{}\">{}</strong> \
         <span class=\"tag tag--urgent\"{listed}>{}</span></p>{reply}<dl class=\"summary-list\">{rows}</dl>\
         <dl class=\"summary-list\"></dl><h2>{}</h2><p class=\"description\">{}</p></div>",
        x("ticket.heading"),
        escape(&v.title),
        x("ticket.status"),
        v.status.as_str(),
        x(&format!("status.{}", v.status.as_str())),
        x("ticket.listed"),
        x("field.description"),
        escape(&v.description),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{CategoryCode, CategoryRef};
    use crate::ids::TrackingNo;
    use crate::request::{Channel, RequestKind};
    use crate::ticket::TimelineEntry;
    use chrono::{NaiveDate, TimeZone};

    fn view() -> PublicTicketView {
        let day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 1, 2, 0).unwrap();
        PublicTicketView {
            tracking_no: TrackingNo::new(day, 7),
            title: "路灯 <b>不亮</b>".into(),
            description: "南门</script><script>alert(1)</script> & \"更多\"".into(),
            category: CategoryRef {
                code: CategoryCode::parse("01.02").unwrap(),
                path: vec!["城乡建设".into(), "路灯".into()],
            },
            approximate_location: None,
            channel: Channel::Web,
            kind: RequestKind::Citizen,
            status: Status::Dispatched,
            created_at: at,
            updated_at: at,
            timeline: Vec::new(),
            accepted_at: None,
            response_due: Some(at),
            resolution_due: Some(at),
            listed: false,
            master: None,
            me_too_count: 0,
            following: false,
            photos: Vec::new(),
        }
    }

    fn texts() -> Texts {
        Texts::from_sources(["ticket.heading = 诉求详情\nticket.status = 当前状态：\nstatus.dispatched = 已派单\n\
             ticket.me_too_count = {count} 位市民也反映了此问题\nticket.reply_heading = 答复\n\
             ticket.response_due = 预计最迟签收\nchannel.web = 网站\nkind.citizen = 个人"])
    }

    const INDEX: &str = "<html lang=\"zh-Hans\"><main><!-- track zh-Hans --></main><main><!-- track en --></main><!-- track data --></body>";

    #[test]
    fn text_is_escaped_everywhere_and_the_json_cannot_close_its_element() {
        let t = texts();
        let page = fill(INDEX, &view(), &[("zh-Hans", &t), ("en", &t)], FixedOffset::east_opt(8 * 3600).unwrap());
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(page.contains("南门&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;更多&quot;"));
        assert!(page.contains("路灯 &lt;b&gt;不亮&lt;/b&gt;"));
        let json_start = page.find(DATA_ID).unwrap();
        let json = &page[json_start..];
        assert_eq!(json.matches("</script>").count(), 1, "only the block's own end tag: {json}");
        assert_eq!(page.matches("data-shell-page=\"track\"").count(), 2);
        assert!(!page.contains("<!-- track"), "every marker filled");
        assert!(page.starts_with("<html data-shell=\"track\" lang=\"zh-Hans\">"), "shown without JavaScript");
    }

    #[test]
    fn the_json_is_the_public_view_the_app_reads() {
        let block = data_block(&view());
        let json = block.split_once('>').unwrap().1.strip_suffix("</script>").unwrap();
        let back: TicketView = serde_json::from_str(json).unwrap();
        assert_eq!(back, TicketView::Public(view()));
    }

    #[test]
    fn labels_rows_and_times_follow_the_app() {
        let mut v = view();
        v.me_too_count = 3;
        v.timeline.push(TimelineEntry {
            at: v.created_at,
            kind: EventKind::Replied {
                text: "已修复".into(), department_name: "城管局".into(), photos: Vec::new()
            },
        });
        let html = section(&v, &texts(), FixedOffset::east_opt(8 * 3600).unwrap());
        assert!(html.contains("<p>3 位市民也反映了此问题</p>"));
        assert!(html.contains("<strong class=\"status status--dispatched\">已派单</strong>"));
        assert!(html
            .contains("<dt>预计最迟签收</dt><dd><time datetime=\"2026-11-29T01:02:00.000Z\">2026-11-29 09:02</time>"));
        assert!(!html.contains("ticket.accepted_at"), "no row without its date");
        assert!(html.contains("<h2>答复</h2><p class=\"description\">已修复</p><p class=\"hint\">城管局 · "));
        assert!(html.contains("城乡建设 › 路灯"));
        assert!(html.contains("class=\"tag tag--urgent\" hidden"));
    }

    #[test]
    fn a_merged_duplicate_is_left_to_the_app() {
        let mut v = view();
        v.master = Some(Box::new(view()));
        assert_eq!(fill(INDEX, &v, &[], FixedOffset::east_opt(0).unwrap()), INDEX);
    }
}
