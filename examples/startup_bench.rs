//! Startup and idle memory against the floor: the release app with a 10,000-render library
//! and a bare Tauri 2 hello-world (`tests/floor`), launched the same way through
//! tauri-driver, alternately, in one run. Prints the Markdown tables for BENCHMARKS.md.
//!
//! `scripts/bench-startup [--launches N]` builds both and runs this with:
//! `--app PATH --floor PATH [--deb PATH] [--launches N] [--renders N] [--idle SECONDS]`
//!
//! Start time: from the WebDriver request that launches the binary to the composer's
//! prompt being displayed and enabled (the floor has the same element). Idle memory: the
//! proportional set size (PSS) of the app and every process under it (WebKit's web and
//! network processes), summed, after it has been idle for `--idle` seconds.

#[allow(dead_code)]
#[path = "../tests/e2e/desktop.rs"]
mod desktop;
#[path = "../crates/studio/examples/support/history.rs"]
mod history;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use seedance_studio::painting;
use studio::ConnectionMode;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn number(name: &str, default: u64) -> u64 {
    arg(name).map_or(default, |v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name} takes a whole number, not {v:?}"))
    })
}

fn path(name: &str) -> PathBuf {
    let p = PathBuf::from(arg(name).unwrap_or_else(|| panic!("{name} PATH is required")));
    std::fs::canonicalize(&p).unwrap_or_else(|e| panic!("{name} {}: {e}", p.display()))
}

/// One launch's figures.
struct Launch {
    start: Duration,
    /// The part of `start` after the page began to load (its time origin).
    page: Duration,
    /// The page's own marks and its first commands' round trips, in ms since its time
    /// origin (`ui-script`, `ui-mounted`, `ui-first-frame` of ui/src/main.ts and `ipc …`
    /// of ui/src/lib/ipc.ts), up to when it was found interactive; the floor has none.
    timeline: Option<String>,
    pss: u64,
    /// `pss` by process, as [`pss`] words it.
    pss_parts: String,
    processes: usize,
    /// With the Library open: the PSS and its parts.
    library_pss: Option<(u64, String)>,
}

impl std::fmt::Display for Launch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (page {}) / {} ({})",
            ms(self.start),
            ms(self.page),
            mb(self.pss),
            self.pss_parts
        )?;
        if let Some((bytes, parts)) = &self.library_pss {
            write!(f, "; Library {} ({parts})", mb(*bytes))?;
        }
        match &self.timeline {
            Some(timeline) => write!(f, " [{timeline}]"),
            None => Ok(()),
        }
    }
}

/// Parent of every process, from /proc.
fn parents() -> HashMap<u32, u32> {
    let mut map = HashMap::new();
    for entry in std::fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // The command name is in parentheses and may hold spaces: read after the last ')'.
        if let Some(ppid) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok())
        {
            map.insert(pid, ppid);
        }
    }
    map
}

fn descends_from(pid: u32, ancestor: u32, parents: &HashMap<u32, u32>) -> bool {
    let mut at = pid;
    while let Some(&up) = parents.get(&at) {
        if up == ancestor {
            return true;
        }
        if up <= 1 {
            return false;
        }
        at = up;
    }
    false
}

/// The process running `binary` under the driver, and every process under it.
fn app_tree(driver: u32, binary: &Path) -> Vec<u32> {
    let parents = parents();
    let app = parents
        .keys()
        .copied()
        .find(|&pid| {
            descends_from(pid, driver, &parents)
                && std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary)
        })
        .unwrap_or_else(|| panic!("{} is not running under the driver", binary.display()));
    let mut tree: Vec<u32> = parents
        .keys()
        .copied()
        .filter(|&pid| descends_from(pid, app, &parents))
        .collect();
    tree.push(app);
    tree
}

