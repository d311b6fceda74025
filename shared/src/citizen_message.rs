//! What a subscriber is told when their request changes: a short, localised message with the
//! tracking number, what changed (the new status, a progress note, the reply, a merge) and links.
//!
//! Only what the public timeline shows goes out: never the description, the reporter's contact
//! data or internal notes; note and reply texts pass through `redact::public_text` and are cut
//! short, since push messages and e-mail previews are seen on lock screens.

use crate::redact::public_text;
use crate::status::Status;
use crate::subscription::Lang;
use crate::ticket::EventKind;
use serde::{Deserialize, Serialize};

/// Characters of a note or reply quoted in a message.
pub const EXCERPT_CHARS: usize = 120;

/// What one change of a request was, from the public events written together in its batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Status(Status),
    Note { text: String, status: Option<Status> },
    Reply { text: String },
    Merged { master: String },
}

impl Change {
    /// One change from the public events of one batch (a reply also moves the status, the first
    /// note starts the work): the reply wins, then a merge, then a note, then the status alone.
    pub fn of(events: &[EventKind]) -> Option<Change> {
        let status = events.iter().rev().find_map(|e| match e {
            EventKind::StatusChanged { to, .. } => Some(*to),
            _ => None,
        });
        let reply = events.iter().find_map(|e| match e {
            EventKind::Replied { text, .. } => Some(text.clone()),
            _ => None,
        });
        let merged = events.iter().find_map(|e| match e {
            EventKind::Merged { master } => Some(master.clone()),
            _ => None,
        });
        let note = events.iter().find_map(|e| match e {
            EventKind::Note { text, .. } => Some(text.clone()),
            _ => None,
        });
        match (reply, merged, note, status) {
            (Some(text), _, _, _) => Some(Change::Reply { text }),
            (None, Some(master), _, _) => Some(Change::Merged { master }),
            (None, None, Some(text), status) => Some(Change::Note { text, status }),
            (None, None, None, Some(status)) => Some(Change::Status(status)),
            (None, None, None, None) => None,
        }
    }
}

/// The message as a push payload (JSON, read by `public/sw.js`) and as the e-mail's parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenMessage {
    pub title: String,
    pub body: String,
    /// The request's page.
    pub url: String,
    /// The one-click page that ends this subscription.
    pub unsubscribe_url: String,
    pub tracking_no: String,
}

pub fn status_name(lang: Lang, status: Status) -> &'static str {
    use Status::*;
    match (lang, status) {
        (Lang::ZhHans, Submitted) => "已提交",
        (Lang::ZhHans, Dispatched) => "已派单",
        (Lang::ZhHans, Accepted) => "已签收",
        (Lang::ZhHans, InProgress) => "办理中",
        (Lang::ZhHans, Replied) => "已答复",
        (Lang::ZhHans, Closed) => "已办结",
        (Lang::ZhHans, Reopened) => "重新办理",
        (Lang::ZhHans, Merged) => "已合并",
        (Lang::ZhHans, RejectedUnreasonable) => "不予受理",
        (Lang::ZhHant, Submitted) => "已提交",
        (Lang::ZhHant, Dispatched) => "已派單",
        (Lang::ZhHant, Accepted) => "已簽收",
        (Lang::ZhHant, InProgress) => "辦理中",
        (Lang::ZhHant, Replied) => "已答覆",
        (Lang::ZhHant, Closed) => "已辦結",
        (Lang::ZhHant, Reopened) => "重新辦理",
        (Lang::ZhHant, Merged) => "已合併",
        (Lang::ZhHant, RejectedUnreasonable) => "不予受理",
        (Lang::En, Submitted) => "Received",
        (Lang::En, Dispatched) => "Sent to a department",
        (Lang::En, Accepted) => "Accepted by the department",
        (Lang::En, InProgress) => "In progress",
        (Lang::En, Replied) => "Answered",
        (Lang::En, Closed) => "Closed",
        (Lang::En, Reopened) => "Reopened",
        (Lang::En, Merged) => "Merged with another request",
        (Lang::En, RejectedUnreasonable) => "Not accepted",
    }
}

