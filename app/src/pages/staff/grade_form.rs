//! One sampled request as an observer grades it: the request, the reply, whether it came in
//! time, and three 1–5 scores (real resolution, reply quality, timeliness) with an optional
//! comment. Grading again replaces the grade; the comment is published with personal data
//! taken out, and the card says so when that changed it.

use super::dispatch::parts::Lookups;
use super::radios::{controls, intern, scale, RadioGroup};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::components::time::Time;
use crate::dom;
use crate::eval_api::{self, grade_input, prefixed, refused};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::ErrorCode;
use shared::grading::{Grade, SampleItem};

/// The scores, in the form's order: (API field, legend key, hint key).
const SCORES: [(&str, &str, &str); 3] = [
    ("resolution", "field.grade.resolution", "samples.hint.resolution"),
    ("quality", "field.grade.quality", "samples.hint.quality"),
    ("timeliness", "field.grade.timeliness", "samples.hint.timeliness"),
];

#[component]
pub fn GradeCard(
    sample: i64,
    item: SampleItem,
    names: LocalResource<Lookups>,
    active: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let no = item.tracking_no.clone();
    // Ids of this copy of the form: a request is in one sample of a week, never twice in one.
    let key = format!("g{sample}-{no}");
    let recorded = RwSignal::new(item.grade.clone());
    let card_id = format!("{key}-card");
    let department =
        item.department.clone().map(|code| move || names.get().map_or_else(|| code.clone(), |n| n.department(&code)));
    let timing = match (item.replied_at, item.resolution_due) {
        (Some(replied), Some(due)) => Some(replied <= due),
        _ => None,
    };
    let timing = timing.map(|on_time| {
        let key = if on_time { "samples.on_time" } else { "samples.late" };
        view! { " "<span class="tag" class:tag--urgent=!on_time>{i18n.tr(key)}</span> }
    });
    view! {
        <li class="card" id=card_id>
            <h3 class="card__title">{item.title}</h3>
            <p class="queue__meta"><span class="mono">{no.clone()}</span></p>
            <dl class="facts">
                {department.map(|d| view! { <div><dt>{i18n.tr("samples.department")}</dt><dd>{d}</dd></div> })}
                <div><dt>{i18n.tr("samples.description")}</dt><dd class="description">{item.description}</dd></div>
                <div>
                    <dt>{i18n.tr("samples.reply")}</dt>
                    <dd class="description">{item.reply.unwrap_or_else(|| i18n.t("samples.no_reply").to_owned())}</dd>
                </div>
                <div>
                    <dt>{i18n.tr("samples.replied_at")}</dt>
                    <dd>{item.replied_at.map(|at| view! { <Time at/> })}{timing}</dd>
                </div>
                {item.resolution_due.map(|at| view! {
                    <div><dt>{i18n.tr("samples.due")}</dt><dd><Time at/></dd></div>
                })}
            </dl>
            <GradeForm sample no key recorded active/>
        </li>
    }
}

