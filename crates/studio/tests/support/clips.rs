//! Real clips of given shapes for the cut's tests, made once by the media engine from
//! GStreamer's test sources and kept in the build's temporary folder (the service's own
//! clips are all alike, and making a clip takes a moment).

use std::path::PathBuf;
use std::sync::Mutex;

use studio::media::synth::{ClipShape, make_clip};

/// A clip of `width`×`height` at `fps` lasting `frames`, with a tone or silent, in test
/// pattern `pattern`; made the first time it is asked for.
pub fn clip(width: u32, height: u32, fps: u32, frames: u32, audio: bool, pattern: u32) -> PathBuf {
    static MAKING: Mutex<()> = Mutex::new(());
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("clips");
    let name = format!(
        "{width}x{height}-{fps}fps-{frames}f-{}-p{pattern}.mp4",
        if audio { "tone" } else { "silent" }
    );
    let path = dir.join(&name);
    let _one_at_a_time = MAKING.lock().unwrap_or_else(|e| e.into_inner());
    if !path.is_file() {
        std::fs::create_dir_all(&dir).unwrap();
        let part = dir.join(format!("{name}.{}.part", std::process::id()));
        let shape = ClipShape {
            width,
            height,
            fps,
            frames,
            audio,
            pattern,
        };
        make_clip(&part, shape).unwrap_or_else(|e| panic!("making {name}: {e}"));
        std::fs::rename(&part, &path).unwrap();
    }
    path
}
