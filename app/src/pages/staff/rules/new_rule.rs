//! An admin adds a rule: category (code or name), area, kind, lead and co-handlers.

use super::*;

const RULE_CONTROLS: &[(&str, &str)] = &[
    ("category", "rule-category"),
    ("area", "rule-area"),
    ("kind", "rule-kind"),
    ("lead", "rule-lead"),
    ("co_handlers", "rule-co-0"),
];

#[component]
pub(super) fn NewRule(rules: Rules, coverage: CoverageResource, names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    let [category, area, kind, lead]: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let co_handlers = RwSignal::new(Vec::<String>::new());
    let errors = FormErrors::new();
    let saved = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let areas = Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("rules.any_area"))];
        options.extend(names.get().unwrap_or_default().area_choices());
        options
    });
    let kinds = Signal::derive(move || {
        let lang = i18n.lang();
        vec![
            (String::new(), lang.text("rules.any_kind")),
            ("citizen".to_owned(), lang.text(&kind_key(RequestKind::Citizen))),
            ("enterprise".to_owned(), lang.text(&kind_key(RequestKind::Enterprise))),
        ]
    });
    let leads = Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("common.choose"))];
        options.extend(names.get().unwrap_or_default().active(""));
        options
    });
    let co_options = Signal::derive(move || names.get().unwrap_or_default().active(&lead.get()));
    // What the typed category resolves to, as the server will read it.
    let resolved = move || {
        let lang = i18n.lang();
        let typed = category.get();
        let typed = typed.trim();
        if typed.is_empty() {
            return lang.text("rules.any_category");
        }
        let catalogue = setup.get().and_then(Result::ok).map(|s| s.catalogue.clone());
        match catalogue.as_ref().and_then(|c| c.resolve(typed)) {
            Some(code) => format!("{} ({})", category_path(setup, &code), code.as_str()),
            None => lang.text("rules.category.unknown"),
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(None);
        let input = RuleInput {
            category: nonblank(category),
            area: nonblank(area),
            kind: nonblank(kind),
            lead: nonblank(lead),
            co_handlers: Some(co_handlers.get_untracked().into_iter().filter(|c| *c != lead.get_untracked()).collect()),
        };
        let lead_name = names.get_untracked().unwrap_or_default().department(&lead.get_untracked());
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::create_rule(input).await {
                Ok(_) => {
                    saved.set(Some(lead_name));
                    for s in [category, area, kind, lead] {
                        s.set(String::new());
                    }
                    co_handlers.set(Vec::new());
                    rules.refetch();
                    coverage.refetch();
                    focus_soon("rule-status");
                }
                Err(e) => errors.show(fold_indexed(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="new-rule-heading">
            <h2 id="new-rule-heading">{i18n.tr("rules.new")}</h2>
            <div id="rule-status" role="status" tabindex="-1"
                class:notice=move || saved.with(Option::is_some) class:notice--success=move || saved.with(Option::is_some)>
                {move || saved.get().map(|lead| i18n.lang().fill("rules.added", &[("lead", &lead)]))}
            </div>
            <ErrorSummary items=errors.summary(RULE_CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="rule-category" label=i18n.tr("field.category") hint=i18n.tr("rules.category.hint")
                    value=category error=errors.field("category") autocomplete="off"
                    extra_described_by="rule-category-resolved"/>
                <p id="rule-category-resolved" class="hint" aria-live="polite">{resolved}</p>
                <SelectField id="rule-area" label=i18n.tr("rules.field.area") options=areas value=area error=errors.field("area")/>
                <SelectField id="rule-kind" label=i18n.tr("rules.field.kind") options=kinds value=kind error=errors.field("kind")/>
                <SelectField id="rule-lead" label=i18n.tr("field.lead") options=leads value=lead error=errors.field("lead")/>
                <DepartmentChecks id="rule-co" legend=i18n.tr("field.co_handlers") options=co_options chosen=co_handlers
                    error=errors.field("co_handlers")/>
                <button type="submit" id="create-rule" class="button" disabled=move || busy.get()>{i18n.tr("rules.create")}</button>
            </form>
        </section>
    }
}
