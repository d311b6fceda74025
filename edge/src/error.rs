//! Every way an API call can fail, mapped to a wire code (and through it a status) in one place.

use shared::error::{ApiErrorBody, ErrorCode, FieldErrorCode, FieldErrors};
use worker::Response;

#[derive(Debug)]
pub enum ApiError {
    UnsupportedMediaType,
    PayloadTooLarge {
        limit: usize,
    },
    Malformed {
        field: Option<String>,
        message: String,
    },
    MissingHeader {
        header: &'static str,
    },
    BadHeader {
        header: &'static str,
        message: &'static str,
    },
    Invalid(FieldErrors),
    IdempotencyKeyReused,
    Conflict(String),
    /// `If-Match` names an older version of the ticket.
    Stale {
        current: i64,
    },
    /// A change without `If-Match`.
    VersionRequired,
    /// The reply has quality warnings and no override reason.
    ReplyQuality {
        warnings: Vec<String>,
        details: Vec<String>,
    },
    NotFound,
    /// A "me too" on a request that is closed, merged or rejected.
    RequestNotOpen,
    InvalidToken,
    Unauthenticated,
    Forbidden,
    CsrfRejected,
    TooManyAttempts {
        retry_after: i64,
    },
    /// A channel over its requests per minute.
    RateLimited {
        limit: i64,
        retry_after: i64,
    },
    MethodNotAllowed,
    Misconfigured(String),
    Store(String),
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Store(e.to_string())
    }
}

impl ApiError {
    fn body(&self) -> ApiErrorBody {
        use ApiError::*;
        match self {
            UnsupportedMediaType => {
                ApiErrorBody::new(ErrorCode::UnsupportedMediaType, "send the body as application/json")
            }
            PayloadTooLarge { limit } => {
                ApiErrorBody::new(ErrorCode::PayloadTooLarge, format!("the body is larger than {limit} bytes"))
            }
            Malformed { field, message } => {
                let mut fields = FieldErrors::new();
                if let Some(field) = field {
                    fields.add(field, FieldErrorCode::InvalidType, message.clone());
                }
                ApiErrorBody::with_fields(ErrorCode::MalformedBody, format!("malformed JSON: {message}"), fields)
            }
            MissingHeader { header } => {
                let mut fields = FieldErrors::new();
                fields.add(header, FieldErrorCode::Required, format!("the {header} header is required"));
                ApiErrorBody::with_fields(ErrorCode::MissingHeader, format!("the {header} header is required"), fields)
            }
            BadHeader { header, message } => {
                let mut fields = FieldErrors::new();
                fields.add(header, FieldErrorCode::InvalidFormat, *message);
                ApiErrorBody::with_fields(ErrorCode::MissingHeader, format!("the {header} header is invalid"), fields)
            }
            Invalid(fields) => {
                ApiErrorBody::with_fields(ErrorCode::ValidationFailed, "some fields are not valid", fields.clone())
            }
            IdempotencyKeyReused => ApiErrorBody::new(
                ErrorCode::IdempotencyKeyReused,
                "this Idempotency-Key was already used with a different body",
            ),
            Conflict(message) => ApiErrorBody::new(ErrorCode::Conflict, message.clone()),
            Stale { current } => ApiErrorBody::new(
                ErrorCode::PreconditionFailed,
                format!("the request changed since you opened it (now version {current}); reload it"),
            ),
            VersionRequired => {
                let mut fields = FieldErrors::new();
                fields.add("If-Match", FieldErrorCode::Required, "send the version you saw as If-Match");
                ApiErrorBody::with_fields(
                    ErrorCode::PreconditionRequired,
                    "say which version you changed: send If-Match with the ETag you read",
                    fields,
                )
            }
            ReplyQuality { warnings, details } => {
                let mut fields = FieldErrors::new();
                fields.add(
                    "override_reason",
                    FieldErrorCode::Required,
                    "the reply has warnings: improve it, or give a reason to send it as it is",
                );
                let mut body = ApiErrorBody::with_fields(ErrorCode::ReplyQuality, details.join("; "), fields);
                body.warnings = warnings.clone();
                body
            }
            NotFound => ApiErrorBody::new(ErrorCode::NotFound, "nothing is here; check the number"),
            RequestNotOpen => ApiErrorBody::new(
                ErrorCode::RequestNotOpen,
                "this request is closed, merged or rejected and takes no followers; file a new one",
            ),
            InvalidToken => ApiErrorBody::new(ErrorCode::InvalidToken, "the access token does not match this request"),
            Unauthenticated => ApiErrorBody::new(ErrorCode::Unauthenticated, "sign in first"),
            Forbidden => ApiErrorBody::new(ErrorCode::Forbidden, "your role does not allow this"),
            CsrfRejected => ApiErrorBody::new(ErrorCode::CsrfRejected, "the X-CSRF-Token header is missing or wrong"),
            TooManyAttempts { retry_after } => ApiErrorBody::new(
                ErrorCode::TooManyAttempts,
                format!("too many failed sign-ins; try again in {retry_after} seconds"),
            ),
            RateLimited { limit, retry_after } => ApiErrorBody::new(
                ErrorCode::TooManyAttempts,
                format!("more than {limit} requests this minute; try again in {retry_after} seconds"),
            ),
            MethodNotAllowed => ApiErrorBody::new(ErrorCode::MethodNotAllowed, "this method is not allowed here"),
            // Details of internal failures go to the log, not to the caller.
            Misconfigured(_) | Store(_) => ApiErrorBody::new(ErrorCode::Internal, "something went wrong on our side"),
        }
    }

    pub fn into_response(self) -> Response {
        if let ApiError::Misconfigured(detail) | ApiError::Store(detail) = &self {
            worker::console_error!("internal error: {detail}");
        }
        let body = self.body();
        let status = body.code.http_status();
        let retry_after = match &self {
            ApiError::TooManyAttempts { retry_after } | ApiError::RateLimited { retry_after, .. } => {
                Some(retry_after.to_string())
            }
            _ => None,
        };
        Response::from_json(&body)
            .map(|mut r| {
                if let Some(seconds) = retry_after {
                    let _ = r.headers_mut().set("Retry-After", &seconds);
                }
                r.with_status(status)
            })
            .unwrap_or_else(|_| Response::builder().with_status(500).empty())
    }
}
