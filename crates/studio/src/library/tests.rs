use super::*;
use crate::preview::{self, Thumbnail};

const DAY: i64 = 86_400_000;
const T0: i64 = 1_780_000_000_000;

async fn insert(
    store: &Store,
    id: &str,
    created_at: i64,
    prompt: &str,
    state: &str,
    tier: &str,
    mode: &str,
) {
    sqlx::query(
        "INSERT INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, quality_tier, \
         channel, aspect_ratio, resolution, duration, task_id, credits_used, credits_refunded) \
         VALUES (?, ?, ?, ?, '{\"prompt\":\"x\"}', ?, ?, ?, ?, 'standard', '16:9', '720p', 5, ?, 30, ?)",
    )
    .bind(id)
    .bind(created_at)
    .bind(created_at)
    .bind(state)
    .bind(format!("key-{id}"))
    .bind(prompt)
    .bind(mode)
    .bind(tier)
    .bind(format!("task-{id}"))
    .bind(if state == "failed" { 30 } else { 0 })
    .execute(store.pool())
    .await
    .unwrap();
}

async fn library() -> (tempfile::TempDir, Store, Library) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let lib = Library::new(store.clone(), dir.path());
    (dir, store, lib)
}

fn ids(page: &Page) -> Vec<&str> {
    page.jobs.iter().map(|j| j.id.as_str()).collect()
}

