//! Bounded, trimmed text fields. Lengths count characters, not bytes: a Chinese
//! character is one character for the citizen typing it.

use crate::error::{FieldErrorCode, FieldErrors};
use serde::{Deserialize, Serialize};

/// Trim and collapse the control characters a paste from another app can carry,
/// keeping line breaks (descriptions are paragraphs).
pub fn clean(input: &str) -> String {
    let kept: String = input.chars().filter(|c| !c.is_control() || *c == '\n').collect();
    kept.trim().to_owned()
}

/// Escape the five special characters for XML or HTML text and quoted attributes; drop the
/// control characters XML 1.0 cannot carry at all.
pub fn escape_markup(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if u32::from(c) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// Check a required text field's length; record the problem under `field`.
pub fn bounded(errors: &mut FieldErrors, field: &str, value: Option<&str>, min: usize, max: usize) -> Option<String> {
    let Some(raw) = value else {
        errors.add(field, FieldErrorCode::Required, format!("{field} is required"));
        return None;
    };
    let cleaned = clean(raw);
    let len = cleaned.chars().count();
    if len == 0 {
        errors.add(field, FieldErrorCode::Required, format!("{field} is required"));
        None
    } else if len < min {
        errors.add_with_limit(
            field,
            FieldErrorCode::TooShort,
            format!("{field} must be at least {min} characters"),
            u32::try_from(min).ok(),
        );
        None
    } else if len > max {
        errors.add_with_limit(
            field,
            FieldErrorCode::TooLong,
            format!("{field} must be at most {max} characters"),
            u32::try_from(max).ok(),
        );
        None
    } else {
        Some(cleaned)
    }
}

/// An optional text field: absent or blank is `None`, too long is an error.
pub fn optional(errors: &mut FieldErrors, field: &str, value: Option<&str>, max: usize) -> Option<String> {
    let cleaned = clean(value?);
    if cleaned.is_empty() {
        return None;
    }
    if cleaned.chars().count() > max {
        errors.add_with_limit(
            field,
            FieldErrorCode::TooLong,
            format!("{field} must be at most {max} characters"),
            u32::try_from(max).ok(),
        );
        return None;
    }
    Some(cleaned)
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $min:expr, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const MIN_CHARS: usize = $min;
            pub const MAX_CHARS: usize = $max;

            /// Validate; problems are recorded under the field's name.
            pub fn parse_into(errors: &mut FieldErrors, value: Option<&str>) -> Option<Self> {
                bounded(errors, $field, value, Self::MIN_CHARS, Self::MAX_CHARS).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

bounded_text!(
    /// A request's one-line subject.
    Title, "title", 4, 100
);
bounded_text!(
    /// What happened, where and since when, in the citizen's words.
    Description, "description", 10, 4000
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_not_bytes() {
        let mut errors = FieldErrors::new();
        let title = Title::parse_into(&mut errors, Some("路灯不亮"));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(title.map(|t| t.0), Some("路灯不亮".to_owned()));
    }

    #[test]
    fn blank_is_required_short_and_long_are_named() {
        let mut errors = FieldErrors::new();
        Title::parse_into(&mut errors, Some("   \t"));
        Description::parse_into(&mut errors, Some("太吵了"));
        assert_eq!(errors.get("title").map(|e| e.code), Some(FieldErrorCode::Required));
        assert_eq!(errors.get("description").map(|e| e.code), Some(FieldErrorCode::TooShort));
        assert_eq!(errors.get("description").and_then(|e| e.limit), Some(10));

        let mut errors = FieldErrors::new();
        let long = "字".repeat(Description::MAX_CHARS + 1);
        Description::parse_into(&mut errors, Some(&long));
        assert_eq!(errors.get("description").map(|e| e.code), Some(FieldErrorCode::TooLong));
        let exact = "字".repeat(Description::MAX_CHARS);
        let mut errors = FieldErrors::new();
        assert!(Description::parse_into(&mut errors, Some(&exact)).is_some());
    }

    #[test]
    fn control_characters_are_dropped_line_breaks_kept() {
        assert_eq!(clean("  a\u{0}b\nc\u{7}  "), "ab\nc");
    }

    #[test]
    fn optional_blank_is_none() {
        let mut errors = FieldErrors::new();
        assert_eq!(optional(&mut errors, "x", Some("  "), 5), None);
        assert_eq!(optional(&mut errors, "x", None, 5), None);
        assert!(errors.is_empty());
        assert_eq!(optional(&mut errors, "x", Some("abcdef"), 5), None);
        assert_eq!(errors.get("x").map(|e| e.code), Some(FieldErrorCode::TooLong));
    }
}
