//! What the sandbox saw, for tests to assert against: every request with its time and
//! answer, the charges per Idempotency-Key, the 429s sent, and the busiest window.

use std::collections::BTreeMap;

use serde::Serialize;

/// One request as the sandbox answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    /// Milliseconds since the sandbox started.
    pub at_ms: u64,
    pub method: String,
    pub path: String,
    /// The status sent, or 0 when the connection was closed instead.
    pub status: u16,
    /// The account (API key) the request was made as, when the key was valid.
    #[serde(skip)]
    pub account: Option<String>,
    /// Whether the request carried a valid Bearer key.
    pub authorized: bool,
    pub idempotency_key: Option<String>,
    /// Whether it counted against the account's request window.
    pub counted: bool,
    /// The fault injected into it, if any.
    pub fault: Option<String>,
}

/// Everything the sandbox recorded since it started.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ledger {
    pub requests: Vec<LedgerEntry>,
    /// Charges made per Idempotency-Key (requests without a key are under "").
    pub charges: BTreeMap<String, u32>,
    pub rate_limited: u32,
    /// The window the busiest count was measured over, in milliseconds.
    pub window_ms: u64,
    /// The most counted requests one account made in any window.
    pub busiest_window: u32,
}

impl Ledger {
    /// Number of charges made under one Idempotency-Key.
    pub fn charges_for(&self, key: &str) -> u32 {
        self.charges.get(key).copied().unwrap_or(0)
    }

    /// Requests whose path starts with `prefix`.
    pub fn requests_to<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = &'a LedgerEntry> + 'a {
        self.requests
            .iter()
            .filter(move |r| r.path.starts_with(prefix))
    }

    /// Recomputes `busiest_window` from the counted requests of each account.
    pub(crate) fn measure_busiest(&mut self) {
        let mut per_account: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for r in self.requests.iter().filter(|r| r.counted) {
            if let Some(account) = &r.account {
                per_account.entry(account).or_default().push(r.at_ms);
            }
        }
        let mut busiest = 0;
        for times in per_account.values() {
            let mut start = 0;
            for end in 0..times.len() {
                while times[end] - times[start] >= self.window_ms {
                    start += 1;
                }
                busiest = busiest.max(end - start + 1);
            }
        }
        self.busiest_window = busiest as u32;
    }
}
