//! Tickets as staff see them, and which tickets each staff member may see: department
//! staff only the work of their own department (as lead or co-handler); the centre,
//! supervisors and admins all of it; observers all of it without the reporter's personal data
//! (they grade samples; they never need to call anyone).

use crate::auth::Role;
use crate::dispatch::{DispatchMode, Urgency};
use crate::geo::LatLng;
use crate::request::{Channel, Contact, RequestKind};
use crate::status::Status;
use crate::ticket::TicketEvent;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketScope {
    All,
    /// Only tickets where this department is lead or co-handler.
    Department(String),
    /// A department role without a department sees nothing rather than everything.
    Nothing,
}

pub fn ticket_scope(role: Role, department: Option<&str>) -> TicketScope {
    match (role, department) {
        (Role::Handler | Role::DepartmentHead, Some(d)) => TicketScope::Department(d.to_owned()),
        (Role::Handler | Role::DepartmentHead, None) => TicketScope::Nothing,
        (Role::Dispatcher | Role::Supervisor | Role::Observer | Role::Admin, _) => TicketScope::All,
    }
}

impl TicketScope {
    /// Whether a ticket handled by these departments is in scope.
    pub fn admits(&self, ticket_departments: &[TicketDepartment]) -> bool {
        match self {
            TicketScope::All => true,
            TicketScope::Department(d) => ticket_departments.iter().any(|t| &t.department == d),
            TicketScope::Nothing => false,
        }
    }
}

/// Whether the role sees the reporter's name, phone and e-mail.
pub fn sees_contact(role: Role) -> bool {
    !matches!(role, Role::Observer)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Lead,
    Co,
}

impl Part {
    pub fn parse(raw: &str) -> Option<Part> {
        match raw {
            "lead" => Some(Part::Lead),
            "co" => Some(Part::Co),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDepartment {
    pub department: String,
    pub part: Part,
}

/// One line of a staff ticket list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffTicketSummary {
    pub tracking_no: String,
    pub title: String,
    pub category: String,
    pub status: Status,
    pub urgency: Urgency,
    pub kind: RequestKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_mode: Option<DispatchMode>,
    pub redispatch_count: u32,
}

/// A whole ticket for staff: everything the citizen sees plus internal events and, for
/// roles that need it, the reporter's contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffTicketDetail {
    #[serde(flatten)]
    pub summary: StaffTicketSummary,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<LatLng>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub channel: Channel,
    pub anonymous: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    pub departments: Vec<TicketDepartment>,
    pub events: Vec<TicketEvent>,
    /// For `If-Match`-style guarded changes.
    pub version: i64,
    #[serde(default)]
    pub handling: crate::ticket::Handling,
    /// Co-handlers' parts and the lead's reply, oldest first.
    #[serde(default)]
    pub parts: Vec<crate::handling::PartView>,
    #[serde(default)]
    pub extensions: Vec<crate::handling::ExtensionView>,
    #[serde(default)]
    pub reminders: Vec<crate::handling::ReminderView>,
    #[serde(default)]
    pub steps: Vec<crate::handling::StepView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(department: &str, part: Part) -> TicketDepartment {
        TicketDepartment { department: department.to_owned(), part }
    }

    #[test]
    fn department_staff_see_their_department_as_lead_or_co_handler_only() {
        let scope = ticket_scope(Role::Handler, Some("city.urban-management"));
        assert!(scope.admits(&[on("city.urban-management", Part::Lead)]));
        assert!(scope.admits(&[on("city.ecology", Part::Lead), on("city.urban-management", Part::Co)]));
        assert!(!scope.admits(&[on("city.ecology", Part::Lead)]));
        assert!(!scope.admits(&[]), "an undispatched ticket belongs to no department yet");
        assert_eq!(ticket_scope(Role::DepartmentHead, None), TicketScope::Nothing);
        assert!(!TicketScope::Nothing.admits(&[on("x", Part::Lead)]));
    }

    #[test]
    fn the_centre_supervisors_observers_and_admins_see_everything_observers_without_contacts() {
        for role in [Role::Dispatcher, Role::Supervisor, Role::Observer, Role::Admin] {
            assert_eq!(ticket_scope(role, Some("centre")), TicketScope::All, "{role:?}");
        }
        assert!(!sees_contact(Role::Observer));
        assert!(Role::ALL.iter().filter(|r| **r != Role::Observer).all(|r| sees_contact(*r)));
    }
}
