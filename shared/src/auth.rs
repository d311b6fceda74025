//! Who may do what: roles, permissions, and the one declared policy table the Worker
//! enforces for every route (deny by default: a route not listed here is not served).

use crate::error::{FieldErrorCode, FieldErrors};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The 12345 centre: receives, classifies and dispatches.
    Dispatcher,
    /// A department's case worker.
    Handler,
    DepartmentHead,
    /// 督办: follows up slow and stuck cases.
    Supervisor,
    /// Deputies, CPPCC members and livelihood observers (两代表一委员 / 民生观察员).
    Observer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Dispatcher, Role::Handler, Role::DepartmentHead, Role::Supervisor, Role::Observer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Dispatcher => "dispatcher",
            Role::Handler => "handler",
            Role::DepartmentHead => "department_head",
            Role::Supervisor => "supervisor",
            Role::Observer => "observer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL.into_iter().filter(|p| allows(self, *p)).collect()
    }
}

/// One capability. Routes name the permission they need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Every signed-in staff member: own account, sign out, own tokens.
    OwnAccount,
    ViewDepartments,
    ManageDepartments,
    ViewStaff,
    ManageStaff,
    ManageAreas,
    ReadAudit,
    ImportTickets,
    /// See the responsibility list and its coverage.
    ViewRules,
    ManageRules,
    /// Retrain the classifier and change dispatch settings.
    ManageTriage,
    /// The dispatch queue, classifier suggestions and dispatching (the 12345 centre).
    Dispatch,
    /// Read tickets; which ones depends on the role and department (`staff_view::ticket_scope`).
    ViewTickets,
    /// Department work on a ticket: disputes, whistles, consultation replies.
    Handle,
    /// 督办: confirm unreasonable requests, follow late whistles.
    Supervise,
    /// 回访: the call centre records phone call-backs.
    CallBack,
    /// 评议: deputies and observers grade their samples.
    Grade,
    /// Erase a reporter's personal data at their request (the request stays in the statistics).
    ErasePersonalData,
}

impl Permission {
    pub const ALL: [Permission; 18] = [
        Permission::OwnAccount,
        Permission::ViewDepartments,
        Permission::ManageDepartments,
        Permission::ViewStaff,
        Permission::ManageStaff,
        Permission::ManageAreas,
        Permission::ReadAudit,
        Permission::ImportTickets,
        Permission::ViewRules,
        Permission::ManageRules,
        Permission::ManageTriage,
        Permission::Dispatch,
        Permission::ViewTickets,
        Permission::Handle,
        Permission::Supervise,
        Permission::CallBack,
        Permission::Grade,
        Permission::ErasePersonalData,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::OwnAccount => "own_account",
            Permission::ViewDepartments => "view_departments",
            Permission::ManageDepartments => "manage_departments",
            Permission::ViewStaff => "view_staff",
            Permission::ManageStaff => "manage_staff",
            Permission::ManageAreas => "manage_areas",
            Permission::ReadAudit => "read_audit",
            Permission::ImportTickets => "import_tickets",
            Permission::ViewRules => "view_rules",
            Permission::ManageRules => "manage_rules",
            Permission::ManageTriage => "manage_triage",
            Permission::Dispatch => "dispatch",
            Permission::ViewTickets => "view_tickets",
            Permission::Handle => "handle",
            Permission::Supervise => "supervise",
            Permission::CallBack => "call_back",
            Permission::Grade => "grade",
            Permission::ErasePersonalData => "erase_personal_data",
        }
    }

    pub fn parse(raw: &str) -> Option<Permission> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw)
    }
}

use Role::*;

/// Which roles hold each permission. Read by `allows`, the route guard and the staff menu.
pub const POLICY: &[(Permission, &[Role])] = &[
    (Permission::OwnAccount, &[Dispatcher, Handler, DepartmentHead, Supervisor, Observer, Admin]),
    (Permission::ViewDepartments, &[Dispatcher, Handler, DepartmentHead, Supervisor, Observer, Admin]),
    (Permission::ManageDepartments, &[Admin]),
    (Permission::ViewStaff, &[DepartmentHead, Supervisor, Admin]),
    (Permission::ManageStaff, &[Admin]),
    (Permission::ManageAreas, &[Admin]),
    (Permission::ReadAudit, &[Supervisor, Admin]),
    (Permission::ErasePersonalData, &[Supervisor, Admin]),
    (Permission::ImportTickets, &[Admin]),
    (Permission::ViewRules, &[Dispatcher, DepartmentHead, Supervisor, Admin]),
    (Permission::ManageRules, &[Admin]),
    (Permission::ManageTriage, &[Admin]),
    (Permission::Dispatch, &[Dispatcher, Supervisor, Admin]),
    (Permission::ViewTickets, &[Dispatcher, Handler, DepartmentHead, Supervisor, Observer, Admin]),
    (Permission::Handle, &[Handler, DepartmentHead]),
    (Permission::Supervise, &[Supervisor, Admin]),
    (Permission::CallBack, &[Dispatcher, Supervisor]),
    (Permission::Grade, &[Observer]),
];

