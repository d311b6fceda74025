//! Wire-stable error codes. The UI translates them; their serialised names never change.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What went wrong with a whole API call. Each code maps to exactly one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not the JSON we expect (syntax, types, unknown fields).
    MalformedBody,
    /// A required header is missing or unreadable.
    MissingHeader,
    /// The body parsed but fields failed validation.
    ValidationFailed,
    /// The same Idempotency-Key was used before with a different body.
    IdempotencyKeyReused,
    /// Another request with this key is still being written.
    Conflict,
    NotFound,
    /// The private access token does not match this request.
    InvalidToken,
    PayloadTooLarge,
    UnsupportedMediaType,
    MethodNotAllowed,
    /// No valid session or API token.
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    Forbidden,
    /// A cookie-authenticated change without the matching X-CSRF-Token.
    CsrfRejected,
    /// Too many failed sign-ins; try again later.
    TooManyAttempts,
    Internal,
    /// The ticket changed since the caller read it: `If-Match` names an older version.
    PreconditionFailed,
    /// A change to a ticket must say which version it was made against (`If-Match`).
    PreconditionRequired,
    /// The reply failed the quality check and no override reason was given.
    ReplyQuality,
    /// The request is closed, merged or rejected: nobody can follow it any more ("me too").
    RequestNotOpen,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::MalformedBody,
        ErrorCode::MissingHeader,
        ErrorCode::ValidationFailed,
        ErrorCode::IdempotencyKeyReused,
        ErrorCode::Conflict,
        ErrorCode::NotFound,
        ErrorCode::InvalidToken,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::CsrfRejected,
        ErrorCode::TooManyAttempts,
        ErrorCode::Internal,
        ErrorCode::PreconditionFailed,
        ErrorCode::PreconditionRequired,
        ErrorCode::ReplyQuality,
        ErrorCode::RequestNotOpen,
    ];

    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::MalformedBody | ErrorCode::MissingHeader => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::InvalidToken | ErrorCode::Forbidden | ErrorCode::CsrfRejected => 403,
            ErrorCode::TooManyAttempts => 429,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict | ErrorCode::RequestNotOpen => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::ValidationFailed | ErrorCode::IdempotencyKeyReused | ErrorCode::ReplyQuality => 422,
            ErrorCode::PreconditionFailed => 412,
            ErrorCode::PreconditionRequired => 428,
            ErrorCode::Internal => 500,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedBody => "malformed_body",
            ErrorCode::MissingHeader => "missing_header",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::Conflict => "conflict",
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CsrfRejected => "csrf_rejected",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::Internal => "internal",
            ErrorCode::PreconditionFailed => "precondition_failed",
            ErrorCode::PreconditionRequired => "precondition_required",
            ErrorCode::ReplyQuality => "reply_quality",
            ErrorCode::RequestNotOpen => "request_not_open",
        }
    }
}

/// Why one field was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    Required,
    TooShort,
    TooLong,
    InvalidFormat,
    OutOfRange,
    OutsideServiceArea,
    UnknownCategory,
    NotLeafCategory,
    NotAllowedWhenAnonymous,
    UnknownValue,
    InvalidType,
    UnknownField,
    CommonPassword,
    ContainsUsername,
    Taken,
    ReadOnly,
}

impl FieldErrorCode {
    pub const ALL: [FieldErrorCode; 16] = [
        FieldErrorCode::Required,
        FieldErrorCode::TooShort,
        FieldErrorCode::TooLong,
        FieldErrorCode::InvalidFormat,
        FieldErrorCode::OutOfRange,
        FieldErrorCode::OutsideServiceArea,
        FieldErrorCode::UnknownCategory,
        FieldErrorCode::NotLeafCategory,
        FieldErrorCode::NotAllowedWhenAnonymous,
        FieldErrorCode::UnknownValue,
        FieldErrorCode::InvalidType,
        FieldErrorCode::UnknownField,
        FieldErrorCode::CommonPassword,
        FieldErrorCode::ContainsUsername,
        FieldErrorCode::Taken,
        FieldErrorCode::ReadOnly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorCode::Required => "required",
            FieldErrorCode::TooShort => "too_short",
            FieldErrorCode::TooLong => "too_long",
            FieldErrorCode::InvalidFormat => "invalid_format",
            FieldErrorCode::OutOfRange => "out_of_range",
            FieldErrorCode::OutsideServiceArea => "outside_service_area",
            FieldErrorCode::UnknownCategory => "unknown_category",
            FieldErrorCode::NotLeafCategory => "not_leaf_category",
            FieldErrorCode::NotAllowedWhenAnonymous => "not_allowed_when_anonymous",
            FieldErrorCode::UnknownValue => "unknown_value",
            FieldErrorCode::InvalidType => "invalid_type",
            FieldErrorCode::UnknownField => "unknown_field",
            FieldErrorCode::CommonPassword => "common_password",
            FieldErrorCode::ContainsUsername => "contains_username",
            FieldErrorCode::Taken => "taken",
            FieldErrorCode::ReadOnly => "read_only",
        }
    }
}

