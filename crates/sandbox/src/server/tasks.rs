//! The work of the two API routes: a submission (replayed, refused or created and charged,
//! under the store lock) and a poll of a task. Auth, the window and the faults around it
//! are the layers' (`layers.rs`); what they found arrives as request extensions.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::layers::{Account, Drawn, IdempotencyKey};
use super::{Shared, error_response, json_response};
use crate::clock::now_ms;
use crate::faults::Fault;
use crate::pricing::cost;
use crate::rules;
use crate::store::{Remembered, Task};

const MAX_BODY: usize = 1 << 20;

/// `POST /api/v1/video/seedance2`
pub(super) async fn submit(
    State(owner): State<Arc<Shared>>,
    Extension(Account(account)): Extension<Account>,
    Extension(IdempotencyKey(idempotency_key)): Extension<IdempotencyKey>,
    Extension(Drawn(fault)): Extension<Drawn>,
    req: Request,
) -> Response {
    let shared = &*owner;
    let body = match axum::body::to_bytes(req.into_body(), MAX_BODY).await {
        Ok(body) => body,
        Err(_) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Invalid request body: unreadable or larger than 1 MiB",
            );
        }
    };
    let generation = match rules::check(&body) {
        Ok(g) => g,
        Err(message) => {
            return error_response(StatusCode::BAD_REQUEST, "invalid_request", message);
        }
    };

    let flight = idempotency_key.clone().map(|k| (account.clone(), k));
    let mut _marked = None;
    if let Some(Fault::Slow(delay)) = fault {
        // The submission stays "being handled" for the delay: a second request with the
        // same key meanwhile is a 409. The mark goes when this request ends, also when the
        // client hangs up and the request is abandoned.
        if let Some(flight) = &flight {
            if !shared
                .store
                .lock()
                .unwrap()
                .in_flight
                .insert(flight.clone())
            {
                return still_running();
            }
            _marked = Some(InFlight {
                shared,
                flight: flight.clone(),
            });
        }
        tokio::time::sleep(delay).await;
    }
    let shape = shared.shape_of(&generation);
    let answer = create_task(shared, &account, flight.as_ref(), &body, generation, fault);
    drop(_marked);
    if answer.status() == StatusCode::ACCEPTED {
        // The clip is made while the render "runs", so the download finds it ready.
        tokio::spawn(async move { owner.clips.get(shape).await });
    }
    answer
}

/// Removes an in-flight mark when the request that set it ends, however it ends.
struct InFlight<'a> {
    shared: &'a Shared,
    flight: (String, String),
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.shared
            .store
            .lock()
            .unwrap()
            .in_flight
            .remove(&self.flight);
    }
}

fn still_running() -> Response {
    error_response(
        StatusCode::CONFLICT,
        "idempotency_conflict",
        "A request with this Idempotency-Key is still being processed; retry shortly with the same key",
    )
}

/// Replays, refuses or creates and charges, under the store lock.
fn create_task(
    shared: &Shared,
    account: &str,
    flight: Option<&(String, String)>,
    body: &[u8],
    generation: rules::Generation,
    fault: Option<Fault>,
) -> Response {
    let now = now_ms();
    let mut store = shared.store.lock().unwrap();
    store.settle(now);
    if let Some(flight) = flight {
        let own_mark = matches!(fault, Some(Fault::Slow(_)));
        if !own_mark && store.in_flight.contains(flight) {
            return still_running();
        }
        let remembered = store
            .idempotency
            .get(account)
            .and_then(|keys| keys.get(&flight.1));
        if let Some(remembered) = remembered {
            if remembered.body != body {
                return error_response(
                    StatusCode::CONFLICT,
                    "idempotency_conflict",
                    "This Idempotency-Key was already used with a different request body",
                );
            }
            let task = &store.tasks[&remembered.task_id];
            return json_response(StatusCode::ACCEPTED, &task.accepted_json());
        }
    }

    let price = cost(
        &generation.quality_tier,
        &generation.resolution,
        generation.duration,
        shared.config.price_permille,
    );
    let balance = store.balances.get(account).copied().unwrap_or(0);
    if price > balance {
        return error_response(
            StatusCode::PAYMENT_REQUIRED,
            "insufficient_credits",
            format!(
                "This render costs {price} credits; the balance is {balance}. Top up to continue."
            ),
        );
    }

    let (id, render_ms, fails, seed) = {
        let mut rng = shared.rng.lock().unwrap();
        let render = &shared.config.render_time;
        let (min, max) = (render.min.as_millis() as u64, render.max.as_millis() as u64);
        let render_ms = if render.by_settings {
            // Cheapest (mini, 720p, 4 s) at MIN, dearest (pro, 4k, 15 s) at MAX.
            let (lo, hi) = (
                cost("mini", "720p", 4, 1000) as f64,
                cost("pro", "4k", 15, 1000) as f64,
            );
            let at_rates = cost(
                &generation.quality_tier,
                &generation.resolution,
                generation.duration,
                1000,
            );
            let weight = (at_rates as f64 - lo) / (hi - lo);
            let base = min as f64 + (max - min) as f64 * weight.clamp(0.0, 1.0);
            (base * (0.9 + rng.f64() * 0.2)) as u64
        } else {
            rng.u64(min..=max)
        };
        let fails = shared.config.fail_rate > 0.0 && rng.f64() < shared.config.fail_rate;
        let seed = match generation.seed {
            Some(s) if s >= 0 => s as u64,
            _ => u64::from(rng.u32(..)),
        };
        (store.new_task_id(&mut rng), render_ms, fails, seed)
    };
    let task = Task {
        id: id.clone(),
        account: account.to_string(),
        generation,
        credits_used: price,
        created_ms: now,
        done_ms: now + render_ms,
        fails,
        seed,
        refunded: false,
    };
    let accepted = task.accepted_json();
    *store.balances.entry(account.to_string()).or_default() -= price;
    store.tasks.insert(id.clone(), task);
    if let Some((_, key)) = flight {
        store
            .idempotency
            .entry(account.to_string())
            .or_default()
            .insert(
                key.clone(),
                Remembered {
                    body: body.to_vec(),
                    task_id: id,
                },
            );
    }
    if let Err(e) = store.save() {
        eprintln!("seedance-sandbox: could not save state: {e}");
    }
    drop(store);
    let key = flight.map_or(String::new(), |(_, k)| k.clone());
    *shared
        .ledger
        .lock()
        .unwrap()
        .charges
        .entry(key)
        .or_default() += 1;
    json_response(StatusCode::ACCEPTED, &accepted)
}

/// `GET /api/v1/tasks/{id}`: the task of the caller's account, as it stands now.
pub(super) async fn poll(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Extension(Account(account)): Extension<Account>,
) -> Response {
    let now = now_ms();
    let mut store = shared.store.lock().unwrap();
    if store.settle(now) {
        let _ = store.save();
    }
    match store.tasks.get(&id).filter(|t| t.account == account) {
        Some(task) => json_response(StatusCode::OK, &task.to_json(now, &shared.output_base())),
        None => error_response(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("Task {id} does not exist or belongs to another account"),
        ),
    }
}
