//! The soak at any scale: `cargo run --release -p studio --example soak -- [--jobs N]
//! [--scale S] [--seed N]`. Scale 1 is the account's real budget (30 requests per 60 s,
//! renders of 20–60 s); prints the Markdown table for RELIABILITY.md.

#[path = "../tests/support/soak.rs"]
mod soak;

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |v| v.parse().expect("a number"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let jobs = arg("--jobs", 500.0) as usize;
    let scale = arg("--scale", 1.0);
    let seed = arg("--seed", 7.0) as u64;
    let report = soak::soak(jobs, scale, seed).await;
    println!("{}", report.markdown(scale));
    if report.lost > 0 || report.double_charges > 0 || report.rate_limited > 0 {
        std::process::exit(1);
    }
}
