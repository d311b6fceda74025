//! Pieces the staff pages' forms share.

use crate::api::ApiError;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared::org::Department;

/// A text input's value for the API: absent when blank, so the server names it as missing.
pub fn nonblank(value: RwSignal<String>) -> Option<String> {
    Some(value.get_untracked()).filter(|v| !v.trim().is_empty())
}

/// Fixed `<select>` choices, (wire value, translation key), after a "choose" prompt.
pub fn choices<const N: usize>(items: [(&'static str, String); N]) -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let lang = i18n.lang();
        std::iter::once((String::new(), lang.text("common.choose")))
            .chain(items.iter().map(|(value, key)| ((*value).to_owned(), lang.text(key))))
            .collect()
    })
}

/// Active departments as `<select>` choices after a "none" choice.
pub fn department_choices(list: LocalResource<Result<Vec<Department>, ApiError>>) -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("common.none"))];
        if let Some(Ok(departments)) = list.get() {
            options.extend(departments.into_iter().filter(|d| d.active).map(|d| (d.code, d.name)));
        }
        options
    })
}

/// "Saved: …" after a successful create, announced to screen readers.
#[component]
pub fn SavedNotice(saved: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        saved.get().map(|name| {
            view! {
                <p class="notice notice--success" role="status">{i18n.lang().fill("staff.saved", &[("name", &name)])}</p>
            }
        })
    }
}
