//! `seedance project trim | transition | assemble | export-edit`: a rendered project's
//! takes replaced by real clips of different sizes and frame rates (made by the media
//! engine), assembled by stream copy and by re-encoding, measured in the output by a real
//! decoder, and the edit read back by OpenTimelineIO's own readers. One file over 500
//! lines: its two tests share the rendered project, the clips and the readers' checks.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use studio::media;

use super::clips::clip;
use super::{Env, interrupt};

const CUT: &str = "# Cut
aspect: 16:9
resolution: 720p
duration: 4

## Shot 1: Bridge
A glass train crosses a snowy mountain bridge at dawn, slow dolly-in.

## Shot 2: Inside
Passengers look out at the falling snow, warm light, stable faces.

## Shot 3: Tunnel
The train enters a tunnel, its lights streaking along the walls.
";

/// Imports and renders `CUT`, returning each shot's selected take's file.
async fn rendered(env: &Env) -> Vec<PathBuf> {
    let board = env.data.path().join("cut.md");
    std::fs::write(&board, CUT).unwrap();
    let (code, out) = env
        .json(&["project", "import", board.to_str().unwrap(), "--json"])
        .await;
    assert_eq!(code, 0, "{out}");
    let (code, project) = env
        .json(&["project", "render", "Cut", "--wait", "--json"])
        .await;
    assert_eq!(code, 0, "{project}");
    project["shots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let take = s["takes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["selected"] == true)
                .unwrap();
            PathBuf::from(take["video_path"].as_str().unwrap())
        })
        .collect()
}

/// Puts `clip` where a take's file is, as if the service had delivered it.
fn deliver(take: &Path, clip: &Path) {
    std::fs::copy(clip, take).unwrap();
}

