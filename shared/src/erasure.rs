//! Erasing a reporter's personal data at their request (删除个人信息). The person goes; the
//! request stays in every statistic: its category, its public cell on the map, its dates, its
//! departments, its ratings. Storage-free: the edge reads the rows, these functions say what they
//! become, and the edge writes it all in one batch.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::geo::LatLng;
use crate::redact;
use crate::request::Contact;
use crate::ticket::EventKind;
use serde::{Deserialize, Serialize};

const MASK: &str = "***";
const MIN_REASON: u32 = 4;
const MAX_REASON: u32 = 500;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureInput {
    /// Why (e.g. the reporter's call of a given day): kept in the audit trail.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The recorded reason for an erasure by staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureReason(String);

impl ErasureReason {
    pub fn parse(input: &ErasureInput) -> Result<Self, FieldErrors> {
        let reason = input.reason.as_deref().map(str::trim).unwrap_or_default();
        let chars = reason.chars().count();
        let mut errors = FieldErrors::new();
        if chars == 0 {
            errors.add("reason", FieldErrorCode::Required, "say why, e.g. whose request and when");
        } else if chars < MIN_REASON as usize {
            errors.add_with_limit("reason", FieldErrorCode::TooShort, "a few words at least", Some(MIN_REASON));
        } else if chars > MAX_REASON as usize {
            errors.add_with_limit("reason", FieldErrorCode::TooLong, "at most 500 characters", Some(MAX_REASON));
        }
        if errors.is_empty() {
            Ok(ErasureReason(reason.to_owned()))
        } else {
            Err(errors)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What identifies the reporter, as they gave it: masked wherever it occurs in any text of the
/// request, including what staff wrote ("已电话联系王先生 139…").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known(Vec<String>);

impl Known {
    pub fn of(contact: Option<&Contact>, address: Option<&str>) -> Known {
        let mut values = Vec::new();
        // Too short a value would mask ordinary words ("王" in 王府井), so only distinctive ones.
        let mut keep = |value: Option<&str>, min_chars: usize| {
            if let Some(v) = value.map(str::trim).filter(|v| v.chars().count() >= min_chars) {
                values.push(v.to_owned());
            }
        };
        if let Some(c) = contact {
            keep(c.name.as_deref(), 2);
            keep(c.phone.as_deref(), 5);
            keep(c.email.as_deref(), 3);
        }
        keep(address, 4);
        // Longest first, so a name inside an address does not leave the rest of it behind.
        values.sort_by_key(|v| std::cmp::Reverse(v.chars().count()));
        values.dedup();
        Known(values)
    }

    pub fn values(&self) -> &[String] {
        &self.0
    }

    /// The text without the reporter's known data, and without any phone, ID number or e-mail
    /// (what the public copy already masks).
    pub fn erase(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for value in &self.0 {
            out = out.replace(value.as_str(), MASK);
        }
        redact::public_text(&out)
    }
}

/// The exact point becomes the public cell's centre: the heat map and the area statistics keep
/// it, nobody can find a door with it.
pub fn erased_point(point: Option<LatLng>) -> Option<LatLng> {
    point.map(LatLng::coarse)
}

/// An event of the trail with free text, erased; `None` when nothing in it changes.
pub fn erased_event(kind: &EventKind, known: &Known) -> Option<EventKind> {
    let mut erased = kind.clone();
    match &mut erased {
        EventKind::Note { text, .. }
        | EventKind::Replied { text, .. }
        | EventKind::InfoAdded { text }
        | EventKind::Reopened { reason: text }
        | EventKind::Disputed { reason: text, .. }
        | EventKind::ExtensionRequested { reason: text, .. }
        | EventKind::PhoneReminder { outcome: text, .. } => *text = known.erase(text),
        _ => return None,
    }
    (erased != *kind).then_some(erased)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn contact() -> Contact {
        Contact {
            name: Some("王小明".into()),
            phone: Some("13912345678".into()),
            email: Some("wang@example.cn".into()),
        }
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        let errors = ErasureReason::parse(&ErasureInput { reason: None }).unwrap_err();
        assert_eq!(errors.0["reason"].code, FieldErrorCode::Required);
        let errors = ErasureReason::parse(&ErasureInput { reason: Some("删".into()) }).unwrap_err();
        assert_eq!(errors.0["reason"].code, FieldErrorCode::TooShort);
        let errors = ErasureReason::parse(&ErasureInput { reason: Some("长".repeat(501)) }).unwrap_err();
        assert_eq!(errors.0["reason"].code, FieldErrorCode::TooLong);
        let ok = ErasureReason::parse(&ErasureInput { reason: Some("  本人来电申请删除  ".into()) }).unwrap();
        assert_eq!(ok.as_str(), "本人来电申请删除");
    }

    #[test]
    fn staff_text_loses_the_reporters_name_phone_email_and_address() {
        let known = Known::of(Some(&contact()), Some("芙蓉路 12 号 3 栋"));
        let text = "已电话联系王小明（13912345678，wang@example.cn），芙蓉路 12 号 3 栋门口的灯已修好。";
        let erased = known.erase(text);
        for gone in ["王小明", "13912345678", "wang@example.cn", "芙蓉路 12 号 3 栋"] {
            assert!(!erased.contains(gone), "{erased}");
        }
        assert!(erased.contains("门口的灯已修好"), "the rest of the text stays: {erased}");
    }

    #[test]
    fn one_character_names_do_not_mask_ordinary_words() {
        let known = Known::of(Some(&Contact { name: Some("王".into()), phone: None, email: None }), None);
        assert_eq!(known.erase("王府井大街"), "王府井大街");
    }

    #[test]
    fn only_free_text_events_change() {
        let known = Known::of(Some(&contact()), None);
        let note = EventKind::Note { text: "王小明说灯坏了".into(), photos: Vec::new() };
        assert_eq!(
            erased_event(&note, &known),
            Some(EventKind::Note { text: "***说灯坏了".into(), photos: Vec::new() })
        );
        let merged = EventKind::Merged { master: "20261129-0000001".into() };
        assert_eq!(erased_event(&merged, &known), None, "tracking numbers are not phone numbers");
        let clean = EventKind::Note { text: "已派人维修".into(), photos: Vec::new() };
        assert_eq!(erased_event(&clean, &known), None);
    }

    #[test]
    fn the_point_becomes_its_public_cell() {
        let p = LatLng { lat: 28.2034567, lng: 112.9812345 };
        assert_eq!(erased_point(Some(p)), Some(p.coarse()));
        assert_eq!(erased_point(None), None);
    }

    proptest! {
        #[test]
        fn erasing_never_leaves_a_known_value_and_is_idempotent(before in ".{0,40}", after in ".{0,40}") {
            let known = Known::of(Some(&contact()), None);
            let text = format!("{before}王小明{after}13912345678");
            let once = known.erase(&text);
            prop_assert!(!once.contains("王小明") && !once.contains("13912345678"));
            prop_assert_eq!(known.erase(&once), once.clone());
        }
    }
}
