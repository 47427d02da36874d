//! When to poll each job. All jobs in flight share the account's budget with submissions;
//! polling everyone in turn wastes requests on renders that cannot be done yet and notices
//! finished ones late. So each job is polled sparsely until the time renders with the same
//! settings took before (learned from the history), then densely, with a cap on the gap so
//! no job goes unpolled for long.

use std::time::Duration;

use seedance_api::Rate;

/// Share of the budget the plan leaves to polls (the rest is for submissions).
const POLL_SHARE: f64 = 0.8;

/// What the plan for one job depends on.
#[derive(Debug, Clone, Copy)]
pub struct PollContext {
    pub now: i64,
    /// When the service accepted the job.
    pub submitted_at: i64,
    /// How long similar renders took.
    pub expected: Duration,
    /// Jobs being polled now, this one included.
    pub in_flight: usize,
    /// The budget in force.
    pub rate: Rate,
    /// Never poll one job more often than this.
    pub min_interval: Duration,
}

/// The interval that polling every job in flight in turn would give each one, at the
/// share of the budget left to polls.
pub fn round_robin_interval(in_flight: usize, rate: Rate) -> Duration {
    let per_second = f64::from(rate.requests) / rate.window.as_secs_f64() * POLL_SHARE;
    Duration::from_secs_f64(in_flight.max(1) as f64 / per_second)
}

/// The time of the next poll of one job, in ms since the epoch.
pub fn next_poll_at(ctx: PollContext) -> i64 {
    let fair = round_robin_interval(ctx.in_flight, ctx.rate).max(ctx.min_interval);
    let fair_ms = fair.as_millis() as i64;
    let expected_done = ctx.submitted_at + ctx.expected.as_millis() as i64;
    // The longest a job waits between polls: a few fair turns, or a quarter of its
    // expected render time, whichever is longer.
    let max_gap = (fair_ms * 4).max(ctx.expected.as_millis() as i64 / 4);
    let next = if ctx.now + fair_ms < expected_done {
        // Too early: come back just before it is expected to finish, or at the cap.
        (expected_done - fair_ms / 2).min(ctx.now + max_gap)
    } else {
        // Due or late: poll at the fair pace.
        ctx.now + fair_ms
    };
    next.max(ctx.now + ctx.min_interval.as_millis() as i64)
}

/// The median of past render times, if there are any.
pub fn median(mut samples: Vec<i64>) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    let mid = samples[samples.len() / 2].max(0);
    Some(Duration::from_millis(mid as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(now: i64, expected_s: u64, in_flight: usize) -> PollContext {
        PollContext {
            now,
            submitted_at: 0,
            expected: Duration::from_secs(expected_s),
            in_flight,
            rate: Rate {
                requests: 30,
                window: Duration::from_secs(60),
            },
            min_interval: Duration::from_millis(500),
        }
    }

    #[test]
    fn round_robin_shares_the_budget() {
        // 20 jobs on 24 polls a minute: each one every 50 s.
        let rr = round_robin_interval(
            20,
            Rate {
                requests: 30,
                window: Duration::from_secs(60),
            },
        );
        assert_eq!(rr.as_secs(), 50);
    }

    #[test]
    fn a_fresh_job_waits_for_its_expected_time_but_not_too_long() {
        // One job expected to take 120 s: no poll until 30 s (a quarter), then closer.
        let first = next_poll_at(ctx(0, 120, 1));
        assert_eq!(first, 30_000);
        let near = next_poll_at(ctx(110_000, 120, 1));
        assert!((110_000..=120_000).contains(&near), "{near}");
        // Past its time it is polled at the fair pace.
        assert_eq!(next_poll_at(ctx(130_000, 120, 1)), 132_500);
    }

    #[test]
    fn many_jobs_slow_everyone_down_to_the_budget() {
        let late = next_poll_at(ctx(200_000, 60, 20));
        assert_eq!(late - 200_000, 50_000);
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3000, 1000, 2000]), Some(Duration::from_secs(2)));
    }
}