#[tokio::test]
async fn pages_are_newest_first_and_keyset_cursors_cover_everything_once() {
    let (_dir, store, lib) = library().await;
    for i in 0..25 {
        // Pairs share a timestamp, so the id breaks ties.
        insert(
            &store,
            &format!("j{i:02}"),
            T0 + (i / 2) * 1000,
            "a paper boat",
            "ready",
            "standard",
            "text-to-video",
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = lib
            .page(&Filter::default(), cursor.as_ref(), 10)
            .await
            .unwrap();
        seen.extend(page.jobs.iter().map(|j| (j.created_at, j.id.clone())));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, no repeats");
    assert_eq!(seen[0].1, "j24");
}

#[tokio::test]
async fn search_finds_substrings_in_japanese_and_short_queries() {
    let (_dir, store, lib) = library().await;
    insert(
        &store,
        "a",
        T0,
        "雪山の橋を渡るガラスの列車",
        "ready",
        "standard",
        "text-to-video",
    )
    .await;
    insert(
        &store,
        "b",
        T0 + 1,
        "夕暮れの海辺を走る犬",
        "ready",
        "standard",
        "text-to-video",
    )
    .await;
    insert(
        &store,
        "c",
        T0 + 2,
        "A glass train crossing a snowy bridge, 100% real",
        "ready",
        "standard",
        "text-to-video",
    )
    .await;
    let find = |q: &str| {
        let lib = lib.clone();
        let q = q.to_string();
        async move {
            ids(&lib
                .page(
                    &Filter {
                        search: Some(q),
                        ..Filter::default()
                    },
                    None,
                    10,
                )
                .await
                .unwrap())
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("ガラスの").await, ["a"]);
    assert_eq!(find("橋").await, ["a"], "one character: LIKE");
    assert_eq!(find("海辺").await, ["b"], "two characters: LIKE");
    assert_eq!(find("glass train").await, ["c"]);
    assert_eq!(find("GLASS").await, ["c"], "case-insensitive");
    assert_eq!(find("0%").await, ["c"], "% is literal");
    assert_eq!(find("%").await, ["c"], "a lone % matches only a literal %");
    assert!(
        find("\"AND OR NEAR(").await.is_empty(),
        "FTS syntax in a query is just text"
    );
    assert!(find("列車で").await.is_empty());
}

#[tokio::test]
async fn filters_combine() {
    let (_dir, store, lib) = library().await;
    insert(&store, "old", T0, "one", "ready", "pro", "text-to-video").await;
    insert(
        &store,
        "mid",
        T0 + DAY,
        "two",
        "failed",
        "standard",
        "image-to-video",
    )
    .await;
    insert(
        &store,
        "new",
        T0 + 2 * DAY,
        "three",
        "ready",
        "pro",
        "image-to-video",
    )
    .await;
    lib.set_favourite("old", true).await.unwrap();
    let page = |f: Filter| {
        let lib = lib.clone();
        async move {
            lib.page(&f, None, 10)
                .await
                .unwrap()
                .jobs
                .into_iter()
                .map(|j| j.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        page(Filter {
            quality_tier: Some(seedance_api::QualityTier::Pro),
            ..Filter::default()
        })
        .await,
        ["new", "old"]
    );
    assert_eq!(
        page(Filter {
            mode: Some(seedance_api::Mode::ImageToVideo),
            ..Filter::default()
        })
        .await,
        ["new", "mid"]
    );
    assert_eq!(
        page(Filter {
            state: Some(JobState::Failed),
            ..Filter::default()
        })
        .await,
        ["mid"]
    );
    assert_eq!(
        page(Filter {
            from: Some(T0 + DAY),
            until: Some(T0 + 2 * DAY),
            ..Filter::default()
        })
        .await,
        ["mid"]
    );
    assert_eq!(
        page(Filter {
            favourites_only: true,
            ..Filter::default()
        })
        .await,
        ["old"]
    );
    assert!(matches!(
        lib.set_favourite("nope", true).await,
        Err(LibraryError::NoSuchJob(_))
    ));
}

#[tokio::test]
async fn delete_is_confirmed_refuses_active_jobs_and_removes_files() {
    let (dir, store, lib) = library().await;
    insert(
        &store,
        "done",
        T0,
        "finished",
        "ready",
        "standard",
        "text-to-video",
    )
    .await;
    insert(
        &store,
        "busy",
        T0,
        "rendering",
        "processing",
        "standard",
        "text-to-video",
    )
    .await;
    preview::store(
        &store,
        "done",
        &Thumbnail {
            width: 1,
            height: 1,
            jpeg: vec![1, 2, 3],
        },
    )
    .await
    .unwrap();
    let files = dir.path().join("renders/done");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("video.mp4"), b"x").unwrap();

    assert!(matches!(
        lib.delete("done", false).await,
        Err(LibraryError::NeedsConfirmation)
    ));
    assert!(matches!(
        lib.delete("busy", true).await,
        Err(LibraryError::Busy(_))
    ));
    lib.delete("done", true).await.unwrap();
    assert!(!files.exists());
    assert!(preview::load(&store, "done").await.unwrap().is_none());
    assert_eq!(
        ids(&lib.page(&Filter::default(), None, 10).await.unwrap()),
        ["busy"]
    );
    assert!(
        lib.page(
            &Filter {
                search: Some("finished".into()),
                ..Filter::default()
            },
            None,
            10
        )
        .await
        .unwrap()
        .jobs
        .is_empty()
    );
}

#[tokio::test]
async fn credits_per_day_and_in_total() {
    let (_dir, store, lib) = library().await;
    insert(&store, "a", T0, "one", "ready", "standard", "text-to-video").await;
    insert(
        &store,
        "b",
        T0 + 60_000,
        "two",
        "failed",
        "standard",
        "text-to-video",
    )
    .await;
    insert(
        &store,
        "c",
        T0 + DAY,
        "three",
        "ready",
        "standard",
        "text-to-video",
    )
    .await;
    let (days, used, refunded) = lib.credits().await.unwrap();
    assert_eq!((used, refunded), (90, 30));
    assert_eq!(days.len(), 2);
    assert_eq!((days[1].used, days[1].refunded), (60, 30));
    assert_eq!(days[0].day, "2026-05-29");
}

#[tokio::test]
async fn deleting_a_render_leaves_what_it_cost_on_the_record() {
    let (_dir, store, lib) = library().await;
    insert(&store, "a", T0, "one", "ready", "standard", "text-to-video").await;
    insert(
        &store,
        "b",
        T0 + 1,
        "two",
        "failed",
        "standard",
        "text-to-video",
    )
    .await;
    assert_eq!(lib.credits().await.unwrap().1, 60);
    lib.delete("a", true).await.unwrap();
    lib.delete("b", true).await.unwrap();
    let (days, used, refunded) = lib.credits().await.unwrap();
    assert_eq!((used, refunded), (60, 30), "the ledger outlives the rows");
    assert_eq!((days[0].used, days[0].refunded), (60, 30));
    assert!(
        lib.page(&Filter::default(), None, 10)
            .await
            .unwrap()
            .jobs
            .is_empty()
    );
}

#[tokio::test]
async fn a_refund_recorded_later_updates_the_entry_and_a_job_without_a_task_costs_nothing() {
    let (_dir, store, lib) = library().await;
    insert(&store, "a", T0, "one", "ready", "standard", "text-to-video").await;
    sqlx::query("UPDATE jobs SET credits_refunded = 30 WHERE id = 'a'")
        .execute(store.pool())
        .await
        .unwrap();
    // Never accepted by the service: no task, no charge, whatever the row says.
    sqlx::query(
        "INSERT INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, \
         quality_tier, channel, aspect_ratio, resolution, duration, credits_used) \
         VALUES ('q', ?1, ?1, 'queued', '{}', 'key-q', 'q', 'text-to-video', 'standard', 'standard', '16:9', '720p', 5, 99)",
    )
    .bind(T0)
    .execute(store.pool())
    .await
    .unwrap();
    let (_, used, refunded) = lib.credits().await.unwrap();
    assert_eq!(
        (used, refunded),
        (30, 30),
        "the refund counts; the unsent job does not"
    );
}

#[tokio::test]
async fn an_import_adds_the_entries_it_brings_and_never_counts_a_task_twice() {
    let (dir, store, lib) = library().await;
    insert(&store, "a", T0, "one", "ready", "standard", "text-to-video").await;
    insert(
        &store,
        "b",
        T0 + 1,
        "two",
        "failed",
        "standard",
        "text-to-video",
    )
    .await;
    let file = dir.path().join("library.json");
    lib.export(&file).await.unwrap();

    // Elsewhere, task-a is already on the record under another render id: the task, not
    // the row, is what was charged.
    let (_other_dir, other_store, other) = library().await;
    sqlx::query(
        "INSERT INTO jobs (id, created_at, updated_at, state, request_body, idempotency_key, prompt, mode, \
         quality_tier, channel, aspect_ratio, resolution, duration, task_id, credits_used) \
         VALUES ('local', ?1, ?1, 'ready', '{}', 'key-local', 'three', 'text-to-video', 'standard', 'standard', \
         '16:9', '720p', 5, 'task-a', 30)",
    )
    .bind(T0 + 5)
    .execute(other_store.pool())
    .await
    .unwrap();
    assert_eq!(other.import(&file).await.unwrap(), (2, 0));
    let (_, used, refunded) = other.credits().await.unwrap();
    assert_eq!((used, refunded), (60, 30), "task-a once, task-b added");
    // Importing again, or deleting what was imported, changes nothing.
    assert_eq!(other.import(&file).await.unwrap(), (0, 2));
    other.delete("a", true).await.unwrap();
    assert_eq!(other.credits().await.unwrap().1, 60);
    drop(store);
}

#[tokio::test]
async fn export_then_import_elsewhere_skips_what_is_there() {
    let (dir, store, lib) = library().await;
    insert(
        &store,
        "a",
        T0,
        "雪の橋",
        "ready",
        "standard",
        "text-to-video",
    )
    .await;
    insert(
        &store,
        "b",
        T0 + 1,
        "two",
        "processing",
        "pro",
        "text-to-video",
    )
    .await;
    let file = dir.path().join("library.json");
    assert_eq!(lib.export(&file).await.unwrap(), 2);
    let exported: Export = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(exported.format, EXPORT_FORMAT);
    assert_eq!(
        exported.renders[0].request.0,
        serde_json::json!({"prompt": "x"})
    );

    let (_other_dir, other_store, other) = library().await;
    assert_eq!(other.import(&file).await.unwrap(), (2, 0));
    assert_eq!(other.import(&file).await.unwrap(), (0, 2));
    let page = other.page(&Filter::default(), None, 10).await.unwrap();
    assert_eq!(page.jobs.len(), 2);
    // An unfinished render comes in as history, never as work for the engine.
    assert!(page.jobs.iter().all(|j| !j.state().is_active()));
    assert_eq!(
        other
            .page(
                &Filter {
                    search: Some("雪の橋".into()),
                    ..Filter::default()
                },
                None,
                10
            )
            .await
            .unwrap()
            .jobs
            .len(),
        1
    );
    drop(other_store);

    std::fs::write(
        &file,
        b"{\"format\":\"something else\",\"exported_at\":0,\"renders\":[]}",
    )
    .unwrap();
    assert!(matches!(
        other.import(&file).await,
        Err(LibraryError::NotAnExport { .. })
    ));
}

#[tokio::test]
async fn partial_downloads_of_finished_jobs_are_cleaned_and_disk_use_is_counted() {
    let (dir, store, lib) = library().await;
    insert(
        &store,
        "done",
        T0,
        "finished",
        "ready",
        "standard",
        "text-to-video",
    )
    .await;
    insert(
        &store,
        "busy",
        T0,
        "rendering",
        "downloading",
        "standard",
        "text-to-video",
    )
    .await;
    for id in ["done", "busy"] {
        let d = dir.path().join("renders").join(id);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("video.part"), vec![0u8; 1000]).unwrap();
    }
    std::fs::write(dir.path().join("renders/done/video.mp4"), vec![0u8; 500]).unwrap();
    assert_eq!(lib.disk_used(), 2500);
    assert_eq!(lib.clean_partial_downloads().await.unwrap(), 1);
    assert!(
        dir.path().join("renders/busy/video.part").exists(),
        "an active download keeps its part"
    );
    assert_eq!(lib.disk_used(), 1500);
}

#[tokio::test]
async fn search_results_page_through_every_match_once() {
    let (_dir, store, lib) = library().await;
    for i in 0..25 {
        let prompt = if i % 2 == 0 {
            "a paper boat on a river"
        } else {
            "neon alley in the rain"
        };
        insert(
            &store,
            &format!("j{i:02}"),
            T0 + i * 1000,
            prompt,
            "ready",
            "standard",
            "text-to-video",
        )
        .await;
    }
    for (query, expected) in [("paper boat", 13), ("雨", 0), ("on", 25)] {
        let filter = Filter {
            search: Some(query.into()),
            ..Filter::default()
        };
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = lib.page(&filter, cursor.as_ref(), 4).await.unwrap();
            seen.extend(page.jobs.iter().map(|j| j.id.clone()));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), expected, "{query}: {seen:?}");
        let mut sorted = seen.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(seen, sorted, "{query}: newest first, no repeats");
    }
}

#[tokio::test]
async fn tags_filter_search_combine_and_go_with_their_render() {
    let (_dir, store, lib) = library().await;
    for (i, id) in ["a", "b", "c"].iter().enumerate() {
        insert(
            &store,
            id,
            T0 + i as i64,
            "a harbour at dawn",
            "ready",
            "standard",
            "text-to-video",
        )
        .await;
    }
    crate::tags::add(&store, "a", &["Night".into(), "hero".into()])
        .await
        .unwrap();
    crate::tags::add(&store, "b", &["night".into()])
        .await
        .unwrap();
    let page = |filter: Filter| {
        let lib = lib.clone();
        async move { lib.page(&filter, None, 50).await.unwrap() }
    };
    let by_tag = page(Filter {
        tag: Some("NIGHT".into()),
        ..Filter::default()
    })
    .await;
    assert_eq!(ids(&by_tag), ["b", "a"]);
    // Every page carries its renders' tags, as first spelled.
    assert_eq!(by_tag.jobs[1].tags, ["hero", "Night"]);
    let searched = page(Filter {
        search: Some(" #hero ".into()),
        ..Filter::default()
    })
    .await;
    assert_eq!(ids(&searched), ["a"]);
    let both = page(Filter {
        tag: Some("night".into()),
        search: Some("#hero".into()),
        ..Filter::default()
    })
    .await;
    assert_eq!(ids(&both), ["a"]);
    assert_eq!(
        crate::tags::all(&store).await.unwrap(),
        [("Night".to_string(), 2), ("hero".to_string(), 1)]
    );

    lib.delete("a", true).await.unwrap();
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tags WHERE job_id = 'a'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(left, 0, "a deleted render's tags go with it");
    assert!(matches!(
        crate::tags::add(&store, "a", &["x".into()]).await,
        Err(crate::tags::TagError::NoSuchJob(_))
    ));
    // Too many: refused whole, nothing added.
    let many: Vec<String> = (0..40).map(|i| format!("t{i}")).collect();
    assert!(matches!(
        crate::tags::add(&store, "b", &many).await,
        Err(crate::tags::TagError::TooMany)
    ));
    assert_eq!(crate::tags::of(&store, "b").await.unwrap(), ["night"]);
}

#[tokio::test]
async fn a_judgement_is_the_renders_and_a_take_follows_it() {
    let (_dir, store, lib) = library().await;
    insert(
        &store,
        "a",
        T0,
        "a harbour at dawn",
        "ready",
        "standard",
        "text-to-video",
    )
    .await;
    lib.judge("a", Some(4), true).await.unwrap();
    let page = lib.page(&Filter::default(), None, 10).await.unwrap();
    assert_eq!(
        (page.jobs[0].rating, page.jobs[0].rejected),
        (Some(4), true)
    );
    assert!(matches!(
        lib.judge("nothing", None, false).await,
        Err(LibraryError::NoSuchJob(_))
    ));
    // A take of a project reads the judgement of its render.
    sqlx::query("INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p', 'P', 0, 0)")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO shots (id, project_id, position, prompt) VALUES ('s', 'p', 1, 'x')")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO takes (job_id, shot_id, project_id, slot, attempt, created_at) VALUES ('a', 's', 'p', 1, 1, 0)")
        .execute(store.pool())
        .await
        .unwrap();
    lib.judge("a", Some(2), false).await.unwrap();
    let (rating, rejected): (Option<i64>, bool) =
        sqlx::query_as("SELECT rating, rejected FROM takes WHERE job_id = 'a'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!((rating, rejected), (Some(2), false));
}