/// One process's PSS in bytes (0 once it is gone).
fn pss_of(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|rollup| {
            rollup
                .lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .unwrap_or(0)
        * 1024
}

/// The tree's PSS in bytes, and each process's name and PSS, largest first (where the
/// memory is), from one reading of each process.
fn pss(pids: &[u32]) -> (u64, String) {
    let mut parts: Vec<(String, u64)> = pids
        .iter()
        .map(|&pid| {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            (name.trim().to_string(), pss_of(pid))
        })
        .collect();
    parts.sort_by_key(|part| std::cmp::Reverse(part.1));
    let total = parts.iter().map(|part| part.1).sum();
    let words = parts
        .iter()
        .map(|(name, bytes)| format!("{name} {}", mb(*bytes)))
        .collect::<Vec<_>>()
        .join(", ");
    (total, words)
}

/// Waits for the composer's prompt to be displayed and enabled.
async fn interactive(client: &Client) {
    let deadline = Instant::now() + desktop::WAIT;
    loop {
        if let Ok(el) = client
            .find(Locator::Css("[data-testid='composer-prompt']"))
            .await
            && el.is_displayed().await.unwrap_or(false)
            && el.is_enabled().await.unwrap_or(false)
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the composer never became interactive"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A binary to launch, with the environment it gets.
struct Subject<'a> {
    name: String,
    binary: &'a Path,
    vars: &'a [(String, String)],
    /// Whether to open the Library after the idle measure, and measure again.
    open_library: bool,
}

impl Subject<'_> {
    /// The same launch with nothing opened after it (a warm-up).
    fn with_no_wait(&self) -> Subject<'_> {
        Subject {
            name: self.name.clone(),
            binary: self.binary,
            vars: self.vars,
            open_library: false,
        }
    }
}

async fn launch(subject: &Subject<'_>, idle: Duration) -> Launch {
    let Subject {
        binary,
        vars,
        open_library,
        ..
    } = *subject;
    let driver = desktop::start_driver(vars);
    let started = Instant::now();
    let client = desktop::open_session(&binary.display().to_string()).await;
    interactive(&client).await;
    let start = started.elapsed();
    let page = client
        .execute("return performance.now()", vec![])
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .map(|ms| Duration::from_secs_f64(ms / 1000.0))
        .expect("the page reports performance.now()")
        .min(start);
    let timeline = client
        .execute(
            "const until = arguments[0], n = x => x.toFixed(0); \
             const seen = [...performance.getEntriesByType('mark'), ...performance.getEntriesByType('measure')] \
               .filter(e => e.startTime <= until).sort((a, b) => a.startTime - b.startTime) \
               .map(e => e.entryType === 'mark' ? `${e.name} ${n(e.startTime)}` \
                 : `${e.name} ${n(e.startTime)}–${n(e.startTime + e.duration)}`); \
             return seen.length ? seen.join(', ') : null;",
            vec![serde_json::json!(page.as_secs_f64() * 1000.0)],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_string));
    tokio::time::sleep(idle).await;
    let tree = app_tree(driver.0.id(), binary);
    let (pss_idle, pss_parts) = pss(&tree);
    let library_pss = if open_library {
        client
            .find(Locator::Css("[data-testid='nav-library']"))
            .await
            .expect("the app has a Library")
            .click()
            .await
            .unwrap();
        client
            .wait()
            .at_most(desktop::WAIT)
            .for_element(Locator::Css("[data-testid='library-item']"))
            .await
            .expect("the Library shows the seeded renders");
        tokio::time::sleep(idle).await;
        let tree = app_tree(driver.0.id(), binary);
        Some(pss(&tree))
    } else {
        None
    };
    let _ = client.close().await;
    drop(driver);
    Launch {
        start,
        page,
        timeline,
        pss: pss_idle,
        pss_parts,
        processes: tree.len(),
        library_pss,
    }
}

