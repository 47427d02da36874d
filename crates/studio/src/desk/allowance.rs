//! What a front end acting for the person (an agent through `seedance mcp`) may spend: set
//! by the person when that front end starts and kept by the desk for its life. It is their
//! confirmation given in advance, so a spend within it passes the spend guard; a spend that
//! would go past it is refused with the figures before anything is stored or sent. Project
//! budgets apply on top of it.
//!
//! Each accepted render counts at its estimate when it is accepted (a refund later does not
//! give the allowance back), so what the service can charge stays within what was allowed.

use std::sync::Mutex;

use serde::Serialize;

use super::{DeskError, MoneyRule, OverLimit};

/// Where an allowance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AllowanceStatus {
    /// What the person allowed, in credits.
    pub limit: u64,
    /// Estimated credits of the renders accepted so far.
    pub committed: u64,
    pub remaining: u64,
}

/// A spending allowance, shared by every verb of one desk.
#[derive(Debug)]
pub(super) struct Allowance {
    limit: u64,
    committed: Mutex<u64>,
}

impl Allowance {
    pub(super) fn new(limit: u64) -> Self {
        Self {
            limit,
            committed: Mutex::new(0),
        }
    }

    pub(super) fn status(&self) -> AllowanceStatus {
        let committed = *self.committed.lock().expect("the allowance is whole");
        AllowanceStatus {
            limit: self.limit,
            committed,
            remaining: self.limit.saturating_sub(committed),
        }
    }

    /// Sets `credits` aside, or refuses (rule `allowance`) when they would pass the limit.
    /// `what` names the spend for the message ("This render", "Rendering Film").
    pub(super) fn reserve(&self, credits: u64, what: &str) -> Result<(), DeskError> {
        let mut committed = self.committed.lock().expect("the allowance is whole");
        let remaining = self.limit.saturating_sub(*committed);
        if credits > remaining {
            let said = if self.limit == 0 {
                "this server was started without an allowance (--max-credits 0: estimates and dry runs only)".to_string()
            } else {
                format!(
                    "{remaining} of the {} credits allowed with --max-credits are left",
                    self.limit
                )
            };
            return Err(DeskError::over_limit(
                OverLimit {
                    rule: MoneyRule::Allowance,
                    estimated_credits: credits,
                    limit: remaining,
                },
                format!(
                    "{what} would cost about {credits} credits, and {said}; nothing was sent. Ask the person to restart the server with a larger --max-credits."
                ),
            ));
        }
        *committed += credits;
        Ok(())
    }

    /// Gives back credits set aside for a spend that did not happen (nothing was stored).
    pub(super) fn release(&self, credits: u64) {
        let mut committed = self.committed.lock().expect("the allowance is whole");
        *committed = committed.saturating_sub(credits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spends_within_the_allowance_pass_and_the_one_past_it_is_refused_with_the_figures() {
        let allowance = Allowance::new(100);
        allowance.reserve(60, "This render").unwrap();
        let err = allowance.reserve(41, "This render").unwrap_err();
        assert_eq!(
            err.over_limit,
            Some(OverLimit {
                rule: MoneyRule::Allowance,
                estimated_credits: 41,
                limit: 40
            })
        );
        assert!(
            err.message.contains("40 of the 100 credits"),
            "{}",
            err.message
        );
        allowance.reserve(40, "This render").unwrap();
        assert_eq!(
            allowance.status(),
            AllowanceStatus {
                limit: 100,
                committed: 100,
                remaining: 0
            }
        );
        allowance.release(30);
        assert_eq!(allowance.status().remaining, 30);
    }

    #[test]
    fn no_allowance_refuses_any_spend_and_says_why() {
        let err = Allowance::new(0).reserve(1, "This render").unwrap_err();
        assert!(err.message.contains("--max-credits 0"), "{}", err.message);
        assert!(Allowance::new(0).reserve(0, "Nothing").is_ok());
    }
}
