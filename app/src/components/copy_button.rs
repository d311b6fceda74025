//! Copy a text to the clipboard and say whether it worked (politely, for screen readers).

use crate::dom;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    Failed,
}

#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    id: &'static str,
    /// What the button copies; a link by default.
    #[prop(default = "submitted.copy")]
    label: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(Copied::Not);
    let copy = move |_| {
        let text = text.get_untracked();
        spawn_local(async move {
            let ok = dom::copy_text(&text).await;
            state.set(if ok { Copied::Yes } else { Copied::Failed });
        });
    };
    view! {
        <button type="button" class="button button--secondary" id=id on:click=copy>
            {i18n.tr(label)}
        </button>
        <span class="copy-status" role="status">
            {move || match state.get() {
                Copied::Not => "",
                Copied::Yes => i18n.t("submitted.copied"),
                Copied::Failed => i18n.t("submitted.copy_failed"),
            }}
        </span>
    }
}
