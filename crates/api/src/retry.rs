//! When to try again, and how long to wait: like the best SDKs, a few attempts with
//! exponential backoff and jitter, `Retry-After` honoured when it is sane, and never a
//! retry of an error that another attempt cannot fix.

use std::time::Duration;

use crate::error::ApiError;

/// Longest `Retry-After` the client will honour; longer or garbage values fall back to
/// backoff.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included, for 5xx, timeouts, dropped connections and
    /// malformed answers.
    pub max_attempts: u32,
    /// Attempts in all for 429 and 409 (waiting is the remedy, so more are allowed).
    pub max_wait_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            max_wait_attempts: 8,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Stop,
    RetryAfter(Duration),
}

impl RetryPolicy {
    /// The delay before retry number `attempt` (1 = the first retry): 0.5 s doubling, capped
    /// at 8 s, with jitter between half and all of it.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        capped.mul_f64(0.5 + fastrand::f64() * 0.5)
    }

    /// Whether and when to retry after `error` on attempt `attempt` (1-based).
    pub fn decide(&self, error: &ApiError, attempt: u32) -> Decision {
        match error {
            ApiError::RateLimited { retry_after, .. } if attempt < self.max_wait_attempts => {
                Decision::RetryAfter(retry_after.unwrap_or_else(|| self.backoff(attempt)))
            }
            ApiError::IdempotencyConflict { .. } if attempt < self.max_wait_attempts => {
                Decision::RetryAfter(self.backoff(attempt))
            }
            ApiError::ServiceBusy { .. }
            | ApiError::Internal { .. }
            | ApiError::Transport { .. }
            | ApiError::MalformedBody { .. }
                if attempt < self.max_attempts =>
            {
                Decision::RetryAfter(self.backoff(attempt))
            }
            _ => Decision::Stop,
        }
    }
}

/// Parses a `Retry-After` value in seconds. Missing, negative, fractional-garbage, huge or
/// non-numeric values (including HTTP dates, which a skewed clock makes untrustworthy)
/// give `None`, and the caller backs off instead.
pub fn parse_retry_after(value: Option<&str>) -> Option<Duration> {
    let v = value?.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) || v.len() > 6 {
        return None;
    }
    let secs: u64 = v.parse().ok()?;
    let d = Duration::from_secs(secs);
    (d <= MAX_RETRY_AFTER).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn retry_after_is_parsed_defensively() {
        assert_eq!(parse_retry_after(Some("7")), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(Some(" 0 ")), Some(Duration::ZERO));
        for bad in [
            None,
            Some(""),
            Some("-3"),
            Some("1.5"),
            Some("soon"),
            Some("99999999999"),
            Some("121"),
            Some("Wed, 21 Oct 2026 07:28:00 GMT"),
        ] {
            assert_eq!(parse_retry_after(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn backoff_doubles_from_half_a_second_and_caps_at_eight() {
        let p = RetryPolicy::default();
        for attempt in 1..20 {
            let ceiling = Duration::from_millis(500 * (1u64 << (attempt - 1).min(10)))
                .min(Duration::from_secs(8));
            let d = p.backoff(attempt);
            assert!(d <= ceiling && d >= ceiling / 2, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn only_fixable_errors_are_retried() {
        let p = RetryPolicy::default();
        let m = || "m".to_string();
        for stop in [
            ApiError::InvalidRequest { message: m() },
            ApiError::Unauthorized { message: m() },
            ApiError::InsufficientCredits { message: m() },
            ApiError::NotFound { message: m() },
        ] {
            assert_eq!(p.decide(&stop, 1), Decision::Stop, "{stop:?}");
        }
        let limited = ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
            message: m(),
        };
        assert_eq!(
            p.decide(&limited, 1),
            Decision::RetryAfter(Duration::from_secs(3))
        );
        assert!(matches!(
            p.decide(&ApiError::ServiceBusy { message: m() }, 3),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            p.decide(&ApiError::ServiceBusy { message: m() }, 4),
            Decision::Stop
        );
    }

    proptest! {
        #[test]
        fn any_header_value_gives_a_sane_wait_or_none(s in "\\PC{0,12}") {
            if let Some(d) = parse_retry_after(Some(&s)) {
                prop_assert!(d <= MAX_RETRY_AFTER);
            }
        }

        #[test]
        fn whole_seconds_up_to_the_cap_are_honoured(n in 0u64..=120) {
            prop_assert_eq!(parse_retry_after(Some(&n.to_string())), Some(Duration::from_secs(n)));
        }
    }
}
