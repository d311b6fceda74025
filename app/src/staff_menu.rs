//! The staff menu as data: each entry names the permission it needs, so the menu shows
//! exactly what the policy table lets the signed-in role do (the Worker enforces the same
//! table; hiding an entry is a courtesy, never the protection).

use shared::auth::{Permission, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MenuItem {
    pub path: &'static str,
    /// Translation key of the link text.
    pub key: &'static str,
    pub needs: Permission,
}

pub const MENU: &[MenuItem] = &[
    MenuItem { path: "/staff", key: "staff.nav.home", needs: Permission::OwnAccount },
    MenuItem { path: "/staff/tickets", key: "staff.nav.tickets", needs: Permission::Handle },
    MenuItem { path: "/staff/samples", key: "staff.nav.samples", needs: Permission::Grade },
    MenuItem { path: "/staff/dispatch", key: "staff.nav.dispatch", needs: Permission::Dispatch },
    MenuItem { path: "/staff/disputes", key: "staff.nav.disputes", needs: Permission::Dispatch },
    MenuItem { path: "/staff/callbacks", key: "staff.nav.callbacks", needs: Permission::CallBack },
    MenuItem { path: "/staff/supervision", key: "staff.nav.supervision", needs: Permission::Supervise },
    MenuItem { path: "/staff/alerts", key: "staff.nav.alerts", needs: Permission::Supervise },
    MenuItem { path: "/staff/rules", key: "staff.nav.rules", needs: Permission::ViewRules },
    MenuItem { path: "/staff/deadlines", key: "staff.nav.deadlines", needs: Permission::ViewRules },
    MenuItem { path: "/staff/evaluation", key: "staff.nav.evaluation", needs: Permission::ViewRules },
    MenuItem { path: "/staff/departments", key: "staff.nav.departments", needs: Permission::ViewDepartments },
    MenuItem { path: "/staff/channels", key: "staff.nav.channels", needs: Permission::ManageDepartments },
    MenuItem { path: "/staff/outbox", key: "staff.nav.outbox", needs: Permission::ManageDepartments },
    MenuItem { path: "/staff/staff", key: "staff.nav.staff", needs: Permission::ViewStaff },
    MenuItem { path: "/staff/areas", key: "staff.nav.areas", needs: Permission::ManageAreas },
    MenuItem { path: "/staff/audit", key: "staff.nav.audit", needs: Permission::ReadAudit },
    MenuItem { path: "/staff/account", key: "staff.nav.account", needs: Permission::OwnAccount },
];

pub fn menu_for(permissions: &[Permission]) -> Vec<MenuItem> {
    MENU.iter().filter(|item| permissions.contains(&item.needs)).copied().collect()
}

/// The entry a path belongs to (the longest matching prefix), for `aria-current`.
pub fn current(path: &str) -> Option<&'static str> {
    MENU.iter()
        .filter(|item| path == item.path || path.starts_with(&format!("{}/", item.path)))
        .max_by_key(|item| item.path.len())
        .map(|item| item.path)
}

pub fn role_key(role: Role) -> String {
    format!("role.{}", role.as_str())
}

pub fn permission_key(permission: Permission) -> String {
    format!("permission.{}", permission.as_str())
}

pub fn level_key(level: shared::org::DepartmentLevel) -> String {
    format!("level.{}", level.as_str())
}

pub fn urgency_key(urgency: shared::dispatch::Urgency) -> String {
    format!("urgency.{}", urgency.as_str())
}

pub fn reason_key(reason: shared::review::UnreasonableReason) -> String {
    format!("unreasonable.reason.{}", reason.as_str())
}

/// How long a request has waited, as a translation key and its `{n}`: minutes for the first
/// hour, hours for the first two days, then days.
pub fn age_key(minutes: i64) -> (&'static str, i64) {
    let minutes = minutes.max(0);
    if minutes < 60 {
        ("dispatch.age.minutes", minutes)
    } else if minutes < 48 * 60 {
        ("dispatch.age.hours", minutes / 60)
    } else {
        ("dispatch.age.days", minutes / (24 * 60))
    }
}

/// A classifier confidence (0 to 1) as a whole percentage.
pub fn percent(confidence: f32) -> u32 {
    // Clamped first, so the cast cannot wrap.
    (confidence.clamp(0.0, 1.0) * 100.0).round() as u32
}

/// Audit actions are open-ended strings; an unknown one shows as written.
pub fn audit_action_key(action: &str) -> String {
    format!("audit.action.{action}")
}

pub fn kind_key(kind: shared::request::RequestKind) -> String {
    format!("kind.{}", kind.as_str())
}

