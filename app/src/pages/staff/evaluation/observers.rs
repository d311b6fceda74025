//! Observers (两代表一委员、民生观察员): the title published with their grades and the phone
//! numbers and e-mail addresses whose reports never enter their samples; and drawing this
//! week's samples now rather than waiting for the hourly job's first run of the week.

use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::eval_api::{self, lines, observer_kind_key, prefixed, refused, OBSERVER_KINDS};
use crate::i18n::use_i18n;
use crate::pages::staff::deadlines::Saved;
use crate::pages::staff::dispatch::parts::focus_soon;
use crate::pages::staff::radios::{keyed, RadioGroup};
use crate::staff_api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::Role;
use shared::error::{ErrorCode, FieldErrorCode, FieldErrors};

const CONTROLS: &[(&str, &str)] = &[
    ("observer.staff", "observer-staff"),
    ("observer.kind", "observer-kind-npc_deputy"),
    ("observer.phones", "observer-phones"),
    ("observer.emails", "observer-emails"),
];

#[component]
pub(super) fn ObserversSection() -> impl IntoView {
    let i18n = use_i18n();
    let staff = LocalResource::new(staff_api::staff);
    let chosen = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let phones = RwSignal::new(String::new());
    let emails = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let saved = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let name_of = move |id: &str| {
        staff
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|all| all.into_iter().find(|s| s.id == id))
            .map(|s| s.display_name)
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(None);
        let id = chosen.get_untracked();
        if id.is_empty() {
            let mut fields = FieldErrors::new();
            fields.add("observer.staff", FieldErrorCode::Required, "");
            return errors.show(refused(fields));
        }
        let name = name_of(&id).unwrap_or_else(|| id.clone());
        let (kind, phones, emails) =
            (kind.get_untracked(), lines(&phones.get_untracked()), lines(&emails.get_untracked()));
        busy.set(true);
        spawn_local(async move {
            match eval_api::set_observer(id, kind, phones, emails).await {
                Ok(()) => {
                    saved.set(Some(i18n.lang().fill("eval.observers.saved", &[("name", &name)])));
                    focus_soon("observer-status");
                }
                Err(e) if e.code() == Some(ErrorCode::NotFound) => errors.show_key("eval.observers.not_found"),
                Err(e) => errors.show(prefixed(e, "observer")),
            }
            busy.set(false);
        });
    };
    let options = Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("common.choose"))];
        if let Some(Ok(all)) = staff.get() {
            options.extend(
                all.into_iter()
                    .filter(|s| s.role == Role::Observer && s.active)
                    .map(|s| (s.id, format!("{}（{}）", s.display_name, s.username.as_str()))),
            );
        }
        options
    });
    let kinds = keyed(OBSERVER_KINDS.map(|k| (k, observer_kind_key(k))));
    let failed = move || {
        staff
            .get()
            .and_then(Result::err)
            .map(|error| view! { <LoadError error retry=Callback::new(move |_| staff.refetch())/> })
    };
    view! {
        <section aria-labelledby="observers-heading">
            <h2 id="observers-heading">{i18n.tr("eval.observers.heading")}</h2>
            <p class="hint">{i18n.tr("eval.observers.lead")}</p>
            <Saved id="observer-status" text=Signal::derive(move || saved.get())/>
            {failed}
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <SelectField id="observer-staff" label=i18n.tr("field.observer.staff") options value=chosen
                    error=errors.field("observer.staff")/>
                <RadioGroup id="observer-kind".to_owned() legend=Signal::derive(move || i18n.t("field.observer.kind").to_owned())
                    hint=Signal::derive(move || i18n.t("eval.observers.kind_hint").to_owned())
                    options=kinds value=kind error=errors.field("observer.kind")/>
                <TextField id="observer-phones" label=i18n.tr("field.observer.phones") hint=i18n.tr("eval.observers.phones_hint")
                    value=phones error=errors.field("observer.phones") multiline=true/>
                <TextField id="observer-emails" label=i18n.tr("field.observer.emails") hint=i18n.tr("eval.observers.emails_hint")
                    value=emails error=errors.field("observer.emails") multiline=true/>
                <button type="submit" id="save-observer" class="button" disabled=move || busy.get()>
                    {i18n.tr("eval.observers.save")}
                </button>
            </form>
        </section>
    }
}

/// 立即抽样: this week's samples for every observer who has none yet; those drawn stay as drawn.
#[component]
pub(super) fn DrawSamples() -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::new();
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let draw = move |_| {
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        done.set(None);
        busy.set(true);
        spawn_local(async move {
            match eval_api::draw_samples().await {
                Ok(run) => {
                    let text = i18n.lang().fill(
                        "eval.draw.done",
                        &[
                            ("week", &run.week),
                            ("drawn", &run.drawn.to_string()),
                            ("already", &run.already_drawn.to_string()),
                            ("candidates", &run.candidates.to_string()),
                        ],
                    );
                    done.set(Some(text));
                    focus_soon("draw-status");
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="draw-heading">
            <h2 id="draw-heading">{i18n.tr("eval.draw.heading")}</h2>
            <p class="hint">{i18n.tr("eval.draw.lead")}</p>
            <Saved id="draw-status" text=Signal::derive(move || done.get())/>
            <ErrorSummary items=errors.summary(&[]) attempt=errors.attempt/>
            <button type="button" id="draw-samples" class="button button--secondary" disabled=move || busy.get()
                on:click=draw>
                {i18n.tr_either(busy, "eval.draw.busy", "eval.draw.button")}
            </button>
        </section>
    }
}