/// A public, short quotation of a note or reply.
pub fn excerpt(text: &str) -> String {
    let clean: String = public_text(text).split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() <= EXCERPT_CHARS {
        return clean;
    }
    let mut cut: String = clean.chars().take(EXCERPT_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The message for one change of the request `tracking_no` (the subscriber's own number, also
/// when the change was made on the request it was merged into). `base_url` has no trailing slash.
pub fn compose(
    lang: Lang,
    tracking_no: &str,
    change: &Change,
    base_url: &str,
    unsubscribe_token: &str,
) -> CitizenMessage {
    let base = base_url.trim_end_matches('/');
    let (title, body) = match lang {
        Lang::ZhHans => zh_hans(tracking_no, change),
        Lang::ZhHant => zh_hant(tracking_no, change),
        Lang::En => en(tracking_no, change),
    };
    CitizenMessage {
        title,
        body,
        url: format!("{base}/track/{tracking_no}"),
        unsubscribe_url: format!("{base}/unsubscribe/{unsubscribe_token}"),
        tracking_no: tracking_no.to_owned(),
    }
}

fn zh_hans(no: &str, change: &Change) -> (String, String) {
    let lang = Lang::ZhHans;
    match change {
        Change::Status(s) => {
            (format!("诉求 {no} 状态更新"), format!("您关注的诉求 {no} 当前状态：{}。", status_name(lang, *s)))
        }
        Change::Note { text, .. } => {
            (format!("诉求 {no} 有新进展"), format!("承办单位更新了办理进展：{}", excerpt(text)))
        }
        Change::Reply { text } => (format!("诉求 {no} 已答复"), format!("承办单位答复：{}", excerpt(text))),
        Change::Merged { master } => (
            format!("诉求 {no} 已合并办理"),
            format!("您关注的诉求与同一问题的诉求 {master} 合并办理，之后的进展会继续通知您。"),
        ),
    }
}

fn zh_hant(no: &str, change: &Change) -> (String, String) {
    let lang = Lang::ZhHant;
    match change {
        Change::Status(s) => {
            (format!("訴求 {no} 狀態更新"), format!("您關注的訴求 {no} 目前狀態：{}。", status_name(lang, *s)))
        }
        Change::Note { text, .. } => {
            (format!("訴求 {no} 有新進展"), format!("承辦單位更新了辦理進展：{}", excerpt(text)))
        }
        Change::Reply { text } => (format!("訴求 {no} 已答覆"), format!("承辦單位答覆：{}", excerpt(text))),
        Change::Merged { master } => (
            format!("訴求 {no} 已合併辦理"),
            format!("您關注的訴求與同一問題的訴求 {master} 合併辦理，之後的進展會繼續通知您。"),
        ),
    }
}

fn en(no: &str, change: &Change) -> (String, String) {
    let lang = Lang::En;
    match change {
        Change::Status(s) => {
            (format!("Request {no}: status update"), format!("The request you follow is now: {}.", status_name(lang, *s)))
        }
        Change::Note { text, .. } => {
            (format!("Request {no}: progress"), format!("The department posted progress: {}", excerpt(text)))
        }
        Change::Reply { text } => (format!("Request {no}: answered"), format!("The department's answer: {}", excerpt(text))),
        Change::Merged { master } => (
            format!("Request {no}: merged"),
            format!("It is handled together with request {master} about the same problem; you will keep getting its updates."),
        ),
    }
}

/// The e-mail's subject and plain text, with both links written out.
pub fn email_text(lang: Lang, message: &CitizenMessage) -> (String, String) {
    let (open, stop, footer) = match lang {
        Lang::ZhHans => ("查看诉求", "不再接收此诉求的更新", "此邮件由 12345 回音平台自动发送，请勿直接回复。"),
        Lang::ZhHant => ("查看訴求", "不再接收此訴求的更新", "此郵件由 12345 回音平台自動發送，請勿直接回覆。"),
        Lang::En => (
            "See the request",
            "Stop updates about this request",
            "Sent by the Huiyin 12345 service; replies are not read.",
        ),
    };
    let text =
        format!("{}\n\n{open}: {}\n\n--\n{stop}: {}\n{footer}\n", message.body, message.url, message.unsubscribe_url);
    (message.title.clone(), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(from: Status, to: Status) -> EventKind {
        EventKind::StatusChanged { from, to }
    }

    #[test]
    fn a_reply_and_its_status_change_are_one_change() {
        let events = [
            status(Status::InProgress, Status::Replied),
            EventKind::Replied {
                text: "已修复路灯。".into(),
                department_name: "市城市管理局".into(),
                photos: Vec::new(),
            },
        ];
        assert_eq!(Change::of(&events), Some(Change::Reply { text: "已修复路灯。".into() }));
        let merged =
            [status(Status::Dispatched, Status::Merged), EventKind::Merged { master: "20261129-0000018".into() }];
        assert_eq!(Change::of(&merged), Some(Change::Merged { master: "20261129-0000018".into() }));
        let note = [
            status(Status::Accepted, Status::InProgress),
            EventKind::Note { text: "已到现场".into(), photos: Vec::new() },
        ];
        assert_eq!(Change::of(&note), Some(Change::Note { text: "已到现场".into(), status: Some(Status::InProgress) }));
        assert_eq!(
            Change::of(&[status(Status::Submitted, Status::Dispatched)]),
            Some(Change::Status(Status::Dispatched))
        );
        assert_eq!(Change::of(&[EventKind::Listed { reason: "x".into() }]), None);
    }

    #[test]
    fn messages_are_localised_and_link_to_the_request_and_unsubscribe() {
        let change = Change::Status(Status::Accepted);
        let zh = compose(Lang::ZhHans, "20261129-0000026", &change, "https://12345.example.cn/", "tok");
        assert_eq!(zh.url, "https://12345.example.cn/track/20261129-0000026");
        assert_eq!(zh.unsubscribe_url, "https://12345.example.cn/unsubscribe/tok");
        assert!(zh.body.contains("已签收"), "{}", zh.body);
        assert!(compose(Lang::ZhHant, "n", &change, "", "t").body.contains("已簽收"));
        assert!(compose(Lang::En, "n", &change, "", "t").body.contains("Accepted by the department"));
        let (subject, text) = email_text(Lang::En, &compose(Lang::En, "n", &change, "https://x.cn", "t"));
        assert_eq!(subject, "Request n: status update");
        assert!(text.contains("https://x.cn/track/n") && text.contains("https://x.cn/unsubscribe/t"));
    }

    #[test]
    fn notes_and_replies_are_masked_and_cut() {
        let text = format!("请联系 13812345678 或 li@example.org。{}", "很长".repeat(200));
        let message = compose(Lang::ZhHans, "n", &Change::Reply { text }, "", "t");
        assert!(!message.body.contains("13812345678") && !message.body.contains("li@example.org"));
        assert!(message.body.chars().count() < EXCERPT_CHARS + 20);
        assert!(message.body.ends_with('…'));
    }

    #[test]
    fn every_status_has_a_name_in_every_language() {
        for lang in Lang::ALL {
            for s in Status::ALL {
                assert!(!status_name(lang, s).is_empty());
            }
        }
    }
}
