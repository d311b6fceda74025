//! `/staff/rules`: the responsibility list (权责清单) — which department leads a request and
//! which co-handle, by category × area × kind — with its coverage report (pairs that no rule
//! covers, or where rules clash) and the casework settings that go with it. Dispatchers,
//! department heads and supervisors read it; admins change it.

use super::dispatch::parts::{category_path, focus_soon, fold_indexed, join, load_lookups, DepartmentChecks, Lookups};
use crate::api::ApiError;
use crate::app::{page_title, use_setup};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_form::nonblank;
use crate::components::staff_shell::{use_staff, StaffShell};
use crate::dispatch_api::{self, Coverage, RuleRow};
use crate::dom;
use crate::i18n::{use_i18n, Lang};
use crate::staff_menu::{gap_rows, kind_key};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared::auth::Permission;
use shared::dispatch::Coordinators;
use shared::error::{ApiErrorBody, ErrorCode, FieldErrorCode, FieldErrors};
use shared::request::RequestKind;
use shared::rules::RuleInput;
use shared::settings::CaseworkSettings;

mod coverage;
mod list;
mod new_rule;
mod settings;

use coverage::CoverageReport;
use list::RuleList;
use new_rule::NewRule;
use settings::Settings;

/// Coverage rows drawn at most; the count says how many there are in all.
const COVERAGE_ROWS: usize = 100;

/// A timestamp as the API wrote it, shown in the reader's language, or as written.
pub(super) fn when(lang: Lang, at: Option<&str>) -> String {
    match at.and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
        Some(t) => dom::format_datetime(&t.with_timezone(&Utc), lang),
        None => at.unwrap_or_default().to_owned(),
    }
}

/// Refusals found before sending, in the server's shape so they show the same way.
fn refused(fields: FieldErrors) -> ApiError {
    ApiError::Api { status: 422, body: ApiErrorBody::with_fields(ErrorCode::ValidationFailed, String::new(), fields) }
}

type Rules = LocalResource<Result<Vec<RuleRow>, ApiError>>;
type CoverageResource = LocalResource<Result<Coverage, ApiError>>;

#[component]
pub fn RulesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    page_title(move || i18n.t("rules.heading").to_owned());
    let rules: Rules = LocalResource::new(dispatch_api::rules);
    let coverage: CoverageResource = LocalResource::new(dispatch_api::coverage);
    let names = LocalResource::new(load_lookups);
    let may_edit = move || session.may(Permission::ManageRules);
    view! {
        <StaffShell>
            <h1>{i18n.tr("rules.heading")}</h1>
            <p class="hint">{i18n.tr("rules.lead")}</p>
            <RuleList rules coverage names/>
            <Show when=may_edit>
                <NewRule rules coverage names/>
            </Show>
            <CoverageReport coverage names/>
            <Settings names/>
        </StaffShell>
    }
}
