//! The route table: every endpoint of the Worker, by name. Who may call each one is
//! declared once in `shared::auth::ROUTES` and enforced before the router runs.

use crate::config::AppState;
use crate::handlers::{
    account, admin, areas, auth, catalogue, dispatch, import, requests, rules, system, tickets, triage,
};
use worker::Router;

pub fn router(state: AppState) -> Router<'static, AppState> {
    Router::with_data(state)
        .get_async("/api/v1/health", system::health)
        .get_async("/api/v1/config", system::config)
        .get_async("/api/v1/categories", catalogue::categories)
        .post_async("/api/v1/requests", requests::submit)
        .get_async("/api/v1/requests/:tracking_no", requests::show)
        .get_async("/api/v1/areas", areas::list)
        .post_async("/api/v1/auth/login", auth::login)
        .post_async("/api/v1/auth/logout", auth::logout)
        .post_async("/api/v1/auth/bootstrap", auth::bootstrap)
        .get_async("/api/v1/auth/me", auth::me)
        .post_async("/api/v1/auth/revoke-all", auth::revoke_all)
        .post_async("/api/v1/account/password", account::change_password)
        .get_async("/api/v1/account/tokens", account::list_tokens)
        .post_async("/api/v1/account/tokens", account::create_token)
        .delete_async("/api/v1/account/tokens/:id", account::revoke_token)
        .get_async("/api/v1/admin/departments", admin::list_departments)
        .post_async("/api/v1/admin/departments", admin::create_department)
        .put_async("/api/v1/admin/departments/:id", admin::update_department)
        .get_async("/api/v1/admin/staff", admin::list_staff)
        .post_async("/api/v1/admin/staff", admin::create_staff)
        .put_async("/api/v1/admin/staff/:id", admin::update_staff)
        .post_async("/api/v1/admin/areas", areas::import)
        .get_async("/api/v1/admin/audit", admin::audit)
        .post_async("/api/v1/admin/import/tickets", import::tickets)
        .get_async("/api/v1/admin/rules", rules::list)
        .get_async("/api/v1/admin/rules/coverage", rules::coverage_report)
        .post_async("/api/v1/admin/rules", rules::create)
        .put_async("/api/v1/admin/rules/:id", rules::update)
        .delete_async("/api/v1/admin/rules/:id", rules::delete)
        .get_async("/api/v1/admin/settings/dispatch", triage::get_settings)
        .put_async("/api/v1/admin/settings/dispatch", triage::put_settings)
        .post_async("/api/v1/admin/triage/train", triage::train)
        .post_async("/api/v1/triage/suggest", triage::suggest)
        .get_async("/api/v1/dispatch/queue", dispatch::queue)
        .get_async("/api/v1/tickets", tickets::list)
        .get_async("/api/v1/tickets/:tracking_no", tickets::detail)
        .post_async("/api/v1/tickets/:tracking_no/dispatch", dispatch::dispatch)
        .or_else_any_method_async("/api/*rest", system::not_found)
}
