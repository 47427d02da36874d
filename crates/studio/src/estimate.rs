//! What a render will probably cost, before it is sent, right the first time (a budget is
//! only as good as its estimate): the credits the last render with the same tier,
//! resolution, duration and channel was charged, when the history has one; else the
//! per-second rates real accounts were charged (`docs/SEEDANCE_API.md`, "Credits") times
//! this account's own factor, learned from its first real charge; else those rates alone.

use seedance_api::{Channel, GenerationRequest, QualityTier, Resolution};
use serde::Serialize;

use crate::store::Store;

/// The published price point: standard tier, 5 s, 720p.
pub const PUBLISHED_CREDITS: u64 = 30;

/// Where an estimate comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Basis {
    /// What the last render with the same settings was charged.
    History { job_id: String },
    /// The rates, times this account's factor (in thousandths), learned from what its
    /// first charged render (`job_id`) cost against the rates.
    Account {
        factor_permille: u32,
        job_id: String,
    },
    /// The per-second rate real accounts were charged for this tier and resolution
    /// (`observed`), or one carried over from the observed ones where none was seen.
    Rates { observed: bool },
    /// The published price point itself (standard, 5 s, 720p), with nothing learned yet.
    Published,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Estimate {
    pub credits: u64,
    pub basis: Basis,
}

impl Estimate {
    /// "about 30 credits, like your last render with the same settings".
    pub fn describe(&self) -> String {
        match &self.basis {
            Basis::History { .. } => format!(
                "about {} credits, like your last render with the same tier, resolution, duration and channel",
                self.credits
            ),
            Basis::Account {
                factor_permille, ..
            } => format!(
                "about {} credits: the usual rates × {:.2}, this account's factor from its first charge",
                self.credits,
                f64::from(*factor_permille) / 1000.0
            ),
            Basis::Rates { observed: true } => format!(
                "about {} credits, at the per-second rate real accounts were charged",
                self.credits
            ),
            Basis::Rates { observed: false } => format!(
                "roughly {} credits (no charge at this resolution was observed; carried over from the observed rates)",
                self.credits
            ),
            Basis::Published => format!(
                "{} credits (the published price for standard, 5 s, 720p)",
                self.credits
            ),
        }
    }
}

/// Credits per second of requested duration, in tenths, and whether accounts were seen
/// charged it. Observed (August 2026): mini 720p 2.2; standard 720p 6 (the published 30
/// for 5 s), 1080p 14.5; pro 720p 11, 1080p 24. The rest is carried over: mini 1080p at
/// standard's 1080p/720p ratio, 1080p-plus at 4/3 and 4k at 8/3 of the tier's 1080p.
pub fn rate_tenths(tier: QualityTier, resolution: Resolution) -> (u64, bool) {
    let p1080 = match tier {
        QualityTier::Mini => 53,
        QualityTier::Standard => 145,
        QualityTier::Pro => 240,
    };
    match (tier, resolution) {
        (QualityTier::Mini, Resolution::P720) => (22, true),
        (QualityTier::Standard, Resolution::P720) => (60, true),
        (QualityTier::Pro, Resolution::P720) => (110, true),
        (QualityTier::Mini, Resolution::P1080) => (p1080, false),
        (_, Resolution::P1080) => (p1080, true),
        (_, Resolution::P1080Plus) => ((p1080 * 4).div_ceil(3), false),
        (_, Resolution::K4) => ((p1080 * 8).div_ceil(3), false),
    }
}

/// The rates' estimate for `request`, without looking at any history.
pub fn from_rates(request: &GenerationRequest) -> Estimate {
    let (rate, observed) = rate_tenths(request.quality_tier, request.resolution);
    let credits = (rate * u64::from(request.duration.seconds())).div_ceil(10);
    let published = request.duration.seconds() == 5
        && request.quality_tier == QualityTier::Standard
        && request.resolution == Resolution::P720;
    Estimate {
        credits,
        basis: if published {
            Basis::Published
        } else {
            Basis::Rates { observed }
        },
    }
}

/// What a request would cost with each choice of one setting instead, so a picker can
/// show the price beside each choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChoicePrices {
    pub quality_tier: Vec<ChoicePrice>,
    pub resolution: Vec<ChoicePrice>,
    pub channel: Vec<ChoicePrice>,
}

/// One choice of a setting (its wire value) and what the request would cost with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChoicePrice {
    pub value: String,
    pub credits: u64,
}

