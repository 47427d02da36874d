//! Everything that can go wrong talking to the API, one variant per documented error code
//! plus unknown codes, transport failures and malformed bodies. Every message is written
//! for the person who will read it, and none contains the key.

use std::time::Duration;

use crate::validate::Problem;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("The request was not sent: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid { problems: Vec<Problem> },
    #[error(
        "The API key was refused (missing, invalid or revoked): {message}. Add a valid key in Settings."
    )]
    Unauthorized { message: String },
    #[error("The service refused the request: {message}")]
    InvalidRequest { message: String },
    #[error("Not enough credits: {message}. Top up your balance, then try again.")]
    InsufficientCredits { message: String },
    #[error("Too many requests for this account (30 per minute); retry in {} s", retry_after.map_or(0, |d| d.as_secs()))]
    RateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
    #[error("The Idempotency-Key is in conflict: {message}")]
    IdempotencyConflict { message: String },
    #[error("The service is busy: {message}. It will be retried.")]
    ServiceBusy { message: String },
    #[error("Not found: {message}")]
    NotFound { message: String },
    #[error("The service failed unexpectedly: {message}")]
    Internal { message: String },
    #[error("The service answered HTTP {status} with error code {code:?}: {message}")]
    UnknownCode {
        status: u16,
        code: String,
        message: String,
    },
    #[error("Could not reach the service: {message}")]
    Transport { message: String, timed_out: bool },
    #[error("The service's answer (HTTP {status}) could not be read: {detail}")]
    MalformedBody { status: u16, detail: String },
    #[error(
        "The service redirected to {location}, which is not the same site over https; the request was not followed so the API key stays private. Set the base URL to the host you trust."
    )]
    Redirected { location: String },
    #[error("The client could not be set up: {message}")]
    Setup { message: String },
}

impl ApiError {
    /// The documented code, for errors the service sent.
    pub fn code(&self) -> Option<&str> {
        Some(match self {
            Self::Unauthorized { .. } => "unauthorized",
            Self::InvalidRequest { .. } => "invalid_request",
            Self::InsufficientCredits { .. } => "insufficient_credits",
            Self::RateLimited { .. } => "rate_limited",
            Self::IdempotencyConflict { .. } => "idempotency_conflict",
            Self::ServiceBusy { .. } => "service_busy",
            Self::NotFound { .. } => "not_found",
            Self::Internal { .. } => "internal_error",
            Self::UnknownCode { code, .. } => code,
            _ => return None,
        })
    }

    /// Builds the error for a non-success answer from its status and body.
    pub fn from_response(status: u16, retry_after: Option<Duration>, body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Envelope {
            error: Inner,
        }
        #[derive(serde::Deserialize)]
        struct Inner {
            code: String,
            #[serde(default)]
            message: String,
        }
        let Ok(Envelope { error }) = serde_json::from_slice::<Envelope>(body) else {
            return match status {
                // Gateways answer 5xx/429 with pages of their own: still retryable.
                429 => Self::RateLimited {
                    retry_after,
                    message: "rate limited".into(),
                },
                503 => Self::ServiceBusy {
                    message: "service unavailable".into(),
                },
                500 | 502 | 504 => Self::Internal {
                    message: format!("HTTP {status}"),
                },
                _ => Self::MalformedBody {
                    status,
                    detail: format!("expected the documented error shape, got {}", preview(body)),
                },
            };
        };
        // What the service says is shown to people: a hostile or broken one cannot flood
        // the screen or the logs.
        let message = clip(error.message, MAX_MESSAGE_CHARS);
        match error.code.as_str() {
            "unauthorized" => Self::Unauthorized { message },
            "invalid_request" => Self::InvalidRequest { message },
            "insufficient_credits" => Self::InsufficientCredits { message },
            "rate_limited" => Self::RateLimited {
                retry_after,
                message,
            },
            "idempotency_conflict" => Self::IdempotencyConflict { message },
            "service_busy" => Self::ServiceBusy { message },
            "not_found" => Self::NotFound { message },
            "internal_error" => Self::Internal { message },
            _ => Self::UnknownCode {
                status,
                code: clip(error.code, MAX_CODE_CHARS),
                message,
            },
        }
    }
}

/// The start of a body, for an error message.
/// The most of a service's error message an [`ApiError`] keeps.
const MAX_MESSAGE_CHARS: usize = 240;
/// The most of an unknown error code an [`ApiError`] keeps.
const MAX_CODE_CHARS: usize = 40;

/// `text`, cut to `max` characters with an ellipsis when it was longer.
fn clip(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

pub(crate) fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(120)]);
    if text.is_empty() {
        "an empty body".into()
    } else {
        format!("{text:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_and_codes_from_the_service_are_clipped() {
        let body =
            serde_json::json!({"error": {"code": "c".repeat(500), "message": "雪".repeat(5000)}});
        let e = ApiError::from_response(418, None, body.to_string().as_bytes());
        let ApiError::UnknownCode { code, message, .. } = &e else {
            panic!("{e:?}");
        };
        assert_eq!(code.chars().count(), MAX_CODE_CHARS + 1);
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(message.ends_with('…') && message.starts_with("雪雪"));
        assert_eq!(clip("short".into(), 10), "short");
    }

    #[test]
    fn documented_codes_map_to_their_variants() {
        let e = |code: &str, status| {
            ApiError::from_response(
                status,
                None,
                format!(r#"{{"error":{{"code":"{code}","message":"m"}}}}"#).as_bytes(),
            )
        };
        assert!(matches!(
            e("unauthorized", 401),
            ApiError::Unauthorized { .. }
        ));
        assert!(matches!(
            e("invalid_request", 400),
            ApiError::InvalidRequest { .. }
        ));
        assert!(matches!(
            e("insufficient_credits", 402),
            ApiError::InsufficientCredits { .. }
        ));
        assert!(matches!(
            e("rate_limited", 429),
            ApiError::RateLimited { .. }
        ));
        assert!(matches!(
            e("idempotency_conflict", 409),
            ApiError::IdempotencyConflict { .. }
        ));
        assert!(matches!(
            e("service_busy", 503),
            ApiError::ServiceBusy { .. }
        ));
        assert!(matches!(e("not_found", 404), ApiError::NotFound { .. }));
        assert!(matches!(
            e("internal_error", 500),
            ApiError::Internal { .. }
        ));
        assert_eq!(e("teapot", 418).code(), Some("teapot"));
    }

    #[test]
    fn unreadable_bodies_are_malformed_unless_the_status_says_retry() {
        assert!(matches!(
            ApiError::from_response(400, None, b"<html>"),
            ApiError::MalformedBody { status: 400, .. }
        ));
        assert!(matches!(
            ApiError::from_response(502, None, b"<html>"),
            ApiError::Internal { .. }
        ));
        assert!(
            ApiError::from_response(401, None, b"")
                .to_string()
                .contains("empty body")
        );
    }
}
