//! Which audio sink the web view's media backend (GStreamer, in WebKitGTK's content
//! process) uses. With no audio output at all (a VM, a remote desktop, a CI machine),
//! GStreamer's `autoaudiosink` otherwise opens every sink in turn for each `<video>`, muted
//! or not: PulseAudio, JACK, OSS and OpenAL (whose ALSA backend fails with "Unknown PCM
//! default" / "Could not open playback device"), on the content process's main thread,
//! before falling back to a sink with no clock. Those failing opens are the path on which
//! playback was seen to take the content process down. So:
//!
//! - OpenAL is never chosen (`openalsink` at rank NONE): every machine with sound has a
//!   better sink (PipeWire, PulseAudio, ALSA), so nothing is lost.
//! - With no audio output, `fakeaudiosink` (a null sink that keeps time like a real one)
//!   comes first: no device is ever opened, and video plays at its own pace.
//!
//! Both go into `GST_PLUGIN_FEATURE_RANK`, set in `main` before any thread or process
//! starts, so the content process inherits it; a rank the user set for either sink wins.

use std::path::Path;

/// Where this desktop's audio would go, as far as can be told without opening anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioOutput {
    /// A sound server (PipeWire, PulseAudio) or an ALSA playback device.
    Present,
    /// Nothing to play to.
    Missing,
}

/// Looks for a sound server's socket (`$PULSE_SERVER`, `$XDG_RUNTIME_DIR/pulse/native`,
/// `$XDG_RUNTIME_DIR/pipewire-0`) or an ALSA playback device (`/dev/snd/pcmC*D*p`).
pub fn detect(
    pulse_server: Option<&str>,
    runtime_dir: Option<&Path>,
    dev_snd: &Path,
) -> AudioOutput {
    let server = pulse_server.is_some_and(|s| !s.is_empty())
        || runtime_dir
            .is_some_and(|d| d.join("pulse/native").exists() || d.join("pipewire-0").exists());
    let playback_device = std::fs::read_dir(dev_snd).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("pcmC") && name.ends_with('p')
        })
    });
    if server || playback_device {
        AudioOutput::Present
    } else {
        AudioOutput::Missing
    }
}

/// `GST_PLUGIN_FEATURE_RANK` with this app's choices added to what was there (`current`);
/// a sink already named there keeps the user's rank.
pub fn feature_ranks(current: &str, output: AudioOutput) -> String {
    let named = |sink: &str| {
        current
            .split(',')
            .any(|f| f.trim().split(':').next() == Some(sink))
    };
    let mut ranks: Vec<&str> = current
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    if !named("openalsink") {
        ranks.push("openalsink:NONE");
    }
    if output == AudioOutput::Missing && !named("fakeaudiosink") {
        ranks.push("fakeaudiosink:MAX");
    }
    ranks.join(",")
}

/// Sets the media backend's audio sink ranks for this process and the content processes it
/// starts. Call first thing in `main`, while the process has one thread. Returns what was
/// decided, for the log.
pub fn choose_sink() -> (AudioOutput, String) {
    let output = detect(
        std::env::var("PULSE_SERVER").ok().as_deref(),
        std::env::var_os("XDG_RUNTIME_DIR")
            .as_deref()
            .map(Path::new),
        Path::new("/dev/snd"),
    );
    let ranks = feature_ranks(
        &std::env::var("GST_PLUGIN_FEATURE_RANK").unwrap_or_default(),
        output,
    );
    // SAFETY: called from `main` before the runtime, the window or any other thread
    // starts: nothing reads the environment concurrently.
    unsafe { std::env::set_var("GST_PLUGIN_FEATURE_RANK", &ranks) };
    (output, ranks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_server_and_no_playback_device_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let snd = dir.path().join("snd");
        assert_eq!(detect(None, None, &snd), AudioOutput::Missing);
        std::fs::create_dir(&snd).unwrap();
        // A capture device and the control node are not outputs.
        std::fs::write(snd.join("pcmC0D0c"), b"").unwrap();
        std::fs::write(snd.join("controlC0"), b"").unwrap();
        assert_eq!(
            detect(Some(""), Some(dir.path()), &snd),
            AudioOutput::Missing
        );
        std::fs::write(snd.join("pcmC0D0p"), b"").unwrap();
        assert_eq!(detect(None, None, &snd), AudioOutput::Present);
    }

    #[test]
    fn a_sound_server_is_present() {
        let dir = tempfile::tempdir().unwrap();
        let none = dir.path().join("none");
        assert_eq!(detect(Some("tcp:host"), None, &none), AudioOutput::Present);
        std::fs::write(dir.path().join("pipewire-0"), b"").unwrap();
        assert_eq!(detect(None, Some(dir.path()), &none), AudioOutput::Present);
    }

    #[test]
    fn ranks_are_added_and_the_users_own_win() {
        assert_eq!(feature_ranks("", AudioOutput::Present), "openalsink:NONE");
        assert_eq!(
            feature_ranks("", AudioOutput::Missing),
            "openalsink:NONE,fakeaudiosink:MAX"
        );
        assert_eq!(
            feature_ranks("avdec_h264:MAX, openalsink:PRIMARY", AudioOutput::Missing),
            "avdec_h264:MAX,openalsink:PRIMARY,fakeaudiosink:MAX"
        );
        assert_eq!(
            feature_ranks("fakeaudiosink:NONE", AudioOutput::Missing),
            "fakeaudiosink:NONE,openalsink:NONE"
        );
    }
}
