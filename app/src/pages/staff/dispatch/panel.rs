//! `/staff/dispatch/{no}`: one waiting request: what it says, what the classifier and the
//! responsibility list suggest, its possible duplicates, and the one action that sends it on;
//! consultation and the unreasonable proposal follow (`casework`).

use super::casework::{Consult, Duplicates, MarkUnreasonable};
use super::parts::{
    age, category_path, fold_indexed, is_conflict, load_lookups, proposal_text, refused, suggestion_text,
    DepartmentChecks, LookupsResource,
};
use super::Flash;
use crate::api::ApiError;
use crate::app::{page_title, use_setup};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{InlineError, SelectField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::StaffShell;
use crate::components::time::Time;
use crate::dispatch_api;
use crate::i18n::{channel_key, kind_key, status_key, use_i18n};
use crate::staff_menu::urgency_key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::dispatch::{QueueItem, Urgency};
use shared::error::FieldErrorCode;
use shared::rules::Resolution;
use shared::staff_view::StaffTicketDetail;
use shared::status::Status;

/// The request as staff see it, and its place in the queue if it is still waiting.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub detail: StaffTicketDetail,
    pub item: Option<QueueItem>,
}

impl Loaded {
    pub fn waiting(&self) -> bool {
        self.item.is_some() && self.detail.summary.status == Status::Submitted
    }
}

pub type TicketResource = LocalResource<Result<Loaded, ApiError>>;

async fn load(no: String) -> Result<Loaded, ApiError> {
    let (detail, queue) = futures::future::join(dispatch_api::ticket(no.clone()), dispatch_api::queue()).await;
    let item = queue?.into_iter().find(|i| i.tracking_no == no);
    Ok(Loaded { detail: detail?, item })
}

/// Each form's errors, so that starting one action clears what another said: only one error
/// summary is on the page at a time, and it is the one that takes focus.
#[derive(Debug, Clone, Copy)]
pub struct Forms {
    pub dispatch: FormErrors,
    pub merge: FormErrors,
    pub consult: FormErrors,
    pub unreasonable: FormErrors,
}

impl Forms {
    fn new() -> Self {
        Forms {
            dispatch: FormErrors::new(),
            merge: FormErrors::new(),
            consult: FormErrors::new(),
            unreasonable: FormErrors::new(),
        }
    }

    pub fn clear(&self) {
        for f in [self.dispatch, self.merge, self.consult, self.unreasonable] {
            f.clear();
        }
    }
}

/// What a panel section needs: the request, names, the forms' errors.
#[derive(Clone, Copy)]
pub struct Panel {
    pub no: Memo<String>,
    pub ticket: TicketResource,
    pub lookups: LookupsResource,
    pub forms: Forms,
}

impl Panel {
    /// The version the reader saw, for the server's stale-write check.
    pub fn version(&self) -> Option<i64> {
        self.ticket.get_untracked().and_then(Result::ok).map(|l| l.detail.version)
    }
}

#[component]
pub fn DispatchTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let no = Memo::new(move |_| params.with(|p| p.get("no")).unwrap_or_default());
    let ticket: TicketResource = LocalResource::new(move || load(no.get()));
    let lookups = LocalResource::new(load_lookups);
    page_title(move || {
        ticket
            .map(|r| r.as_ref().ok().map(|l| l.detail.summary.title.clone()))
            .flatten()
            .unwrap_or_else(|| i18n.t("dispatch.panel.heading").to_owned())
    });
    let loaded = Memo::new(move |_| ticket.map(Result::is_ok).unwrap_or(false));
    let waiting = Memo::new(move |_| ticket.map(|r| r.as_ref().is_ok_and(Loaded::waiting)).unwrap_or(false));
    let overview = move || {
        ticket.get().map(|result| match result {
            Ok(loaded) => view! { <Overview loaded lookups/> }.into_any(),
            Err(error) => view! {
                <h1>{i18n.tr("dispatch.panel.heading")}</h1>
                <LoadError error retry=Callback::new(move |_| ticket.refetch())/>
            }
            .into_any(),
        })
    };
    // Drawn afresh for each request (a candidate's link opens another on the same route), so
    // no form state or message carries over from one request to the next.
    let sections = move || {
        no.track();
        let panel = Panel { no, ticket, lookups, forms: Forms::new() };
        let photo_watch =
            Signal::derive(move || ticket.map(|r| r.as_ref().map_or(0, |l| l.detail.version)).unwrap_or(0));
        view! {
            // Duplicates first: a repeat report is merged before the request is sent on.
            <Show when=move || waiting.get()>
                <Duplicates panel/>
            </Show>
            <Show when=move || loaded.get()>
                <DispatchForm panel/>
            </Show>
            <Show when=move || waiting.get()>
                <Consult panel/>
                <MarkUnreasonable panel/>
            </Show>
            <Show when=move || loaded.get()>
                <crate::components::staff_photos::TicketPhotos no watch=photo_watch moderate=true/>
            </Show>
        }
    };
    view! {
        <StaffShell>
            <p class="back"><a href="/staff/dispatch" id="back-to-queue">{i18n.tr("dispatch.back")}</a></p>
            {move || ticket.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {overview}
            {sections}
        </StaffShell>
    }
}

