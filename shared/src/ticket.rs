//! A stored request (ticket), its audit events, and what the public and the reporter may see.

use crate::catalogue::{Catalogue, CategoryCode, CategoryRef};
use crate::geo::LatLng;
use crate::ids::{TicketId, TrackingNo};
use crate::redact;
use crate::request::{Channel, Contact, NewRequest, RequestKind};
use crate::status::Status;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: TicketId,
    pub tracking_no: TrackingNo,
    pub title: String,
    pub description: String,
    pub category: CategoryCode,
    pub point: Option<LatLng>,
    pub address: Option<String>,
    pub channel: Channel,
    pub contact: Option<Contact>,
    pub anonymous: bool,
    pub kind: RequestKind,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub handling: Handling,
}

/// The clocks and counters of the department's work, set from dispatch on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Handling {
    pub response_due: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub replied_at: Option<DateTime<Utc>>,
    pub reopen_count: u32,
    pub extension_days: u32,
    /// 挂牌督办 since when, and why.
    pub listed_at: Option<DateTime<Utc>>,
    pub listed_reason: Option<String>,
}

impl Ticket {
    /// A freshly submitted ticket. Id, number and time come from the caller.
    pub fn submitted(
        request: NewRequest,
        id: TicketId,
        tracking_no: TrackingNo,
        channel: Channel,
        now: DateTime<Utc>,
    ) -> Self {
        Ticket {
            id,
            tracking_no,
            title: request.title.as_str().to_owned(),
            description: request.description.as_str().to_owned(),
            category: request.category,
            point: Some(request.location.point),
            address: request.location.address,
            channel,
            contact: request.contact,
            anonymous: request.anonymous,
            kind: request.kind,
            status: Status::Submitted,
            created_at: now,
            updated_at: now,
            version: 1,
            handling: Handling::default(),
        }
    }
}

/// One line of the audit trail. Appended in the same write as the change it records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketEvent {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: EventKind,
    /// Who did it: `citizen`, `system`, or a staff reference once staff exist.
    pub actor: String,
    /// Shown on the public timeline.
    pub public: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    Submitted {
        channel: Channel,
    },
    Imported {
        source: String,
    },
    StatusChanged {
        from: Status,
        to: Status,
    },
    Note {
        text: String,
        /// Handlers' photos (`shared::photo`) shown with the note; absent in older events.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        photos: Vec<crate::photo::PhotoId>,
    },
    /// Sent to a lead department and co-handlers (counts as a re-dispatch when not the first).
    /// The lead's name is kept as it was then, for the citizen's timeline.
    Dispatched {
        lead: String,
        lead_name: String,
        co_handlers: Vec<String>,
        mode: crate::dispatch::DispatchMode,
    },
    /// This report repeats another; its reporter follows the master's progress from now on.
    Merged {
        master: String,
    },
    /// Another report of the same problem was merged into this one.
    DuplicateMerged {
        duplicate: String,
        repeat_count: u32,
    },
    /// A citizen with the same problem follows this request instead of filing another ("me
    /// too"); `count` is how many have so far. Public.
    MeToo {
        count: u32,
    },
    // Internal casework: recorded on the ticket's trail, never on the public timeline.
    MarkedUnreasonable {
        reason_code: String,
    },
    UnreasonableDecided {
        confirmed: bool,
    },
    Consulted {
        departments: Vec<String>,
    },
    Disputed {
        department: String,
        reason: String,
    },
    DisputeDecided {
        upheld: bool,
    },
    Whistled {
        departments: Vec<String>,
        due_at: DateTime<Utc>,
    },
    ReportedIn {
        department: String,
    },
    // The department's work (承办).
    /// Public progress notes use `Note` with `public: true`.
    ExtensionRequested {
        days: u32,
        reason: String,
    },
    ExtensionDecided {
        approved: bool,
        days: u32,
        resolution_due: Option<DateTime<Utc>>,
    },
    PartSubmitted {
        department: String,
    },
    /// The lead's answer to the citizen (答复).
    Replied {
        text: String,
        department_name: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        photos: Vec<crate::photo::PhotoId>,
    },
    /// The citizen was not satisfied; the reason is the reporter's own words (not public).
    Reopened {
        reason: String,
    },
    /// The reporter added something after the reply (not public).
    InfoAdded {
        text: String,
    },
    // The supervision ladder.
    Urged {
        reason: String,
    },
    Supervised {
        reason: String,
        due_at: Option<DateTime<Utc>>,
    },
    /// 挂牌督办: public.
    Listed {
        reason: String,
    },
    /// 提级办理: raised to a higher coordinator.
    Escalated {
        reason: String,
        to: String,
    },
    PhoneReminder {
        department: String,
        outcome: String,
    },
    // Evaluation (回访评价).
    /// The citizen's judgement of the reply: on the reporter's own timeline, never public.
    Rated {
        satisfaction: crate::evaluation::Satisfaction,
        resolved: bool,
        source: crate::evaluation::EvaluationSource,
    },
    /// A phone call-back that did not reach an answer.
    CalledBack {
        outcome: crate::evaluation::CallOutcome,
    },
    /// A supervisor's decision on an unsatisfied, unresolved rating.
    RatingReviewed {
        reopen: bool,
    },
}