fn read_edit(path: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/read_edit.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "OpenTimelineIO could not read {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The clips of a read-back track: (name, file, start s, duration s).
fn clips_of(track: &Value) -> Vec<(String, String, f64, f64)> {
    track["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "clip")
        .map(|i| {
            (
                i["name"].as_str().unwrap().trim().to_string(),
                i["target_url"].as_str().unwrap_or("").to_string(),
                i["start"].as_f64().unwrap(),
                i["duration"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The read-back edit's first track has the three shots in order, each shown from and for
/// `shown` seconds, pointing at `files`; the whole lasts `duration`.
fn assert_reads_back(
    edit: &Value,
    duration: Option<f64>,
    shown: &[(f64, f64)],
    files: Option<&[String]>,
) {
    if let Some(d) = duration {
        assert!(near(edit["duration"].as_f64().unwrap(), d, 1e-6), "{edit}");
    }
    let video = clips_of(&edit["tracks"][0]);
    let names: Vec<&str> = video.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        ["Shot 1: Bridge", "Shot 2: Inside", "Shot 3: Tunnel"]
    );
    for (clip, (start, length)) in video.iter().zip(shown) {
        assert!(
            near(clip.2, *start, 1e-6) && near(clip.3, *length, 1e-6),
            "{video:?}"
        );
    }
    if let Some(files) = files {
        let targets: Vec<&str> = video.iter().map(|c| c.1.as_str()).collect();
        assert_eq!(targets, files);
    }
}

fn near(a: f64, b: f64, within: f64) -> bool {
    (a - b).abs() <= within
}

const FRAME: f64 = 1.0 / 24.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn takes_assemble_by_copy_or_re_encode_and_the_edit_reads_back_in_other_tools() {
    let env = Env::new((100, 200)).await;
    let takes = rendered(&env).await;
    let same = clip(640, 360, 24, 48, true, 0);
    for take in &takes {
        deliver(take, &same);
    }

    // Whole takes sharing their codec parameters, joined by cuts: copied as they are.
    let out = env.data.path().join("copy.mp4");
    let (code, made) = env
        .json(&[
            "project",
            "assemble",
            "Cut",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{made}");
    assert_eq!(made["stream_copy"], true, "{made}");
    assert_eq!(made["output"], out.display().to_string());
    assert_eq!(
        (
            made["otio"].clone(),
            made["fcpxml"].clone(),
            made["edl"].clone()
        ),
        (Value::Null, Value::Null, Value::Null)
    );
    let probe = media::probe(&out).unwrap();
    assert_eq!(
        (probe.width, probe.height, probe.video_codec.as_str()),
        (640, 360, "h264")
    );
    assert_eq!(probe.audio_codec.as_deref(), Some("aac"));
    let picture = media::video_span(&out).unwrap().seconds();
    assert!(near(picture, 6.0, FRAME), "the picture lasts {picture} s");
    assert!(
        near(made["duration_s"].as_f64().unwrap(), 6.0, 2.0 * FRAME),
        "{made}"
    );
    // The cut says where it came from: the project, each shot's prompt, take and task.
    let provenance: Value = serde_json::from_str(probe.comment.as_deref().unwrap()).unwrap();
    assert_eq!(provenance["project"]["name"], "Cut");
    assert_eq!(provenance["shots"].as_array().unwrap().len(), 3);
    assert!(
        provenance["shots"][1]["prompt"]
            .as_str()
            .unwrap()
            .starts_with("Passengers look out")
    );
    assert!(
        provenance["shots"][2]["task_id"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(probe.title.as_deref(), Some("Cut"));

    // A take of another size and frame rate, without sound; a trim and a crossfade.
    deliver(&takes[1], &clip(480, 360, 30, 60, false, 4));
    let (code, trimmed) = env
        .json(&["project", "trim", "Cut", "1", "--in", "0.51", "--json"])
        .await;
    assert_eq!(code, 0, "{trimmed}");
    // Rounded to the take's frames.
    assert_eq!(trimmed["shots"][0]["edit"]["in"], 0.5);
    let (code, faded) = env
        .json(&[
            "project",
            "transition",
            "Cut",
            "1",
            "crossfade",
            "--seconds",
            "1",
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{faded}");
    assert_eq!(faded["shots"][0]["edit"]["transition"], "crossfade");
    let (code, _) = env
        .json(&["project", "trim", "Cut", "3", "--out", "1.5", "--json"])
        .await;
    assert_eq!(code, 0);

    let out = env.data.path().join("encoded.mp4");
    let files = ["cut.otio", "cut.fcpxml", "cut.edl"].map(|f| env.data.path().join(f));
    let (code, made) = env
        .json(&[
            "project",
            "assemble",
            "Cut",
            "--out",
            out.to_str().unwrap(),
            "--otio",
            files[0].to_str().unwrap(),
            "--fcpxml",
            files[1].to_str().unwrap(),
            "--edl",
            files[2].to_str().unwrap(),
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{made}");
    assert_eq!(made["stream_copy"], false, "{made}");
    // The cut is a render of its project in the Library, its file the one written.
    let (code, cut) = env
        .json(&["show", made["job_id"].as_str().unwrap(), "--json"])
        .await;
    assert_eq!(code, 0, "{cut}");
    assert_eq!(
        (cut["kind"].as_str(), cut["status"].as_str()),
        (Some("cut"), Some("ready")),
        "{cut}"
    );
    let kept = PathBuf::from(cut["video_path"].as_str().unwrap());
    assert!(kept.starts_with(env.data.path().join("renders")), "{cut}");
    assert_eq!(std::fs::read(&kept).unwrap(), std::fs::read(&out).unwrap());
    assert!(
        cut["last_frame_path"]
            .as_str()
            .is_some_and(|f| Path::new(f).is_file()),
        "{cut}"
    );
    let (_, listed) = env.json(&["list", "--project", "Cut", "--json"]).await;
    let kinds: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "cut").count(), 2, "{listed}");
    assert_eq!(
        kinds.iter().filter(|k| **k == "generation").count(),
        3,
        "{listed}"
    );
    // 1.5 s of shot 1, 2 s of shot 2 overlapping it by 1 s, 1.5 s of shot 3.
    let expected = 1.5 + 2.0 - 1.0 + 1.5;
    let probe = media::probe(&out).unwrap();
    assert_eq!(
        (probe.width, probe.height, probe.fps_num, probe.fps_den),
        (1280, 720, 24, 1)
    );
    assert_eq!(
        probe.audio_codec.as_deref(),
        Some("aac"),
        "silence where a take has none"
    );
    let picture = media::video_span(&out).unwrap().seconds();
    assert!(
        near(picture, expected, FRAME),
        "the picture lasts {picture} s, not {expected}"
    );
    // Shot 2 (4:3) is fit into the 16:9 canvas and padded at the sides; shot 1 fills it.
    let inside = media::frame_at(&out, 2.2).unwrap();
    assert_eq!(
        inside.get_pixel(20, 360).0,
        [0, 0, 0],
        "padding left of a 4:3 take"
    );
    assert!(
        inside.get_pixel(640, 360).0[0] > 200,
        "the take's red in the middle"
    );
    let bridge = media::frame_at(&out, 0.2).unwrap();
    assert_ne!(
        bridge.get_pixel(20, 360).0,
        [0, 0, 0],
        "shot 1 fills the canvas"
    );

    // Each file, read by OpenTimelineIO's readers, has the clips in order with their
    // in and out points, pointing at the takes. The crossfade straddles the edit point:
    // half of it from each side.
    let shown = [(0.5, 1.0), (0.5, 1.5), (0.0, 1.5)];
    let urls: Vec<String> = takes.iter().map(|t| url_of(t)).collect();
    let otio = read_edit(&files[0]);
    assert_eq!(otio["name"], "Cut");
    assert_reads_back(&otio, Some(expected), &shown, Some(&urls));
    let fade = &otio["tracks"][0]["items"][1];
    assert_eq!(
        (
            fade["type"].as_str(),
            fade["in_offset"].as_f64(),
            fade["out_offset"].as_f64()
        ),
        (Some("transition"), Some(0.5), Some(0.5))
    );
    assert_eq!(otio["tracks"][1]["kind"], "Audio");

    // The FCPXML reader knows 1.8's `src` on assets, not 1.9's media-reps: those, and the
    // dissolves it skips, are read from the XML itself.
    assert_reads_back(&read_edit(&files[1]), None, &shown, None);
    let xml = std::fs::read_to_string(&files[1]).unwrap();
    assert!(xml.contains(r#"<fcpxml version="1.9">"#));
    for url in &urls {
        let rep = format!(r#"<media-rep kind="original-media" src="{url}"/>"#);
        assert!(xml.contains(&rep), "{xml}");
    }
    assert!(
        xml.contains(r#"<transition name="Cross Dissolve" offset="12/24s" duration="24/24s">"#),
        "{xml}"
    );

    let edl = read_edit(&files[2]);
    assert_eq!(edl["name"], "Cut");
    let paths: Vec<String> = takes.iter().map(|t| t.display().to_string()).collect();
    // An EDL's dissolve is wholly in the incoming event: its clips are cut at the start of
    // the overlap.
    let cut_at_overlap = [(0.5, 0.5), (0.0, 2.0), (0.0, 1.5)];
    assert_reads_back(&edl, Some(expected), &cut_at_overlap, Some(&paths));
    let fade = edl["tracks"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "transition")
        .unwrap();
    assert!(
        near(
            fade["in_offset"].as_f64().unwrap() + fade["out_offset"].as_f64().unwrap(),
            1.0,
            1e-6
        ),
        "{fade}"
    );

    // export-edit writes the same files without encoding.
    std::fs::remove_file(&files[2]).unwrap();
    let (code, written) = env
        .json(&[
            "project",
            "export-edit",
            "Cut",
            "--edl",
            files[2].to_str().unwrap(),
            "--json",
        ])
        .await;
    assert_eq!(code, 0, "{written}");
    assert_eq!(written["edl"], files[2].display().to_string());
    assert_eq!(written["otio"], Value::Null);
    assert_eq!(clips_of(&read_edit(&files[2])["tracks"][0]).len(), 3);
}

fn url_of(path: &Path) -> String {
    url::Url::from_file_path(path).unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_decisions_are_checked_and_a_missing_take_or_a_cancel_leaves_nothing() {
    let env = Env::new((100, 200)).await;
    let takes = rendered(&env).await;
    for take in &takes {
        deliver(take, &clip(640, 360, 24, 48, true, 0));
    }
    let refused = async |args: &[&str], field: &str| {
        let (code, out) = env.json(args).await;
        assert_eq!(code, 2, "{args:?}: {out}");
        assert_eq!(out["error"]["field"], field, "{args:?}: {out}");
        out["error"]["message"].as_str().unwrap().to_string()
    };
    let message = refused(
        &[
            "project", "trim", "Cut", "1", "--in", "1.5", "--out", "1", "--json",
        ],
        "out",
    )
    .await;
    assert!(message.contains("before the out point"), "{message}");
    let message = refused(
        &["project", "trim", "Cut", "2", "--out", "9", "--json"],
        "out",
    )
    .await;
    assert!(message.contains("past the end"), "{message}");
    refused(&["project", "trim", "Cut", "2", "--in=-1", "--json"], "in").await;
    refused(
        &["project", "trim", "Cut", "7", "--in", "1", "--json"],
        "shot",
    )
    .await;
    refused(
        &["project", "transition", "Cut", "3", "crossfade", "--json"],
        "shot",
    )
    .await;
    refused(
        &[
            "project",
            "transition",
            "Cut",
            "1",
            "cut",
            "--seconds",
            "2",
            "--json",
        ],
        "seconds",
    )
    .await;
    refused(
        &[
            "project",
            "transition",
            "Cut",
            "1",
            "crossfade",
            "--seconds",
            "0",
            "--json",
        ],
        "seconds",
    )
    .await;
    refused(&["project", "export-edit", "Cut", "--json"], "otio").await;
    let out = env.data.path().join("cut.mp4");
    refused(
        &["project", "assemble", "Cut", "--out", "cut.mov", "--json"],
        "out",
    )
    .await;
    // Nothing was changed by the refusals.
    let (_, project) = env.json(&["project", "show", "Cut", "--json"]).await;
    assert!(
        project["shots"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["edit"] == serde_json::json!({"transition": "cut"})),
        "{project}"
    );

    // A take whose file is gone is named, and nothing is written.
    std::fs::remove_file(&takes[1]).unwrap();
    let message = refused(
        &[
            "project",
            "assemble",
            "Cut",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
        "shots[2]",
    )
    .await;
    assert!(
        message.contains(&takes[1].display().to_string()),
        "{message}"
    );
    assert!(!out.exists() && !media::assemble::part_path(&out).exists());

    // Ctrl+C during a re-encode stops it: exit 5, no output, no partial file.
    let long = clip(1280, 720, 24, 24 * 12, true, 5);
    for take in &takes {
        deliver(take, &long);
    }
    env.json(&["project", "transition", "Cut", "1", "crossfade", "--json"])
        .await;
    let child = env
        .command(&["project", "assemble", "Cut", "--out", out.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let part = media::assemble::part_path(&out);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    // The cut is written with the renders, then named `out`.
    let writing = || {
        std::fs::read_dir(env.data.path().join("renders"))
            .unwrap()
            .filter_map(Result::ok)
            .any(|d| d.path().join("video.mp4.part").exists())
    };
    while !writing() {
        assert!(
            std::time::Instant::now() < deadline,
            "the assembly never started writing"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    interrupt(child.id().unwrap()).await;
    let done = child.wait_with_output().await.unwrap();
    assert_eq!(
        done.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stderr).contains("nothing was written"));
    assert!(!out.exists() && !part.exists());
    // Nor anything in the Library: no render folder, no render.
    let (_, listed) = env.json(&["list", "--json"]).await;
    assert_eq!(listed.as_array().unwrap().len(), 3, "{listed}");
    let folders = std::fs::read_dir(env.data.path().join("renders"))
        .unwrap()
        .count();
    assert_eq!(folders, 3);
}