pub fn allows(role: Role, permission: Permission) -> bool {
    POLICY.iter().any(|(p, roles)| *p == permission && roles.contains(&role))
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in staff member (session or API token) holding this permission.
    Staff(Permission),
    /// Only with the one-time bootstrap secret, and only while no admin exists.
    Bootstrap,
    /// A registered channel's API key (`shared::channels`), checked by the handler, which also
    /// knows which channel the path or form names.
    ChannelKey,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// One route of the API: method, path template (`:name` segments) and who may call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

const fn route(method: Method, path: &'static str, access: Access) -> Route {
    Route { method, path, access }
}

use Access::{Public, Staff};
use Method::{Delete, Get, Post, Put};

/// Every route the Worker serves.
pub const ROUTES: &[Route] = &[
    route(Get, "/api/v1/health", Public),
    route(Get, "/api/v1/config", Public),
    route(Get, "/api/v1/categories", Public),
    route(Get, "/api/v1/openapi.json", Public),
    route(Post, "/api/v1/requests", Public),
    route(Post, "/api/v1/intake/:channel", Access::ChannelKey),
    route(Get, "/api/v1/admin/channels", Staff(Permission::ManageDepartments)),
    route(Post, "/api/v1/admin/channels", Staff(Permission::ManageDepartments)),
    route(Put, "/api/v1/admin/channels/:code", Staff(Permission::ManageDepartments)),
    route(Post, "/api/v1/admin/channels/:code/key", Staff(Permission::ManageDepartments)),
    route(Get, "/api/v1/requests/:tracking_no", Public),
    route(Post, "/api/v1/requests/:tracking_no/me-too", Public),
    route(Get, "/api/v1/nearby", Public),
    route(Get, "/api/v1/areas", Public),
    route(Post, "/api/v1/auth/login", Public),
    route(Post, "/api/v1/auth/logout", Public),
    route(Post, "/api/v1/auth/bootstrap", Access::Bootstrap),
    route(Get, "/api/v1/auth/me", Staff(Permission::OwnAccount)),
    route(Post, "/api/v1/auth/revoke-all", Staff(Permission::OwnAccount)),
    route(Post, "/api/v1/account/password", Staff(Permission::OwnAccount)),
    route(Get, "/api/v1/account/tokens", Staff(Permission::OwnAccount)),
    route(Post, "/api/v1/account/tokens", Staff(Permission::OwnAccount)),
    route(Delete, "/api/v1/account/tokens/:id", Staff(Permission::OwnAccount)),
    route(Get, "/api/v1/admin/departments", Staff(Permission::ViewDepartments)),
    route(Post, "/api/v1/admin/departments", Staff(Permission::ManageDepartments)),
    route(Put, "/api/v1/admin/departments/:id", Staff(Permission::ManageDepartments)),
    route(Get, "/api/v1/admin/staff", Staff(Permission::ViewStaff)),
    route(Post, "/api/v1/admin/staff", Staff(Permission::ManageStaff)),
    route(Put, "/api/v1/admin/staff/:id", Staff(Permission::ManageStaff)),
    route(Post, "/api/v1/admin/areas", Staff(Permission::ManageAreas)),
    route(Get, "/api/v1/admin/audit", Staff(Permission::ReadAudit)),
    route(Post, "/api/v1/admin/import/tickets", Staff(Permission::ImportTickets)),
    route(Get, "/api/v1/admin/rules", Staff(Permission::ViewRules)),
    route(Get, "/api/v1/admin/rules/coverage", Staff(Permission::ViewRules)),
    route(Post, "/api/v1/admin/rules", Staff(Permission::ManageRules)),
    route(Put, "/api/v1/admin/rules/:id", Staff(Permission::ManageRules)),
    route(Delete, "/api/v1/admin/rules/:id", Staff(Permission::ManageRules)),
    route(Get, "/api/v1/admin/settings/dispatch", Staff(Permission::ViewRules)),
    route(Put, "/api/v1/admin/settings/dispatch", Staff(Permission::ManageTriage)),
    route(Post, "/api/v1/admin/triage/train", Staff(Permission::ManageTriage)),
    route(Post, "/api/v1/triage/suggest", Staff(Permission::Dispatch)),
    route(Get, "/api/v1/dispatch/queue", Staff(Permission::Dispatch)),
    route(Get, "/api/v1/tickets", Staff(Permission::ViewTickets)),
    route(Get, "/api/v1/tickets/:tracking_no", Staff(Permission::ViewTickets)),
    route(Post, "/api/v1/tickets/:tracking_no/dispatch", Staff(Permission::Dispatch)),
    route(Get, "/api/v1/admin/settings/coordinators", Staff(Permission::ViewRules)),
    route(Put, "/api/v1/admin/settings/coordinators", Staff(Permission::ManageRules)),
    route(Get, "/api/v1/admin/settings/casework", Staff(Permission::ViewRules)),
    route(Put, "/api/v1/admin/settings/casework", Staff(Permission::ManageRules)),
    route(Get, "/api/v1/tickets/:tracking_no/duplicates", Staff(Permission::Dispatch)),
    route(Post, "/api/v1/tickets/:tracking_no/merge", Staff(Permission::Dispatch)),
    route(Post, "/api/v1/tickets/:tracking_no/unreasonable", Staff(Permission::Dispatch)),
    route(Post, "/api/v1/tickets/:tracking_no/unreasonable/decision", Staff(Permission::Supervise)),
    route(Get, "/api/v1/supervision/unreasonable", Staff(Permission::Supervise)),
    route(Get, "/api/v1/tickets/:tracking_no/consultations", Staff(Permission::ViewTickets)),
    route(Post, "/api/v1/tickets/:tracking_no/consultations", Staff(Permission::Dispatch)),
    route(Post, "/api/v1/consultations/:id/replies", Staff(Permission::Handle)),
    route(Post, "/api/v1/tickets/:tracking_no/disputes", Staff(Permission::Handle)),
    route(Post, "/api/v1/tickets/:tracking_no/disputes/decision", Staff(Permission::Dispatch)),
    route(Get, "/api/v1/dispatch/disputes", Staff(Permission::Dispatch)),
    route(Get, "/api/v1/dispatch/redispatches", Staff(Permission::ViewRules)),
    route(Post, "/api/v1/tickets/:tracking_no/whistle", Staff(Permission::Handle)),
    route(Post, "/api/v1/tickets/:tracking_no/whistle/report", Staff(Permission::Handle)),
    route(Get, "/api/v1/supervision/whistles", Staff(Permission::Supervise)),
    route(Get, "/api/v1/workbench/inbox", Staff(Permission::Handle)),
    route(Post, "/api/v1/tickets/:tracking_no/accept", Staff(Permission::Handle)),
    route(Post, "/api/v1/tickets/:tracking_no/notes", Staff(Permission::Handle)),
    route(Post, "/api/v1/tickets/:tracking_no/extensions", Staff(Permission::Handle)),
    route(Post, "/api/v1/tickets/:tracking_no/parts", Staff(Permission::Handle)),
    route(Post, "/api/v1/tickets/:tracking_no/reply/check", Staff(Permission::Handle)),
    route(Post, "/api/v1/tickets/:tracking_no/reply", Staff(Permission::Handle)),
    route(Post, "/api/v1/tickets/:tracking_no/close", Staff(Permission::Dispatch)),
    route(Post, "/api/v1/tickets/:tracking_no/erasure", Staff(Permission::ErasePersonalData)),
    route(Post, "/api/v1/tickets/:tracking_no/reminders", Staff(Permission::Supervise)),
    route(Get, "/api/v1/supervision/extensions", Staff(Permission::Supervise)),
    route(Post, "/api/v1/extensions/:id/decision", Staff(Permission::Supervise)),
    route(Get, "/api/v1/supervision/steps", Staff(Permission::Supervise)),
    route(Get, "/api/v1/supervision/reply-overrides", Staff(Permission::Supervise)),
    route(Get, "/api/v1/listed", Public),
    route(Get, "/api/v1/calendar", Public),
    route(Put, "/api/v1/admin/calendar/:year", Staff(Permission::ManageRules)),
    route(Get, "/api/v1/admin/settings/sla", Staff(Permission::ViewRules)),
    route(Put, "/api/v1/admin/settings/sla", Staff(Permission::ManageRules)),
    route(Get, "/api/v1/admin/settings/ladder", Staff(Permission::ViewRules)),
    route(Put, "/api/v1/admin/settings/ladder", Staff(Permission::ManageRules)),
    route(Get, "/api/v1/admin/settings/follow-up", Staff(Permission::ViewRules)),
    route(Put, "/api/v1/admin/settings/follow-up", Staff(Permission::ManageRules)),
    route(Get, "/api/v1/notifications", Staff(Permission::OwnAccount)),
    route(Post, "/api/v1/notifications/read", Staff(Permission::OwnAccount)),
    route(Put, "/api/v1/admin/departments/:id/webhook", Staff(Permission::ManageDepartments)),
    route(Get, "/api/v1/admin/outbox", Staff(Permission::ManageDepartments)),
    route(Post, "/api/v1/admin/outbox/:id/retry", Staff(Permission::ManageDepartments)),
    route(Post, "/api/v1/admin/jobs/supervise", Staff(Permission::ManageRules)),
    route(Post, "/api/v1/admin/jobs/deliver", Staff(Permission::ManageDepartments)),
    route(Post, "/api/v1/requests/:tracking_no/reopen", Public),
    route(Post, "/api/v1/requests/:tracking_no/erasure", Public),
    route(Post, "/api/v1/requests/:tracking_no/info", Public),
    // The reporter's or a follower's token, checked by the handler; the unsubscribe token is the path.
    route(Post, "/api/v1/requests/:tracking_no/subscriptions", Public),
    route(Post, "/api/v1/unsubscribe/:token", Public),
    route(Get, "/api/v1/requests/:tracking_no/rating", Public),
    route(Post, "/api/v1/requests/:tracking_no/rating", Public),
    route(Get, "/api/v1/callbacks", Staff(Permission::CallBack)),
    route(Post, "/api/v1/tickets/:tracking_no/callbacks", Staff(Permission::CallBack)),
    route(Get, "/api/v1/supervision/rating-reviews", Staff(Permission::Supervise)),
    route(Post, "/api/v1/tickets/:tracking_no/rating-review", Staff(Permission::Supervise)),
    route(Get, "/api/v1/admin/settings/evaluation", Staff(Permission::ViewRules)),
    route(Put, "/api/v1/admin/settings/evaluation", Staff(Permission::ManageRules)),
    route(Put, "/api/v1/admin/settings/assessment", Staff(Permission::ManageRules)),
    route(Put, "/api/v1/admin/observers/:id", Staff(Permission::ManageStaff)),
    route(Post, "/api/v1/admin/jobs/sample", Staff(Permission::ManageRules)),
    route(Get, "/api/v1/observer/samples", Staff(Permission::Grade)),
    route(Post, "/api/v1/observer/samples/:id/tickets/:tracking_no/grade", Staff(Permission::Grade)),
    route(Get, "/api/v1/open/assessment", Public),
    route(Get, "/api/v1/open/assessment.csv", Public),
    route(Get, "/api/v1/open/dashboard.csv", Public),
    route(Get, "/api/v1/open/assessment/settings", Public),
    route(Get, "/api/v1/open/grades", Public),
    route(Get, "/api/v1/open/departments", Public),
    route(Get, "/api/v1/open/dashboard", Public),
    route(Get, "/api/v1/open/heatmap", Public),
    route(Get, "/api/v1/open/seasonal-outlook", Public),
    route(Get, "/api/v1/open/hot-issues", Public),
    // The tracking page, written with the request's public view in it (the other pages are static files).
    route(Get, "/track/:tracking_no", Public),
    route(Get, "/open311/v2/discovery.json", Public),
    route(Get, "/open311/v2/discovery.xml", Public),
    route(Get, "/open311/v2/services.json", Public),
    route(Get, "/open311/v2/services.xml", Public),
    route(Get, "/open311/v2/services/:code_fmt", Public),
    route(Get, "/open311/v2/requests.json", Public),
    route(Get, "/open311/v2/requests.xml", Public),
    // `api_key` in the form is a channel key.
    route(Post, "/open311/v2/requests.json", Access::ChannelKey),
    route(Post, "/open311/v2/requests.xml", Access::ChannelKey),
    route(Get, "/open311/v2/requests/:id_fmt", Public),
    route(Get, "/open311/v2/tokens/:token_fmt", Public),
    route(Get, "/open311/v2/servicerequestupdates.json", Public),
    route(Get, "/open311/v2/servicerequestupdates.xml", Public),
    route(Get, "/api/v1/supervision/alerts", Staff(Permission::Supervise)),
    route(Post, "/api/v1/admin/jobs/insights", Staff(Permission::ManageRules)),
    route(Get, "/api/v1/admin/rollups/verify", Staff(Permission::ReadAudit)),
    route(Get, "/api/v1/analytics/forecast", Public),
    route(Get, "/api/v1/analytics/forecast/backtest", Public),
    route(Post, "/api/v1/admin/import/daily-counts", Staff(Permission::ImportTickets)),
    // Photos (`shared::photo`): the reporter's token is checked by the handler.
    route(Post, "/api/v1/requests/:tracking_no/photos", Public),
    route(Post, "/api/v1/tickets/:tracking_no/photos", Staff(Permission::Handle)),
    route(Get, "/api/v1/tickets/:tracking_no/photos", Staff(Permission::ViewTickets)),
    route(Get, "/api/v1/photos/:id", Public),
    route(Get, "/api/v1/staff/photos/:id", Staff(Permission::ViewTickets)),
    route(Post, "/api/v1/photos/:id/hide", Staff(Permission::Dispatch)),
    route(Post, "/api/v1/photos/:id/unhide", Staff(Permission::Dispatch)),
];

/// The route a request is for, if any. `:name` matches one non-empty segment.
pub fn find_route(method: Method, path: &str) -> Option<&'static Route> {
    let path = path.trim_end_matches('/');
    ROUTES.iter().find(|r| r.method == method && matches_template(r.path, path))
}

