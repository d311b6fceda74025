//! Staff password rules (OWASP ASVS 4.0 L2, V2.1): at least 8 characters (15 advised),
//! at most 128, any characters, no composition rules, and not a well-known password.

use crate::error::{FieldErrorCode, FieldErrors};

pub const MIN_CHARS: usize = 8;
pub const RECOMMENDED_CHARS: usize = 15;
pub const MAX_CHARS: usize = 128;

const COMMON_LIST: &str = include_str!("../data/common-passwords.txt");

/// Whether the password (case-insensitively) is on the shipped list of common passwords.
pub fn is_common(password: &str) -> bool {
    let lowered = password.to_lowercase();
    COMMON_LIST.lines().filter(|l| !l.starts_with('#')).any(|l| l == lowered)
}

/// A new password that passed the rules. The plain text lives only until it is hashed.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

impl NewPassword {
    /// Check a proposed password for `username`; problems are recorded under `field`.
    pub fn parse(raw: &str, username: &str, field: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let chars = raw.chars().count();
        if chars == 0 {
            errors.add(field, FieldErrorCode::Required, "a password is required");
        } else if chars < MIN_CHARS {
            errors.add_with_limit(
                field,
                FieldErrorCode::TooShort,
                format!("at least {MIN_CHARS} characters ({RECOMMENDED_CHARS} or more advised)"),
                Some(MIN_CHARS as u32),
            );
        } else if chars > MAX_CHARS {
            errors.add_with_limit(
                field,
                FieldErrorCode::TooLong,
                format!("at most {MAX_CHARS} characters"),
                Some(MAX_CHARS as u32),
            );
        } else if is_common(raw) {
            errors.add(field, FieldErrorCode::CommonPassword, "this password is too common; choose another");
        } else if !username.is_empty() && raw.to_lowercase().contains(&username.to_lowercase()) {
            errors.add(field, FieldErrorCode::ContainsUsername, "the password must not contain the username");
        }
        errors.finish(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_there_and_case_insensitive() {
        assert!(is_common("password"));
        assert!(is_common("PassWord1"));
        assert!(is_common("qwertyuiop"));
        assert!(!is_common("correct horse battery staple"));
    }

    #[test]
    fn rules_name_the_field() {
        let code = |raw: &str| {
            NewPassword::parse(raw, "zhang.wei", "new_password")
                .err()
                .and_then(|e| e.get("new_password").map(|e| e.code))
        };
        assert_eq!(code(""), Some(FieldErrorCode::Required));
        assert_eq!(code("短密码12345"), None, "8 Chinese-or-other characters are 8 characters");
        assert_eq!(code("abc1234"), Some(FieldErrorCode::TooShort));
        assert_eq!(code(&"x".repeat(129)), Some(FieldErrorCode::TooLong));
        assert_eq!(code("iloveyou1"), Some(FieldErrorCode::CommonPassword));
        assert_eq!(code("my-zhang.wei-pass"), Some(FieldErrorCode::ContainsUsername));
        assert_eq!(code("街道办 2026 冬季供暖"), None);
        assert!(!format!("{:?}", NewPassword::parse("街道办 2026 冬季供暖", "u", "p").unwrap()).contains("街道"));
    }
}
