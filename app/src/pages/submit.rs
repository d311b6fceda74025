//! `/`: submit a request.
//!
//! The draft is checked with the server's own parser first; whatever still fails on the
//! server comes back in the same shape and is shown the same way. A lost answer is retried
//! with the same idempotency key, so a double tap or a retry never files the request twice.

use crate::api::{self, ApiError};
use crate::app::{page_title, use_setup, LastSubmission, Setup};
use crate::components::category_picker::CategoryPicker;
use crate::components::error_summary::{ErrorSummary, SummaryItem};
use crate::components::field::{has_error, InlineError, TextField};
use crate::components::load_error::LoadError;
use crate::components::location_picker::LocationPicker;
use crate::components::nearby_list::NearbyList;
use crate::dom;
use crate::form::{self, Control, Draft, ShownError};
use crate::i18n::{field_message, kind_key, use_i18n};
use crate::links::idempotency_key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::catalogue::CategoryRef;
use shared::error::{ErrorCode, FieldError, FieldErrors};
use shared::request::{NewRequestInput, RequestKind};
use shared::text::Description;
use shared::ticket::SubmitResponse;

#[component]
pub fn SubmitPage() -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    page_title(move || i18n.t("submit.heading").to_owned());
    view! {
        <div class="page">
            <h1>{i18n.tr("submit.heading")}</h1>
            <p class="lead">{i18n.tr("submit.lead")}</p>
            {move || match setup.get() {
                None => view! { <p class="loading" role="status">{i18n.tr("common.loading")}</p> }.into_any(),
                Some(Ok(setup)) => view! { <SubmitForm setup/> }.into_any(),
                Some(Err(error)) => {
                    view! { <LoadError error retry=Callback::new(move |_| setup.refetch())/> }.into_any()
                }
            }}
        </div>
    }
}

/// A problem the summary shows without a field to point at. Kept as data so it is
/// re-translated when the language changes.
#[derive(Debug, Clone, PartialEq)]
enum General {
    Api(ApiError),
    Field(String, FieldError),
}

fn new_key() -> String {
    idempotency_key(dom::random_bytes())
}

/// Whether trying again with the same key can help (the first try may have arrived).
fn retryable(e: &ApiError) -> bool {
    match e {
        ApiError::Network => true,
        ApiError::Unexpected { status } => *status == 0 || *status >= 500,
        ApiError::Api { body, .. } => matches!(body.code, ErrorCode::Conflict | ErrorCode::Internal),
    }
}

