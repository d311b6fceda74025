//! 答复: the lead's answer to the citizen. The draft can be checked first; each warning is
//! said in words, and a draft with warnings goes out only with a reason (kept and counted).

use super::ticket::{renamed, Work};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::staff_form::nonblank;
use crate::i18n::{use_i18n, Lang};
use crate::pages::staff::dispatch::parts::{focus_soon, Lookups};
use crate::work_api::{self, quality_warnings, warning_key, ReplyCheck};
use leptos::prelude::*;
use leptos::task::spawn_local;

const CONTROLS: &[(&str, &str)] = &[("reply_text", "reply-text"), ("override_reason", "reply-override")];
const FIELDS: &[(&str, &str)] = &[("text", "reply_text")];

/// One warning in words; a missing part names the departments when the check said which.
fn warning_text(lang: Lang, names: &Lookups, code: &str, missing: &[String]) -> String {
    if code == "missing_parts" && !missing.is_empty() {
        lang.fill("work.warning.missing_parts_named", &[("departments", &names.departments_named(missing, lang))])
    } else {
        lang.text(&warning_key(code))
    }
}

#[component]
pub fn Reply(work: Work) -> impl IntoView {
    let i18n = use_i18n();
    let errors = work.forms.reply;
    let text = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    // The last check, with the draft it was made on.
    let checked = RwSignal::new(None::<(String, ReplyCheck)>);
    let checking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let has_warnings = move || checked.with(|c| c.as_ref().is_some_and(|(_, c)| !c.warnings.is_empty()));
    let check = move |_| {
        if checking.get_untracked() {
            return;
        }
        work.start();
        checking.set(true);
        let draft = text.get_untracked();
        spawn_local(async move {
            match work_api::check_reply(work.no.get_untracked(), draft.clone()).await {
                Ok(result) => {
                    checked.set(Some((draft, result)));
                    focus_soon("reply-check");
                }
                Err(e) => work.failed(errors, renamed(e, FIELDS)),
            }
            checking.set(false);
        });
    };
    let attached = use_context::<crate::components::staff_photos::AttachedPhotos>();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(version) = work.version() else { return };
        if busy.get_untracked() {
            return;
        }
        work.start();
        busy.set(true);
        let draft = text.get_untracked();
        // A reason typed for an earlier draft's warnings still goes: the server ignores it when
        // the reply passes, and keeps it when it does not.
        let override_reason = if has_warnings() { nonblank(reason) } else { None };
        spawn_local(async move {
            let photos = attached.map(|a| a.ids()).unwrap_or_default();
            match work_api::reply(work.no.get_untracked(), version, draft.clone(), override_reason, photos).await {
                Ok(moved) => {
                    text.set(String::new());
                    if let Some(a) = attached {
                        a.clear();
                    }
                    reason.set(String::new());
                    checked.set(None);
                    work.succeeded("work.reply.done", Some(moved.version));
                }
                Err(e) => {
                    // Held back: show why, and the reason field that lets it go anyway.
                    if let Some(warnings) = quality_warnings(&e) {
                        let missing_parts = checked
                            .with_untracked(|c| c.as_ref().map(|(_, c)| c.missing_parts.clone()))
                            .unwrap_or_default();
                        checked.set(Some((draft, ReplyCheck { passes: false, warnings, missing_parts })));
                    }
                    work.failed(errors, renamed(e, FIELDS));
                }
            }
            busy.set(false);
        });
    };
    let outcome = move || {
        let (draft, result) = checked.get()?;
        let changed = text.with(|t| *t != draft);
        if result.warnings.is_empty() {
            let key = if changed { "work.reply.passed_changed" } else { "work.reply.passed" };
            return Some(view! { <p class="notice notice--success">{i18n.tr_key(key.to_owned())}</p> }.into_any());
        }
        let names = work.lookups.get().unwrap_or_default();
        let items = result
            .warnings
            .iter()
            .map(|code| {
                let (code, missing, names) = (code.clone(), result.missing_parts.clone(), names.clone());
                view! { <li>{move || warning_text(i18n.lang(), &names, &code, &missing)}</li> }
            })
            .collect_view();
        Some(
            view! {
                <div class="notice notice--error">
                    <h3>{i18n.tr("work.reply.warnings")}</h3>
                    <ul id="reply-warnings">{items}</ul>
                    {changed.then(|| view! { <p>{i18n.tr("work.reply.changed")}</p> })}
                </div>
            }
            .into_any(),
        )
    };
    view! {
        <section aria-labelledby="reply-heading" id="reply" class="panel-section">
            <h2 id="reply-heading">{i18n.tr("work.reply.heading")}</h2>
            <p class="hint">{i18n.tr("work.reply.lead")}</p>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="reply-text" label=i18n.tr("field.reply_text") hint=i18n.tr("work.reply.hint")
                    value=text error=errors.field("reply_text") multiline=true/>
                <div id="reply-check" role="status" tabindex="-1">{outcome}</div>
                <div class="button-row">
                    <button type="button" id="check-reply" class="button button--secondary"
                        disabled=move || checking.get() on:click=check>
                        {i18n.tr_either(checking, "work.reply.checking", "work.reply.check")}
                    </button>
                </div>
                <Show when=has_warnings>
                    <TextField id="reply-override" label=i18n.tr("field.override_reason")
                        hint=i18n.tr("work.reply.override_hint") value=reason error=errors.field("override_reason")
                        multiline=true/>
                </Show>
                <button type="submit" id="send-reply" class="button" disabled=move || busy.get()>
                    {i18n.tr_either(busy, "work.reply.sending", "work.reply.send")}
                </button>
            </form>
        </section>
    }
}