/// One row of the coverage report: a category × area pair, with the kinds of request it
/// fails for and, when several rules clash, their leads (empty: no lead at all).
#[derive(Debug, Clone, PartialEq)]
pub struct GapRow {
    pub category: shared::catalogue::CategoryCode,
    pub area: Option<String>,
    pub kinds: Vec<shared::request::RequestKind>,
    pub leads: Vec<String>,
}

impl GapRow {
    pub fn clash(&self) -> bool {
        !self.leads.is_empty()
    }
}

/// The report's items as category × area pairs: kinds failing the same way are one row, and
/// clashes (several leads) come before holes (no lead), each in the report's order.
pub fn gap_rows(items: &[shared::rules::CoverageGap]) -> Vec<GapRow> {
    use shared::rules::Resolution;
    let mut rows: Vec<GapRow> = Vec::new();
    for gap in items {
        let leads = match &gap.resolution {
            Resolution::Ambiguous { leads, .. } => leads.clone(),
            Resolution::NoRule => Vec::new(),
            Resolution::Resolved { .. } => continue,
        };
        match rows.iter_mut().find(|r| r.category == gap.category && r.area == gap.area && r.leads == leads) {
            Some(row) if !row.kinds.contains(&gap.kind) => row.kinds.push(gap.kind),
            Some(_) => {}
            None => rows.push(GapRow {
                category: gap.category.clone(),
                area: gap.area.clone(),
                kinds: vec![gap.kind],
                leads,
            }),
        }
    }
    // Stable: the report's order within each group.
    rows.sort_by_key(|r| !r.clash());
    rows
}

