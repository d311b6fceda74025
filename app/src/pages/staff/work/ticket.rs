//! `/staff/tickets/{no}`: one request as the signed-in member's department works on it. The
//! sections are drawn once per request and follow the ticket as it reloads, so a draft survives
//! a reload; which sections show depends on the department's part and the ticket's status.

use super::actions::{Accept, Extensions, PartForm, Parts, ProgressNote};
use super::dispute::{dispute_pending, summoned, DisputeForm, ReportIn};
use super::history::{EventList, TicketFacts};
use super::reply::Reply;
use crate::api::ApiError;
use crate::app::page_title;
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::{use_staff, StaffShell};
use crate::dispatch_api;
use crate::i18n::use_i18n;
use crate::pages::staff::dispatch::parts::{focus_soon, load_lookups, LookupsResource};
use crate::work_api::is_stale;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::error::{ErrorCode, FieldErrors};
use shared::staff_view::{Part, StaffTicketDetail};
use shared::status::{transition, Action, Status};

pub type Detail = LocalResource<Result<StaffTicketDetail, ApiError>>;

/// Each form's errors, so that starting one action clears what another said: only one error
/// summary is on the page at a time, and it is the one that takes focus.
#[derive(Debug, Clone, Copy)]
pub struct Forms {
    pub accept: FormErrors,
    pub note: FormErrors,
    pub part: FormErrors,
    pub reply: FormErrors,
    pub extension: FormErrors,
    pub dispute: FormErrors,
    pub report: FormErrors,
}

impl Forms {
    fn new() -> Self {
        let f = FormErrors::new;
        Forms { accept: f(), note: f(), part: f(), reply: f(), extension: f(), dispute: f(), report: f() }
    }

    fn clear(&self) {
        for f in [self.accept, self.note, self.part, self.reply, self.extension, self.dispute, self.report] {
            f.clear();
        }
    }
}

/// The server names fields as its input does (`text`); each form here has its own label for
/// them (a note's text, a reply's text), so they are renamed before they are shown.
pub fn renamed(error: ApiError, names: &[(&str, &str)]) -> ApiError {
    match error {
        ApiError::Api { status, mut body } => {
            let mut fields = FieldErrors::new();
            for (path, e) in std::mem::take(&mut body.fields.0) {
                let path = names.iter().find(|(from, _)| *from == path).map_or(path, |(_, to)| (*to).to_owned());
                fields.0.insert(path, e);
            }
            body.fields = fields;
            ApiError::Api { status, body }
        }
        other => other,
    }
}

/// What the department may do now, from its part and the ticket's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    pub part: Option<Part>,
    pub status: Option<Status>,
    pub summoned: bool,
    pub dispute_pending: bool,
    pub extension_pending: bool,
}

impl Standing {
    fn lead(&self) -> bool {
        self.part == Some(Part::Lead)
    }

    fn co(&self) -> bool {
        self.part == Some(Part::Co)
    }

    fn may(&self, action: Action) -> bool {
        self.status.is_some_and(|s| transition(s, action).is_ok())
    }

    pub fn may_accept(&self) -> bool {
        self.lead() && self.may(Action::Accept)
    }

    pub fn may_reply(&self) -> bool {
        self.lead() && self.may(Action::Reply)
    }

    /// Accepted work is the lead's to report on; a co-handler notes its own progress from dispatch.
    pub fn may_note(&self) -> bool {
        match self.status {
            Some(Status::Accepted | Status::InProgress) => self.part.is_some(),
            Some(Status::Dispatched | Status::Reopened) => self.co(),
            _ => false,
        }
    }

    pub fn may_write_public(&self) -> bool {
        self.lead()
    }

    pub fn may_extend(&self) -> bool {
        self.lead() && matches!(self.status, Some(Status::Accepted | Status::InProgress)) && !self.extension_pending
    }

    pub fn may_send_part(&self) -> bool {
        self.co() && self.status.is_some_and(|s| s.is_open() && s != Status::Submitted)
    }

    pub fn may_dispute(&self) -> bool {
        self.lead() && !self.dispute_pending
    }
}

/// What every section of the page shares.
#[derive(Clone, Copy)]
pub struct Work {
    pub no: Memo<String>,
    pub ticket: Detail,
    pub lookups: LookupsResource,
    pub forms: Forms,
    pub standing: Memo<Standing>,
    /// The version the page's changes are made against: the ticket's as read, or the one a
    /// change answered with, so a second action right after the first is not refused as stale.
    version: RwSignal<Option<i64>>,
    /// A change was refused because someone else changed the request first.
    stale: RwSignal<bool>,
    /// Translation key of the last thing done, announced in `work-status`.
    done: RwSignal<Option<&'static str>>,
}

impl Work {
    pub fn version(&self) -> Option<i64> {
        self.version.get_untracked()
    }

    /// Before an action: forget what earlier ones said.
    pub fn start(&self) {
        self.forms.clear();
        self.done.set(None);
    }

    pub fn succeeded(&self, key: &'static str, version: Option<i64>) {
        if version.is_some() {
            self.version.set(version);
        }
        self.done.set(Some(key));
        self.ticket.refetch();
        focus_soon("work-status");
    }

