//! The account's request budget kept in the database, so the app and every `seedance`
//! command on one data folder share it: each request takes a row in `budget_requests`
//! inside a `BEGIN IMMEDIATE` transaction, and a 429 pause is a row every process reads.
//! Submissions go ahead of polls within a process.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use seedance_api::budget::Acquire;
use seedance_api::{Priority, Rate, RequestBudget};

use crate::clock::now_ms;
use crate::store::Store;

#[derive(Debug)]
pub struct DbBudget {
    store: Store,
    rate: Rate,
    waiting_submits: Arc<AtomicUsize>,
}

impl DbBudget {
    /// A budget of `rate` keeping `margin` requests of every window back (see
    /// [`Rate::keeping_back`]).
    pub fn new(store: Store, rate: Rate, margin: u32) -> Self {
        Self {
            store,
            rate: rate.keeping_back(margin),
            waiting_submits: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Takes a slot, or says how long to wait.
    async fn try_take(&self, priority: Priority) -> Result<Result<(), Duration>, sqlx::Error> {
        let now = now_ms();
        let window = self.rate.window.as_millis() as i64;
        let mut tx = self.store.write().await?;
        sqlx::query("DELETE FROM budget_requests WHERE at <= ?")
            .bind(now - window)
            .execute(&mut *tx)
            .await?;
        let (paused_until,): (i64,) =
            sqlx::query_as("SELECT paused_until FROM budget_pause WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        if paused_until > now {
            return Ok(Err(Duration::from_millis((paused_until - now) as u64)));
        }
        let (count, oldest): (i64, Option<i64>) =
            sqlx::query_as("SELECT COUNT(*), MIN(at) FROM budget_requests")
                .fetch_one(&mut *tx)
                .await?;
        if count >= i64::from(self.rate.requests) {
            let wait = oldest.map_or(10, |o| o + window - now).max(1);
            return Ok(Err(Duration::from_millis(wait as u64)));
        }
        if priority == Priority::Poll && self.waiting_submits.load(Ordering::SeqCst) > 0 {
            return Ok(Err(Duration::from_millis(10)));
        }
        sqlx::query("INSERT INTO budget_requests (at) VALUES (?)")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}

/// The budget as the Queue shows it: requests in the current window, and any 429 pause.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BudgetStatus {
    /// Requests made in the last window, by every process on the folder.
    pub used: u32,
    /// What the budget allows per window (after its margin).
    pub limit: u32,
    pub window_ms: u64,
    /// When a 429 pause ends (ms since the epoch), if one is in force.
    pub paused_until: Option<i64>,
}

/// Where the budget in `store` stands against `rate` (as kept, margin included).
pub async fn status(store: &Store, rate: Rate) -> Result<BudgetStatus, sqlx::Error> {
    let now = now_ms();
    let window = rate.window.as_millis() as i64;
    let (used,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM budget_requests WHERE at > ?")
        .bind(now - window)
        .fetch_one(store.pool())
        .await?;
    let (paused_until,): (i64,) =
        sqlx::query_as("SELECT paused_until FROM budget_pause WHERE id = 1")
            .fetch_one(store.pool())
            .await?;
    Ok(BudgetStatus {
        used: used as u32,
        limit: rate.requests,
        window_ms: window as u64,
        paused_until: (paused_until > now).then_some(paused_until),
    })
}

struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl RequestBudget for DbBudget {
    fn acquire(&self, priority: Priority) -> Acquire<'_> {
        Box::pin(async move {
            let _waiting = (priority == Priority::Submit).then(|| {
                self.waiting_submits.fetch_add(1, Ordering::SeqCst);
                Waiting(self.waiting_submits.clone())
            });
            loop {
                match self.try_take(priority).await {
                    Ok(Ok(())) => return,
                    Ok(Err(wait)) => tokio::time::sleep(wait).await,
                    // A busy or failing database: wait a little and ask again.
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        })
    }

    fn rate_limited(&self, retry_after: Duration) {
        let store = self.store.clone();
        let until = now_ms() + retry_after.as_millis() as i64;
        tokio::spawn(async move {
            let _ = sqlx::query(
                "UPDATE budget_pause SET paused_until = MAX(paused_until, ?) WHERE id = 1",
            )
            .bind(until)
            .execute(store.pool())
            .await;
        });
    }
}
