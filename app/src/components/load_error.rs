//! A failed load: say what happened and offer to try again.

use crate::api::ApiError;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn LoadError(error: ApiError, retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice notice--error" role="alert">
            <h2>{i18n.tr("load.failed")}</h2>
            <p>{move || error.describe(i18n.lang())}</p>
            <button type="button" class="button button--secondary" on:click=move |_| retry.run(())>
                {i18n.tr("common.retry")}
            </button>
        </div>
    }
}
