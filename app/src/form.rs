//! The submission form as plain data: what the citizen typed, how it becomes the API body,
//! and how field errors (ours or the server's, same shape) map onto the page.

use shared::catalogue::Catalogue;
use shared::error::{FieldError, FieldErrors};
use shared::geo::BoundingBox;
use shared::request::{ContactInput, LocationInput, NewRequest, NewRequestInput, RequestKind};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub category: Option<String>,
    pub title: String,
    pub description: String,
    /// `(lat, lng)` of the pin.
    pub point: Option<(f64, f64)>,
    pub address: String,
    pub kind: RequestKind,
    pub anonymous: bool,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
}

fn non_blank(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

impl Draft {
    /// The body as the API expects it. Text goes as typed: trimming and limits are the
    /// shared parser's job, so the browser and the server cannot disagree.
    pub fn to_input(&self) -> NewRequestInput {
        let contact = if self.anonymous {
            // Hidden fields keep what was typed (in case the box is unticked again) but an
            // anonymous request must not carry it.
            None
        } else {
            let c = ContactInput {
                name: non_blank(&self.contact_name),
                phone: non_blank(&self.contact_phone),
                email: non_blank(&self.contact_email),
            };
            (c != ContactInput::default()).then_some(c)
        };
        NewRequestInput {
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            category: self.category.clone(),
            location: self.point.map(|(lat, lng)| LocationInput {
                lat: Some(lat),
                lng: Some(lng),
                address: non_blank(&self.address),
            }),
            contact,
            anonymous: Some(self.anonymous),
            kind: Some(self.kind.as_str().to_owned()),
        }
    }

    /// Run the server's own validation before sending.
    pub fn validate(&self, catalogue: &Catalogue, area: &BoundingBox) -> Result<NewRequestInput, FieldErrors> {
        let input = self.to_input();
        NewRequest::parse(&input, catalogue, area).map(|_| input)
    }
}

/// One control on the page that errors can point at, in the order the form shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Control {
    Category,
    Title,
    Description,
    Map,
    Address,
    Kind,
    Anonymous,
    ContactName,
    ContactPhone,
    ContactEmail,
}

impl Control {
    /// The element that receives focus from the error summary (ids are part of the E2E contract).
    pub fn id(self) -> &'static str {
        match self {
            Control::Category => "category-search",
            Control::Title => "title",
            Control::Description => "description",
            Control::Map => "map",
            Control::Address => "address",
            Control::Kind => "kind-citizen",
            Control::Anonymous => "anonymous",
            Control::ContactName => "contact-name",
            Control::ContactPhone => "contact-phone",
            Control::ContactEmail => "contact-email",
        }
    }

    /// The id of the inline message: `{field-id}-error`. The kind radios share `kind-error`.
    pub fn error_id(self) -> String {
        match self {
            Control::Kind => "kind-error".to_owned(),
            other => format!("{}-error", other.id()),
        }
    }

    /// Where an API field path is shown. `None`: not a field of this form (e.g. an unknown
    /// field), which the page reports as a general error.
    pub fn for_path(path: &str) -> Option<Control> {
        Some(match path {
            "category" => Control::Category,
            "title" => Control::Title,
            "description" => Control::Description,
            "location" | "location.lat" | "location.lng" => Control::Map,
            "location.address" => Control::Address,
            "kind" => Control::Kind,
            // The only whole-contact error is "contact given although anonymous".
            "contact" => Control::Anonymous,
            "contact.name" => Control::ContactName,
            "contact.phone" => Control::ContactPhone,
            "contact.email" => Control::ContactEmail,
            _ => return None,
        })
    }
}

/// Field paths the API may name, for the translation tests.
#[cfg(test)]
pub const FIELD_PATHS: [&str; 12] = [
    "category",
    "title",
    "description",
    "location",
    "location.lat",
    "location.lng",
    "location.address",
    "kind",
    "contact",
    "contact.name",
    "contact.phone",
    "contact.email",
];

#[derive(Debug, Clone, PartialEq)]
pub struct ShownError {
    pub control: Control,
    pub path: String,
    pub error: FieldError,
}

