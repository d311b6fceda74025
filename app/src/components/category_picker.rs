//! Category search across all three levels, as an ARIA 1.2 combobox with a listbox popup.
//!
//! Focus stays in the text input; the highlighted option is announced through
//! `aria-activedescendant`. Options react to `mousedown` (with the default prevented) so a
//! click does not blur the input and close the list before it lands.

use super::field::{aria_invalid, described_by, has_error, InlineError};
use crate::form::Control;
use crate::i18n::use_i18n;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use shared::catalogue::{Catalogue, CategoryRef};
use std::sync::Arc;

/// More than this many matches are cut, with a note to type more.
const MAX_SHOWN: usize = 50;
const SEPARATOR: &str = " › ";

pub fn path_text(r: &CategoryRef) -> String {
    r.path.join(SEPARATOR)
}

fn option_id(i: usize) -> String {
    format!("category-option-{i}")
}

#[component]
pub fn CategoryPicker(
    catalogue: Arc<Catalogue>,
    selected: RwSignal<Option<CategoryRef>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(selected.get_untracked().map(|r| path_text(&r)).unwrap_or_default());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let input_ref = NodeRef::<leptos::html::Input>::new();

    // (shown matches, total matches); nothing while a choice is displayed in the box.
    let results = Memo::new(move |_| {
        if selected.with(Option::is_some) {
            return (Vec::new(), 0);
        }
        let query = text.get();
        if query.trim().is_empty() {
            return (Vec::new(), 0);
        }
        let mut all = catalogue.search(&query);
        let total = all.len();
        all.truncate(MAX_SHOWN);
        (all, total)
    });
    let expanded = move || open.get() && results.with(|(r, _)| !r.is_empty());

    let choose = move |r: CategoryRef| {
        text.set(path_text(&r));
        selected.set(Some(r));
        open.set(false);
        active.set(None);
    };
    let change = move |_| {
        selected.set(None);
        text.set(String::new());
        if let Some(input) = input_ref.get() {
            let _ = input.focus();
        }
    };

    // Keep the highlighted option visible in a scrolled list.
    Effect::new(move |_| {
        if let Some(i) = active.get() {
            request_animation_frame(move || {
                if let Some(el) = document().get_element_by_id(&option_id(i)) {
                    let options = web_sys::ScrollIntoViewOptions::new();
                    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                    el.scroll_into_view_with_scroll_into_view_options(&options);
                }
            });
        }
    });

    let on_keydown = move |ev: KeyboardEvent| {
        let count = results.with(|(r, _)| r.len());
        match ev.key().as_str() {
            "ArrowDown" | "Down" => {
                ev.prevent_default();
                if count == 0 {
                    return;
                }
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" | "Up" => {
                ev.prevent_default();
                if count == 0 {
                    return;
                }
                open.set(true);
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" => {
                if !expanded() {
                    // A bare Enter in the search box would submit a half-filled form.
                    if selected.with_untracked(Option::is_none) && !text.with_untracked(String::is_empty) {
                        ev.prevent_default();
                    }
                    return;
                }
                ev.prevent_default();
                let pick = active.get_untracked().or((count == 1).then_some(0));
                if let Some(r) = pick.and_then(|i| results.with_untracked(|(r, _)| r.get(i).cloned())) {
                    choose(r);
                }
            }
            "Escape" | "Esc" => {
                if expanded() {
                    ev.prevent_default();
                    open.set(false);
                    active.set(None);
                } else if selected.with_untracked(Option::is_none) && !text.with_untracked(String::is_empty) {
                    ev.prevent_default();
                    text.set(String::new());
                }
            }
            _ => {}
        }
    };

    let describedby = move || {
        described_by(&[
            Some("category-hint".to_owned()),
            selected.with(Option::is_some).then(|| "category-chosen".to_owned()),
            error.with(Option::is_some).then(|| "category-search-error".to_owned()),
        ])
    };

    view! {
        <div class="field combobox" class:field--error=has_error(error)>
            <label for="category-search" class="label">{i18n.tr("field.category")}</label>
            <p id="category-hint" class="hint">{i18n.tr("category.hint")}</p>
            <InlineError id=Control::Category.error_id() message=error/>
            <div class="combobox__wrap">
                <input
                    id="category-search"
                    node_ref=input_ref
                    type="text"
                    class="input"
                    class:input--error=has_error(error)
                    role="combobox"
                    autocomplete="off"
                    aria-autocomplete="list"
                    aria-controls="category-listbox"
                    aria-expanded=move || if expanded() { "true" } else { "false" }
                    aria-activedescendant=move || {
                        if expanded() { active.get().map(option_id) } else { None }
                    }
                    aria-invalid=aria_invalid(error)
                    aria-describedby=describedby
                    prop:value=text
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        // Typing again means the shown choice no longer stands.
                        selected.set(None);
                        active.set(None);
                        open.set(true);
                    }
                    on:focus=move |_| open.set(true)
                    on:blur=move |_| {
                        open.set(false);
                        active.set(None);
                    }
                    on:keydown=on_keydown
                />
                <ul
                    id="category-listbox"
                    role="listbox"
                    class="combobox__listbox"
                    aria-label=i18n.tr("category.results_label")
                    hidden=move || !expanded()
                >
                    {move || {
                        results
                            .get()
                            .0
                            .into_iter()
                            .enumerate()
                            .map(|(i, r)| {
                                let leaf = r.path.last().cloned().unwrap_or_default();
                                let parents: String = r
                                    .path
                                    .iter()
                                    .take(r.path.len().saturating_sub(1))
                                    .map(|p| format!("{p}{SEPARATOR}"))
                                    .collect();
                                let is_active = move || active.get() == Some(i);
                                view! {
                                    <li
                                        id=option_id(i)
                                        role="option"
                                        class="combobox__option"
                                        class:combobox__option--active=is_active
                                        aria-selected=move || if is_active() { "true" } else { "false" }
                                        on:mousedown=move |ev| ev.prevent_default()
                                        on:click=move |_| choose(r.clone())
                                    >
                                        <span class="combobox__parents">{parents}</span>
                                        <span class="combobox__leaf">{leaf}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
            <p class="combobox__note" hidden=move || !(expanded() && results.with(|(_, n)| *n > MAX_SHOWN))>
                {move || i18n.tf("category.more", &[("shown", &MAX_SHOWN.to_string()), ("total", &results.with(|(_, n)| n.to_string()))])}
            </p>
            <p
                class="combobox__note"
                hidden=move || {
                    !(open.get() && selected.with(Option::is_none) && !text.with(|t| t.trim().is_empty())
                        && results.with(|(r, _)| r.is_empty()))
                }
            >
                {i18n.tr("category.no_match")}
            </p>
            // Announces how many matches there are while the user types.
            <p class="visually-hidden" role="status">
                {move || {
                    if expanded() {
                        i18n.tf("category.count", &[("count", &results.with(|(_, n)| n.to_string()))])
                    } else {
                        String::new()
                    }
                }}
            </p>
            <Show when=move || selected.with(Option::is_some)>
                <div class="chosen">
                    <p id="category-chosen" class="chosen__text">
                        <span class="chosen__label">{i18n.tr("category.chosen")}</span>
                        " "
                        <strong>{move || selected.get().map(|r| path_text(&r))}</strong>
                    </p>
                    <button type="button" class="button button--secondary button--small" on:click=change>
                        {i18n.tr("category.change")}
                    </button>
                </div>
            </Show>
        </div>
    }
}
