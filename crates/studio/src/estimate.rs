//! What a render will probably cost, before it is sent: the credits the last render with
//! the same tier, resolution, duration and channel used, when the history has one; else
//! the one published price (standard, 5 s, 720p = 30 credits) scaled by duration, tier and
//! resolution, and said to be a guess.

use seedance_api::{GenerationRequest, QualityTier, Resolution};
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
    /// The published price point itself.
    Published,
    /// The published price scaled by duration, tier and resolution: a guess.
    Scaled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Estimate {
    pub credits: u64,
    pub basis: Basis,
}

impl Estimate {
    /// "30 credits (like your last render with these settings)".
    pub fn describe(&self) -> String {
        match &self.basis {
            Basis::History { .. } => format!(
                "about {} credits, like your last render with the same tier, resolution, duration and channel",
                self.credits
            ),
            Basis::Published => format!(
                "{} credits (the published price for standard, 5 s, 720p)",
                self.credits
            ),
            Basis::Scaled => format!(
                "roughly {} credits (scaled from the published 30 credits for standard, 5 s, 720p; the service may charge differently)",
                self.credits
            ),
        }
    }
}

/// The scaled guess for `request`, without looking at any history.
pub fn scaled(request: &GenerationRequest) -> Estimate {
    let secs = u64::from(request.duration.seconds());
    // In quarters: mini ½, standard 1, pro 2; 720p 1, 1080p 1½, 1080p-plus 2, 4k 4.
    let tier = match request.quality_tier {
        QualityTier::Mini => 2,
        QualityTier::Standard => 4,
        QualityTier::Pro => 8,
    };
    let res = match request.resolution {
        Resolution::P720 => 4,
        Resolution::P1080 => 6,
        Resolution::P1080Plus => 8,
        Resolution::K4 => 16,
    };
    let published = secs == 5
        && request.quality_tier == QualityTier::Standard
        && request.resolution == Resolution::P720;
    Estimate {
        credits: (PUBLISHED_CREDITS * secs * tier * res).div_ceil(5 * 16),
        basis: if published {
            Basis::Published
        } else {
            Basis::Scaled
        },
    }
}

/// The estimate for `request` from the history in `store`, else [`scaled`].
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
    Ok(match last {
        Some((job_id, credits)) => Estimate {
            credits: credits.max(0) as u64,
            basis: Basis::History { job_id },
        },
        None => scaled(request),
    })
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
    fn the_published_point_and_guesses_around_it() {
        let published = scaled(&req(QualityTier::Standard, Resolution::P720, 5));
        assert_eq!(published.credits, 30);
        assert_eq!(published.basis, Basis::Published);
        let ten = scaled(&req(QualityTier::Standard, Resolution::P720, 10));
        assert_eq!((ten.credits, &ten.basis), (60, &Basis::Scaled));
        assert_eq!(
            scaled(&req(QualityTier::Mini, Resolution::P720, 5)).credits,
            15
        );
        assert_eq!(
            scaled(&req(QualityTier::Pro, Resolution::K4, 15)).credits,
            720
        );
        assert!(ten.describe().contains("may charge differently"));
    }

    #[tokio::test]
    async fn history_wins_when_it_has_the_same_settings() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let r = req(QualityTier::Standard, Resolution::P720, 5);
        assert_eq!(estimate(&store, &r).await.unwrap().basis, Basis::Published);
        sqlx::query(
            "INSERT INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, \
             quality_tier, channel, aspect_ratio, resolution, duration, credits_used) \
             VALUES ('j1', 1, 1, 'ready', '{}', 'k1', 'p', 'text-to-video', 'standard', 'standard', '16:9', '720p', 5, 32)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        let e = estimate(&store, &r).await.unwrap();
        assert_eq!(e.credits, 32);
        assert_eq!(
            e.basis,
            Basis::History {
                job_id: "j1".into()
            }
        );
        assert!(e.describe().starts_with("about 32 credits"));
        // Other settings are not compared with it.
        let other = req(QualityTier::Pro, Resolution::P720, 5);
        assert_eq!(estimate(&store, &other).await.unwrap().basis, Basis::Scaled);
    }
}