/// The request itself, then the two suggestions.
#[component]
fn Overview(loaded: Loaded, lookups: LookupsResource) -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    let Loaded { detail, item } = loaded;
    let summary = detail.summary.clone();
    let urgency = summary.urgency;
    let status = summary.status;
    let created = summary.created_at;
    let category = item
        .as_ref()
        .map(|i| i.category.path.join(" › "))
        .filter(|p| !p.is_empty())
        .or_else(|| shared::catalogue::CategoryCode::parse(&summary.category).map(|c| category_path(setup, &c)))
        .unwrap_or_else(|| summary.category.clone());
    let area = summary.area.clone();
    let contact = detail.contact.clone().filter(|_| !detail.anonymous);
    let suggestions = item.as_ref().map(|i| i.suggestions.clone()).unwrap_or_default();
    let proposal = item.as_ref().map(|i| i.proposal.clone());
    let lead = summary.lead.clone();
    let facts = move || {
        let lang = i18n.lang();
        let lookups = lookups.get().unwrap_or_default();
        let mut rows = vec![(lang.text("dispatch.field.category"), category.clone())];
        if let Some(a) = &area {
            rows.push((lang.text("dispatch.field.area"), lookups.area(a)));
        }
        if let Some(a) = &detail.address {
            rows.push((lang.text("dispatch.field.address"), a.clone()));
        }
        rows.push((lang.text("dispatch.field.kind"), lang.text(&kind_key(summary.kind))));
        rows.push((lang.text("dispatch.field.channel"), lang.text(&channel_key(detail.channel))));
        if let Some(c) = &contact {
            let who = [c.name.clone(), c.phone.clone(), c.email.clone()].into_iter().flatten().collect::<Vec<_>>();
            if !who.is_empty() {
                rows.push((lang.text("dispatch.field.contact"), who.join(" · ")));
            }
        }
        if let Some(l) = &lead {
            rows.push((lang.text("dispatch.field.lead_now"), lookups.department(l)));
        }
        rows.into_iter()
            .map(|(label, value)| {
                view! { <div><dt>{label}</dt><dd>{value}</dd></div> }
            })
            .collect_view()
    };
    let suggestion_list = move || {
        let lang = i18n.lang();
        if suggestions.is_empty() {
            return view! { <p id="suggestions">{lang.text("dispatch.suggestion.none")}</p> }.into_any();
        }
        let items = suggestions.iter().map(|s| view! { <li>{suggestion_text(lang, setup, s)}</li> }).collect_view();
        view! { <ol id="suggestions" class="suggestions">{items}</ol> }.into_any()
    };
    let proposal_line = move || {
        let lang = i18n.lang();
        let lookups = lookups.get().unwrap_or_default();
        proposal.as_ref().map(|p| proposal_text(lang, &lookups, p))
    };
    let has_proposal = item.is_some();
    view! {
        <h1 id="ticket-title" class="ticket-title">{summary.title.clone()}</h1>
        <p class="queue__meta">
            <span class="mono" id="ticket-no">{summary.tracking_no.clone()}</span>
            <span class=format!("tag tag--{}", urgency.as_str())>{i18n.tr_key(urgency_key(urgency))}</span>
            <span>{move || age(i18n.lang(), &created)}</span>
        </p>
        <p class="hint">{i18n.tr("dispatch.field.created")} " " <Time at=created/></p>
        {(status != Status::Submitted || !has_proposal).then(|| view! {
            <p class="notice" id="not-waiting">
                {move || i18n.tf("dispatch.not_waiting", &[("status", &i18n.lang().text(&status_key(status)))])}
            </p>
        })}
        <dl class="facts facts--panel" id="ticket-facts">{facts}</dl>
        <h2>{i18n.tr("dispatch.field.description")}</h2>
        <p class="description" id="ticket-description">{detail.description.clone()}</p>
        {has_proposal.then(|| view! {
            <section aria-labelledby="suggestions-heading">
                <h2 id="suggestions-heading">{i18n.tr("dispatch.suggestions.heading")}</h2>
                {suggestion_list}
            </section>
            <section aria-labelledby="proposal-heading">
                <h2 id="proposal-heading">{i18n.tr("dispatch.proposal.heading")}</h2>
                <p id="proposal">{proposal_line}</p>
            </section>
        })}
    }
}

const DISPATCH_CONTROLS: &[(&str, &str)] =
    &[("lead", "dispatch-lead"), ("co_handlers", "co-handlers-0"), ("urgency", "urgency-normal")];