#[component]
fn GradeForm(
    sample: i64,
    no: String,
    key: String,
    recorded: RwSignal<Option<Grade>>,
    active: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let start = recorded.get_untracked();
    let number = |n: Option<u8>| n.map(|n| n.to_string()).unwrap_or_default();
    let scores: [RwSignal<String>; 3] = [
        RwSignal::new(number(start.as_ref().map(|g| g.resolution))),
        RwSignal::new(number(start.as_ref().map(|g| g.quality))),
        RwSignal::new(number(start.as_ref().map(|g| g.timeliness))),
    ];
    let comment = RwSignal::new(start.and_then(|g| g.comment).unwrap_or_default());
    let errors = FormErrors::new();
    // The comment as published, once saved.
    let saved = RwSignal::new(None::<Option<String>>);
    let busy = RwSignal::new(false);
    let me = StoredValue::new(key.clone());
    // Another card's form was sent: this one's messages give way.
    Effect::new(move |_| {
        if !active.with(|a| a.as_deref() == Some(me.get_value().as_str())) {
            errors.clear();
            saved.set(None);
        }
    });
    let status_id = format!("{key}-status");
    let comment_id = intern(&format!("{key}-comment"));
    let controls = controls(&[
        ("grade.resolution".into(), format!("{key}-resolution-1")),
        ("grade.quality".into(), format!("{key}-quality-1")),
        ("grade.timeliness".into(), format!("{key}-timeliness-1")),
        ("grade.comment".into(), comment_id.to_owned()),
    ]);
    let number = StoredValue::new(no.clone());
    let focus_status = status_id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        active.set(Some(me.get_value()));
        errors.clear();
        saved.set(None);
        let [r, q, t] = scores.map(|s| s.get_untracked());
        let input = grade_input(&r, &q, &t, &comment.get_untracked());
        if let Err(fields) = Grade::parse(&input) {
            return errors.show(prefixed(refused(fields), "grade"));
        }
        busy.set(true);
        let focus_status = focus_status.clone();
        spawn_local(async move {
            match eval_api::grade(sample, number.get_value(), input).await {
                Ok(done) => {
                    recorded.set(Some(done.grade));
                    saved.set(Some(done.published_comment));
                    request_animation_frame(move || {
                        dom::focus_id(&focus_status);
                    });
                }
                Err(e) if e.code() == Some(ErrorCode::NotFound) => errors.show_key("samples.not_in_sample"),
                Err(e) => errors.show(prefixed(e, "grade")),
            }
            busy.set(false);
        });
    };
    let groups = SCORES
        .into_iter()
        .zip(scores)
        .map(|((field, legend, hint), value)| {
            let path = intern(&format!("grade.{field}"));
            view! {
                <RadioGroup id=format!("{key}-{field}") legend=Signal::derive(move || i18n.t(legend).to_owned())
                    hint=Signal::derive(move || i18n.t(hint).to_owned()) options=scale() value
                    error=errors.field(path)/>
            }
        })
        .collect_view();
    let status = {
        let no = no.clone();
        move || {
            saved.get().map(|published| {
                let lang = i18n.lang();
                let mut text = lang.fill("samples.saved", &[("no", &no)]);
                let typed = comment.get_untracked();
                if let Some(published) = published.filter(|p| p.trim() != typed.trim()) {
                    text.push(' ');
                    text.push_str(&lang.fill("samples.published_as", &[("comment", &published)]));
                }
                text
            })
        }
    };
    let shown = move || saved.with(Option::is_some);
    let on_record = move || {
        recorded.get().map(|g| {
            i18n.lang().fill(
                "samples.recorded",
                &[
                    ("resolution", &g.resolution.to_string()),
                    ("quality", &g.quality.to_string()),
                    ("timeliness", &g.timeliness.to_string()),
                ],
            )
        })
    };
    let save_label = {
        let no = no.clone();
        move || {
            let key = if recorded.with(Option::is_some) { "samples.update_named" } else { "samples.save_named" };
            i18n.lang().fill(key, &[("no", &no)])
        }
    };
    view! {
        <div id=status_id role="status" tabindex="-1" class:notice=shown class:notice--success=shown>{status}</div>
        <p class="hint" id=format!("{key}-recorded")>{on_record}</p>
        <form class="form" novalidate on:submit=on_submit>
            <ErrorSummary items=errors.summary(controls) attempt=errors.attempt/>
            {groups}
            <TextField id=comment_id label=i18n.tr("field.grade.comment") hint=i18n.tr("samples.hint.comment")
                value=comment error=errors.field("grade.comment") multiline=true/>
            <button type="submit" id=format!("{key}-save") class="button" disabled=move || busy.get()
                aria-label=save_label>
                {move || i18n.t(if recorded.with(Option::is_some) { "samples.update" } else { "samples.save" })}
            </button>
        </form>
    }
}
