use sqlx::types::Json;

use super::*;
use crate::project::Settings;

fn project(takes: i64) -> Project {
    Project {
        id: "p1".into(),
        name: "P".into(),
        notes: String::new(),
        budget: None,
        defaults: Json(Settings::default()),
        created_at: 0,
        updated_at: 0,
        render_takes: takes,
        render_scope: "all".into(),
        render_max_attempts: 2,
        render_concurrency: None,
        stopped: false,
    }
}

fn shot(position: i64, chain: Chain) -> Shot {
    Shot {
        id: format!("s{position}"),
        project_id: "p1".into(),
        position,
        title: String::new(),
        prompt: "a quiet harbour at dawn".into(),
        chain,
        settings: Json(Settings::default()),
        seed: None,
        image: None,
        end_image: None,
        media: Json(Vec::new()),
        selected_job: None,
        direction: None,
        needs: None,
        edit: Json(Default::default()),
    }
}

fn take(
    job: &str,
    shot: i64,
    slot: i64,
    attempt: i64,
    state: JobState,
    source: Option<&str>,
) -> Take {
    Take {
        job_id: job.into(),
        shot_id: format!("s{shot}"),
        slot,
        attempt,
        source_job: source.map(str::to_string),
        estimated_credits: 30,
        rating: None,
        rejected: false,
        created_at: 0,
        state: Some(state),
        video_path: None,
        frame_path: None,
        credits_used: None,
    }
}

fn sent(o: &Outlook) -> Vec<(i64, i64, i64, Option<&str>)> {
    o.steps
        .iter()
        .map(|s| (s.position, s.slot, s.attempt, s.source_job.as_deref()))
        .collect()
}

#[test]
fn unchained_shots_go_out_at_once_within_the_concurrency_and_the_canary_alone() {
    let shots = [
        shot(1, Chain::None),
        shot(2, Chain::None),
        shot(3, Chain::LastFrame),
    ];
    let mut p = project(2);
    let o = next(&p, &shots, &[]);
    assert_eq!(
        sent(&o),
        [
            (1, 1, 1, None),
            (1, 2, 1, None),
            (2, 1, 1, None),
            (2, 2, 1, None)
        ]
    );
    assert_eq!(o.waiting, [3]);
    p.render_concurrency = Some(3);
    let o = next(
        &p,
        &shots,
        &[take("j1", 1, 1, 1, JobState::Processing, None)],
    );
    assert_eq!(sent(&o), [(1, 2, 1, None), (2, 1, 1, None)]);
    p.render_scope = "canary".into();
    p.render_concurrency = None;
    assert_eq!(
        sent(&next(&p, &shots, &[])),
        [(1, 1, 1, None), (1, 2, 1, None)]
    );
    // Stopped or never asked: nothing.
    p.stopped = true;
    assert!(next(&p, &shots, &[]).steps.is_empty());
    assert!(next(&project(0), &shots, &[]).steps.is_empty());
}

#[test]
fn a_chained_shot_goes_out_once_the_take_it_follows_is_ready() {
    let shots = [
        shot(1, Chain::None),
        shot(2, Chain::Clip),
        shot(3, Chain::LastFrame),
    ];
    let p = project(1);
    let rendering = [take("j1", 1, 1, 1, JobState::Processing, None)];
    let o = next(&p, &shots, &rendering);
    assert!(o.steps.is_empty());
    assert_eq!(o.waiting, [2, 3]);
    assert!(!o.settled());
    let ready = [take("j1", 1, 1, 1, JobState::Ready, None)];
    let o = next(&p, &shots, &ready);
    assert_eq!(sent(&o), [(2, 1, 1, Some("j1"))]);
    assert_eq!(o.waiting, [3]);
    let both = [
        ready[0].clone(),
        take("j2", 2, 1, 1, JobState::Ready, Some("j1")),
    ];
    assert_eq!(sent(&next(&p, &shots, &both)), [(3, 1, 1, Some("j2"))]);
}

#[test]
fn a_failed_take_is_tried_again_until_its_attempts_are_spent() {
    let shots = [shot(1, Chain::None)];
    let p = project(1);
    let once = [take("j1", 1, 1, 1, JobState::Failed, None)];
    assert_eq!(sent(&next(&p, &shots, &once)), [(1, 1, 2, None)]);
    let twice = [once[0].clone(), take("j2", 1, 1, 2, JobState::Failed, None)];
    let o = next(&p, &shots, &twice);
    assert!(o.steps.is_empty());
    assert_eq!(o.exhausted, [1]);
    assert!(o.settled());
    // The shots chained from it cannot go out: blocked, not waiting for ever.
    let chained = [
        shot(1, Chain::None),
        shot(2, Chain::LastFrame),
        shot(3, Chain::Clip),
    ];
    let o = next(&p, &chained, &twice);
    assert_eq!(
        (o.blocked.as_slice(), o.waiting.as_slice()),
        (&[2, 3][..], &[][..])
    );
    assert!(o.settled());
    // A rejected take is no failed attempt: the slot gets another.
    let mut rejected = take("j1", 1, 1, 1, JobState::Ready, None);
    rejected.rejected = true;
    assert_eq!(
        sent(&next(&p, &shots, &[rejected.clone(), twice[1].clone()])),
        [(1, 1, 3, None)]
    );
}

#[test]
fn the_same_take_has_the_same_submission_id_and_another_source_another() {
    let shots = [shot(1, Chain::None), shot(2, Chain::LastFrame)];
    let p = project(1);
    let ready = [take("j1", 1, 1, 1, JobState::Ready, None)];
    let a = next(&p, &shots, &ready);
    assert_eq!(a, next(&p, &shots, &ready));
    assert!(a.steps[0].submission_id.len() <= 64);
    let other = [take("j9", 1, 1, 1, JobState::Ready, None)];
    assert_ne!(
        a.steps[0].submission_id,
        next(&p, &shots, &other).steps[0].submission_id
    );
}

#[test]
fn selecting_another_take_makes_the_chained_takes_stale_and_renders_fresh_ones() {
    let mut shots = [shot(1, Chain::None), shot(2, Chain::LastFrame)];
    let p = project(1);
    let mut takes = vec![
        take("j1", 1, 1, 1, JobState::Ready, None),
        take("j2", 2, 1, 1, JobState::Ready, Some("j1")),
    ];
    assert!(next(&p, &shots, &takes).settled());
    // A second take of shot 1 picked by a person.
    takes.push(take("j3", 1, 2, 1, JobState::Ready, None));
    shots[0].selected_job = Some("j3".into());
    let o = next(&p, &shots, &takes);
    assert_eq!(sent(&o), [(2, 1, 1, Some("j3"))]);
}
