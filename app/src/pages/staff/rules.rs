//! `/staff/rules`: the responsibility list (权责清单) — which department leads a request and
//! which co-handle, by category × area × kind — with its coverage report (pairs that no rule
//! covers, or where rules clash) and the casework settings that go with it. Dispatchers,
//! department heads and supervisors read it; admins change it.

pub(super) use super::dispatch::parts::{
    category_path, focus_soon, fold_indexed, join, DepartmentChecks as DeptChecks,
};
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
use crate::staff_api;
use crate::staff_menu::{gap_rows, kind_key};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared::auth::Permission;
use shared::dispatch::Coordinators;
use shared::error::{ApiErrorBody, ErrorCode, FieldErrorCode, FieldErrors};
use shared::org::Department;
use shared::request::RequestKind;
use shared::rules::RuleInput;
use shared::settings::CaseworkSettings;
use std::sync::Arc;

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

/// Departments and areas by code, for showing names instead of codes.
#[derive(Debug, Clone, Default)]
pub(super) struct Names {
    departments: Arc<Vec<Department>>,
    areas: Arc<Vec<(String, String)>>,
}

impl Names {
    /// A department's name, or its code if it is unknown.
    pub(super) fn department(&self, code: &str) -> String {
        self.departments.iter().find(|d| d.code == code).map_or_else(|| code.to_owned(), |d| d.name.clone())
    }

    pub(super) fn departments_named(&self, codes: &[String], lang: Lang) -> String {
        join(lang, codes.iter().map(|c| self.department(c)))
    }

    pub(super) fn area(&self, code: &str) -> String {
        self.areas.iter().find(|(c, _)| c == code).map_or_else(|| code.to_owned(), |(_, n)| n.clone())
    }

    /// Active departments as (code, name), in the organisation's order, without `except`.
    pub(super) fn active(&self, except: &str) -> Vec<(String, String)> {
        self.departments
            .iter()
            .filter(|d| d.active && d.code != except)
            .map(|d| (d.code.clone(), d.name.clone()))
            .collect()
    }
}

/// Names are a courtesy: when they cannot be loaded the page shows codes rather than nothing.
pub(super) async fn load_names() -> Names {
    let (departments, areas) = futures::future::join(staff_api::departments(), staff_api::areas()).await;
    let areas = areas
        .ok()
        .and_then(|collection| {
            let features = collection.get("features")?.as_array()?.clone();
            Some(
                features
                    .iter()
                    .filter_map(|f| {
                        let p = f.get("properties")?;
                        Some((p.get("code")?.as_str()?.to_owned(), p.get("name")?.as_str()?.to_owned()))
                    })
                    .collect(),
            )
        })
        .unwrap_or_default();
    Names { departments: Arc::new(departments.unwrap_or_default()), areas: Arc::new(areas) }
}

/// A timestamp as the API wrote it, shown in the reader's language, or as written.
pub(super) fn when(lang: Lang, at: Option<&str>) -> String {
    match at.and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
        Some(t) => dom::format_datetime(&t.with_timezone(&Utc), lang),
        None => at.unwrap_or_default().to_owned(),
    }
}

/// Refusals found before sending, in the server's shape so they show the same way.
fn refused(fields: FieldErrors) -> ApiError {
    ApiError::Api {
        status: 422,
        body: ApiErrorBody { code: ErrorCode::ValidationFailed, message: String::new(), fields },
    }
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
    let names = LocalResource::new(load_names);
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