    /// A refusal: a stale page is said once, at the top, with the way out (reload); a change
    /// the ticket's state no longer allows says so; anything else goes to the form.
    pub fn failed(&self, errors: FormErrors, error: ApiError) {
        if is_stale(&error) {
            self.stale.set(true);
            focus_soon("work-stale");
        } else if error.code() == Some(ErrorCode::Conflict) {
            errors.show_key("work.refused");
        } else {
            errors.show(error);
        }
    }

    fn reload(&self) {
        self.stale.set(false);
        self.forms.clear();
        self.done.set(None);
        self.ticket.refetch();
    }
}

#[component]
pub fn WorkTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let no = Memo::new(move |_| params.with(|p| p.get("no")).unwrap_or_default());
    let ticket: Detail = LocalResource::new(move || dispatch_api::ticket(no.get()));
    let lookups = LocalResource::new(load_lookups);
    let staff = use_staff();
    let mine = Memo::new(move |_| staff.0.with(|u| u.as_ref().and_then(|u| u.department.clone())));
    let standing = Memo::new(move |_| {
        let (Some(Ok(detail)), Some(mine)) = (ticket.get(), mine.get()) else { return Standing::default() };
        Standing {
            part: detail.departments.iter().find(|d| d.department == mine).map(|d| d.part),
            status: Some(detail.summary.status),
            summoned: summoned(&detail.events, &mine),
            dispute_pending: dispute_pending(&detail.events, &mine),
            extension_pending: detail.extensions.iter().any(|e| e.state == "pending"),
        }
    });
    // The dispute's own notice: the form it answers gives way to a note once filed.
    let filed = RwSignal::new(false);
    page_title(move || {
        ticket.get().and_then(Result::ok).map_or_else(|| i18n.t("work.heading").to_owned(), |t| t.summary.title)
    });
    let overview = move || {
        ticket.get().map(|result| match result {
            Ok(detail) => view! { <TicketFacts detail lookups/> }.into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| ticket.refetch())/> }.into_any(),
        })
    };
    let history =
        move || ticket.get().and_then(Result::ok).map(|detail| view! { <EventList events=detail.events lookups/> });
    // Drawn afresh for each request, so no draft or message carries over to the next one.
    let sections = move || {
        no.track();
        let version = RwSignal::new(None);
        Effect::new(move |_| {
            if let Some(Ok(detail)) = ticket.get() {
                version.set(Some(detail.version));
            }
        });
        let work = Work {
            no,
            ticket,
            lookups,
            forms: Forms::new(),
            standing,
            version,
            stale: RwSignal::new(false),
            done: RwSignal::new(None),
        };
        let s = move || standing.get();
        // The photos ticked in the photo section travel with the next note or reply.
        provide_context(crate::components::staff_photos::AttachedPhotos::new());
        let photo_watch = Signal::derive(move || ticket.get().and_then(Result::ok).map_or(0, |d| d.version));
        view! {
            <StatusLines work filed/>
            <Show when=move || s().summoned><ReportIn work/></Show>
            <Show when=move || s().may_accept()><Accept work/></Show>
            <Show when=move || s().may_send_part()><PartForm work/></Show>
            <Show when=move || s().may_note()><ProgressNote work/></Show>
            <Show when=move || s().part.is_some()><Parts work/></Show>
            <Show when=move || s().may_reply()><Reply work/></Show>
            <Show when=move || s().lead()><Extensions work/></Show>
            <Show when=move || s().lead() && s().dispute_pending>
                <p class="hint" id="dispute-pending">{i18n.tr("worklist.dispute.pending")}</p>
            </Show>
            <Show when=move || s().may_dispute()><DisputeForm work filed/></Show>
            <Show when=move || s().part.is_some()>
                <crate::components::staff_photos::TicketPhotos no watch=photo_watch handle=true/>
            </Show>
        }
    };
    view! {
        <StaffShell>
            <p class="back"><a href="/staff/tickets" id="back-to-worklist">{i18n.tr("work.back")}</a></p>
            {move || ticket.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {overview}
            {sections}
            {history}
        </StaffShell>
    }
}

/// What was just done, and the one refusal that concerns the whole page: someone else changed
/// the request since it was opened. Nothing is sent again on its own; the member reloads,
/// reads what changed and decides.
#[component]
fn StatusLines(work: Work, filed: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let (done, stale) = (work.done, work.stale);
    view! {
        <div id="work-status" role="status" tabindex="-1"
            class:notice=move || done.with(Option::is_some) class:notice--success=move || done.with(Option::is_some)>
            {move || done.get().map(|key| i18n.t(key))}
        </div>
        <div id="dispute-status" role="status" tabindex="-1"
            class:notice=move || filed.get() class:notice--success=move || filed.get()>
            {move || filed.get().then(|| i18n.t("worklist.dispute.filed"))}
        </div>
        <Show when=move || stale.get()>
            <div id="work-stale" class="notice notice--error" role="alert" tabindex="-1">
                <h2>{i18n.tr("work.stale.heading")}</h2>
                <p>{i18n.tr("work.stale.body")}</p>
                <button type="button" id="reload-ticket" class="button" on:click=move |_| work.reload()>
                    {i18n.tr("work.stale.reload")}
                </button>
            </div>
        </Show>
    }
}