/// One refused field: a code for the UI and an English message for API users.
/// `limit` carries the bound for length and range errors so the UI can say it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FieldError {
    pub code: FieldErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// All refused fields of one input, keyed by dotted field path (`location.lat`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<String, FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, code: FieldErrorCode, message: impl Into<String>) {
        self.add_with_limit(field, code, message, None);
    }

    pub fn add_with_limit(
        &mut self,
        field: &str,
        code: FieldErrorCode,
        message: impl Into<String>,
        limit: Option<u32>,
    ) {
        // The first problem of a field is the one worth telling.
        self.0.entry(field.to_owned()).or_insert(FieldError { code, message: message.into(), limit });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.get(field)
    }

    /// Ok(value) when nothing was refused, the collected errors otherwise.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default)]
    pub fields: FieldErrors,
    /// Wire codes of checks that failed without being a field error (the reply-quality check).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl ApiErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), fields: FieldErrors::new(), warnings: Vec::new() }
    }

    pub fn with_fields(code: ErrorCode, message: impl Into<String>, fields: FieldErrors) -> Self {
        Self { code, message: message.into(), fields, warnings: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_to_their_wire_names() {
        for code in [
            ErrorCode::MalformedBody,
            ErrorCode::ValidationFailed,
            ErrorCode::IdempotencyKeyReused,
            ErrorCode::NotFound,
            ErrorCode::PayloadTooLarge,
        ] {
            let json = serde_json::to_string(&code).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        let json = serde_json::to_string(&FieldErrorCode::NotAllowedWhenAnonymous).unwrap_or_default();
        assert_eq!(json, "\"not_allowed_when_anonymous\"");
    }

    #[test]
    fn all_lists_every_code_once() {
        // The `as_str` matches are exhaustive, so a new variant must get a name; its name must
        // then appear exactly once in ALL, which the UI's translation tests walk.
        let names: std::collections::BTreeSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        let names: std::collections::BTreeSet<_> = FieldErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), FieldErrorCode::ALL.len());
        for c in ErrorCode::ALL {
            assert_eq!(serde_json::from_str::<ErrorCode>(&format!("\"{}\"", c.as_str())).unwrap(), c);
        }
        for c in FieldErrorCode::ALL {
            assert_eq!(serde_json::from_str::<FieldErrorCode>(&format!("\"{}\"", c.as_str())).unwrap(), c);
        }
    }

    #[test]
    fn statuses_follow_the_contract() {
        assert_eq!(ErrorCode::MalformedBody.http_status(), 400);
        assert_eq!(ErrorCode::ValidationFailed.http_status(), 422);
        assert_eq!(ErrorCode::IdempotencyKeyReused.http_status(), 422);
        assert_eq!(ErrorCode::NotFound.http_status(), 404);
        assert_eq!(ErrorCode::Conflict.http_status(), 409);
        assert_eq!(ErrorCode::PayloadTooLarge.http_status(), 413);
    }

    #[test]
    fn first_error_of_a_field_wins() {
        let mut errors = FieldErrors::new();
        errors.add("title", FieldErrorCode::Required, "first");
        errors.add("title", FieldErrorCode::TooLong, "second");
        assert_eq!(errors.get("title").map(|e| e.code), Some(FieldErrorCode::Required));
    }
}
