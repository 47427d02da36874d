//! The submission policy, once for every front end: a draft is checked as it would be
//! sent (every problem by field, the prompt advice, the cost estimate), refused above the
//! money rules, its uploaded references signed again when they would expire before the
//! render is likely done, and committed with those uploads in one transaction.

use seedance_api::{GenerationRequest, LintWarning, Problem};
use serde::Serialize;

use crate::connection::ConnectionMode;
use crate::engine::Submission;
use crate::estimate::{self, ChoicePrices, Estimate};
use crate::extend::Extension;
use crate::settings::Settings;

use super::{Desk, DeskError, JobSummary, MoneyRule, OverLimit};

/// What the composer shows before submitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DraftCheck {
    /// Every broken rule, by field; empty when the draft can be sent.
    pub problems: Vec<Problem>,
    /// Advice from the vendor's prompt guide; the draft can be sent anyway.
    pub lint: Vec<LintWarning>,
    pub estimate: Estimate,
    /// What it would cost with each tier, resolution and channel instead.
    pub choices: ChoicePrices,
    /// The spend guard in force (ask above this many credits), if any.
    pub spend_guard: Option<u32>,
}

/// How a draft is submitted, besides the draft.
#[derive(Debug, Clone, Copy, Default)]
pub struct SubmitOptions<'a> {
    /// The person said yes to spending above the spend guard (the window's confirmation,
    /// the command line's `--yes`).
    pub confirmed_spend: bool,
    pub extends: Option<&'a Extension>,
    /// One act of submitting: the same id again finds the job it made.
    pub submission_id: Option<&'a str>,
}

/// How long before its URL expires an uploaded reference is signed again.
const RESIGN_MARGIN: std::time::Duration = std::time::Duration::from_secs(2 * 3600);

impl Desk {
    /// Checks `draft` against the rules of the connection in force, as it would be sent
    /// (an extension's prompt with the phrase the service needs).
    pub async fn check(
        &self,
        draft: &GenerationRequest,
        extends: Option<&Extension>,
    ) -> Result<DraftCheck, DeskError> {
        let settings = self.settings().await?;
        let sent = match extends {
            Some(e) => crate::extend::request_to_send(draft, e.from),
            None => draft.clone(),
        };
        let engine = self.engine().await?;
        let problems = match engine.client().prepare(&sent) {
            Ok(_) => Vec::new(),
            Err(seedance_api::ApiError::Invalid { problems }) => problems,
            Err(other) => return Err(other.into()),
        };
        Ok(DraftCheck {
            problems,
            lint: seedance_api::lint_prompt(&sent),
            estimate: estimate::estimate(engine.store(), &sent).await?,
            choices: estimate::choices(engine.store(), &sent).await?,
            spend_guard: settings.spend_guard_credits,
        })
    }

    /// Submits `draft` on the running connection: refused with every problem when invalid,
    /// and by the spend guard unless confirmed (nothing stored or sent either way).
    pub async fn submit(
        &self,
        draft: &GenerationRequest,
        options: SubmitOptions<'_>,
    ) -> Result<JobSummary, DeskError> {
        let settings = self.settings().await?;
        let engine = self.engine().await?;
        engine.client().prepare(draft)?;
        // The same act of submitting again finds its job: nothing new is spent.
        if let Some(id) = options.submission_id
            && let Some(job) = engine.by_submission(id).await?
        {
            return Ok(JobSummary::from(&job));
        }
        let estimate = estimate::estimate(engine.store(), draft).await?;
        let job = self
            .within_allowance(estimate.credits, "This render", async |allowed| {
                spend_rules(
                    &settings,
                    estimate.credits,
                    None,
                    allowed || options.confirmed_spend,
                )?;
                let (draft, uploads) = self.resigned(&settings, draft).await;
                Ok(engine
                    .submit_with(
                        &draft,
                        Submission {
                            extends: options.extends,
                            submission_id: options.submission_id,
                            uploads: &uploads,
                            take: None,
                        },
                    )
                    .await?)
            })
            .await?;
        tracing::info!(job = %job.id, "submitted");
        Ok(JobSummary::from(&job))
    }

    /// What `request` counts against the allowance: its estimate, read only when there
    /// is an allowance to count it against.
    pub(super) async fn allowance_cost(
        &self,
        store: &crate::Store,
        request: &GenerationRequest,
    ) -> Result<u64, DeskError> {
        if self.allowance.get().is_none() {
            return Ok(0);
        }
        Ok(estimate::estimate(store, request).await?.credits)
    }

    /// Runs `spend` (which stores what spends `credits`) within the spending allowance,
    /// when there is one: the credits are set aside first (refused with the figures when
    /// they would pass it) and given back when `spend` fails, as it then stored nothing.
    /// `spend` is told whether the allowance passed it (the person's confirmation).
    pub(super) async fn within_allowance<T>(
        &self,
        credits: u64,
        what: &str,
        spend: impl AsyncFnOnce(bool) -> Result<T, DeskError>,
    ) -> Result<T, DeskError> {
        let Some(allowance) = self.allowance.get() else {
            return spend(false).await;
        };
        allowance.reserve(credits, what)?;
        let result = spend(true).await;
        if result.is_err() {
            allowance.release(credits);
        }
        result
    }

