//! When to poll each job. All jobs in flight share the account's budget with submissions;
//! polling everyone in turn wastes requests on renders that cannot be done yet and notices
//! finished ones late. So each job is polled sparsely until the time renders with the same
//! settings took before (learned from the history), then densely, with a cap on the gap so
//! no job goes unpolled for long.

use std::time::Duration;

use seedance_api::Rate;

/// How polls are planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PollPlanning {
    /// Sparse until similar renders finished before, then dense (the default).
    #[default]
    Planned,
    /// Every job in turn at the fair interval: the baseline the benchmark compares with.
    RoundRobin,
}

/// Share of the budget the plan leaves to polls (the rest is for submissions).
const POLL_SHARE: f64 = 0.8;

/// What the plan for one job depends on.
#[derive(Debug, Clone, Copy)]
pub struct PollContext {
    pub now: i64,
    /// When the service accepted the job.
    pub submitted_at: i64,
    /// How long similar renders took; None when the history has none yet.
    pub expected: Option<Duration>,
    /// Jobs being polled now, this one included.
    pub in_flight: usize,
    /// Of those, the ones past their expected render time (they compete for dense polls).
    pub late: usize,
    /// The budget in force.
    pub rate: Rate,
    /// Never poll one job more often than this.
    pub min_interval: Duration,
    /// Never leave a job unpolled longer than this (unless the budget forces it).
    pub max_gap: Duration,
    /// The longest gap between polls while the render time is unknown.
    pub guess_gap: Duration,
}

/// The interval that polling every job in flight in turn would give each one, at the
/// share of the budget left to polls.
pub fn round_robin_interval(in_flight: usize, rate: Rate) -> Duration {
    let per_second = f64::from(rate.requests) / rate.window.as_secs_f64() * POLL_SHARE;
    Duration::from_secs_f64(in_flight.max(1) as f64 / per_second)
}

/// The time of the next poll of one job, in ms since the epoch.
pub fn next_poll_at(ctx: PollContext, planning: PollPlanning) -> i64 {
    let fair = round_robin_interval(ctx.in_flight, ctx.rate).max(ctx.min_interval);
    let fair_ms = fair.as_millis() as i64;
    if planning == PollPlanning::RoundRobin {
        return ctx.now + fair_ms;
    }
    let Some(expected) = ctx.expected else {
        // Nothing like it has finished before: poll early, then less and less often (half
        // the time it has been rendering, up to the guess gap), never above the fair pace.
        let elapsed = (ctx.now - ctx.submitted_at).max(0);
        let gap = (elapsed / 2)
            .clamp(
                ctx.min_interval.as_millis() as i64,
                ctx.guess_gap.as_millis() as i64,
            )
            .max(fair_ms);
        return ctx.now + gap;
    };
    let expected_ms = expected.as_millis() as i64;
    let expected_done = ctx.submitted_at + expected_ms;
    // Jobs that could be done by now share the budget left after the sparse early polls.
    let late_fair_ms = round_robin_interval(ctx.late.max(1), ctx.rate)
        .max(ctx.min_interval)
        .as_millis() as i64;
    // Renders like this one vary by a few percent: poll just before the expected time,
    // and in between only as often as the longest gap allows.
    let max_gap = (ctx.max_gap.as_millis() as i64).max(fair_ms);
    let lead = late_fair_ms.min(expected_ms / 20);
    let next = if ctx.now + lead < expected_done {
        (expected_done - lead).min(ctx.now + max_gap)
    } else {
        ctx.now + late_fair_ms
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
            expected: Some(Duration::from_secs(expected_s)),
            in_flight,
            late: 1,
            max_gap: Duration::from_secs(60),
            guess_gap: Duration::from_secs(15),
            rate: Rate {
                requests: 30,
                window: Duration::from_secs(60),
            },
            min_interval: Duration::from_millis(500),
        }
    }

    fn next_poll_at_planned(c: PollContext) -> i64 {
        next_poll_at(c, PollPlanning::Planned)
    }

    #[test]
    fn round_robin_polls_at_the_fair_pace_from_the_start() {
        assert_eq!(
            next_poll_at(ctx(0, 120, 1), PollPlanning::RoundRobin),
            2_500
        );
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
    fn without_history_polls_start_early_and_spread_out() {
        let guess = |now| {
            next_poll_at_planned(PollContext {
                expected: None,
                ..ctx(now, 90, 1)
            })
        };
        // One job on 30/60: the fair pace is 2.5 s.
        assert_eq!(guess(0), 2_500);
        assert_eq!(guess(10_000), 15_000);
        assert_eq!(guess(20_000), 30_000);
        assert_eq!(guess(100_000), 115_000);
    }

    #[test]
    fn a_fresh_job_waits_for_its_expected_time_but_not_too_long() {
        // Expected to take 120 s: first poll after the longest gap (60 s), then just before
        // it is due.
        assert_eq!(next_poll_at_planned(ctx(0, 120, 1)), 60_000);
        let near = next_poll_at_planned(ctx(60_000, 120, 1));
        assert!((114_000..120_000).contains(&near), "{near}");
        // Past its time it is polled at the pace the late jobs share (one here: 2.5 s).
        assert_eq!(next_poll_at_planned(ctx(130_000, 120, 1)), 132_500);
    }

    #[test]
    fn late_jobs_share_what_the_early_ones_leave() {
        let mut c = ctx(200_000, 60, 20);
        c.late = 4;
        // Four late jobs on 24 polls a minute: each every 10 s, not every 50 s.
        assert_eq!(next_poll_at_planned(c) - 200_000, 10_000);
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3000, 1000, 2000]), Some(Duration::from_secs(2)));
    }
}