fn median<T: Copy + Ord>(mut v: Vec<T>) -> T {
    v.sort();
    v[v.len() / 2]
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app_binary = path("--app");
    let floor_binary = path("--floor");
    let deb = arg("--deb").map(PathBuf::from);
    let launches = number("--launches", 10).max(1);
    let renders = number("--renders", 10_000);
    let idle = Duration::from_secs(number("--idle", 5));

    let desktop = desktop::Desktop::new();
    let home = tempfile::Builder::new()
        .prefix("seedance-startup-")
        .tempdir()
        .unwrap();
    let data = home.path().join("data");
    // With no key stored the app starts in Sandbox mode: its history is there.
    let history = ConnectionMode::Sandbox.history_dir(&data);
    std::fs::create_dir_all(&history).unwrap();
    {
        let store = studio::Store::open(&history).await.unwrap();
        history::seed(&store, &history, renders).await;
        store.close().await;
    }
    let vars: Vec<(String, String)> = vec![
        ("DISPLAY".into(), desktop.display.clone()),
        ("DBUS_SESSION_BUS_ADDRESS".into(), desktop.bus.clone()),
        ("SEEDANCE_DATA_DIR".into(), data.display().to_string()),
        (
            "XDG_DATA_HOME".into(),
            home.path().join("xdg").display().to_string(),
        ),
        ("NO_AT_BRIDGE".into(), "1".into()),
        (
            "SEEDANCE_KEYCHAIN_SERVICE".into(),
            format!("io.seedancestudio.bench.{}", std::process::id()),
        ),
    ];

    // On a machine with no GPU the app paints on the CPU (src-tauri/src/painting.rs) where
    // the floor, a bare Tauri app, keeps WebKit's default. The floor is then measured both
    // ways: as it is, and painted on the CPU too, so the page's own cost stays visible.
    let app_paints_on_cpu =
        std::env::var_os(painting::CPU_PAINTING).is_none() && !painting::machine_has_gpu();
    let mut cpu_vars = vars.clone();
    cpu_vars.push((painting::CPU_PAINTING.into(), "1".into()));
    let floor = Subject {
        name: "floor (tests/floor)".into(),
        binary: &floor_binary,
        vars: &vars,
        open_library: false,
    };
    let floor_cpu = Subject {
        name: "floor, painted on the CPU".into(),
        binary: &floor_binary,
        vars: &cpu_vars,
        open_library: false,
    };
    // An empty library has no Library step to measure.
    let open_library = renders > 0;
    let app = Subject {
        name: format!("Seedance Studio, {renders} renders"),
        binary: &app_binary,
        vars: &vars,
        open_library,
    };
    let mut subjects = vec![floor, app];
    if app_paints_on_cpu {
        subjects.insert(1, floor_cpu);
    }

    // A first launch of each warms the page cache; it is not counted.
    launch(&subjects[0].with_no_wait(), Duration::ZERO).await;
    launch(&subjects[subjects.len() - 1].with_no_wait(), Duration::ZERO).await;
    let mut runs: Vec<Vec<Launch>> = subjects.iter().map(|_| Vec::new()).collect();
    for i in 0..launches as usize {
        // Rotate which goes first, so none always follows another.
        for k in 0..subjects.len() {
            let which = (i + k) % subjects.len();
            runs[which].push(launch(&subjects[which], idle).await);
        }
        let said: Vec<String> = subjects
            .iter()
            .zip(&runs)
            .map(|(s, r)| format!("{}: {}", s.name, r.last().unwrap()))
            .collect();
        eprintln!("launch {}: {}", i + 1, said.join("; "));
    }

    let start = |v: &[Launch]| median(v.iter().map(|l| l.start).collect());
    let page = |v: &[Launch]| median(v.iter().map(|l| l.page).collect());
    let memory = |v: &[Launch]| median(v.iter().map(|l| l.pss).collect());
    let size = |p: &Path| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .len()
    };

    println!(
        "| binary | start, median of {launches} | of which in the page | idle PSS, median | processes | release binary |"
    );
    println!("|---|---|---|---|---|---|");
    for (subject, runs) in subjects.iter().zip(&runs) {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            subject.name,
            ms(start(runs)),
            ms(page(runs)),
            mb(memory(runs)),
            runs[0].processes,
            mb(size(subject.binary)),
        );
    }
    println!();
    let apps = runs.last().unwrap();
    let library_pss = open_library.then(|| {
        median(
            apps.iter()
                .filter_map(|l| l.library_pss.as_ref().map(|p| p.0))
                .collect(),
        )
    });
    let against = |floor: &[Launch], which: &str| {
        let floor_pss = memory(floor);
        let mut line = format!(
            "Against the {which}: start **{:.2}** (goal ≤ 1.15), idle memory **{:.2}** (goal ≤ 1.3)",
            start(apps).as_secs_f64() / start(floor).as_secs_f64(),
            memory(apps) as f64 / floor_pss as f64,
        );
        if let Some(library_pss) = library_pss {
            line += &format!(
                ", the Library open on {renders} renders after {} s idle **{:.2}** (goal ≤ 1.3; {})",
                idle.as_secs(),
                library_pss as f64 / floor_pss as f64,
                mb(library_pss),
            );
        }
        println!("{line}.");
    };
    against(&runs[0], "floor as it is");
    if app_paints_on_cpu {
        println!();
        against(
            &runs[1],
            "floor painted on the CPU, as the app is on this machine",
        );
    }
    if let Some(deb) = deb {
        println!("Debian package ({}): {}.", deb.display(), mb(size(&deb)));
    }
}