impl TicketEvent {
    pub fn submitted(ticket: &Ticket) -> Self {
        TicketEvent {
            at: ticket.created_at,
            kind: EventKind::Submitted { channel: ticket.channel },
            actor: "citizen".to_owned(),
            public: true,
        }
    }
}

/// Timeline entry as the reporter or the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// `GET /api/v1/requests/{no}` without the token: nothing that identifies the reporter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublicTicketView {
    pub tracking_no: TrackingNo,
    pub title: String,
    pub description: String,
    pub category: CategoryRef,
    /// The centre of the ~100 m cell the request is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approximate_location: Option<LatLng>,
    pub channel: Channel,
    pub kind: RequestKind,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub timeline: Vec<TimelineEntry>,
    /// When the department signed for it, and the dates promised from the SLA (working days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_due: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_due: Option<DateTime<Utc>>,
    /// Under listed supervision (挂牌督办).
    #[serde(default)]
    pub listed: bool,
    /// A merged duplicate follows the request that carries the work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master: Option<Box<PublicTicketView>>,
    /// Citizens who follow this request as their own problem too ("me too").
    #[serde(default)]
    pub me_too_count: u32,
    /// The caller presented a follower's token: the public view, nothing of the reporter's.
    #[serde(default)]
    pub following: bool,
    /// Visible photos (`shared::photo`): the citizen's, and handlers' published with a public
    /// note or the reply. Hidden ones are neither here nor in the timeline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<crate::photo::PublicPhoto>,
}

/// The same request as its reporter sees it with the private token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrivateTicketView {
    #[serde(flatten)]
    pub public: PublicTicketView,
    /// The reporter's own words, unmasked.
    pub original_description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<LatLng>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    pub anonymous: bool,
    /// Until when the reporter may reopen the request or add information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_until: Option<DateTime<Utc>>,
}

/// Either view, as the client receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum TicketView {
    Public(PublicTicketView),
    Private(PrivateTicketView),
}

impl TicketView {
    pub fn public_part(&self) -> &PublicTicketView {
        match self {
            TicketView::Public(p) => p,
            TicketView::Private(p) => &p.public,
        }
    }
}

fn category_ref(catalogue: &Catalogue, code: &CategoryCode) -> CategoryRef {
    catalogue.path(code).unwrap_or_else(|| CategoryRef { code: code.clone(), path: Vec::new() })
}

pub fn public_view(ticket: &Ticket, events: &[TicketEvent], catalogue: &Catalogue) -> PublicTicketView {
    PublicTicketView {
        tracking_no: ticket.tracking_no.clone(),
        title: redact::public_text(&ticket.title),
        description: redact::public_text(&ticket.description),
        category: category_ref(catalogue, &ticket.category),
        approximate_location: ticket.point.map(LatLng::coarse),
        channel: ticket.channel,
        kind: ticket.kind,
        status: ticket.status,
        created_at: ticket.created_at,
        updated_at: ticket.updated_at,
        timeline: events
            .iter()
            .filter(|e| e.public)
            .map(|e| TimelineEntry { at: e.at, kind: masked(&e.kind) })
            .collect(),
        accepted_at: ticket.handling.accepted_at,
        response_due: ticket.handling.response_due,
        resolution_due: ticket.handling.resolution_due,
        listed: ticket.handling.listed_at.is_some(),
        master: None,
        // Not part of `Ticket`: the store adds it where it reads the view.
        me_too_count: 0,
        following: false,
        // Stored beside the ticket: the store adds them (`with_photos`).
        photos: Vec::new(),
    }
}

/// Attach the visible photos to a view; a note's or reply's photo that is not among them
/// (hidden since) leaves the timeline too, so a hidden photo's id is never shown.
pub fn with_photos(view: &mut PublicTicketView, photos: Vec<crate::photo::PublicPhoto>) {
    for entry in &mut view.timeline {
        if let EventKind::Note { photos: ids, .. } | EventKind::Replied { photos: ids, .. } = &mut entry.kind {
            ids.retain(|id| photos.iter().any(|p| &p.id == id));
        }
    }
    view.photos = photos;
}

