//! Property tests of path handling for renders: whatever a server answers (URL paths,
//! `Content-Disposition` names) and whatever an imported export file says (render ids,
//! file paths), every file the app writes or deletes stays in its render's folder.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use studio::download::{self, Kind};
use studio::library::{Filter, Library};
use studio::render_files::{self, is_render_id};
use studio::{Store, job::new_job_id};

/// An MP4 as the sniffer knows it.
const MP4: &[u8] = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41 and then some frames";

/// A server that answers every request with an MP4 whose headers name a file elsewhere.
fn hostile_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\n\
                 Content-Disposition: attachment; filename=\"../../../escaped.mp4\"; filename*=UTF-8''..%2F..%2Fescaped.mp4\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                MP4.len()
            );
            let _ = stream.write_all(MP4);
        }
    });
    format!("http://{addr}")
}

/// Every file under `root`, relative to it.
fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// URL paths built from the pieces path attacks are made of.
fn hostile_url_path() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("../"),
        Just("..%2f"),
        Just("%2e%2e/"),
        Just("..\\"),
        Just("/etc/passwd"),
        Just("video.mp4"),
        Just("evil.sh"),
        Just("?name=../../x.mp4"),
        Just("#frag"),
        Just("%00"),
        Just("雪.mp4"),
        Just("a/"),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn downloads_land_in_the_render_folder_whatever_the_server_names(
        url_path in hostile_url_path(),
        now in 0i64..(1i64 << 44),
    ) {
        static SERVER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let base = SERVER.get_or_init(hostile_server);
        let url = format!("{base}/{url_path}");
        prop_assume!(reqwest::Url::parse(&url).is_ok());
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        let id = new_job_id(now);
        let dir = render_files::render_dir(&data, &id).unwrap();
        let saved = runtime()
            .block_on(download::fetch(
                &studio::outbound::Outbound::new(base, None).client(),
                &url,
                &dir,
                render_files::VIDEO,
                &[Kind::Mp4],
                |_, _| {},
            ))
            .unwrap();
        prop_assert_eq!(&saved.path, &dir.join("video.mp4"));
        prop_assert_eq!(
            files_under(root.path()),
            vec![Path::new("data/renders").join(&id).join("video.mp4")]
        );
    }

    #[test]
    fn imports_never_reach_outside_renders(
        renders in prop::collection::vec(
            (
                prop_oneof![
                    3 => "[a-z0-9]{1,10}",
                    1 => prop_oneof![
                        Just("..".to_string()),
                        Just("../outside".to_string()),
                        Just("/tmp".to_string()),
                        Just(".".to_string()),
                        Just("a/../../b".to_string()),
                        Just(String::new()),
                        any::<String>(),
                    ],
                ],
                prop_oneof![
                    Just(None),
                    hostile_url_path().prop_map(Some),
                    "[a-z0-9]{1,6}".prop_map(|d| Some(format!("/elsewhere/{d}/video.mp4"))),
                ],
            ),
            1..6,
        ),
    ) {
        runtime().block_on(async {
            let root = tempfile::tempdir().unwrap();
            let data = root.path().join("data");
            std::fs::create_dir_all(data.join("renders")).unwrap();
            // What must survive: files beside the data folder, in it, and in renders/.
            let sentinels = [
                root.path().join("outside"),
                data.join("settings-beside"),
                data.join("renders/loose-file"),
            ];
            for s in &sentinels {
                std::fs::write(s, b"keep").unwrap();
            }
            let export = serde_json::json!({
                "format": studio::library::EXPORT_FORMAT,
                "exported_at": 0,
                "renders": renders.iter().enumerate().map(|(n, (id, video))| serde_json::json!({
                    "id": id, "created_at": n, "state": "ready",
                    "request": {"prompt": "a hostile import"},
                    "prompt": "a hostile import", "mode": "text-to-video",
                    "quality_tier": "standard", "channel": "standard", "aspect_ratio": "16:9",
                    "resolution": "720p", "duration": 5, "task_id": null,
                    "credits_used": 0, "credits_refunded": 0, "seed": null,
                    "video_path": video, "video_sha256": null,
                    "frame_path": video.as_ref().map(|v| format!("{v}/../last-frame.jpg")),
                    "frame_sha256": null, "favourite": false, "error_message": null,
                })).collect::<Vec<_>>(),
            });
            let file = root.path().join("export.json");
            std::fs::write(&file, serde_json::to_vec(&export).unwrap()).unwrap();

            let store = Store::open(&data).await.unwrap();
            let lib = Library::new(store.clone(), &data);
            let result = lib.import(&file).await;
            let jobs = lib.page(&Filter::default(), None, 100).await.unwrap().jobs;
            if renders.iter().all(|(id, _)| is_render_id(id)) {
                prop_assert!(result.is_ok(), "{result:?}");
                for job in &jobs {
                    let dir = render_files::render_dir(&data, &job.id).unwrap();
                    for path in [&job.video_path, &job.frame_path].into_iter().flatten() {
                        prop_assert!(
                            Path::new(path).parent() == Some(dir.as_path()),
                            "{path} is outside {}", dir.display()
                        );
                    }
                    std::fs::create_dir_all(&dir).unwrap();
                    std::fs::write(dir.join("video.mp4"), MP4).unwrap();
                }
                for job in &jobs {
                    lib.delete(&job.id, true).await.unwrap();
                    prop_assert!(!render_files::render_dir(&data, &job.id).unwrap().exists());
                }
            } else {
                // One bad id refuses the whole file, saying which render, and adds nothing.
                let message = result.expect_err("an id that names another place").to_string();
                prop_assert!(message.contains("is not a render id"), "{message}");
                prop_assert!(jobs.is_empty());
            }
            for s in &sentinels {
                prop_assert_eq!(std::fs::read(s).unwrap(), b"keep".to_vec(), "{}", s.display());
            }
            store.close().await;
            Ok(())
        })?;
    }
}
