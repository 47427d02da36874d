//! The per-account request window: at most N counted requests (submissions and polls) in
//! any window of SECS. A request over the limit is refused with the whole seconds to wait.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Window {
    limit: usize,
    length: Duration,
    recent: VecDeque<Instant>,
}

impl Window {
    pub fn new(limit: u32, length: Duration) -> Self {
        Self {
            limit: limit as usize,
            length,
            recent: VecDeque::new(),
        }
    }

    /// Counts a request at `now`, or says how many whole seconds until one would fit.
    pub fn admit(&mut self, now: Instant) -> Result<(), u64> {
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.length)
        {
            self.recent.pop_front();
        }
        if self.recent.len() < self.limit {
            self.recent.push_back(now);
            return Ok(());
        }
        let oldest = *self.recent.front().expect("limit is above zero");
        let wait = self.length.saturating_sub(now.duration_since(oldest));
        Err(wait.as_secs_f64().ceil().max(1.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_up_to_the_limit_then_says_when() {
        let start = Instant::now();
        let mut w = Window::new(3, Duration::from_secs(10));
        for i in 0..3 {
            assert_eq!(w.admit(start + Duration::from_secs(i)), Ok(()));
        }
        assert_eq!(w.admit(start + Duration::from_millis(3500)), Err(7));
        // The first request leaves the window at t=10 s.
        assert_eq!(w.admit(start + Duration::from_secs(10)), Ok(()));
        assert_eq!(w.admit(start + Duration::from_millis(10_100)), Err(1));
    }
}
