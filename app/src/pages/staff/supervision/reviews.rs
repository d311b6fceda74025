//! 不满意复核: where the city's policy is `review`, a citizen's "unsatisfied, not resolved" waits
//! here, the request still answered. A supervisor reads the reply against the citizen's rating
//! and comment and decides, with a note on record: back to the same lead (counted as a
//! reopening), or the reply stands and the request closes.

use super::super::dispatch::parts::{focus_soon, Lookups};
use super::super::radios::{controls, intern};
use crate::api::ApiError;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::time::Time;
use crate::eval_api::{self, band_key, item_key, prefixed, refused, satisfaction_key};
use crate::i18n::use_i18n;
use crate::work_api::is_stale;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::ErrorCode;
use shared::evaluation::{EvaluationSource, RatingView, ReviewDecision, ReviewDecisionInput, ReviewItem};

type Pending = LocalResource<Result<Vec<ReviewItem>, ApiError>>;

#[component]
pub(super) fn RatingReviews(names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let list: Pending = LocalResource::new(eval_api::reviews);
    let decided = RwSignal::new(None::<String>);
    let stale = RwSignal::new(false);
    // The card whose decision was sent last: only its messages show.
    let active = RwSignal::new(None::<String>);
    let body = move || {
        list.get().map(|result| match result {
            Ok(items) if items.is_empty() => {
                view! { <p id="review-list">{i18n.tr("rating_review.none")}</p> }.into_any()
            }
            Ok(items) => {
                let cards = items
                    .into_iter()
                    .map(|item| view! { <ReviewCard item names list decided stale active/> })
                    .collect_view();
                view! { <ul class="cards" id="review-list">{cards}</ul> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    let shown = move || decided.with(Option::is_some);
    let reload = move |_| {
        stale.set(false);
        active.set(None);
        list.refetch();
    };
    view! {
        <section aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">{i18n.tr("rating_review.heading")}</h2>
            <p class="hint">{i18n.tr("rating_review.lead")}</p>
            <div id="review-status" role="status" tabindex="-1" class:notice=shown class:notice--success=shown>
                {move || decided.get()}
            </div>
            <Show when=move || stale.get()>
                <div id="review-stale" class="notice notice--error" role="alert" tabindex="-1">
                    <h3>{i18n.tr("rating_review.stale_heading")}</h3>
                    <p>{i18n.tr("rating_review.stale_body")}</p>
                    <button type="button" id="reload-reviews" class="button" on:click=reload>
                        {i18n.tr("rating_review.reload")}
                    </button>
                </div>
            </Show>
            {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </section>
    }
}

/// The citizen's rating as facts: satisfaction, resolved, the template's items, score, comment.
fn rating_facts(rating: RatingView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.lang();
    let satisfaction = rating.satisfaction.map(|s| {
        let key = satisfaction_key(s);
        view! { <div><dt>{i18n.tr("field.callback.satisfaction")}</dt><dd>{move || lang().text(&key)}</dd></div> }
    });
    let resolved = rating.resolved.map(|r| {
        let key = if r { "callbacks.resolved.yes" } else { "callbacks.resolved.no" };
        view! { <div><dt>{i18n.tr("field.callback.resolved")}</dt><dd>{i18n.tr(key)}</dd></div> }
    });
    let items = rating
        .items
        .into_iter()
        .map(|(key, value)| {
            let label = item_key(&key);
            let name = move || label.as_ref().map_or_else(|| key.clone(), |l| lang().text(l));
            view! { <div><dt>{name}</dt><dd>{move || lang().fill("rating_review.item_value", &[("n", &value.to_string())])}</dd></div> }
        })
        .collect_view();
    let score = rating.score.map(|score| {
        let band = rating.band.clone();
        let text = move || {
            let band = band.as_deref().map(|b| band_key(b).map_or_else(|| b.to_owned(), |k| lang().text(&k)));
            let score = crate::eval_api::number_text(score);
            match band {
                Some(band) => lang().fill("rating_review.score_band", &[("score", &score), ("band", &band)]),
                None => score,
            }
        };
        view! { <div><dt>{i18n.tr("rating_review.score")}</dt><dd>{text}</dd></div> }
    });
    let source = match rating.source {
        EvaluationSource::Web => "rating_review.source.web",
        EvaluationSource::Phone => "rating_review.source.phone",
    };
    view! {
        {satisfaction}
        {resolved}
        {items}
        {score}
        <div><dt>{i18n.tr("rating_review.comment")}</dt>
            <dd class="description">{rating.comment.unwrap_or_else(|| i18n.t("rating_review.no_comment").to_owned())}</dd></div>
        <div><dt>{i18n.tr("rating_review.rated")}</dt><dd>{i18n.tr(source)}" · "<Time at=rating.at/></dd></div>
    }
}

#[component]
fn ReviewCard(
    item: ReviewItem,
    names: LocalResource<Lookups>,
    list: Pending,
    decided: RwSignal<Option<String>>,
    stale: RwSignal<bool>,
    active: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let no = item.tracking_no.clone();
    let note = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let me = StoredValue::new(no.clone());
    Effect::new(move |_| {
        if !active.with(|a| a.as_deref() == Some(me.get_value().as_str())) {
            errors.clear();
        }
    });
    let note_id = intern(&format!("review-note-{no}"));
    let controls = controls(&[("rating_review.note".to_owned(), note_id.to_owned())]);
    let version = item.version;
    let lead = StoredValue::new(item.lead.clone());
    let decide = move |reopen: bool| {
        if busy.get_untracked() {
            return;
        }
        active.set(Some(me.get_value()));
        errors.clear();
        decided.set(None);
        stale.set(false);
        let input = ReviewDecisionInput { reopen: Some(reopen), note: Some(note.get_untracked()) };
        let decision = match ReviewDecision::parse(&input) {
            Ok(d) => d,
            Err(fields) => return errors.show(prefixed(refused(fields), "rating_review")),
        };
        busy.set(true);
        spawn_local(async move {
            let number = me.get_value();
            match eval_api::decide_review(number.clone(), version, reopen, Some(decision.note)).await {
                Ok(_) => {
                    let lang = i18n.lang();
                    let text = if reopen {
                        let lead = lead.get_value().unwrap_or_default();
                        let name = names.get_untracked().map_or_else(|| lead.clone(), |n| n.department(&lead));
                        lang.fill("rating_review.reopened", &[("no", &number), ("lead", &name)])
                    } else {
                        lang.fill("rating_review.closed", &[("no", &number)])
                    };
                    decided.set(Some(text));
                    active.set(None);
                    list.refetch();
                    focus_soon("review-status");
                }
                Err(e) if is_stale(&e) => {
                    stale.set(true);
                    focus_soon("review-stale");
                }
                Err(e) if e.code() == Some(ErrorCode::NotFound) => {
                    errors.show_key("rating_review.already_decided");
                    list.refetch();
                }
                Err(e) => errors.show(prefixed(e, "rating_review")),
            }
            busy.set(false);
        });
    };
    let lead_name =
        item.lead.clone().map(|code| move || names.get().map_or_else(|| code.clone(), |n| n.department(&code)));
    let named = |key: &'static str| {
        let no = no.clone();
        move || i18n.lang().fill(key, &[("no", &no)])
    };
    let (reopen_label, close_label) = (named("rating_review.reopen_named"), named("rating_review.close_named"));
    view! {
        <li class="card" id=format!("review-{no}")>
            <h3 class="card__title"><a href=format!("/staff/dispatch/{no}")>{item.title}</a></h3>
            <p class="queue__meta"><span class="mono">{no.clone()}</span></p>
            <dl class="facts">
                {lead_name.map(|l| view! { <div><dt>{i18n.tr("rating_review.lead_department")}</dt><dd>{l}</dd></div> })}
                <div><dt>{i18n.tr("rating_review.reply")}</dt>
                    <dd class="description">{item.reply.unwrap_or_else(|| i18n.t("samples.no_reply").to_owned())}</dd></div>
                {rating_facts(item.rating)}
            </dl>
            <ErrorSummary items=errors.summary(controls) attempt=errors.attempt/>
            <TextField id=note_id label=i18n.tr("field.rating_review.note") hint=i18n.tr("rating_review.note_hint")
                value=note error=errors.field("rating_review.note") multiline=true/>
            <div class="button-row">
                <button type="button" id=format!("review-reopen-{no}") class="button button--warning"
                    aria-label=reopen_label disabled=move || busy.get() on:click=move |_| decide(true)>
                    {i18n.tr("rating_review.reopen")}
                </button>
                <button type="button" id=format!("review-close-{no}") class="button button--secondary"
                    aria-label=close_label disabled=move || busy.get() on:click=move |_| decide(false)>
                    {i18n.tr("rating_review.close")}
                </button>
            </div>
        </li>
    }
}