#[component]
fn SubmitForm(setup: Setup) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let last = use_context::<LastSubmission>();
    let Setup { config, catalogue } = setup;
    let picker_catalogue = catalogue.clone();
    let area = config.city.service_area;

    let category = RwSignal::new(None::<CategoryRef>);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let point = RwSignal::new(None::<(f64, f64)>);
    let address = RwSignal::new(String::new());
    let kind = RwSignal::new(RequestKind::Citizen);
    let anonymous = RwSignal::new(false);
    let contact_name = RwSignal::new(String::new());
    let contact_phone = RwSignal::new(String::new());
    let contact_email = RwSignal::new(String::new());

    let shown = RwSignal::new(Vec::<ShownError>::new());
    let general = RwSignal::new(Vec::<General>::new());
    let attempt = RwSignal::new(0u32);
    let sending = RwSignal::new(false);
    let failed = RwSignal::new(None::<ApiError>);
    // Kept by the service worker while offline, to be sent when the network is back.
    let kept = RwSignal::new(false);
    // One key per draft: reused by retries, replaced after success.
    let key = StoredValue::new(new_key());
    let last_input = StoredValue::new(None::<NewRequestInput>);

    let error_for = move |control: Control| {
        Signal::derive(move || {
            let lang = i18n.lang();
            shown.with(|s| s.iter().find(|e| e.control == control).map(|e| field_message(lang, &e.path, &e.error)))
        })
    };

    let summary = Signal::derive(move || {
        let lang = i18n.lang();
        let mut items: Vec<SummaryItem> = shown.with(|s| {
            s.iter()
                .map(|e| SummaryItem { target: Some(e.control.id()), text: field_message(lang, &e.path, &e.error) })
                .collect()
        });
        items.extend(general.with(|g| {
            g.iter()
                .map(|e| SummaryItem {
                    target: None,
                    text: match e {
                        General::Api(api) => api.describe(lang),
                        General::Field(path, err) => format!("{path}: {}", field_message(lang, path, err)),
                    },
                })
                .collect::<Vec<_>>()
        }));
        items
    });

    let show_field_errors = move |errors: FieldErrors| {
        let (fields, rest) = form::arrange(&errors);
        shown.set(fields);
        general.set(rest.into_iter().map(|(p, e)| General::Field(p, e)).collect());
        attempt.update(|n| *n += 1);
    };

    let send = move |input: NewRequestInput| {
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        failed.set(None);
        last_input.set_value(Some(input.clone()));
        let idempotency = key.get_value();
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = api::submit(&input, &idempotency).await;
            sending.set(false);
            match result {
                Ok(response) => {
                    remember(&response, last);
                    key.set_value(new_key());
                    navigate(&format!("/submitted/{}", response.tracking_no), Default::default());
                }
                Err(ApiError::Api { body, .. }) if body.code == ErrorCode::ValidationFailed => {
                    show_field_errors(body.fields);
                }
                Err(ApiError::Network) if crate::offline::offline() => {
                    if crate::offline::keep(&idempotency, &input).await {
                        kept.set(true);
                        let navigate = navigate.clone();
                        crate::offline::on_outcome(idempotency.clone(), move |outcome| {
                            kept.set(false);
                            match outcome {
                                crate::offline::Outcome::Sent(response) => {
                                    remember(&response, last);
                                    key.set_value(new_key());
                                    navigate(&format!("/submitted/{}", response.tracking_no), Default::default());
                                }
                                crate::offline::Outcome::Refused(error) => {
                                    general.set(vec![General::Api(error)]);
                                    attempt.update(|n| *n += 1);
                                }
                            }
                        });
                    } else {
                        failed.set(Some(ApiError::Network));
                    }
                }
                Err(e) if retryable(&e) => failed.set(Some(e)),
                Err(e) => {
                    if e.code() == Some(ErrorCode::IdempotencyKeyReused) {
                        // The draft changed after a try whose answer was lost; the next press
                        // is a new submission.
                        key.set_value(new_key());
                    }
                    shown.set(Vec::new());
                    general.set(vec![General::Api(e)]);
                    attempt.update(|n| *n += 1);
                }
            }
        });
    };
    let send = StoredValue::new_local(send);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        let draft = Draft {
            category: category.get_untracked().map(|c| c.code.to_string()),
            title: title.get_untracked(),
            description: description.get_untracked(),
            point: point.get_untracked(),
            address: address.get_untracked(),
            kind: kind.get_untracked(),
            anonymous: anonymous.get_untracked(),
            contact_name: contact_name.get_untracked(),
            contact_phone: contact_phone.get_untracked(),
            contact_email: contact_email.get_untracked(),
        };
        match draft.validate(&catalogue, &area) {
            Err(errors) => {
                failed.set(None);
                show_field_errors(errors);
            }
            Ok(input) => {
                shown.set(Vec::new());
                general.set(Vec::new());
                send.with_value(|send| send(input));
            }
        }
    };

    let retry = move |_| {
        if let Some(input) = last_input.get_value() {
            send.with_value(|send| send(input));
        }
    };

    let description_count = move || {
        i18n.tf(
            "field.description.count",
            &[
                ("count", &description.with(|d| d.chars().count()).to_string()),
                ("max", &Description::MAX_CHARS.to_string()),
            ],
        )
    };
    let over_limit = move || description.with(|d| d.chars().count() > Description::MAX_CHARS);

    let kind_error = error_for(Control::Kind);
    let anonymous_error = error_for(Control::Anonymous);

    view! {
        <ErrorSummary items=summary attempt=attempt/>
        <form class="form" novalidate on:submit=on_submit>
            <CategoryPicker catalogue=picker_catalogue selected=category error=error_for(Control::Category)/>
            <TextField
                id="title"
                label=i18n.tr("field.title")
                hint=i18n.tr("field.title.hint")
                value=title
                error=error_for(Control::Title)
            />
            <TextField
                id="description"
                label=i18n.tr("field.description")
                hint=i18n.tr("field.description.hint")
                value=description
                error=error_for(Control::Description)
                multiline=true
                extra_described_by="description-count"
            >
                <p id="description-count" class="counter" class:counter--over=over_limit>
                    {description_count}
                </p>
            </TextField>
            <LocationPicker config=config.clone() point error=error_for(Control::Map)/>
            <NearbyList category point/>
            <TextField
                id="address"
                label=i18n.tr("label.address")
                hint=i18n.tr("field.location.address.hint")
                value=address
                error=error_for(Control::Address)
                autocomplete="street-address"
            />
            <fieldset class="field fieldset" class:field--error=has_error(kind_error)>
                <legend class="label">{i18n.tr("field.kind")}</legend>
                <InlineError id=Control::Kind.error_id() message=kind_error/>
                <div class="radios">
                    {[RequestKind::Citizen, RequestKind::Enterprise]
                        .into_iter()
                        .map(|k| {
                            let id = format!("kind-{}", k.as_str());
                            view! {
                                <div class="radio">
                                    <input
                                        type="radio"
                                        id=id.clone()
                                        name="kind"
                                        value=k.as_str()
                                        prop:checked=move || kind.get() == k
                                        on:change=move |_| kind.set(k)
                                        aria-describedby=move || kind_error.with(Option::is_some).then_some("kind-error")
                                    />
                                    <label for=id>{i18n.tr_key(kind_key(k))}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <crate::components::photo_picker::PhotoPicker max_side=config.photo_max_side/>
            <fieldset class="field fieldset">
                <legend class="label">{i18n.tr("contact.heading")}</legend>
                <p id="contact-hint" class="hint">{i18n.tr("contact.hint")}</p>
                <InlineError id=Control::Anonymous.error_id() message=anonymous_error/>
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id="anonymous"
                        name="anonymous"
                        prop:checked=anonymous
                        on:change=move |ev| anonymous.set(event_target_checked(&ev))
                        aria-describedby=move || {
                            if anonymous_error.with(Option::is_some) {
                                "anonymous-hint anonymous-error"
                            } else {
                                "anonymous-hint"
                            }
                        }
                        aria-controls="contact-fields"
                    />
                    <label for="anonymous">{i18n.tr("field.anonymous")}</label>
                </div>
                <p id="anonymous-hint" class="hint hint--indented">{i18n.tr("field.anonymous.hint")}</p>
                // Hidden and disabled rather than removed: what was typed comes back if the box
                // is unticked, and it is never sent while ticked.
                <div id="contact-fields" class="contact-fields" hidden=anonymous>
                    <TextField
                        id="contact-name"
                        label=i18n.tr("label.contact.name")
                        value=contact_name
                        error=error_for(Control::ContactName)
                        autocomplete="name"
                        disabled=anonymous
                    />
                    <TextField
                        id="contact-phone"
                        label=i18n.tr("label.contact.phone")
                        value=contact_phone
                        error=error_for(Control::ContactPhone)
                        input_type="tel"
                        autocomplete="tel"
                        inputmode="tel"
                        disabled=anonymous
                    />
                    <TextField
                        id="contact-email"
                        label=i18n.tr("label.contact.email")
                        value=contact_email
                        error=error_for(Control::ContactEmail)
                        input_type="email"
                        autocomplete="email"
                        inputmode="email"
                        disabled=anonymous
                    />
                </div>
            </fieldset>
            <div class="notice" id="kept-offline" role="status" hidden=move || !kept.get()>
                <p>{i18n.tr("submit.kept_offline")}</p>
            </div>
            <div class="notice notice--error" role="alert" hidden=move || failed.with(Option::is_none)>
                <p>
                    {move || failed.get().map(|e| e.describe(i18n.lang()))}
                    " "
                    {i18n.tr("submit.not_confirmed")}
                </p>
                <button type="button" id="retry" class="button button--secondary" on:click=retry disabled=sending>
                    {i18n.tr("common.retry")}
                </button>
            </div>
            <button type="submit" id="submit" class="button" disabled=sending aria-busy=move || sending.get().then_some("true")>
                {i18n.tr_either(sending, "submit.sending", "submit.button")}
            </button>
        </form>
    }
}

/// Keep the answer for the confirmation page, where the private link is shown once.
fn remember(response: &SubmitResponse, last: Option<LastSubmission>) {
    if let Some(LastSubmission(signal)) = last {
        signal.set(Some(response.clone()));
    }
    crate::pages::submitted::remember_token(&response.tracking_no, &response.token);
}
