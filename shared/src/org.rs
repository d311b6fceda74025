//! The organisation: departments in levels, the areas they serve, staff and their accounts.
//! Wire types for the staff and admin API live here too.

use crate::area::Shape;
use crate::auth::{Permission, Role, Username};
use crate::error::{FieldErrorCode, FieldErrors};
use crate::text;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentLevel {
    /// The 12345 centre itself.
    Centre,
    CityBureau,
    DistrictBureau,
    /// 街道办事处 / 乡镇: the street or township office.
    StreetOffice,
    /// Coordinates enterprise requests (政务/非公).
    EnterpriseCoordinator,
    /// Coordinates citizens' requests (社工部).
    CitizenCoordinator,
}

impl DepartmentLevel {
    pub const ALL: [DepartmentLevel; 6] = [
        DepartmentLevel::Centre,
        DepartmentLevel::CityBureau,
        DepartmentLevel::DistrictBureau,
        DepartmentLevel::StreetOffice,
        DepartmentLevel::EnterpriseCoordinator,
        DepartmentLevel::CitizenCoordinator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DepartmentLevel::Centre => "centre",
            DepartmentLevel::CityBureau => "city_bureau",
            DepartmentLevel::DistrictBureau => "district_bureau",
            DepartmentLevel::StreetOffice => "street_office",
            DepartmentLevel::EnterpriseCoordinator => "enterprise_coordinator",
            DepartmentLevel::CitizenCoordinator => "citizen_coordinator",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == raw)
    }
}

