//! Faults the sandbox injects, so clients can be drilled against what real networks and
//! real services do: busy and failing upstreams, dropped connections, answers lost after
//! the work was done (the double-charge trap), malformed bodies, slow answers and cut
//! downloads.
//!
//! Each fault applies by probability, or from a scripted sequence that is consumed one
//! request at a time (a script entry wins over the probabilities).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `POST /api/v1/video/seedance2`
    Submit,
    /// `GET /api/v1/tasks/{id}`
    Poll,
    /// Output downloads (video and last frame).
    Download,
}

impl Route {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "post" | "submit" => Some(Self::Submit),
            "poll" | "get" => Some(Self::Poll),
            "download" => Some(Self::Download),
            _ => None,
        }
    }
}

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `503 service_busy`, before any work is done.
    Busy,
    /// `500 internal_error`, before any work is done.
    Internal,
    /// The connection is closed before the request is handled: nothing happened.
    Drop,
    /// The request is handled (a task created and charged), then the connection is closed
    /// before the answer is written.
    LoseAnswer,
    /// The request is handled, then answered with a truncated, unparseable JSON body.
    Malformed,
    /// The answer is delayed by this long.
    Slow(Duration),
    /// A download stops after this many bytes of the body, with the connection cut.
    CutAfter(u64),
}

impl Fault {
    /// Parses `503`, `500`, `drop`, `lost`, `malformed`, `slow=MS`, `cut=BYTES`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (name, arg) = s.split_once('=').map_or((s, None), |(n, a)| (n, Some(a)));
        let number = |what: &str| -> Result<u64, String> {
            arg.and_then(|a| a.parse().ok())
                .ok_or_else(|| format!("fault {name:?} needs ={what} (a whole number)"))
        };
        Ok(match name {
            "503" | "busy" => Self::Busy,
            "500" | "internal" => Self::Internal,
            "drop" => Self::Drop,
            "lost" | "lose" => Self::LoseAnswer,
            "malformed" => Self::Malformed,
            "slow" => Self::Slow(Duration::from_millis(number("MS")?)),
            "cut" => Self::CutAfter(number("BYTES")?),
            other => {
                return Err(format!(
                    "unknown fault {other:?}: use 503, 500, drop, lost, malformed, slow=MS or cut=BYTES"
                ));
            }
        })
    }
}

/// Faults by probability for one route.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Odds {
    pub busy: f64,
    pub internal: f64,
    pub drop: f64,
    pub lose_answer: f64,
    pub malformed: f64,
    /// Probability and delay of a slow answer.
    pub slow: (f64, Duration),
    /// Probability and byte count of a cut download.
    pub cut: (f64, u64),
}

/// Everything the sandbox will inject: probabilities per route plus scripted sequences.
#[derive(Debug, Default)]
pub struct FaultPlan {
    pub submit: Odds,
    pub poll: Odds,
    pub download: Odds,
    script: Mutex<VecDeque<(Route, Fault)>>,
}

impl Clone for FaultPlan {
    fn clone(&self) -> Self {
        Self {
            submit: self.submit.clone(),
            poll: self.poll.clone(),
            download: self.download.clone(),
            script: Mutex::new(self.script.lock().unwrap().clone()),
        }
    }
}

impl PartialEq for FaultPlan {
    fn eq(&self, other: &Self) -> bool {
        self.submit == other.submit
            && self.poll == other.poll
            && self.download == other.download
            && *self.script.lock().unwrap() == *other.script.lock().unwrap()
    }
}

impl FaultPlan {
    /// Appends scripted faults: the next request on `route` gets the first one, and so on.
    pub fn push(&self, route: Route, faults: impl IntoIterator<Item = Fault>) {
        let mut script = self.script.lock().unwrap();
        script.extend(faults.into_iter().map(|f| (route, f)));
    }

    /// Parses a script like `post:503,post:lost,poll:malformed,download:cut=1000`.
    pub fn push_script(&self, script: &str) -> Result<(), String> {
        let mut parsed = Vec::new();
        for item in script.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (route, fault) = item
                .split_once(':')
                .ok_or_else(|| format!("script entry {item:?} must be ROUTE:FAULT"))?;
            let route = Route::parse(route).ok_or_else(|| {
                format!("script entry {item:?}: route must be post, poll or download")
            })?;
            parsed.push((route, Fault::parse(fault)?));
        }
        self.script.lock().unwrap().extend(parsed);
        Ok(())
    }

    /// Scripted faults not yet used.
    pub fn pending(&self) -> usize {
        self.script.lock().unwrap().len()
    }

    /// Decides the fault (if any) for the next request on `route`.
    pub fn draw(&self, route: Route, rng: &mut fastrand::Rng) -> Option<Fault> {
        {
            let mut script = self.script.lock().unwrap();
            if let Some(pos) = script.iter().position(|(r, _)| *r == route) {
                return script.remove(pos).map(|(_, f)| f);
            }
        }
        let odds = match route {
            Route::Submit => &self.submit,
            Route::Poll => &self.poll,
            Route::Download => &self.download,
        };
        let mut hit = |p: f64| p > 0.0 && rng.f64() < p;
        if hit(odds.busy) {
            Some(Fault::Busy)
        } else if hit(odds.internal) {
            Some(Fault::Internal)
        } else if hit(odds.drop) {
            Some(Fault::Drop)
        } else if hit(odds.lose_answer) {
            Some(Fault::LoseAnswer)
        } else if hit(odds.malformed) {
            Some(Fault::Malformed)
        } else if hit(odds.slow.0) {
            Some(Fault::Slow(odds.slow.1))
        } else if hit(odds.cut.0) {
            Some(Fault::CutAfter(odds.cut.1))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_consumed_in_order_per_route() {
        let mut rng = fastrand::Rng::with_seed(1);
        let plan = FaultPlan::default();
        plan.push_script("post:503, poll:malformed, post:lost, download:cut=100")
            .unwrap();
        assert_eq!(plan.draw(Route::Poll, &mut rng), Some(Fault::Malformed));
        assert_eq!(plan.draw(Route::Submit, &mut rng), Some(Fault::Busy));
        assert_eq!(plan.draw(Route::Submit, &mut rng), Some(Fault::LoseAnswer));
        assert_eq!(plan.draw(Route::Submit, &mut rng), None);
        assert_eq!(
            plan.draw(Route::Download, &mut rng),
            Some(Fault::CutAfter(100))
        );
        assert_eq!(plan.pending(), 0);
    }

    #[test]
    fn bad_scripts_say_what_is_wrong() {
        let plan = FaultPlan::default();
        assert!(
            plan.push_script("post")
                .unwrap_err()
                .contains("ROUTE:FAULT")
        );
        assert!(plan.push_script("put:503").unwrap_err().contains("route"));
        assert!(plan.push_script("post:slow").unwrap_err().contains("=MS"));
        assert!(
            plan.push_script("post:teapot")
                .unwrap_err()
                .contains("unknown fault")
        );
        assert_eq!(plan.pending(), 0, "a bad script adds nothing");
    }

    #[test]
    fn certain_odds_always_fire_and_zero_odds_never_do() {
        let mut rng = fastrand::Rng::with_seed(1);
        let plan = FaultPlan {
            poll: Odds {
                busy: 1.0,
                ..Odds::default()
            },
            ..FaultPlan::default()
        };
        for _ in 0..100 {
            assert_eq!(plan.draw(Route::Poll, &mut rng), Some(Fault::Busy));
            assert_eq!(plan.draw(Route::Submit, &mut rng), None);
        }
    }
}
