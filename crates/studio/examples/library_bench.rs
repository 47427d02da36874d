//! Library benchmark: a generated history of 100,000 renders with previews (first page,
//! search p95 over long and 1–2 character queries, database bytes per render), and a
//! 500 MB download from the sandbox on loopback against `curl` + `sync` on the same file.
//!
//! `cargo run --release -p studio --example library_bench -- [--renders N] [--mb M]`
//! Prints a Markdown table for BENCHMARKS.md.

#[path = "support/history.rs"]
mod history;

use std::time::{Duration, Instant};

use seedance_api::{ApiKey, GenerationRequest};
use seedance_sandbox::{Config, RenderTime, Sandbox};
use studio::library::{Filter, Library};
use studio::{Engine, EngineConfig, JobState, Store, preview};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |v| v.parse().unwrap())
}

fn percentile(mut v: Vec<Duration>, p: usize) -> Duration {
    v.sort();
    v[(v.len() * p / 100).min(v.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn vm(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        * 1024
}

async fn download_bench(mb: u64) -> (Duration, Duration, u64) {
    let bytes = mb * 1024 * 1024;
    let sb = Sandbox::start(Config {
        keys: vec!["sk_bench".into()],
        video_bytes: Some(bytes),
        render_time: RenderTime::between_ms(10, 20),
        ..Config::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // One render, to get a real output URL.
    let engine = Engine::start(EngineConfig::new(
        dir.path().join("data"),
        sb.base_url(),
        ApiKey::new("sk_bench").unwrap(),
    ))
    .await
    .unwrap();
    let job = engine
        .submit(&GenerationRequest::text("download benchmark"))
        .await
        .unwrap();
    let url = loop {
        let j = engine.job(&job.id).await.unwrap().unwrap();
        if let Some(url) = j.video_url.clone() {
            break url;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    engine.stop().await;

    // Three rounds, each curl then ours on the same file; medians are reported.
    let http = studio::outbound::Outbound::new(&sb.base_url(), None).client();
    let (mut curls, mut ourss, mut peak_growth) = (Vec::new(), Vec::new(), 0);
    for round in 0..3 {
        let curl_file = dir.path().join("curl.mp4");
        let started = Instant::now();
        let ok = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "curl -sf -o '{}' '{url}' && sync",
                curl_file.display()
            ))
            .status()
            .unwrap();
        assert!(ok.success(), "curl failed");
        curls.push(started.elapsed());
        std::fs::remove_file(&curl_file).unwrap();

        let target = dir.path().join(format!("ours{round}"));
        let rss_before = vm("VmRSS:");
        let _ = std::fs::write("/proc/self/clear_refs", "5"); // reset the peak
        let started = Instant::now();
        let saved = studio::download::fetch(
            &http,
            &url,
            &target,
            "video",
            &[studio::download::Kind::Mp4],
            |_, _| {},
        )
        .await
        .unwrap();
        ourss.push(started.elapsed());
        peak_growth = peak_growth.max(vm("VmHWM:").saturating_sub(rss_before));
        assert_eq!(saved.size, bytes);
        std::fs::remove_dir_all(&target).unwrap();
    }
    let (ours, curl) = (percentile(ourss, 50), percentile(curls, 50));
    (ours, curl, peak_growth)
}

#[tokio::main]
async fn main() {
    let renders = arg("--renders", 100_000);
    let mb = arg("--mb", 500);
    let download = if mb > 0 {
        Some(download_bench(mb).await)
    } else {
        None
    };

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let started = Instant::now();
    history::seed(&store, dir.path(), renders).await;
    let generated = started.elapsed();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(store.pool())
        .await
        .unwrap();
    let db_bytes = std::fs::metadata(store.path()).unwrap().len();
    let lib = Library::new(store.clone(), dir.path());

    // First page of 60 with previews.
    let mut first_page = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let page = lib.page(&Filter::default(), None, 60).await.unwrap();
        let ids: Vec<String> = page.jobs.iter().map(|j| j.id.clone()).collect();
        let previews = preview::load_many(&store, &ids).await.unwrap();
        assert_eq!(previews.len(), 60);
        first_page.push(t.elapsed());
    }

    // Search: long and short queries, English and Japanese, common and rare.
    let queries = [
        "glass train",
        "lighthouse",
        "cinematic",
        "paper boat",
        "snowy mountain",
        "neon alley",
        "slow dolly",
        "ガラスの列車",
        "夕暮れの海辺",
        "灯台を",
        "踊る少女",
        "雪山の橋",
        "雨",
        "桜",
        "森",
        "犬",
        "街の",
        "舟",
        "夜",
        "橋を",
        "ai",
        "rain",
        "orbit drone",
        "close-up",
        "zz",
    ];
    let mut search = Vec::new();
    for _ in 0..4 {
        for q in queries {
            let t = Instant::now();
            let page = lib
                .page(
                    &Filter {
                        search: Some(q.into()),
                        ..Filter::default()
                    },
                    None,
                    60,
                )
                .await
                .unwrap();
            let ids: Vec<String> = page.jobs.iter().map(|j| j.id.clone()).collect();
            preview::load_many(&store, &ids).await.unwrap();
            let took = t.elapsed();
            if took > Duration::from_millis(20) && std::env::var_os("BENCH_VERBOSE").is_some() {
                eprintln!("slow search {q:?}: {took:?}");
            }
            search.push(took);
        }
    }
    let _ = JobState::Ready;

    println!("| measure | result | goal |");
    println!("|---|---|---|");
    println!(
        "| history generated | {renders} renders with previews in {:.1} s | |",
        generated.as_secs_f64()
    );
    println!(
        "| first page of 60 with previews (median of 30) | {} | ≤ 30 ms |",
        ms(percentile(first_page.clone(), 50))
    );
    println!(
        "| search p95 ({} queries, long and 1–2 characters) | {} (median {}) | ≤ 20 ms |",
        search.len(),
        ms(percentile(search.clone(), 95)),
        ms(percentile(search, 50))
    );
    println!(
        "| database bytes per render | {:.1} KB ({:.0} MB in all) | ≤ 40 KB |",
        db_bytes as f64 / renders as f64 / 1024.0,
        db_bytes as f64 / 1048576.0
    );
    if let Some((ours, curl, peak)) = download {
        println!(
            "| download of {mb} MB from the sandbox on loopback (median of 3) | {:.2} s vs curl + sync {:.2} s: speed ratio {:.2} | ≥ 0.9 |",
            ours.as_secs_f64(),
            curl.as_secs_f64(),
            curl.as_secs_f64() / ours.as_secs_f64()
        );
        println!(
            "| peak memory growth during that download | {:.1} MB | ≤ 16 MB |",
            peak as f64 / 1048576.0
        );
    }
}