/// A department code: 2–40 of `a-z 0-9 - .`, stable, used by rules and imports.
fn code(errors: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<String> {
    let raw = raw.map(str::trim).filter(|r| !r.is_empty());
    let Some(raw) = raw else {
        errors.add(field, FieldErrorCode::Required, format!("{field} is required"));
        return None;
    };
    let ok = (2..=40).contains(&raw.len())
        && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.'));
    if ok {
        Some(raw.to_owned())
    } else {
        errors.add(field, FieldErrorCode::InvalidFormat, "2 to 40 of a-z, 0-9, '-' and '.'");
        None
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub code: String,
    pub name: String,
    pub level: DepartmentLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The area it serves (district or street code), if it is area-bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

impl Department {
    /// Validate; `code_fixed` is the code from the URL when updating.
    pub fn parse(input: &DepartmentInput, code_fixed: Option<&str>) -> Result<Department, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = match code_fixed {
            Some(c) => Some(c.to_owned()),
            None => self::code(&mut errors, "code", input.code.as_deref()),
        };
        let name = text::bounded(&mut errors, "name", input.name.as_deref(), 2, 80);
        let level = match input.level.as_deref() {
            None => {
                errors.add("level", FieldErrorCode::Required, "level is required");
                None
            }
            Some(raw) => DepartmentLevel::parse(raw).or_else(|| {
                errors.add("level", FieldErrorCode::UnknownValue, format!("unknown level {raw}"));
                None
            }),
        };
        let parent = input
            .parent
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .and_then(|p| self::code(&mut errors, "parent", Some(p)));
        let area = input
            .area
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .and_then(|a| self::code(&mut errors, "area", Some(a)));
        if parent.is_some() && parent == code {
            errors.add("parent", FieldErrorCode::OutOfRange, "a department cannot be its own parent");
        }
        match (code, name, level) {
            (Some(code), Some(name), Some(level)) if errors.is_empty() => {
                Ok(Department { code, name, level, parent, area, active: input.active.unwrap_or(true) })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    District,
    /// Street (街道) or township (乡镇).
    Street,
}

impl AreaLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AreaLevel::District => "district",
            AreaLevel::Street => "street",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [AreaLevel::District, AreaLevel::Street].into_iter().find(|l| l.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub level: AreaLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub shape: Shape,
}

impl Area {
    /// The areas of a GeoJSON FeatureCollection; each feature's `properties` carry
    /// `code`, `name`, `level` and optionally `parent`. Errors name `features[i]…`.
    pub fn parse_collection(value: &Value) -> Result<Vec<Area>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let features =
            match (value.get("type").and_then(Value::as_str), value.get("features").and_then(Value::as_array)) {
                (Some("FeatureCollection"), Some(f)) => f,
                _ => {
                    errors.add("type", FieldErrorCode::InvalidFormat, "send a GeoJSON FeatureCollection");
                    return Err(errors);
                }
            };
        let mut areas = Vec::with_capacity(features.len());
        for (i, feature) in features.iter().enumerate() {
            let at = |f: &str| format!("features[{i}].{f}");
            let props = feature.get("properties").cloned().unwrap_or(Value::Null);
            let prop = |k: &str| props.get(k).and_then(Value::as_str).map(str::to_owned);
            let code = code(&mut errors, &at("properties.code"), prop("code").as_deref());
            let name = text::bounded(&mut errors, &at("properties.name"), prop("name").as_deref(), 1, 80);
            let level = prop("level").as_deref().and_then(AreaLevel::parse);
            if level.is_none() {
                errors.add(&at("properties.level"), FieldErrorCode::UnknownValue, "level is district or street");
            }
            let parent = prop("parent").filter(|p| !p.is_empty());
            let shape = match Shape::from_geojson(feature.get("geometry").unwrap_or(&Value::Null), &at("geometry")) {
                Ok(shape) => Some(shape),
                Err(e) => {
                    errors.0.extend(e.0);
                    None
                }
            };
            if let (Some(code), Some(name), Some(level), Some(shape)) = (code, name, level, shape) {
                areas.push(Area { code, name, level, parent, shape });
            }
        }
        for (i, a) in areas.iter().enumerate() {
            if areas[..i].iter().any(|b| b.code == a.code) {
                errors.add(
                    &format!("features[{i}].properties.code"),
                    FieldErrorCode::Taken,
                    format!("{} appears twice", a.code),
                );
            }
        }
        errors.finish(|| areas)
    }

    /// As a GeoJSON Feature.
    pub fn to_feature(&self) -> Value {
        serde_json::json!({
            "type": "Feature",
            "properties": { "code": self.code, "name": self.name, "level": self.level.as_str(), "parent": self.parent },
            "geometry": self.shape.to_geojson(),
        })
    }
}

/// The most specific area containing a point: a street if one contains it, else a district.
pub fn locate(areas: &[Area], point: crate::geo::LatLng) -> Vec<&Area> {
    let mut found: Vec<&Area> = areas.iter().filter(|a| a.shape.contains(point)).collect();
    found.sort_by_key(|a| match a.level {
        AreaLevel::Street => 0,
        AreaLevel::District => 1,
    });
    found
}

/// A staff member as the API shows them (never a hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: String,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub active: bool,
    /// What this user may do, so the app can draw the right menu. Names this build does not
    /// know are skipped: a tab opened before a deploy that adds a permission still signs in.
    #[serde(default, deserialize_with = "known_permissions")]
    pub permissions: Vec<Permission>,
}

fn known_permissions<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Permission>, D::Error> {
    let names: Vec<String> = Deserialize::deserialize(d)?;
    Ok(names.iter().filter_map(|n| Permission::parse(n)).collect())
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// A checked new or changed staff member (the password, if any, is checked separately).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffFields {
    pub username: Option<Username>,
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub department: Option<Option<String>>,
    pub active: Option<bool>,
}

impl StaffFields {
    /// `creating`: username, display name and role are required.
    pub fn parse(input: &StaffInput, creating: bool) -> Result<StaffFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let username = if creating {
            Username::parse_into(&mut errors, "username", input.username.as_deref())
        } else {
            if input.username.is_some() {
                errors.add("username", FieldErrorCode::ReadOnly, "a username cannot be changed");
            }
            None
        };
        let display_name = match (&input.display_name, creating) {
            (None, false) => None,
            (raw, _) => text::bounded(&mut errors, "display_name", raw.as_deref(), 1, 60),
        };
        let role = match (input.role.as_deref(), creating) {
            (None, false) => None,
            (None, true) => {
                errors.add("role", FieldErrorCode::Required, "role is required");
                None
            }
            (Some(raw), _) => Role::parse(raw).or_else(|| {
                errors.add("role", FieldErrorCode::UnknownValue, format!("unknown role {raw}"));
                None
            }),
        };
        let department = input.department.as_ref().map(|d| {
            let d = d.trim();
            (!d.is_empty()).then(|| d.to_owned())
        });
        // Department staff see only their department's work; they must have one.
        let needs_department = matches!(role, Some(Role::Handler | Role::DepartmentHead));
        if creating && needs_department && department.clone().flatten().is_none() {
            errors.add("department", FieldErrorCode::Required, "handlers and department heads belong to a department");
        }
        errors.finish(|| StaffFields { username, display_name, role, department, active: input.active })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub csrf_token: String,
    pub user: StaffUser,
    pub expires_at: DateTime<Utc>,
}

/// `GET /api/v1/auth/me`: the member, and for a session its CSRF token, so a new tab of
/// the app can make changes without signing in again (a cross-origin page cannot read it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeResponse {
    #[serde(flatten)]
    pub user: StaffUser,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeInput {
    #[serde(default)]
    pub current_password: Option<String>,
    #[serde(default)]
    pub new_password: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapInput {
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    #[serde(default)]
    pub name: Option<String>,
    /// Permissions the token carries; a subset of the owner's. Absent: all of them.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
}

/// Checked token request: a name and scopes within what `role` holds.
pub fn parse_token_input(input: &TokenInput, role: Role) -> Result<(String, Vec<Permission>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = text::bounded(&mut errors, "name", input.name.as_deref(), 1, 60);
    let held = role.permissions();
    let scopes = match &input.scopes {
        None => held.clone(),
        Some(raw) => {
            let mut scopes = Vec::new();
            for (i, s) in raw.iter().enumerate() {
                match Permission::parse(s) {
                    Some(p) if held.contains(&p) => scopes.push(p),
                    Some(_) => errors.add(
                        &format!("scopes[{i}]"),
                        FieldErrorCode::OutOfRange,
                        format!("your role does not hold {s}"),
                    ),
                    None => errors.add(
                        &format!("scopes[{i}]"),
                        FieldErrorCode::UnknownValue,
                        format!("unknown permission {s}"),
                    ),
                }
            }
            if raw.is_empty() {
                errors.add("scopes", FieldErrorCode::Required, "a token needs at least one scope");
            }
            scopes
        }
    };
    match name {
        Some(name) if errors.is_empty() => Ok((name, scopes)),
        _ => Err(errors),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub scopes: Vec<Permission>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<DateTime<Utc>>,
    /// Only in the answer that created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// One staff action in the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The staff member's username, or `bootstrap` / `anonymous`.
    pub actor: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub ip: String,
    #[serde(default)]
    pub detail: Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_permission_from_a_newer_server_is_skipped_not_fatal() {
        let user: StaffUser = serde_json::from_value(json!({
            "id": "u1", "username": "handler", "display_name": "刘办理", "role": "handler", "active": true,
            "permissions": ["own_account", "granted_in_a_later_release"]
        }))
        .unwrap();
        assert_eq!(user.permissions, vec![Permission::OwnAccount]);
    }

    #[test]
    fn departments_are_checked() {
        let ok = DepartmentInput {
            code: Some("city.urban-mgmt".into()),
            name: Some("市城管局".into()),
            level: Some("city_bureau".into()),
            ..Default::default()
        };
        assert_eq!(Department::parse(&ok, None).unwrap().level, DepartmentLevel::CityBureau);
        let bad = DepartmentInput {
            code: Some("City Mgmt".into()),
            name: None,
            level: Some("ministry".into()),
            ..Default::default()
        };
        let e = Department::parse(&bad, None).unwrap_err();
        assert_eq!(e.get("code").map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
        assert_eq!(e.get("name").map(|e| e.code), Some(FieldErrorCode::Required));
        assert_eq!(e.get("level").map(|e| e.code), Some(FieldErrorCode::UnknownValue));
    }

    #[test]
    fn area_collections_name_the_bad_feature() {
        let square =
            json!({"type": "Polygon", "coordinates": [[[112.9, 28.1], [113.0, 28.1], [113.0, 28.2], [112.9, 28.2]]]});
        let fc = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "a1", "name": "A1区", "level": "district"}, "geometry": square},
            {"type": "Feature", "properties": {"code": "a1-s1", "name": "", "level": "block"}, "geometry": {"type": "Point", "coordinates": [0, 0]}}
        ]});
        let e = Area::parse_collection(&fc).unwrap_err();
        assert!(e.get("features[1].properties.name").is_some());
        assert!(e.get("features[1].properties.level").is_some());
        assert!(e.get("features[1].geometry").is_some());
        assert!(e.get("features[0].properties.code").is_none());
    }

    #[test]
    fn the_street_wins_over_its_district() {
        let sq = |x: f64, s: f64| json!({"type": "Polygon", "coordinates": [[[x, 28.0], [x + s, 28.0], [x + s, 28.0 + s], [x, 28.0 + s]]]});
        let fc = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "d1", "name": "D1", "level": "district"}, "geometry": sq(113.0, 0.2)},
            {"type": "Feature", "properties": {"code": "d1-s1", "name": "S1", "level": "street", "parent": "d1"}, "geometry": sq(113.0, 0.1)}
        ]});
        let areas = Area::parse_collection(&fc).unwrap();
        let codes: Vec<_> =
            locate(&areas, crate::geo::LatLng { lat: 28.05, lng: 113.05 }).iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, vec!["d1-s1", "d1"]);
        let codes: Vec<_> =
            locate(&areas, crate::geo::LatLng { lat: 28.15, lng: 113.15 }).iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, vec!["d1"]);
    }

    #[test]
    fn staff_input_rules() {
        let e = StaffFields::parse(
            &StaffInput {
                username: Some("li.na".into()),
                display_name: Some("李娜".into()),
                role: Some("handler".into()),
                ..Default::default()
            },
            true,
        )
        .unwrap_err();
        assert_eq!(e.get("department").map(|e| e.code), Some(FieldErrorCode::Required));
        let ok = StaffFields::parse(
            &StaffInput {
                username: Some("li.na".into()),
                display_name: Some("李娜".into()),
                role: Some("dispatcher".into()),
                ..Default::default()
            },
            true,
        )
        .unwrap();
        assert_eq!(ok.role, Some(Role::Dispatcher));
    }

    #[test]
    fn token_scopes_stay_within_the_role() {
        let input = TokenInput { name: Some("hotline sync".into()), scopes: Some(vec!["manage_staff".into()]) };
        assert!(parse_token_input(&input, Role::Handler).unwrap_err().get("scopes[0]").is_some());
        let (_, scopes) = parse_token_input(&input, Role::Admin).unwrap();
        assert_eq!(scopes, vec![Permission::ManageStaff]);
        let (_, all) = parse_token_input(&TokenInput { name: Some("x".into()), scopes: None }, Role::Handler).unwrap();
        assert_eq!(all, Role::Handler.permissions());
    }
}