/// The estimate of `request` with each tier, each resolution and each channel in turn
/// (the rest as it is). Whether a choice goes with the rest is the validator's to say.
pub async fn choices(
    store: &Store,
    request: &GenerationRequest,
) -> Result<ChoicePrices, sqlx::Error> {
    async fn priced<T: Copy>(
        store: &Store,
        request: &GenerationRequest,
        all: &[T],
        name: fn(T) -> &'static str,
        set: fn(&mut GenerationRequest, T),
    ) -> Result<Vec<ChoicePrice>, sqlx::Error> {
        let mut out = Vec::with_capacity(all.len());
        for &choice in all {
            let mut with = request.clone();
            set(&mut with, choice);
            out.push(ChoicePrice {
                value: name(choice).to_string(),
                credits: estimate(store, &with).await?.credits,
            });
        }
        Ok(out)
    }
    Ok(ChoicePrices {
        quality_tier: priced(
            store,
            request,
            QualityTier::ALL,
            QualityTier::as_str,
            |r, v| r.quality_tier = v,
        )
        .await?,
        resolution: priced(
            store,
            request,
            Resolution::ALL,
            Resolution::as_str,
            |r, v| r.resolution = v,
        )
        .await?,
        channel: priced(store, request, Channel::ALL, Channel::as_str, |r, v| {
            r.channel = v
        })
        .await?,
    })
}

/// The estimate for `request` from the history in `store`: the same settings' last
/// charge, else the rates times the account's factor, else the rates.
pub async fn estimate(store: &Store, request: &GenerationRequest) -> Result<Estimate, sqlx::Error> {
    let last: Option<(String, i64)> = sqlx::query_as(
        "SELECT id, credits_used FROM jobs WHERE quality_tier = ? AND resolution = ? AND duration = ? \
         AND channel = ? AND credits_used IS NOT NULL ORDER BY created_at DESC LIMIT 1",
    )
    .bind(request.quality_tier.as_str())
    .bind(request.resolution.as_str())
    .bind(i64::from(request.duration.seconds()))
    .bind(request.channel.as_str())
    .fetch_optional(store.pool())
    .await?;
    if let Some((job_id, credits)) = last {
        return Ok(Estimate {
            credits: credits.max(0) as u64,
            basis: Basis::History { job_id },
        });
    }
    let rates = from_rates(request);
    Ok(match account_factor(store).await? {
        Some((factor_permille, job_id)) if factor_permille != 1000 => Estimate {
            credits: (rates.credits * u64::from(factor_permille)).div_ceil(1000),
            basis: Basis::Account {
                factor_permille,
                job_id,
            },
        },
        _ => rates,
    })
}

