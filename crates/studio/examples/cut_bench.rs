//! The cut's benchmark: ten 15 s 1080p clips (H.264 + AAC, made once by the media engine and
//! kept in `target/bench-clips`) assembled by the media engine and by ffmpeg, side by side
//! on the same files, alternating so both see the same machine:
//! - stream copy: `media::assemble` (every piece whole, cuts) against
//!   `ffmpeg -f concat -c copy`; goal: at least 0.9× ffmpeg's speed. Both write the index
//!   first (`-movflags +faststart`, mp4mux's `faststart`);
//! - re-encode: `media::assemble_re_encoded` on a 1920×1080 24 fps canvas (x264, preset
//!   medium, quality 23) against ffmpeg with libx264 at the same preset and CRF, AAC sound;
//!   goal: at least 0.8× ffmpeg's speed.
//!
//! `cargo run --release -p studio --example cut_bench -- [--clips N] [--seconds S] [--runs R]
//! [--encode-runs R]` (3 copy runs and 1 re-encode run unless given)
//! needs `ffmpeg` on the PATH (Debian: `apt-get install ffmpeg`; it is the yardstick, never
//! the engine). Prints the Markdown rows for BENCHMARKS.md.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use studio::media::assemble::Provenance;
use studio::media::synth::{ClipShape, make_clip};
use studio::media::{self, Canvas, Piece, Transition};

fn arg(name: &str, default: u32) -> u32 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a number"))
        })
        .unwrap_or(default)
}

fn clips(count: u32, seconds: u32) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-clips");
    std::fs::create_dir_all(&dir).unwrap();
    (0..count)
        .map(|i| {
            let path = dir.join(format!("1080p-{seconds}s-{i}.mp4"));
            if !path.is_file() {
                eprintln!("making {}", path.display());
                let shape = ClipShape {
                    width: 1920,
                    height: 1080,
                    fps: 24,
                    frames: 24 * seconds,
                    audio: true,
                    pattern: [0, 18, 1, 13, 24, 19, 11, 23, 21, 25][i as usize % 10],
                };
                make_clip(&path, shape).unwrap();
            }
            path
        })
        .collect()
}

fn ffmpeg(list: &Path, out: &Path, encode: bool) -> Duration {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-v", "error", "-y", "-f", "concat", "-safe", "0", "-i"])
        .arg(list)
        // The index first, as the media engine writes it (a file that plays while it loads).
        .args(["-movflags", "+faststart"]);
    if encode {
        cmd.args([
            "-c:v", "libx264", "-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p",
        ]);
        cmd.args(["-c:a", "aac", "-ar", "48000", "-ac", "2"]);
    } else {
        cmd.args(["-c", "copy"]);
    }
    let started = Instant::now();
    let status = cmd
        .arg(out)
        .status()
        .expect("ffmpeg is on the PATH (apt-get install ffmpeg)");
    assert!(status.success(), "ffmpeg failed");
    started.elapsed()
}

fn ours(pieces: &[Piece], out: &Path, encode: bool) -> Duration {
    let canvas = Canvas {
        width: 1920,
        height: 1080,
        fps: 24,
    };
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    let made = if encode {
        media::assemble::assemble_re_encoded(
            pieces,
            canvas,
            &Provenance::default(),
            out,
            &mut |_| {},
            &cancel,
        )
    } else {
        media::assemble(
            pieces,
            canvas,
            &Provenance::default(),
            out,
            &mut |_| {},
            &cancel,
        )
    }
    .unwrap_or_else(|(_, e)| panic!("{e}"));
    assert_eq!(made.stream_copy, !encode);
    started.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let (count, seconds) = (arg("--clips", 10), arg("--seconds", 15));
    // Copies take seconds, re-encodes minutes: each has its own number of runs.
    let (copy_runs, encode_runs) = (arg("--runs", 3), arg("--encode-runs", 1));
    let files = clips(count, seconds);
    let work = tempfile::tempdir().unwrap();
    let list = work.path().join("list.txt");
    let lines: String = files
        .iter()
        .map(|f| format!("file '{}'\n", f.display()))
        .collect();
    std::fs::write(&list, lines).unwrap();
    let pieces: Vec<Piece> = files
        .iter()
        .map(|f| Piece {
            path: f.clone(),
            in_s: 0.0,
            out_s: None,
            transition: Transition::Cut,
        })
        .collect();
    println!(
        "| path | runs | Seedance Studio (median) | ffmpeg (median) | speed vs ffmpeg | goal |"
    );
    println!("|---|---|---|---|---|---|");
    for (encode, goal, runs) in [(false, 0.9, copy_runs), (true, 0.8, encode_runs)] {
        if runs == 0 {
            continue;
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            a.push(ours(&pieces, &work.path().join("ours.mp4"), encode));
            b.push(ffmpeg(&list, &work.path().join("ffmpeg.mp4"), encode));
        }
        let (a, b) = (median(a), median(b));
        let ratio = b.as_secs_f64() / a.as_secs_f64();
        println!(
            "| {} ({count} × {seconds} s 1080p) | {runs} | {:.2} s | {:.2} s | {ratio:.2}× | ≥ {goal}× {} |",
            if encode {
                "re-encode, x264 medium, quality 23"
            } else {
                "stream copy"
            },
            a.as_secs_f64(),
            b.as_secs_f64(),
            if ratio >= goal { "✓" } else { "✗" }
        );
    }
}