/// Whether any method is served at `path` (405 rather than 404).
pub fn path_exists(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    ROUTES.iter().any(|r| matches_template(r.path, path))
}

fn matches_template(template: &str, path: &str) -> bool {
    let mut t = template.split('/');
    let mut p = path.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(ts), Some(ps)) if ts.starts_with(':') && !ps.is_empty() => {}
            (Some(ts), Some(ps)) if ts == ps => {}
            _ => return false,
        }
    }
}

/// A staff login name: 3–32 of `a-z 0-9 . _ -`, stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse_into(errors: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<Self> {
        let Some(raw) = raw.map(|r| r.trim().to_lowercase()).filter(|r| !r.is_empty()) else {
            errors.add(field, FieldErrorCode::Required, "a username is required");
            return None;
        };
        let ok = (3..=32).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
        if ok {
            Some(Self(raw))
        } else {
            errors.add(field, FieldErrorCode::InvalidFormat, "3 to 32 of a-z, 0-9, '.', '_' and '-'");
            None
        }
    }

    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_is_in_the_policy_once() {
        for p in Permission::ALL {
            assert_eq!(POLICY.iter().filter(|(q, _)| *q == p).count(), 1, "{p:?}");
            assert_eq!(Permission::parse(p.as_str()), Some(p));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert!(allows(r, Permission::OwnAccount));
        }
    }

    #[test]
    fn only_admins_manage() {
        for r in Role::ALL {
            assert_eq!(allows(r, Permission::ManageStaff), r == Admin, "{r:?}");
            assert_eq!(allows(r, Permission::ManageAreas), r == Admin, "{r:?}");
        }
        assert!(allows(Supervisor, Permission::ReadAudit));
        assert!(!allows(Handler, Permission::ReadAudit));
        assert!(!allows(Observer, Permission::ViewStaff));
    }

    #[test]
    fn routes_match_templates_and_nothing_else() {
        assert_eq!(
            find_route(Get, "/api/v1/requests/20261128-0000019").map(|r| r.path),
            Some("/api/v1/requests/:tracking_no")
        );
        assert_eq!(find_route(Get, "/api/v1/requests/").map(|r| r.path), None);
        assert_eq!(
            find_route(Delete, "/api/v1/account/tokens/abc").map(|r| r.access),
            Some(Staff(Permission::OwnAccount))
        );
        assert!(find_route(Delete, "/api/v1/requests/1").is_none());
        assert!(path_exists("/api/v1/requests/1"));
        assert!(find_route(Get, "/api/v1/requests/1/extra").is_none());
        assert!(find_route(Get, "/api/v1/admin").is_none());
    }

    #[test]
    fn routes_are_unique() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(!(a.method == b.method && a.path == b.path), "{a:?} twice");
            }
        }
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        let mut e = FieldErrors::new();
        assert_eq!(
            Username::parse_into(&mut e, "username", Some(" Zhang.Wei ")).map(|u| u.0),
            Some("zhang.wei".into())
        );
        assert!(Username::parse_into(&mut e, "username", Some("张伟")).is_none());
        assert_eq!(e.get("username").map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
    }
}
