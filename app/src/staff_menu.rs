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
    MenuItem { path: "/staff/departments", key: "staff.nav.departments", needs: Permission::ViewDepartments },
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

/// Audit actions are open-ended strings; an unknown one shows as written.
pub fn audit_action_key(action: &str) -> String {
    format!("audit.action.{action}")
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
        assert_eq!(admin.len(), MENU.len(), "the admin may do everything listed");
        let observer: Vec<_> = menu_for(&Role::Observer.permissions()).iter().map(|i| i.key).collect();
        assert_eq!(observer, ["staff.nav.home", "staff.nav.departments", "staff.nav.account"]);
        let supervisor: Vec<_> = menu_for(&Role::Supervisor.permissions()).iter().map(|i| i.key).collect();
        assert!(supervisor.contains(&"staff.nav.audit") && !supervisor.contains(&"staff.nav.areas"));
        // An API token narrowed to one scope draws only that.
        assert_eq!(menu_for(&[Permission::ReadAudit]).len(), 1);
    }

    #[test]
    fn the_current_entry_is_the_longest_prefix() {
        assert_eq!(current("/staff"), Some("/staff"));
        assert_eq!(current("/staff/staff"), Some("/staff/staff"));
        assert_eq!(current("/staff/staff/42"), Some("/staff/staff"));
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
    fn roles_permissions_and_levels_are_translated() {
        let mut keys: Vec<String> = Role::ALL.into_iter().map(role_key).collect();
        keys.extend(Permission::ALL.into_iter().map(permission_key));
        keys.extend(shared::org::DepartmentLevel::ALL.into_iter().map(level_key));
        keys.extend(MENU.iter().map(|i| i.key.to_owned()));
        for lang in Lang::ALL {
            for key in &keys {
                assert!(lang.get(key).is_some(), "{lang:?} lacks {key}");
            }
        }
    }
}
