//! Casework settings and coordinators: read by all who see the rules, edited by admins.

use super::*;

/// The casework settings and the coordinators: a form for admins, facts for everyone else.
#[component]
pub(super) fn Settings(names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    let casework = LocalResource::new(dispatch_api::casework_settings);
    let coordinators = LocalResource::new(dispatch_api::coordinators);
    let casework_body = move || {
        casework.get().map(|result| match result {
            Ok(settings) if session.may(Permission::ManageRules) => view! { <CaseworkForm settings/> }.into_any(),
            Ok(settings) => casework_facts(&settings).into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| casework.refetch())/> }.into_any(),
        })
    };
    let coordinators_body = move || {
        coordinators.get().map(|result| match result {
            Ok(current) if session.may(Permission::ManageRules) => {
                view! { <CoordinatorsForm current names/> }.into_any()
            }
            Ok(current) => {
                let names = names.get().unwrap_or_default();
                let lang = i18n.lang();
                let name =
                    |c: &Option<String>| c.as_deref().map_or_else(|| lang.text("common.none"), |c| names.department(c));
                view! {
                    <dl class="facts" id="coordinator-facts">
                        <div><dt>{i18n.tr("field.enterprise")}</dt><dd>{name(&current.enterprise)}</dd></div>
                        <div><dt>{i18n.tr("field.citizen")}</dt><dd>{name(&current.citizen)}</dd></div>
                    </dl>
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| coordinators.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="casework-heading">
            <h2 id="casework-heading">{i18n.tr("rules.casework.heading")}</h2>
            <p class="hint">{i18n.tr("rules.casework.lead")}</p>
            {casework_body}
        </section>
        <section aria-labelledby="coordinators-heading">
            <h2 id="coordinators-heading">{i18n.tr("rules.coordinators.heading")}</h2>
            <p class="hint">{i18n.tr("rules.coordinators.lead")}</p>
            {coordinators_body}
        </section>
    }
}

fn casework_facts(s: &CaseworkSettings) -> impl IntoView {
    let i18n = use_i18n();
    let d = &s.duplicates;
    let facts = [
        ("field.dispute_window_hours", s.disputes.window_hours.to_string()),
        ("field.duplicates.radius_m", d.radius_m.to_string()),
        ("field.duplicates.days", d.days.to_string()),
        ("field.duplicates.min_similarity", d.min_similarity.to_string()),
        ("field.duplicates.family_level", d.family_level.to_string()),
        ("field.nearby.radius_m", s.nearby.radius_m.to_string()),
        ("field.nearby.days", s.nearby.days.to_string()),
        ("field.nearby.max_items", s.nearby.max_items.to_string()),
    ];
    let items = facts
        .into_iter()
        .map(|(key, value)| view! { <div><dt>{i18n.tr(key)}</dt><dd>{value}</dd></div> })
        .collect_view();
    view! { <dl class="facts" id="casework-facts">{items}</dl> }
}

const CASEWORK_CONTROLS: &[(&str, &str)] = &[
    ("dispute_window_hours", "set-window"),
    ("duplicates.radius_m", "set-radius"),
    ("duplicates.days", "set-days"),
    ("duplicates.min_similarity", "set-similarity"),
    ("duplicates.family_level", "set-family"),
    ("nearby.radius_m", "set-nearby-radius"),
    ("nearby.days", "set-nearby-days"),
    ("nearby.max_items", "set-nearby-max"),
];

#[component]
fn CaseworkForm(settings: CaseworkSettings) -> impl IntoView {
    let i18n = use_i18n();
    let d = &settings.duplicates;
    let window = RwSignal::new(settings.disputes.window_hours.to_string());
    let radius = RwSignal::new(d.radius_m.to_string());
    let days = RwSignal::new(d.days.to_string());
    let similarity = RwSignal::new(d.min_similarity.to_string());
    let family = RwSignal::new(d.family_level.to_string());
    let nearby_radius = RwSignal::new(settings.nearby.radius_m.to_string());
    let nearby_days = RwSignal::new(settings.nearby.days.to_string());
    let nearby_max = RwSignal::new(settings.nearby.max_items.to_string());
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
        // Numbers are checked here for being numbers; the server checks their ranges.
        let mut bad = FieldErrors::new();
        let mut whole = |path: &str, value: RwSignal<String>| -> Option<u64> {
            let parsed = value.get_untracked().trim().parse::<u64>().ok();
            if parsed.is_none() {
                bad.add(path, FieldErrorCode::InvalidFormat, "");
            }
            parsed
        };
        let (w, r, n, f) = (
            whole("dispute_window_hours", window),
            whole("duplicates.radius_m", radius),
            whole("duplicates.days", days),
            whole("duplicates.family_level", family),
        );
        let (nr, nd, nm) = (
            whole("nearby.radius_m", nearby_radius),
            whole("nearby.days", nearby_days),
            whole("nearby.max_items", nearby_max),
        );
        let s = similarity.get_untracked().trim().parse::<f64>().ok().filter(|s| s.is_finite());
        if s.is_none() {
            bad.add("duplicates.min_similarity", FieldErrorCode::InvalidFormat, "");
        }
        if !bad.is_empty() {
            errors.show(refused(bad));
            return;
        }
        let body = json!({
            "dispute_window_hours": w,
            "duplicates": { "radius_m": r, "days": n, "min_similarity": s, "family_level": f },
            "nearby": { "radius_m": nr, "days": nd, "max_items": nm },
        });
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::save_casework_settings(body).await {
                Ok(_) => {
                    saved.set(true);
                    focus_soon("casework-status");
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    view! {
        <SavedStatus id="casework-status" saved/>
        <ErrorSummary items=errors.summary(CASEWORK_CONTROLS) attempt=errors.attempt/>
        <form class="form" novalidate on:submit=on_submit>
            <TextField id="set-window" label=i18n.tr("field.dispute_window_hours") hint=i18n.tr("rules.window.hint")
                value=window error=errors.field("dispute_window_hours") inputmode="numeric" autocomplete="off"/>
            <TextField id="set-radius" label=i18n.tr("field.duplicates.radius_m") value=radius
                error=errors.field("duplicates.radius_m") inputmode="numeric" autocomplete="off"/>
            <TextField id="set-days" label=i18n.tr("field.duplicates.days") value=days
                error=errors.field("duplicates.days") inputmode="numeric" autocomplete="off"/>
            <TextField id="set-similarity" label=i18n.tr("field.duplicates.min_similarity") hint=i18n.tr("rules.similarity.hint")
                value=similarity error=errors.field("duplicates.min_similarity") inputmode="decimal" autocomplete="off"/>
            <TextField id="set-family" label=i18n.tr("field.duplicates.family_level") hint=i18n.tr("rules.family.hint")
                value=family error=errors.field("duplicates.family_level") inputmode="numeric" autocomplete="off"/>
            <TextField id="set-nearby-radius" label=i18n.tr("field.nearby.radius_m") hint=i18n.tr("rules.nearby.hint")
                value=nearby_radius error=errors.field("nearby.radius_m") inputmode="numeric" autocomplete="off"/>
            <TextField id="set-nearby-days" label=i18n.tr("field.nearby.days") value=nearby_days
                error=errors.field("nearby.days") inputmode="numeric" autocomplete="off"/>
            <TextField id="set-nearby-max" label=i18n.tr("field.nearby.max_items") value=nearby_max
                error=errors.field("nearby.max_items") inputmode="numeric" autocomplete="off"/>
            <button type="submit" id="save-casework" class="button" disabled=move || busy.get()>
                {i18n.tr("rules.save_settings")}
            </button>
        </form>
    }
}

const COORDINATOR_CONTROLS: &[(&str, &str)] = &[("enterprise", "set-enterprise"), ("citizen", "set-citizen")];

#[component]
fn CoordinatorsForm(current: Coordinators, names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let enterprise = RwSignal::new(current.enterprise.unwrap_or_default());
    let citizen = RwSignal::new(current.citizen.unwrap_or_default());
    let errors = FormErrors::new();
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let options = Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("common.none"))];
        options.extend(names.get().unwrap_or_default().active(""));
        options
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(false);
        busy.set(true);
        let (e, c) = (nonblank(enterprise), nonblank(citizen));
        spawn_local(async move {
            match dispatch_api::save_coordinators(e, c).await {
                Ok(_) => {
                    saved.set(true);
                    focus_soon("coordinators-status");
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    view! {
        <SavedStatus id="coordinators-status" saved/>
        <ErrorSummary items=errors.summary(COORDINATOR_CONTROLS) attempt=errors.attempt/>
        <form class="form" novalidate on:submit=on_submit>
            <SelectField id="set-enterprise" label=i18n.tr("field.enterprise") options value=enterprise
                error=errors.field("enterprise")/>
            <SelectField id="set-citizen" label=i18n.tr("field.citizen") options value=citizen error=errors.field("citizen")/>
            <button type="submit" id="save-coordinators" class="button" disabled=move || busy.get()>
                {i18n.tr("rules.save_coordinators")}
            </button>
        </form>
    }
}

/// "Saved", announced where focus moves after a successful save; empty until then.
#[component]
fn SavedStatus(id: &'static str, saved: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div id=id role="status" tabindex="-1"
            class:notice=move || saved.get() class:notice--success=move || saved.get()>
            {move || saved.get().then(|| i18n.t("rules.settings_saved"))}
        </div>
    }
}
