//! One request budget per account, shared by every request: never more than N requests in
//! any window of SECS (with a margin, so a slow network cannot bunch requests up at the
//! server), submissions served ahead of polls, and a 429 pausing everything until its
//! `Retry-After` has passed.
//!
//! It is a trait so the engine can keep the budget in its database and share it between
//! the app and `seedance` commands; [`LocalBudget`] keeps it in this process.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Which queue a request waits in; submissions go first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Submit,
    Poll,
}

/// A future that waits for a request slot.
pub type Acquire<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Where every request of an account takes its slot from.
pub trait RequestBudget: Send + Sync + fmt::Debug {
    /// Waits until a request may be sent now, and counts it.
    fn acquire(&self, priority: Priority) -> Acquire<'_>;
    /// The service answered 429: nothing is sent until `retry_after` has passed.
    fn rate_limited(&self, retry_after: Duration);
}

/// N requests per window, as the account allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub requests: u32,
    pub window: Duration,
}

/// The variable that sets the budget, `N/SECS`.
pub const RATE_ENV: &str = "SEEDANCE_RATE";

impl Rate {
    /// What the service allows: 30 requests per 60 s per account.
    pub const ACCOUNT: Self = Self {
        requests: 30,
        window: Duration::from_secs(60),
    };

    /// Parses `N/SECS`, e.g. `30/60` or `30/3`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("{RATE_ENV} must look like N/SECS (e.g. 30/60), got {s:?}");
        let (n, secs) = s.trim().split_once('/').ok_or_else(bad)?;
        let requests: u32 = n.trim().parse().map_err(|_| bad())?;
        let secs: f64 = secs.trim().parse().map_err(|_| bad())?;
        if requests == 0 || !(secs > 0.0 && secs.is_finite() && secs < 86_400.0) {
            return Err(bad());
        }
        Ok(Self {
            requests,
            window: Duration::from_secs_f64(secs),
        })
    }

    /// What the client allows itself: one request fewer, over a window 2 % (at least
    /// 250 ms) longer, so requests that arrive late (a busy machine, a slow connection)
    /// still land in separate windows.
    pub fn with_margin(self) -> Self {
        self.keeping_back(if self.requests > 2 { 1 } else { 0 })
    }

    /// Like [`Rate::with_margin`], keeping `n` requests of every window back (never fewer
    /// than one request is left): the "request budget margin" setting.
    pub fn keeping_back(self, n: u32) -> Self {
        let extra = (self.window / 50).max(Duration::from_millis(250));
        Self {
            requests: self.requests.saturating_sub(n).max(1),
            window: self.window + extra,
        }
    }
}

#[derive(Debug, Default)]
struct State {
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
    waiting_submits: usize,
}

/// A budget kept in this process.
#[derive(Debug)]
pub struct LocalBudget {
    rate: Rate,
    state: Mutex<State>,
}

impl LocalBudget {
    /// A budget that keeps `rate` with its margin.
    pub fn new(rate: Rate) -> Self {
        Self::exact(rate.with_margin())
    }

    /// A budget that uses exactly `rate`, without a margin.
    pub fn exact(rate: Rate) -> Self {
        Self {
            rate,
            state: Mutex::new(State::default()),
        }
    }

    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Takes a slot now if one is free; otherwise says how long to wait before asking again.
    fn try_take(&self, priority: Priority, now: Instant) -> Result<(), Duration> {
        let mut s = self.state.lock().unwrap();
        if let Some(until) = s.paused_until {
            if until > now {
                return Err(until - now);
            }
            s.paused_until = None;
        }
        while s
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.rate.window)
        {
            s.sent.pop_front();
        }
        if s.sent.len() >= self.rate.requests as usize {
            let oldest = s.sent[0];
            return Err(self.rate.window - now.duration_since(oldest));
        }
        if priority == Priority::Poll && s.waiting_submits > 0 {
            // A submission is waiting for this slot.
            return Err(Duration::from_millis(10));
        }
        s.sent.push_back(now);
        Ok(())
    }
}

/// Counts a waiting submission for as long as it waits, even if its future is dropped.
struct WaitingSubmit<'a>(&'a Mutex<State>);

impl<'a> WaitingSubmit<'a> {
    fn new(state: &'a Mutex<State>) -> Self {
        state.lock().unwrap().waiting_submits += 1;
        Self(state)
    }
}

impl Drop for WaitingSubmit<'_> {
    fn drop(&mut self) {
        self.0.lock().unwrap().waiting_submits -= 1;
    }
}

impl RequestBudget for LocalBudget {
    fn acquire(&self, priority: Priority) -> Acquire<'_> {
        Box::pin(async move {
            let _waiting = (priority == Priority::Submit).then(|| WaitingSubmit::new(&self.state));
            loop {
                match self.try_take(priority, Instant::now()) {
                    Ok(()) => return,
                    Err(wait) => tokio::time::sleep(wait.max(Duration::from_millis(1))).await,
                }
            }
        })
    }

    fn rate_limited(&self, retry_after: Duration) {
        let until = Instant::now() + retry_after;
        let mut s = self.state.lock().unwrap();
        s.paused_until = Some(s.paused_until.map_or(until, |u| u.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn rates_parse_and_keep_a_margin() {
        assert_eq!(Rate::parse("30/60").unwrap(), Rate::ACCOUNT);
        assert_eq!(
            Rate::parse(" 30 / 3 ").unwrap().window,
            Duration::from_secs(3)
        );
        for bad in ["30", "0/60", "30/0", "x/60", "30/-1", "30/inf"] {
            assert!(
                Rate::parse(bad).unwrap_err().contains("SEEDANCE_RATE"),
                "{bad}"
            );
        }
        let m = Rate::ACCOUNT.with_margin();
        assert_eq!(m.requests, 29);
        assert_eq!(m.window, Duration::from_millis(61_200));
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_n_in_any_window() {
        let budget = Arc::new(LocalBudget::exact(Rate {
            requests: 3,
            window: Duration::from_secs(1),
        }));
        let start = tokio::time::Instant::now();
        let mut times = Vec::new();
        for _ in 0..7 {
            budget.acquire(Priority::Poll).await;
            times.push(start.elapsed());
        }
        for pair in times.windows(4) {
            assert!(pair[3] - pair[0] >= Duration::from_secs(1), "{times:?}");
        }
        assert!(times[6] < Duration::from_millis(2100), "{times:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_everything() {
        let budget = LocalBudget::exact(Rate {
            requests: 100,
            window: Duration::from_secs(1),
        });
        budget.rate_limited(Duration::from_secs(5));
        let start = tokio::time::Instant::now();
        budget.acquire(Priority::Submit).await;
        assert!(start.elapsed() >= Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn submissions_go_ahead_of_polls() {
        let budget = Arc::new(LocalBudget::exact(Rate {
            requests: 1,
            window: Duration::from_secs(1),
        }));
        budget.acquire(Priority::Poll).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let poll = {
            let (b, o) = (budget.clone(), order.clone());
            tokio::spawn(async move {
                b.acquire(Priority::Poll).await;
                o.lock().unwrap().push("poll");
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        let submit = {
            let (b, o) = (budget.clone(), order.clone());
            tokio::spawn(async move {
                b.acquire(Priority::Submit).await;
                o.lock().unwrap().push("submit");
            })
        };
        submit.await.unwrap();
        poll.await.unwrap();
        assert_eq!(*order.lock().unwrap(), ["submit", "poll"]);
    }
}