/// Staff write public notes and replies for one reporter; the public copy masks contact data
/// that slipped through the reply check.
fn masked(kind: &EventKind) -> EventKind {
    match kind {
        EventKind::Note { text, photos } => EventKind::Note { text: redact::public_text(text), photos: photos.clone() },
        EventKind::Replied { text, department_name, photos } => EventKind::Replied {
            text: redact::public_text(text),
            department_name: department_name.clone(),
            photos: photos.clone(),
        },
        other => other.clone(),
    }
}

/// The reporter's view. Staff-internal events stay out; every public one is in, and so is what
/// the reporter wrote after submitting (reopen reasons, added information).
pub fn private_view(
    ticket: &Ticket,
    events: &[TicketEvent],
    catalogue: &Catalogue,
    follow_up: &crate::handling::FollowUpSettings,
) -> PrivateTicketView {
    let mut public = public_view(ticket, events, catalogue);
    public.title = ticket.title.clone();
    public.timeline = events
        .iter()
        .filter(|e| e.public || e.actor == "citizen")
        .map(|e| TimelineEntry { at: e.at, kind: e.kind.clone() })
        .collect();
    PrivateTicketView {
        follow_up_until: follow_up.open_until(ticket.status, ticket.handling.replied_at),
        public,
        original_description: ticket.description.clone(),
        location: ticket.point,
        address: ticket.address.clone(),
        contact: ticket.contact.clone(),
        anonymous: ticket.anonymous,
    }
}

/// The answer to a successful submission: the only time the token is handed out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubmitResponse {
    pub tracking_no: TrackingNo,
    pub token: crate::ids::AccessToken,
    pub status: Status,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::city::CityConfig;
    use crate::request::{ContactInput, LocationInput, NewRequestInput};
    use chrono::TimeZone;

    fn ticket() -> Ticket {
        let input = NewRequestInput {
            title: Some("噪音扰民，电话13912345678".into()),
            description: Some("晚上施工噪音很大，请联系我 13912345678 或 li@example.com".into()),
            category: Some("11.01.01".into()),
            location: Some(LocationInput {
                lat: Some(28.123456),
                lng: Some(112.987654),
                address: Some("某小区5栋".into()),
            }),
            contact: Some(ContactInput {
                name: Some("李四".into()),
                phone: Some("13912345678".into()),
                email: Some("li@example.com".into()),
            }),
            anonymous: None,
            kind: None,
        };
        let cat = Catalogue::builtin();
        let req = NewRequest::parse(&input, cat, &CityConfig::demo().service_area).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap();
        Ticket::submitted(req, TicketId::from_random([1; 16]), TrackingNo::new(now.date_naive(), 1), Channel::Web, now)
    }

    #[test]
    fn public_view_leaks_nothing_personal() {
        let t = ticket();
        let events = vec![
            TicketEvent::submitted(&t),
            TicketEvent {
                at: t.created_at,
                kind: EventKind::Note { text: "internal".into(), photos: Vec::new() },
                actor: "staff:1".into(),
                public: false,
            },
        ];
        let view = public_view(&t, &events, Catalogue::builtin());
        let json = serde_json::to_string(&view).unwrap();
        for secret in
            ["李四", "13912345678", "li@example.com", "某小区5栋", "28.123456", "112.987654", "internal", "staff:1"]
        {
            assert!(!json.contains(secret), "{secret} leaked in {json}");
        }
        let p = view.approximate_location.unwrap();
        assert!((p.lat - 28.1235).abs() < 1e-9 && (p.lng - 112.9875).abs() < 1e-9, "{p:?}");
        assert_eq!(view.timeline.len(), 1);
        assert_eq!(view.category.path.len(), 3);
    }

    #[test]
    fn private_view_shows_the_reporter_their_own_data() {
        let t = ticket();
        let view = private_view(&t, &[TicketEvent::submitted(&t)], Catalogue::builtin(), &Default::default());
        let json = serde_json::to_string(&TicketView::Private(view)).unwrap();
        for own in ["李四", "13912345678", "li@example.com", "某小区5栋", "28.123456"] {
            assert!(json.contains(own), "{own} missing from {json}");
        }
        assert!(json.contains("\"view\":\"private\""));
        let back: TicketView = serde_json::from_str(&json).unwrap();
        assert!(matches!(back, TicketView::Private(_)));
    }
}
