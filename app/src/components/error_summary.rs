//! The GOV.UK-style error summary: a heading and one link per problem. Focus moves to it
//! after each failed attempt so screen-reader and keyboard users land on the explanation.

use crate::dom;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// One line of the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryItem {
    /// The element a link moves focus to; `None` for a problem with no field (shown as text).
    pub target: Option<&'static str>,
    pub text: String,
}

#[component]
pub fn ErrorSummary(
    #[prop(into)] items: Signal<Vec<SummaryItem>>,
    /// Bumped on every failed attempt, so the same errors twice still move focus.
    #[prop(into)]
    attempt: Signal<u32>,
    /// For a page with two forms that may both show their summary (`error-summary` otherwise).
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = id.unwrap_or("error-summary");
    Effect::new(move |_| {
        attempt.track();
        if !items.with_untracked(Vec::is_empty) {
            // After this tick's render, so the summary exists before it takes focus.
            request_animation_frame(move || {
                dom::focus_id(id);
            });
        }
    });
    let title = format!("{id}-title");
    view! {
        <Show when=move || items.with(|i| !i.is_empty())>
            <div
                id=id
                class="error-summary"
                tabindex="-1"
                aria-labelledby=title.clone()
            >
                <h2 id=title.clone() class="error-summary__title">
                    {i18n.tr("errors.summary_title")}
                </h2>
                <ul class="error-summary__list">
                    // A plain re-render, not <For>: a handful of items, and the keyed diff
                    // would cost more wasm than it saves work.
                    {move || {
                        items
                            .get()
                            .into_iter()
                            .map(|item| match item.target {
                                Some(target) => view! {
                                    <li>
                                        <a
                                            href=format!("#{target}")
                                            on:click=move |ev| {
                                                // Not a navigation: the router must not see it.
                                                ev.prevent_default();
                                                dom::focus_id(target);
                                            }
                                        >
                                            {item.text}
                                        </a>
                                    </li>
                                }
                                    .into_any(),
                                None => view! { <li>{item.text}</li> }.into_any(),
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}