    /// The references of `draft` that are in the upload storage, signed again when they
    /// would expire too soon, and their keys (to be released once the render is done).
    async fn resigned(
        &self,
        settings: &Settings,
        draft: &GenerationRequest,
    ) -> (GenerationRequest, Vec<String>) {
        let mut draft = draft.clone();
        let mut keys = Vec::new();
        let Ok(storage) = self.storage_of(settings).await else {
            return (draft, keys);
        };
        let mut refresh = |url: &mut String| {
            if let Some((key, _)) = storage.key_in(url) {
                if let Some(renewed) = storage.refreshed(url, RESIGN_MARGIN) {
                    *url = renewed;
                }
                keys.push(key);
            }
        };
        if let Some(u) = draft.image_url.as_mut() {
            refresh(u);
        }
        if let Some(u) = draft.end_image_url.as_mut() {
            refresh(u);
        }
        draft.media_urls.iter_mut().for_each(&mut refresh);
        (draft, keys)
    }

    /// Checks `requests` for `mode` without connecting: every problem of every request,
    /// by field, prefixed with its label (e.g. `line 3`). Returns the canonical bodies.
    pub async fn validate_offline(
        &self,
        mode: ConnectionMode,
        requests: &[(String, GenerationRequest)],
    ) -> Result<Vec<Vec<u8>>, Vec<Problem>> {
        let loopback = self.base_is_loopback(mode).await.unwrap_or(false);
        let mut bodies = Vec::with_capacity(requests.len());
        let mut problems = Vec::new();
        for (label, request) in requests {
            match seedance_api::validate(request, loopback) {
                Ok(prepared) => bodies.push(prepared.body),
                Err(found) => problems.extend(found.into_iter().map(|p| {
                    if label.is_empty() {
                        p
                    } else {
                        Problem::new(format!("{label}: {}", p.field), p.message)
                    }
                })),
            }
        }
        if problems.is_empty() {
            Ok(bodies)
        } else {
            Err(problems)
        }
    }

    /// The estimate of each of `requests` from `mode`'s history, read without connecting.
    pub async fn estimates(
        &self,
        mode: ConnectionMode,
        requests: &[GenerationRequest],
    ) -> Result<Vec<Estimate>, DeskError> {
        let history = self.history(mode).await?;
        let mut out = Vec::with_capacity(requests.len());
        for request in requests {
            out.push(estimate::estimate(&history, request).await?);
        }
        Ok(out)
    }

    /// The money rules for one act of spending `credits` (a render, or a batch as a
    /// whole): a `max_credits` the caller set, then the spend guard unless confirmed.
    pub async fn may_spend(
        &self,
        credits: u64,
        max_credits: Option<u64>,
        confirmed: bool,
    ) -> Result<(), DeskError> {
        spend_rules(&self.settings().await?, credits, max_credits, confirmed)
    }

    /// Submits requests that have passed [`Desk::validate_offline`] and [`Desk::may_spend`]
    /// on the running connection, in order; the first refusal stops it with the jobs
    /// made so far kept.
    pub async fn submit_all(
        &self,
        requests: &[GenerationRequest],
    ) -> Result<Vec<JobSummary>, DeskError> {
        let settings = self.settings().await?;
        let engine = self.engine().await?;
        let mut jobs = Vec::with_capacity(requests.len());
        for request in requests {
            let credits = self.allowance_cost(engine.store(), request).await?;
            let job = self
                .within_allowance(credits, "This render", async |_| {
                    let (request, uploads) = self.resigned(&settings, request).await;
                    Ok(engine
                        .submit_with(
                            &request,
                            Submission {
                                uploads: &uploads,
                                take: None,
                                ..Submission::default()
                            },
                        )
                        .await?)
                })
                .await?;
            jobs.push(JobSummary::from(&job));
        }
        Ok(jobs)
    }
}

/// The money rules in order: the caller's hard limit, then the person's spend guard
/// (which a confirmation passes).
pub(super) fn spend_rules(
    settings: &Settings,
    credits: u64,
    max_credits: Option<u64>,
    confirmed: bool,
) -> Result<(), DeskError> {
    if let Some(max) = max_credits
        && credits > max
    {
        return Err(DeskError::over_limit(
            OverLimit {
                rule: MoneyRule::MaxCredits,
                estimated_credits: credits,
                limit: max,
            },
            format!(
                "This would cost about {credits} credits, more than --max-credits {max}; nothing was sent."
            ),
        ));
    }
    if let Some(guard) = settings.spend_guard_credits
        && credits > u64::from(guard)
        && !confirmed
    {
        return Err(DeskError::over_limit(
            OverLimit {
                rule: MoneyRule::SpendGuard,
                estimated_credits: credits,
                limit: u64::from(guard),
            },
            format!(
                "This is estimated at {credits} credits, above your spend guard of {guard}. Confirm to submit it."
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::ErrorKind;

    fn guarded(guard: Option<u32>) -> Settings {
        Settings {
            spend_guard_credits: guard,
            ..Settings::default()
        }
    }

    #[test]
    fn the_spend_guard_asks_above_its_limit_and_a_yes_passes_it() {
        assert!(spend_rules(&guarded(Some(100)), 100, None, false).is_ok());
        let err = spend_rules(&guarded(Some(100)), 101, None, false).unwrap_err();
        assert_eq!(err.kind, ErrorKind::OverLimit);
        assert_eq!(
            err.over_limit,
            Some(OverLimit {
                rule: MoneyRule::SpendGuard,
                estimated_credits: 101,
                limit: 100
            })
        );
        assert!(spend_rules(&guarded(Some(100)), 101, None, true).is_ok());
        assert!(spend_rules(&guarded(None), 10_000, None, false).is_ok());
    }

    #[test]
    fn a_max_credits_limit_is_not_passed_by_a_yes() {
        let err = spend_rules(&guarded(None), 60, Some(50), true).unwrap_err();
        assert_eq!(err.over_limit.map(|o| o.rule), Some(MoneyRule::MaxCredits));
        assert!(err.message.contains("--max-credits 50"), "{}", err.message);
        assert!(spend_rules(&guarded(Some(10)), 50, Some(50), true).is_ok());
    }
}
