//! The supervision ladder's thresholds (跟踪问效): when a late request is reminded (催办),
//! supervised (督办), listed (挂牌督办) or escalated (提级办理). The hourly job reads them.

use super::*;
use crate::supervise_api::{ladder_input, LADDER_NUMBERS};
use shared::ladder::LadderSettings;

/// (field, control id, label key, hint key) of each number, in `LADDER_NUMBERS`' order.
const NUMBERS: [(&str, &str, &str, &str); 8] = [
    ("urge_grace_hours", "ladder-urge-grace", "field.urge_grace_hours", "deadlines.ladder.urge_grace_hours"),
    (
        "supervise_after_days",
        "ladder-supervise-after",
        "field.supervise_after_days",
        "deadlines.ladder.supervise_after_days",
    ),
    ("supervise_due_days", "ladder-supervise-due", "field.supervise_due_days", "deadlines.ladder.supervise_due_days"),
    ("quiet_days", "ladder-quiet", "field.quiet_days", "deadlines.ladder.quiet_days"),
    ("list_repeat_at", "ladder-list-repeat", "field.list_repeat_at", "deadlines.ladder.list_repeat_at"),
    (
        "list_unresolved_days",
        "ladder-list-unresolved",
        "field.list_unresolved_days",
        "deadlines.ladder.list_unresolved_days",
    ),
    ("list_reopened_at", "ladder-list-reopened", "field.list_reopened_at", "deadlines.ladder.list_reopened_at"),
    (
        "escalate_departments_at",
        "ladder-escalate-departments",
        "field.escalate_departments_at",
        "deadlines.ladder.escalate_departments_at",
    ),
];

const CONTROLS: &[(&str, &str)] = &[
    ("urge_grace_hours", "ladder-urge-grace"),
    ("supervise_after_days", "ladder-supervise-after"),
    ("supervise_due_days", "ladder-supervise-due"),
    ("quiet_days", "ladder-quiet"),
    ("list_repeat_at", "ladder-list-repeat"),
    ("list_unresolved_days", "ladder-list-unresolved"),
    ("list_reopened_at", "ladder-list-reopened"),
    ("escalate_departments_at", "ladder-escalate-departments"),
    ("escalate_cross_area", "ladder-cross-area"),
    ("escalate_cross_level", "ladder-cross-level"),
];

fn values(s: &LadderSettings) -> [u32; 8] {
    [
        s.urge_grace_hours,
        s.supervise_after_days,
        s.supervise_due_days,
        s.quiet_days,
        s.list_repeat_at,
        s.list_unresolved_days,
        s.list_reopened_at,
        s.escalate_departments_at,
    ]
}

#[component]
pub(super) fn LadderSection(editable: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let settings = LocalResource::new(supervise_api::ladder);
    let body = move || {
        settings.get().map(|result| match result {
            Ok(settings) if editable.get() => view! { <LadderForm settings/> }.into_any(),
            Ok(s) => {
                let yes_no = |b: bool| i18n.lang().text(if b { "common.yes" } else { "common.no" });
                let mut items: Vec<(&'static str, String)> =
                    NUMBERS.iter().zip(values(&s)).map(|((_, _, label, _), v)| (*label, v.to_string())).collect();
                items.push(("field.escalate_cross_area", yes_no(s.escalate_cross_area)));
                items.push(("field.escalate_cross_level", yes_no(s.escalate_cross_level)));
                facts("ladder-facts", items).into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| settings.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="ladder-settings-heading">
            <h2 id="ladder-settings-heading">{i18n.tr("deadlines.ladder.heading")}</h2>
            <p class="hint">{i18n.tr("deadlines.ladder.lead")}</p>
            {body}
        </section>
    }
}

#[component]
fn LadderForm(settings: LadderSettings) -> impl IntoView {
    let i18n = use_i18n();
    let numbers: [RwSignal<String>; 8] = values(&settings).map(|v| RwSignal::new(v.to_string()));
    let cross_area = RwSignal::new(settings.escalate_cross_area);
    let cross_level = RwSignal::new(settings.escalate_cross_level);
    let errors = FormErrors::new();
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(false);
        let typed: Vec<(&str, String)> =
            LADDER_NUMBERS.iter().zip(numbers).map(|(field, value)| (*field, value.get_untracked())).collect();
        let body = match ladder_input(&typed, cross_area.get_untracked(), cross_level.get_untracked()) {
            Ok(body) => body,
            Err(fields) => return errors.show(refused(fields)),
        };
        busy.set(true);
        spawn_local(async move {
            match supervise_api::save_ladder(body).await {
                Ok(_) => {
                    saved.set(true);
                    focus_soon("ladder-status");
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    let fields = NUMBERS
        .into_iter()
        .zip(numbers)
        .map(|((field, id, label, hint), value)| {
            view! {
                <TextField id label=i18n.tr(label) hint=i18n.tr(hint) value error=errors.field(field)
                    inputmode="numeric" autocomplete="off"/>
            }
        })
        .collect_view();
    view! {
        <Saved id="ladder-status" text=Signal::derive(move || saved.get().then(|| i18n.lang().text("deadlines.saved")))/>
        <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
        <form class="form" novalidate on:submit=on_submit>
            {fields}
            <Check id="ladder-cross-area" label="field.escalate_cross_area" value=cross_area/>
            <Check id="ladder-cross-level" label="field.escalate_cross_level" value=cross_level/>
            <button type="submit" id="save-ladder" class="button" disabled=move || busy.get()>
                {i18n.tr("deadlines.ladder.save")}
            </button>
        </form>
    }
}

#[component]
fn Check(id: &'static str, label: &'static str, value: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <div class="checkbox">
                <input type="checkbox" id=id prop:checked=move || value.get()
                    on:change=move |ev| value.set(event_target_checked(&ev))/>
                <label for=id>{i18n.tr(label)}</label>
            </div>
        </div>
    }
}