/// Errors as the page shows them: one per control, in form order; the rest are general.
pub fn arrange(errors: &FieldErrors) -> (Vec<ShownError>, Vec<(String, FieldError)>) {
    let mut shown: Vec<ShownError> = Vec::new();
    let mut general = Vec::new();
    for (path, error) in &errors.0 {
        match Control::for_path(path) {
            Some(control) if shown.iter().all(|s| s.control != control) => {
                shown.push(ShownError { control, path: path.clone(), error: error.clone() })
            }
            Some(_) => {}
            None => general.push((path.clone(), error.clone())),
        }
    }
    shown.sort_by_key(|s| s.control);
    (shown, general)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::tests::all_field_error_codes;
    use crate::i18n::{field_message as message, Lang};
    use shared::city::CityConfig;
    use shared::error::FieldErrorCode;

    fn good() -> Draft {
        Draft {
            category: Some("01.01.01".into()),
            title: "小区门口路灯不亮".into(),
            description: "芙蓉路小区南门的路灯已经坏了两周，晚上很黑。".into(),
            point: Some((28.2, 112.98)),
            address: "  ".into(),
            kind: RequestKind::Enterprise,
            anonymous: false,
            contact_name: "张三".into(),
            contact_phone: "".into(),
            contact_email: "".into(),
        }
    }

    fn area() -> BoundingBox {
        CityConfig::demo().service_area
    }

    #[test]
    fn a_good_draft_passes_the_shared_validation() {
        let input = good().validate(Catalogue::builtin(), &area()).unwrap();
        assert_eq!(input.kind.as_deref(), Some("enterprise"));
        let location = input.location.unwrap();
        assert_eq!(location.address, None, "a blank address is not sent");
        let contact = input.contact.unwrap();
        assert_eq!(contact.name.as_deref(), Some("张三"));
        assert_eq!(contact.phone, None);
    }

    #[test]
    fn anonymous_drops_the_typed_contact() {
        let mut d = good();
        d.anonymous = true;
        let input = d.validate(Catalogue::builtin(), &area()).unwrap();
        assert_eq!(input.contact, None);
        assert_eq!(input.anonymous, Some(true));
    }

    #[test]
    fn an_empty_draft_points_at_each_required_control_in_order() {
        let errors = Draft::default().validate(Catalogue::builtin(), &area()).unwrap_err();
        let (shown, general) = arrange(&errors);
        assert!(general.is_empty());
        let ids: Vec<_> = shown.iter().map(|s| s.control.id()).collect();
        assert_eq!(ids, ["category-search", "title", "description", "map"]);
    }

    #[test]
    fn outside_the_area_and_bad_contact() {
        let mut d = good();
        d.point = Some((39.9, 116.4));
        d.contact_phone = "12ab".into();
        d.contact_email = "nope".into();
        let errors = d.validate(Catalogue::builtin(), &area()).unwrap_err();
        let (shown, _) = arrange(&errors);
        let got: Vec<_> = shown.iter().map(|s| (s.control.error_id(), s.error.code)).collect();
        assert_eq!(
            got,
            [
                ("map-error".to_owned(), FieldErrorCode::OutsideServiceArea),
                ("contact-phone-error".to_owned(), FieldErrorCode::InvalidFormat),
                ("contact-email-error".to_owned(), FieldErrorCode::InvalidFormat),
            ]
        );
    }

    #[test]
    fn server_errors_for_unknown_paths_are_general_and_duplicates_collapse() {
        let mut errors = FieldErrors::new();
        errors.add("priority", FieldErrorCode::UnknownField, "x");
        errors.add("location.lat", FieldErrorCode::OutOfRange, "x");
        errors.add("location.lng", FieldErrorCode::OutOfRange, "x");
        let (shown, general) = arrange(&errors);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].control, Control::Map);
        assert_eq!(general.len(), 1);
    }

    #[test]
    fn every_path_and_code_has_a_message_in_every_language() {
        for lang in Lang::ALL {
            for path in FIELD_PATHS {
                assert!(Control::for_path(path).is_some(), "{path}");
                assert!(lang.get(&format!("field.{path}")).is_some(), "{lang:?}: field.{path}");
                for code in all_field_error_codes() {
                    let err = FieldError { code, message: String::new(), limit: Some(7) };
                    let text = message(lang, path, &err);
                    assert!(
                        !text.contains('{') && !text.starts_with("field_error."),
                        "{lang:?} {path} {code:?}: {text}"
                    );
                }
            }
        }
        let err = FieldError { code: FieldErrorCode::TooLong, message: String::new(), limit: Some(100) };
        assert!(message(Lang::En, "title", &err).contains("100"));
    }
}
