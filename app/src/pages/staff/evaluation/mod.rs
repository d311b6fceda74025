//! `/staff/evaluation`: what evaluation and the monthly assessment run on. What an unsatisfied,
//! unresolved rating leads to and how many requests each observer grades a week; the rating
//! templates (read-only here); the assessment's weights and list thresholds; observers' titles
//! and the contacts whose reports they never grade; and drawing this week's samples now.
//! Everyone who reads the responsibility list reads these; admins change them.

use crate::app::page_title;
use crate::components::staff_shell::{use_staff, StaffShell};
use crate::eval_api;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared::auth::Permission;

mod assessment;
mod observers;
mod policy;
mod templates;

use assessment::AssessmentSection;
use observers::{DrawSamples, ObserversSection};
use policy::PolicySection;
use templates::TemplatesSection;

#[component]
pub fn EvaluationPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    page_title(move || i18n.t("eval.heading").to_owned());
    let editable = Signal::derive(move || session.may(Permission::ManageRules));
    let manages_staff = move || session.may(Permission::ManageStaff);
    // One read for the policy and the templates: saving the policy sends the templates back.
    let settings = LocalResource::new(eval_api::evaluation_settings);
    view! {
        <StaffShell>
            <h1>{i18n.tr("eval.heading")}</h1>
            <p class="hint">{i18n.tr("eval.lead")}</p>
            <PolicySection editable settings/>
            <TemplatesSection settings/>
            <AssessmentSection editable/>
            <Show when=manages_staff><ObserversSection/></Show>
            <Show when=move || editable.get()><DrawSamples/></Show>
        </StaffShell>
    }
}
