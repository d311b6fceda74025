//! Radio groups for the evaluation forms: a fieldset with its legend, hint and inline error,
//! and the 1–5 scale observers and citizens answer on (words for the ends). A form may be on
//! a page several times (one grading form per sampled ticket), so its ids are made at run
//! time; the error summary wants `&'static str`, which [`controls`] provides.

use crate::components::field::{described_by, has_error, InlineError};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;

/// (value, label) of each radio.
pub type Options = Vec<(String, Signal<String>)>;

/// A group of radios; radio `v` has the id `{id}-{v}` and the inline error is `{id}-error`.
#[component]
pub fn RadioGroup(
    id: String,
    #[prop(into)] legend: Signal<String>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    options: Options,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let hint_id = hint.as_ref().map(|_| format!("{id}-hint"));
    let error_id = format!("{id}-error");
    let describedby = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || described_by(&[hint_id.clone(), error.with(Option::is_some).then(|| error_id.clone())])
    };
    let radios = options
        .into_iter()
        .map(|(v, label)| {
            let radio = format!("{id}-{v}");
            let (checked, chosen) = (v.clone(), v.clone());
            view! {
                <div class="radio">
                    <input type="radio" name=id.clone() id=radio.clone() value=v
                        prop:checked=move || value.with(|current| *current == checked)
                        on:change=move |_| value.set(chosen.clone())/>
                    <label for=radio>{label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="fieldset field" class:field--error=has_error(error) aria-describedby=describedby>
            <legend class="label">{legend}</legend>
            {hint.map(|h| view! { <p id=hint_id.clone() class="hint">{h}</p> })}
            <InlineError id=error_id message=error/>
            <div class="radios">{radios}</div>
        </fieldset>
    }
}

/// 1 to 5, the ends in words ("1 分：很差" … "5 分：很好").
pub fn scale() -> Options {
    let i18n = use_i18n();
    let keys = ["eval.scale.1", "eval.scale.2", "eval.scale.3", "eval.scale.4", "eval.scale.5"];
    keys.into_iter()
        .enumerate()
        .map(|(i, key)| ((i + 1).to_string(), Signal::derive(move || i18n.t(key).to_owned())))
        .collect()
}

/// Options from translation keys.
pub fn keyed(items: impl IntoIterator<Item = (&'static str, String)>) -> Options {
    let i18n = use_i18n();
    items.into_iter().map(|(value, key)| (value.to_owned(), Signal::derive(move || i18n.lang().text(&key)))).collect()
}

/// A text made at run time as `&'static str`: each distinct one is leaked once, so the cost is
/// bounded by the ids and field names ever shown.
pub fn intern(text: &str) -> &'static str {
    thread_local! {
        static TEXTS: RefCell<HashMap<String, &'static str>> = RefCell::default();
    }
    TEXTS.with(|texts| {
        let mut texts = texts.borrow_mut();
        if let Some(known) = texts.get(text) {
            return *known;
        }
        let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
        texts.insert(text.to_owned(), leaked);
        leaked
    })
}

/// (field, control id) pairs as `FormErrors::summary` takes them.
pub type Controls = &'static [(&'static str, &'static str)];

/// The (field, control id) list of one copy of a form, for `FormErrors::summary`.
pub fn controls(pairs: &[(String, String)]) -> Controls {
    thread_local! {
        static LISTS: RefCell<HashMap<Vec<(String, String)>, Controls>> = RefCell::default();
    }
    LISTS.with(|lists| {
        let mut lists = lists.borrow_mut();
        if let Some(known) = lists.get(pairs) {
            return *known;
        }
        let list: Vec<(&'static str, &'static str)> = pairs.iter().map(|(f, id)| (intern(f), intern(id))).collect();
        let leaked: Controls = Box::leak(list.into_boxed_slice());
        lists.insert(pairs.to_vec(), leaked);
        leaked
    })
}
