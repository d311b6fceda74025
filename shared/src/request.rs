//! A citizen's new request: the wire input and its validated form.

use crate::catalogue::{Catalogue, CategoryCode};
use crate::error::{FieldErrorCode, FieldErrors};
use crate::geo::{BoundingBox, LatLng};
use crate::text::{self, Description, Title};
use serde::{Deserialize, Serialize};

/// Where a request came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Hotline,
    App,
    MiniProgram,
    Forum,
    Email,
    Visit,
    Open311,
    Import,
}

impl Channel {
    pub const ALL: [Channel; 9] = [
        Channel::Web,
        Channel::Hotline,
        Channel::App,
        Channel::MiniProgram,
        Channel::Forum,
        Channel::Email,
        Channel::Visit,
        Channel::Open311,
        Channel::Import,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Hotline => "hotline",
            Channel::App => "app",
            Channel::MiniProgram => "mini_program",
            Channel::Forum => "forum",
            Channel::Email => "email",
            Channel::Visit => "visit",
            Channel::Open311 => "open311",
            Channel::Import => "import",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}

/// Enterprise requests go to a different coordinator than citizens' (政务/非公 vs 社工部).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    #[default]
    Citizen,
    Enterprise,
}

impl RequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Citizen => "citizen",
            RequestKind::Enterprise => "enterprise",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [RequestKind::Citizen, RequestKind::Enterprise].into_iter().find(|k| k.as_str() == raw)
    }
}

/// The body of `POST /api/v1/requests` as sent. Every field is optional here so a
/// missing one is reported by name as `required`, not as a parse failure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<LocationInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lng: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl ContactInput {
    fn is_blank(&self) -> bool {
        [&self.name, &self.phone, &self.email].iter().all(|f| f.as_deref().is_none_or(|v| v.trim().is_empty()))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub point: LatLng,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// How to reach the reporter. At least one field is present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

pub const NAME_MAX: usize = 50;
pub const ADDRESS_MAX: usize = 200;
pub const EMAIL_MAX: usize = 254;

/// A request that passed every check; only this type can be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub title: Title,
    pub description: Description,
    pub category: CategoryCode,
    pub location: Location,
    pub contact: Option<Contact>,
    pub anonymous: bool,
    pub kind: RequestKind,
}

impl NewRequest {
    /// Check every field and report all problems at once, each under its field path.
    pub fn parse(input: &NewRequestInput, catalogue: &Catalogue, area: &BoundingBox) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = Title::parse_into(&mut errors, input.title.as_deref());
        let description = Description::parse_into(&mut errors, input.description.as_deref());
        let category = parse_category(&mut errors, input.category.as_deref(), catalogue);
        let location = parse_location(&mut errors, input.location.as_ref(), area);
        let anonymous = input.anonymous.unwrap_or(false);
        let contact = match &input.contact {
            Some(c) if anonymous && !c.is_blank() => {
                // Anonymous means nothing that identifies the reporter is kept.
                errors.add(
                    "contact",
                    FieldErrorCode::NotAllowedWhenAnonymous,
                    "contact details cannot be given with an anonymous request",
                );
                None
            }
            Some(c) => parse_contact(&mut errors, c),
            None => None,
        };
        let kind = match input.kind.as_deref() {
            None => Some(RequestKind::Citizen),
            Some(raw) => RequestKind::parse(raw).or_else(|| {
                errors.add("kind", FieldErrorCode::UnknownValue, "kind must be citizen or enterprise");
                None
            }),
        };
        match (title, description, category, location, kind) {
            (Some(title), Some(description), Some(category), Some(location), Some(kind)) if errors.is_empty() => {
                Ok(NewRequest { title, description, category, location, contact, anonymous, kind })
            }
            _ => Err(errors),
        }
    }
}

fn parse_category(errors: &mut FieldErrors, raw: Option<&str>, catalogue: &Catalogue) -> Option<CategoryCode> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        errors.add("category", FieldErrorCode::Required, "category is required");
        return None;
    };
    match CategoryCode::parse(raw).filter(|c| catalogue.contains(c)) {
        None => {
            errors.add("category", FieldErrorCode::UnknownCategory, "no category has this code");
            None
        }
        Some(code) if !catalogue.is_leaf(&code) => {
            errors.add("category", FieldErrorCode::NotLeafCategory, "choose a third-level category");
            None
        }
        Some(code) => Some(code),
    }
}

fn parse_location(errors: &mut FieldErrors, raw: Option<&LocationInput>, area: &BoundingBox) -> Option<Location> {
    let Some(raw) = raw else {
        errors.add("location", FieldErrorCode::Required, "location is required");
        return None;
    };
    let point = LatLng::parse_into(errors, "location", raw.lat, raw.lng, area);
    let address = text::optional(errors, "location.address", raw.address.as_deref(), ADDRESS_MAX);
    Some(Location { point: point?, address })
}

fn parse_contact(errors: &mut FieldErrors, raw: &ContactInput) -> Option<Contact> {
    let name = text::optional(errors, "contact.name", raw.name.as_deref(), NAME_MAX);
    let phone = raw.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()).and_then(|p| {
        let normalised = normalise_phone(p);
        if normalised.is_none() {
            errors.add(
                "contact.phone",
                FieldErrorCode::InvalidFormat,
                "a phone number has 7 to 15 digits, optionally with +, spaces or dashes",
            );
        }
        normalised
    });
    let email = raw.email.as_deref().map(str::trim).filter(|e| !e.is_empty()).and_then(|e| {
        let ok = is_plausible_email(e);
        if !ok {
            errors.add("contact.email", FieldErrorCode::InvalidFormat, "this is not an e-mail address");
        }
        ok.then(|| e.to_owned())
    });
    let contact = Contact { name, phone, email };
    (contact != Contact::default()).then_some(contact)
}