/// Where to go after signing in: only a staff page of this app, never another site.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with("/staff") && !n.starts_with("/staff/login") && !n.contains("//") => n,
        _ => "/staff",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn each_role_sees_what_the_policy_allows() {
        let admin = menu_for(&Role::Admin.permissions());
        // The admin may do everything listed but a department's own casework, the call centre's
        // call-backs and observers' grading.
        assert_eq!(admin.len(), MENU.len() - 3);
        for key in ["staff.nav.tickets", "staff.nav.callbacks", "staff.nav.samples"] {
            assert!(admin.iter().all(|i| i.key != key), "{key}");
        }
        assert!(admin.iter().any(|i| i.key == "staff.nav.evaluation"));
        let observer: Vec<_> = menu_for(&Role::Observer.permissions()).iter().map(|i| i.key).collect();
        assert_eq!(observer, ["staff.nav.home", "staff.nav.samples", "staff.nav.departments", "staff.nav.account"]);
        let supervisor: Vec<_> = menu_for(&Role::Supervisor.permissions()).iter().map(|i| i.key).collect();
        assert!(supervisor.contains(&"staff.nav.audit") && !supervisor.contains(&"staff.nav.areas"));
        assert!(supervisor.contains(&"staff.nav.dispatch") && supervisor.contains(&"staff.nav.supervision"));
        assert!(supervisor.contains(&"staff.nav.callbacks") && !supervisor.contains(&"staff.nav.samples"));
        // The centre dispatches but does not decide on unreasonable requests.
        let dispatcher: Vec<_> = menu_for(&Role::Dispatcher.permissions()).iter().map(|i| i.key).collect();
        assert_eq!(
            dispatcher,
            [
                "staff.nav.home",
                "staff.nav.dispatch",
                "staff.nav.disputes",
                "staff.nav.callbacks",
                "staff.nav.rules",
                "staff.nav.deadlines",
                "staff.nav.evaluation",
                "staff.nav.departments",
                "staff.nav.account"
            ]
        );
        // Department heads read the responsibility list; only admins change it.
        let head: Vec<_> = menu_for(&Role::DepartmentHead.permissions()).iter().map(|i| i.key).collect();
        assert!(head.contains(&"staff.nav.rules") && !head.contains(&"staff.nav.disputes"));
        assert!(head.contains(&"staff.nav.tickets"));
        let handler: Vec<_> = menu_for(&Role::Handler.permissions()).iter().map(|i| i.key).collect();
        assert!(!handler.contains(&"staff.nav.rules"));
        // Department staff work their own department's requests; the centre does not.
        assert!(handler.contains(&"staff.nav.tickets") && !dispatcher.contains(&"staff.nav.tickets"));
        for role in [Role::Handler, Role::DepartmentHead, Role::Observer] {
            let keys: Vec<_> = menu_for(&role.permissions()).iter().map(|i| i.key).collect();
            assert!(!keys.contains(&"staff.nav.dispatch") && !keys.contains(&"staff.nav.supervision"), "{role:?}");
        }
        // An API token narrowed to one scope draws only that.
        assert_eq!(menu_for(&[Permission::ReadAudit]).len(), 1);
    }

    #[test]
    fn the_current_entry_is_the_longest_prefix() {
        assert_eq!(current("/staff"), Some("/staff"));
        assert_eq!(current("/staff/staff"), Some("/staff/staff"));
        assert_eq!(current("/staff/staff/42"), Some("/staff/staff"));
        assert_eq!(current("/staff/dispatch/20261128-0000019"), Some("/staff/dispatch"));
        assert_eq!(current("/staff/rules"), Some("/staff/rules"));
        assert_eq!(current("/staff/disputes"), Some("/staff/disputes"));
        assert_eq!(current("/staff/tickets/20261128-0000019"), Some("/staff/tickets"));
        assert_eq!(current("/staff/samples"), Some("/staff/samples"));
        assert_eq!(current("/staff/evaluation"), Some("/staff/evaluation"));
        assert_eq!(current("/staffing"), None);
        assert_eq!(current("/track"), None);
    }

    #[test]
    fn only_own_staff_pages_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/staff/audit")), "/staff/audit");
        assert_eq!(safe_next(Some("https://evil.example/staff")), "/staff");
        assert_eq!(safe_next(Some("//evil.example")), "/staff");
        assert_eq!(safe_next(Some("/staff//evil.example")), "/staff");
        assert_eq!(safe_next(Some("/staff/login")), "/staff");
        assert_eq!(safe_next(None), "/staff");
    }

    #[test]
    fn ages_and_confidences_read_naturally() {
        assert_eq!(age_key(-3), ("dispatch.age.minutes", 0), "a clock a little ahead is not a negative age");
        assert_eq!(age_key(59), ("dispatch.age.minutes", 59));
        assert_eq!(age_key(60), ("dispatch.age.hours", 1));
        assert_eq!(age_key(47 * 60 + 59), ("dispatch.age.hours", 47));
        assert_eq!(age_key(48 * 60), ("dispatch.age.days", 2));
        assert_eq!(percent(0.9994), 100);
        assert_eq!(percent(0.874), 87);
        assert_eq!(percent(0.0), 0);
        assert_eq!(percent(1.7), 100);
        assert_eq!(percent(f32::NAN), 0);
    }

    #[test]
    fn coverage_gaps_become_pairs_with_clashes_first() {
        use shared::catalogue::CategoryCode;
        use shared::request::RequestKind::{Citizen, Enterprise};
        use shared::rules::{CoverageGap, Resolution};
        let gap = |category: &str, area: Option<&str>, kind, resolution| CoverageGap {
            category: CategoryCode::parse(category).unwrap(),
            area: area.map(str::to_owned),
            kind,
            resolution,
        };
        let clash = Resolution::Ambiguous { leads: vec!["a".into(), "b".into()], rules: vec![0, 1] };
        let items = [
            gap("01.01.01", None, Citizen, Resolution::NoRule),
            gap("01.01.01", None, Enterprise, Resolution::NoRule),
            gap("01.01.01", Some("a3"), Citizen, Resolution::NoRule),
            gap("01.01.02", Some("a3"), Enterprise, clash.clone()),
            gap("01.01.02", Some("a3"), Citizen, Resolution::NoRule),
        ];
        let rows = gap_rows(&items);
        assert_eq!(rows.len(), 4);
        assert!(rows[0].clash() && rows[0].kinds == [Enterprise] && rows[0].leads == ["a", "b"]);
        assert_eq!((rows[1].area.as_deref(), rows[1].kinds.as_slice()), (None, &[Citizen, Enterprise][..]));
        assert_eq!((rows[2].area.as_deref(), rows[2].kinds.as_slice()), (Some("a3"), &[Citizen][..]));
        assert!(!rows[3].clash() && rows[3].category.as_str() == "01.01.02");
        assert!(gap_rows(&[]).is_empty());
    }

    #[test]
    fn roles_permissions_and_levels_are_translated() {
        let mut keys: Vec<String> = Role::ALL.into_iter().map(role_key).collect();
        keys.extend(Permission::ALL.into_iter().map(permission_key));
        keys.extend(shared::org::DepartmentLevel::ALL.into_iter().map(level_key));
        keys.extend(MENU.iter().map(|i| i.key.to_owned()));
        keys.extend(shared::dispatch::Urgency::ALL.into_iter().map(urgency_key));
        keys.extend(shared::review::UnreasonableReason::ALL.into_iter().map(reason_key));
        keys.extend([0, 90, 3000].into_iter().map(|m| age_key(m).0.to_owned()));
        keys.extend([shared::request::RequestKind::Citizen, shared::request::RequestKind::Enterprise].map(kind_key));
        for lang in Lang::ALL {
            for key in &keys {
                assert!(lang.get(key).is_some(), "{lang:?} lacks {key}");
            }
        }
    }
}