/// What this account's first charged render cost against the rates, in thousandths.
async fn account_factor(store: &Store) -> Result<Option<(u32, String)>, sqlx::Error> {
    type Row = (String, i64, String, String, i64);
    let first: Option<Row> = sqlx::query_as(
        "SELECT id, credits_used, quality_tier, resolution, duration FROM jobs \
         WHERE credits_used > 0 ORDER BY created_at, id LIMIT 1",
    )
    .fetch_optional(store.pool())
    .await?;
    let Some((job_id, used, tier, resolution, duration)) = first else {
        return Ok(None);
    };
    let (Some(tier), Some(resolution)) =
        (QualityTier::parse(&tier), Resolution::parse(&resolution))
    else {
        return Ok(None);
    };
    let (rate, _) = rate_tenths(tier, resolution);
    let expected = (rate * duration.max(1) as u64).div_ceil(10);
    let factor = (used as u64 * 1000 + expected / 2) / expected.max(1);
    Ok(Some((factor.clamp(1, 100_000) as u32, job_id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use seedance_api::ClipDuration;

    fn req(tier: QualityTier, res: Resolution, secs: u8) -> GenerationRequest {
        GenerationRequest {
            quality_tier: tier,
            resolution: res,
            duration: ClipDuration::new(secs).unwrap(),
            ..GenerationRequest::text("a quiet harbour at dawn")
        }
    }

    #[test]
    fn the_rates_real_accounts_were_charged() {
        let published = from_rates(&req(QualityTier::Standard, Resolution::P720, 5));
        assert_eq!(
            (published.credits, &published.basis),
            (30, &Basis::Published)
        );
        let observed = |tier, res, secs| {
            let e = from_rates(&req(tier, res, secs));
            assert_eq!(e.basis, Basis::Rates { observed: true });
            e.credits
        };
        // The published log: mini 22 for 10 s, standard 1080p 145 for 10 s, pro 55 and
        // 110 at 720p, 120 and 240 at 1080p (95 for 4 s: within a credit).
        assert_eq!(observed(QualityTier::Mini, Resolution::P720, 10), 22);
        assert_eq!(observed(QualityTier::Standard, Resolution::P1080, 10), 145);
        assert_eq!(observed(QualityTier::Pro, Resolution::P720, 5), 55);
        assert_eq!(observed(QualityTier::Pro, Resolution::P720, 10), 110);
        assert_eq!(observed(QualityTier::Pro, Resolution::P1080, 5), 120);
        assert_eq!(observed(QualityTier::Pro, Resolution::P1080, 10), 240);
        assert_eq!(observed(QualityTier::Pro, Resolution::P1080, 4), 96);
        let carried = from_rates(&req(QualityTier::Pro, Resolution::K4, 15));
        assert_eq!(
            (carried.credits, &carried.basis),
            (960, &Basis::Rates { observed: false })
        );
        assert!(
            carried
                .describe()
                .contains("no charge at this resolution was observed")
        );
    }

    /// A render of these settings the account was charged `credits` for.
    async fn charged(store: &Store, tier: &str, resolution: &str, secs: i64, credits: i64) {
        sqlx::query(
            "INSERT INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, \
             quality_tier, channel, aspect_ratio, resolution, duration, credits_used) \
             VALUES ('j1', 1, 1, 'ready', '{}', 'k1', 'p', 'text-to-video', ?, 'standard', '16:9', ?, ?, ?)",
        )
        .bind(tier)
        .bind(resolution)
        .bind(secs)
        .bind(credits)
        .execute(store.pool())
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn history_wins_when_it_has_the_same_settings() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let r = req(QualityTier::Standard, Resolution::P720, 5);
        assert_eq!(estimate(&store, &r).await.unwrap().basis, Basis::Published);
        charged(&store, "standard", "720p", 5, 32).await;
        let e = estimate(&store, &r).await.unwrap();
        assert_eq!(e.credits, 32);
        assert_eq!(
            e.basis,
            Basis::History {
                job_id: "j1".into()
            }
        );
        assert!(e.describe().starts_with("about 32 credits"));
        // Other settings are not compared with it, but the account's factor is learned
        // from it: 32 against the rates' 30.
        let other = req(QualityTier::Pro, Resolution::P720, 10);
        let e = estimate(&store, &other).await.unwrap();
        assert_eq!(
            e.basis,
            Basis::Account {
                factor_permille: 1067,
                job_id: "j1".into()
            }
        );
        assert_eq!(e.credits, 118); // 110 × 1.067
        assert!(e.describe().contains("× 1.07"), "{}", e.describe());
    }

    #[tokio::test]
    async fn each_choice_is_priced_as_the_request_would_be_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        charged(&store, "standard", "1080p", 5, 80).await;
        let r = req(QualityTier::Standard, Resolution::P720, 5);
        let prices = choices(&store, &r).await.unwrap();
        let of = |list: &[ChoicePrice]| -> Vec<(String, u64)> {
            list.iter().map(|c| (c.value.clone(), c.credits)).collect()
        };
        // 5 s at each tier's 720p rate, times this account's factor (80 against 72.5).
        let tiers = of(&prices.quality_tier);
        assert_eq!(
            tiers.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(),
            ["mini", "standard", "pro"]
        );
        assert!(
            tiers[0].1 < tiers[1].1 && tiers[1].1 < tiers[2].1,
            "{tiers:?}"
        );
        assert_eq!(tiers[1].1, estimate(&store, &r).await.unwrap().credits);
        // The history's own charge for standard 1080p 5 s.
        let resolutions = of(&prices.resolution);
        assert_eq!(resolutions[1], ("1080p".to_string(), 80));
        assert_eq!(resolutions.len(), Resolution::ALL.len());
        assert_eq!(prices.channel.len(), 3);
    }

    #[tokio::test]
    async fn an_account_charged_the_rates_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        charged(&store, "pro", "1080p", 5, 120).await;
        let e = estimate(&store, &req(QualityTier::Mini, Resolution::P720, 10))
            .await
            .unwrap();
        assert_eq!((e.credits, e.basis), (22, Basis::Rates { observed: true }));
    }
}