/// The one action that sends the request on: lead, co-handlers and urgency, prefilled from the
/// responsibility list.
#[component]
fn DispatchForm(panel: Panel) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let Panel { no, ticket, lookups, forms } = panel;
    let errors = forms.dispatch;
    let lead = RwSignal::new(String::new());
    let co = RwSignal::new(Vec::<String>::new());
    let urgency = RwSignal::new(Urgency::Normal);
    let busy = RwSignal::new(false);
    // Prefilled when a request is first shown, and again after a stale attempt reloads it;
    // other reloads (after a merge, say) keep what the dispatcher chose.
    let prefilled = StoredValue::new(String::new());
    Effect::new(move |_| {
        let Some(Ok(loaded)) = ticket.get() else { return };
        if prefilled.with_value(|p| *p == loaded.detail.summary.tracking_no) {
            return;
        }
        prefilled.set_value(loaded.detail.summary.tracking_no.clone());
        let (l, c) = match loaded.item.as_ref().map(|i| &i.proposal) {
            Some(Resolution::Resolved { lead, co_handlers, .. }) => (lead.clone(), co_handlers.clone()),
            _ => (String::new(), Vec::new()),
        };
        lead.set(l);
        co.set(c);
        urgency.set(loaded.detail.summary.urgency);
    });
    // A lead is not also its own co-handler.
    Effect::new(move |_| {
        let l = lead.get();
        if co.with_untracked(|c| c.contains(&l)) {
            co.update(|c| c.retain(|x| *x != l));
        }
    });
    let lead_options = Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("common.choose"))];
        options.extend(lookups.get().unwrap_or_default().active(""));
        options
    });
    let co_options = Signal::derive(move || lookups.get().unwrap_or_default().active(&lead.get()));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        forms.clear();
        let chosen = lead.get_untracked();
        if chosen.is_empty() {
            errors.show(refused("lead", FieldErrorCode::Required));
            return;
        }
        let Some(version) = panel.version() else { return };
        busy.set(true);
        let navigate = navigate.clone();
        let number = no.get_untracked();
        spawn_local(async move {
            let co_handlers = co.get_untracked();
            match dispatch_api::dispatch(number.clone(), chosen, co_handlers, urgency.get_untracked().as_str(), version)
                .await
            {
                Ok(done) => {
                    let name = lookups.get_untracked().unwrap_or_default().department(&done.lead);
                    Flash::Dispatched(number, name).store();
                    navigate("/staff/dispatch", Default::default());
                }
                Err(e) if is_conflict(&e) => {
                    errors.show_key("dispatch.stale");
                    prefilled.set_value(String::new());
                    ticket.refetch();
                    busy.set(false);
                }
                Err(e) => {
                    errors.show(fold_indexed(e));
                    busy.set(false);
                }
            }
        });
    };
    let waiting = move || ticket.map(|r| r.as_ref().is_ok_and(Loaded::waiting)).unwrap_or(false);
    let urgency_error = errors.field("urgency");
    view! {
        <section aria-labelledby="dispatch-heading" class="panel-section">
            <h2 id="dispatch-heading">{i18n.tr("dispatch.form.heading")}</h2>
            <ErrorSummary items=errors.summary(DISPATCH_CONTROLS) attempt=errors.attempt/>
            <Show when=waiting fallback=move || view! {
                <p><a href="/staff/dispatch">{i18n.tr("dispatch.back")}</a></p>
            }>
                // The version drawn, so a reader (or a test) can tell a reload has landed.
                <form class="form" novalidate on:submit=on_submit.clone()
                    data-version=move || ticket.map(|r| r.as_ref().map_or(0, |l| l.detail.version)).unwrap_or(0)>
                    <SelectField id="dispatch-lead" label=i18n.tr("field.lead") options=lead_options value=lead
                        error=errors.field("lead")/>
                    <DepartmentChecks id="co-handlers" legend=i18n.tr("field.co_handlers")
                        hint=i18n.tr("dispatch.form.co_hint") options=co_options chosen=co error=errors.field("co_handlers")/>
                    <fieldset class="fieldset field" class:field--error=move || urgency_error.with(Option::is_some)>
                        <legend class="label">{i18n.tr("field.urgency")}</legend>
                        <InlineError id="urgency-error".to_owned() message=urgency_error/>
                        <div class="radios">{urgency_radios(urgency)}</div>
                    </fieldset>
                    <button type="submit" id="dispatch-button" class="button" disabled=move || busy.get()>
                        {i18n.tr_either(busy, "dispatch.form.sending", "dispatch.form.button")}
                    </button>
                </form>
            </Show>
        </section>
    }
}

fn urgency_radios(urgency: RwSignal<Urgency>) -> impl IntoView {
    let i18n = use_i18n();
    Urgency::ALL
        .into_iter()
        .map(|u| {
            let id = format!("urgency-{}", u.as_str());
            view! {
                <div class="radio">
                    <input type="radio" name="urgency" id=id.clone() value=u.as_str()
                        prop:checked=move || urgency.get() == u on:change=move |_| urgency.set(u)/>
                    <label for=id>{i18n.tr_key(urgency_key(u))}</label>
                </div>
            }
        })
        .collect_view()
}