/// Keep the digits (and a leading +) of a phone number as the caller wrote it.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let mut out = String::new();
    for (i, c) in raw.chars().enumerate() {
        match c {
            '0'..='9' => out.push(c),
            '+' if i == 0 => out.push(c),
            ' ' | '-' | '(' | ')' => {}
            _ => return None,
        }
    }
    let digits = out.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits).then_some(out)
}

fn is_plausible_email(raw: &str) -> bool {
    let Some((local, domain)) = raw.rsplit_once('@') else {
        return false;
    };
    raw.len() <= EMAIL_MAX
        && !local.is_empty()
        && !raw.chars().any(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::city::CityConfig;
    use proptest::prelude::*;

    pub fn valid_input() -> NewRequestInput {
        NewRequestInput {
            title: Some("小区门口路灯不亮".into()),
            description: Some("芙蓉路小区南门的路灯已经坏了两周，晚上很黑，老人出行不便。".into()),
            category: Some("01.02.01".into()),
            location: Some(LocationInput {
                lat: Some(28.2), lng: Some(112.98), address: Some("芙蓉路 12 号".into())
            }),
            contact: Some(ContactInput {
                name: Some("张三".into()), phone: Some("138 1234 5678".into()), email: None
            }),
            anonymous: Some(false),
            kind: None,
        }
    }

    fn parse(input: &NewRequestInput) -> Result<NewRequest, FieldErrors> {
        NewRequest::parse(input, Catalogue::builtin(), &CityConfig::demo().service_area)
    }

    #[test]
    fn a_complete_request_passes() {
        let req = parse(&valid_input()).unwrap();
        assert_eq!(req.kind, RequestKind::Citizen);
        assert_eq!(req.contact.unwrap().phone.as_deref(), Some("13812345678"));
    }

    #[test]
    fn an_empty_body_names_every_required_field() {
        let errors = parse(&NewRequestInput::default()).unwrap_err();
        for field in ["title", "description", "category", "location"] {
            assert_eq!(errors.get(field).map(|e| e.code), Some(FieldErrorCode::Required), "{field}");
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        type Case = (fn(&mut NewRequestInput), &'static str, FieldErrorCode);
        let cases: Vec<Case> = vec![
            (|i| i.category = Some("99.99.99".into()), "category", FieldErrorCode::UnknownCategory),
            (|i| i.category = Some("01.02".into()), "category", FieldErrorCode::NotLeafCategory),
            (|i| i.kind = Some("company".into()), "kind", FieldErrorCode::UnknownValue),
            (
                |i| i.contact = Some(ContactInput { phone: Some("12ab".into()), ..Default::default() }),
                "contact.phone",
                FieldErrorCode::InvalidFormat,
            ),
            (
                |i| i.contact = Some(ContactInput { email: Some("not-mail".into()), ..Default::default() }),
                "contact.email",
                FieldErrorCode::InvalidFormat,
            ),
            (
                |i| i.contact = Some(ContactInput { name: Some("名".repeat(NAME_MAX + 1)), ..Default::default() }),
                "contact.name",
                FieldErrorCode::TooLong,
            ),
            (|i| i.anonymous = Some(true), "contact", FieldErrorCode::NotAllowedWhenAnonymous),
            (
                |i| i.location = Some(LocationInput { lat: Some(28.2), lng: None, address: None }),
                "location.lng",
                FieldErrorCode::Required,
            ),
            (
                |i| {
                    i.location = Some(LocationInput {
                        lat: Some(28.2),
                        lng: Some(112.9),
                        address: Some("址".repeat(ADDRESS_MAX + 1)),
                    })
                },
                "location.address",
                FieldErrorCode::TooLong,
            ),
        ];
        for (mutate, field, code) in cases {
            let mut input = valid_input();
            mutate(&mut input);
            let errors = parse(&input).unwrap_err();
            assert_eq!(errors.get(field).map(|e| e.code), Some(code), "{field}: {errors:?}");
            assert_eq!(errors.0.len(), 1, "only {field} is wrong: {errors:?}");
        }
    }

    #[test]
    fn anonymous_without_contact_is_fine() {
        let mut input = valid_input();
        input.anonymous = Some(true);
        input.contact = Some(ContactInput::default());
        let req = parse(&input).unwrap();
        assert!(req.anonymous);
        assert_eq!(req.contact, None);
    }

    #[test]
    fn unknown_fields_are_refused_not_dropped() {
        let err = serde_json::from_str::<NewRequestInput>(r#"{"title":"x","priority":"high"}"#).unwrap_err();
        assert!(err.to_string().contains("priority"));
    }

    proptest! {
        #[test]
        fn parse_never_panics(title in proptest::option::of(".{0,120}"), desc in proptest::option::of(".{0,50}"),
                              cat in proptest::option::of("[0-9.]{0,9}"), lat in proptest::option::of(proptest::num::f64::ANY),
                              lng in proptest::option::of(proptest::num::f64::ANY), phone in proptest::option::of(".{0,20}")) {
            let input = NewRequestInput {
                title, description: desc, category: cat,
                location: Some(LocationInput { lat, lng, address: None }),
                contact: Some(ContactInput { phone, ..Default::default() }),
                anonymous: None, kind: None,
            };
            let _ = parse(&input);
        }
    }
}
