//! Form fields with their label, hint and inline error wired up for assistive technology.

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// `aria-describedby` from the parts that are present.
pub fn described_by(parts: &[Option<String>]) -> Option<String> {
    let ids: Vec<&str> = parts.iter().flatten().map(String::as_str).collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

// The helpers below return one closure type for every field, so the renderer's generic
// code for reactive attributes is instantiated once rather than once per call site.

pub fn has_error(error: Signal<Option<String>>) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    move || error.with(Option::is_some)
}

pub fn aria_invalid(error: Signal<Option<String>>) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
    move || error.with(Option::is_some).then_some("true")
}

/// The inline message under a label, `{field-id}-error`.
#[component]
pub fn InlineError(id: String, #[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        message.get().map(|m| {
            view! {
                <p id=id.clone() class="field-error">
                    <span class="visually-hidden">{i18n.t("errors.prefix")}</span>
                    {m}
                </p>
            }
        })
    }
}

#[component]
pub fn TextField(
    id: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    #[prop(optional, into)] hint: Option<Signal<&'static str>>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional)] multiline: bool,
    /// Extra ids for `aria-describedby` (e.g. a character counter).
    #[prop(optional)]
    extra_described_by: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let hint_id = hint.as_ref().map(|_| format!("{id}-hint"));
    let error_id = format!("{id}-error");
    let describedby = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            described_by(&[
                hint_id.clone(),
                extra_described_by.map(str::to_owned),
                error.with(Option::is_some).then(|| error_id.clone()),
            ])
        }
    };
    let control = if multiline {
        view! {
            <textarea
                id=id
                name=id
                rows="6"
                class="input textarea"
                class:input--error=has_error(error)
                aria-invalid=aria_invalid(error)
                aria-describedby=describedby
                disabled=disabled
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id
                name=id
                type=input_type
                class="input"
                class:input--error=has_error(error)
                autocomplete=autocomplete
                inputmode=inputmode
                aria-invalid=aria_invalid(error)
                aria-describedby=describedby
                disabled=disabled
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:field--error=has_error(error)>
            <label for=id class="label">{label}</label>
            {hint.map(|h| view! { <p id=hint_id.clone() class="hint">{h}</p> })}
            <InlineError id=error_id message=error/>
            {control}
            {children.map(|c| c())}
        </div>
    }
}

/// A labelled `<select>`; `options` are (value, text) pairs, the first usually a blank choice.
#[cfg(feature = "open")]
#[component]
pub fn SelectField(
    id: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let describedby = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    view! {
        <div class="field" class:field--error=has_error(error)>
            <label for=id class="label">{label}</label>
            <InlineError id=error_id message=error/>
            <select
                id=id
                name=id
                class="input select"
                class:input--error=has_error(error)
                aria-invalid=aria_invalid(error)
                aria-describedby=describedby
                prop:value=value
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| {
                            let selected = value.with_untracked(|current| *current == v);
                            view! { <option value=v selected=selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}
