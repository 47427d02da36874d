//! The cut handed to other editors: OpenTimelineIO (`.otio`, JSON), FCPXML 1.9 (Final Cut
//! Pro, DaVinci Resolve) and CMX 3600 EDL (every editor), each pointing at the local files
//! with the in and out points and the crossfades.
//!
//! Everything is counted in frames of the cut's canvas (24 a second). A crossfade of `o`
//! frames overlaps the end of one shot with the start of the next, as the assembled cut
//! plays it. Interchange formats instead place a transition across an edit point, using
//! media beyond each side of it, so the edit point is set `a = o / 2` frames into the
//! overlap. The outgoing shot then shows until `b = o - a` frames before its out point, and
//! the incoming one from `a` frames after its in point.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::json;

/// One shot as the edit list places it.
#[derive(Debug, Clone, PartialEq)]
pub struct EditClip {
    pub index: u32,
    pub name: String,
    pub path: PathBuf,
    /// The take's whole length, in and out points (exclusive), all in canvas frames.
    pub take_frames: u64,
    pub in_frame: u64,
    pub out_frame: u64,
    /// Frames of crossfade into the next shot (0: a cut).
    pub overlap: u64,
    pub has_audio: bool,
    pub width: u32,
    pub height: u32,
    /// The take's own frame rate, as a fraction (24/1, 30000/1001).
    pub fps_num: u32,
    pub fps_den: u32,
}

/// A project's cut as an edit list.
#[derive(Debug, Clone, PartialEq)]
pub struct EditList {
    pub name: String,
    pub fps: u32,
    pub width: u32,
    pub height: u32,
    pub clips: Vec<EditClip>,
}

/// Where one clip shows on the record side, with the transition after it.
struct Placed<'a> {
    clip: &'a EditClip,
    /// Shown from and to (exclusive) within the take, and from on the record.
    shown_in: u64,
    shown_out: u64,
    record_in: u64,
    /// Frames of the transition after it before and after the edit point.
    before: u64,
    after: u64,
}

impl EditList {
    fn placed(&self) -> Vec<Placed<'_>> {
        let mut out: Vec<Placed<'_>> = Vec::new();
        let mut record = 0;
        let mut carried = 0; // `a` of the transition before this clip
        for (i, clip) in self.clips.iter().enumerate() {
            let overlap = if i + 1 < self.clips.len() {
                clip.overlap
            } else {
                0
            };
            let before = overlap / 2;
            let after = overlap - before;
            let shown_in = clip.in_frame + carried;
            let shown_out = clip.out_frame - after;
            out.push(Placed {
                clip,
                shown_in,
                shown_out,
                record_in: record,
                before,
                after,
            });
            record += shown_out - shown_in;
            carried = before;
        }
        out
    }

    /// The cut's length in frames.
    pub fn frames(&self) -> u64 {
        self.placed().iter().map(|p| p.shown_out - p.shown_in).sum()
    }

    /// OpenTimelineIO's JSON: a video and an audio track of the same clips and transitions.
    pub fn otio(&self) -> String {
        let rate = f64::from(self.fps);
        let time = |frames: u64| json!({"OTIO_SCHEMA": "RationalTime.1", "rate": rate, "value": frames as f64});
        let range = |start: u64, duration: u64| json!({"OTIO_SCHEMA": "TimeRange.1", "start_time": time(start), "duration": time(duration)});
        let track = |kind: &str| {
            let mut children = Vec::new();
            for p in self.placed() {
                children.push(json!({
                    "OTIO_SCHEMA": "Clip.2",
                    "name": p.clip.name,
                    "metadata": {"seedance": {"shot": p.clip.index}},
                    "source_range": range(p.shown_in, p.shown_out - p.shown_in),
                    "effects": [], "markers": [], "enabled": true,
                    "media_references": {"DEFAULT_MEDIA": {
                        "OTIO_SCHEMA": "ExternalReference.1",
                        "name": p.clip.name,
                        "metadata": {},
                        "available_range": range(0, p.clip.take_frames),
                        "available_image_bounds": null,
                        "target_url": file_url(&p.clip.path),
                    }},
                    "active_media_reference_key": "DEFAULT_MEDIA",
                }));
                if p.before + p.after > 0 {
                    children.push(json!({
                        "OTIO_SCHEMA": "Transition.1",
                        "name": "Cross Dissolve",
                        "metadata": {},
                        "transition_type": "SMPTE_Dissolve",
                        "in_offset": time(p.before),
                        "out_offset": time(p.after),
                    }));
                }
            }
            json!({
                "OTIO_SCHEMA": "Track.1", "name": kind, "kind": kind, "metadata": {},
                "source_range": null, "effects": [], "markers": [], "enabled": true,
                "children": children,
            })
        };
        let timeline = json!({
            "OTIO_SCHEMA": "Timeline.1",
            "name": self.name,
            "metadata": {"seedance": {"canvas": {"width": self.width, "height": self.height, "fps": self.fps}}},
            "global_start_time": null,
            "tracks": {
                "OTIO_SCHEMA": "Stack.1", "name": "tracks", "metadata": {}, "source_range": null,
                "effects": [], "markers": [], "enabled": true,
                "children": [track("Video"), track("Audio")],
            },
        });
        let mut text = serde_json::to_string_pretty(&timeline).expect("JSON values serialise");
        text.push('\n');
        text
    }

    /// FCPXML 1.9: one event holding one project, its sequence a spine of asset clips with
    /// cross dissolves between them.
    pub fn fcpxml(&self) -> String {
        let fps = self.fps;
        let t = |frames: u64| {
            if frames == 0 {
                "0s".to_string()
            } else {
                format!("{frames}/{fps}s")
            }
        };
        let mut resources = String::new();
        let mut spine = String::new();
        let _ = writeln!(
            resources,
            r#"    <format id="r0" name="FFVideoFormat{}p{fps}" frameDuration="1/{fps}s" width="{}" height="{}"/>"#,
            self.height, self.width, self.height
        );
        let dissolve = "FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265";
        let _ = writeln!(
            resources,
            r#"    <effect id="rd" name="Cross Dissolve" uid="{dissolve}"/>"#
        );
        for (i, p) in self.placed().iter().enumerate() {
            let c = p.clip;
            let (id, fid) = (format!("a{}", i + 1), format!("f{}", i + 1));
            let _ = writeln!(
                resources,
                r#"    <format id="{fid}" frameDuration="{}/{}s" width="{}" height="{}"/>"#,
                c.fps_den, c.fps_num, c.width, c.height
            );
            let audio = if c.has_audio {
                r#" hasAudio="1" audioSources="1" audioChannels="2" audioRate="48000""#
            } else {
                r#" hasAudio="0""#
            };
            let _ = writeln!(
                resources,
                "    <asset id=\"{id}\" name=\"{}\" start=\"0s\" duration=\"{}\" hasVideo=\"1\" format=\"{fid}\"{audio}>\n      <media-rep kind=\"original-media\" src=\"{}\"/>\n    </asset>",
                xml(&c.name),
                t(c.take_frames),
                xml(&file_url(&c.path))
            );
            let _ = writeln!(
                spine,
                r#"            <asset-clip ref="{id}" name="{}" offset="{}" start="{}" duration="{}" format="{fid}" tcFormat="NDF"/>"#,
                xml(&c.name),
                t(p.record_in),
                t(p.shown_in),
                t(p.shown_out - p.shown_in)
            );
            if p.before + p.after > 0 {
                let _ = writeln!(
                    spine,
                    "            <transition name=\"Cross Dissolve\" offset=\"{}\" duration=\"{}\">\n              <filter-video ref=\"rd\" name=\"Cross Dissolve\"/>\n            </transition>",
                    t(p.record_in + (p.shown_out - p.shown_in) - p.before),
                    t(p.before + p.after)
                );
            }
        }
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE fcpxml>\n<fcpxml version=\"1.9\">\n  <resources>\n{resources}  </resources>\n  <library>\n    <event name=\"{name}\">\n      <project name=\"{name}\">\n        <sequence format=\"r0\" duration=\"{duration}\" tcStart=\"0s\" tcFormat=\"NDF\" audioLayout=\"stereo\" audioRate=\"48k\">\n          <spine>\n{spine}          </spine>\n        </sequence>\n      </project>\n    </event>\n  </library>\n</fcpxml>\n",
            name = xml(&self.name),
            duration = t(self.frames()),
        )
    }

    /// CMX 3600: an event per shot on picture and both sound channels; a crossfade is the
    /// outgoing shot held for no time and a dissolve (`D`) to the incoming one. Each event's
    /// `* FROM CLIP:` comment is the file of the shot it records.
    pub fn edl(&self) -> String {
        let fps = u64::from(self.fps);
        let tc = |frames: u64| {
            let (s, f) = (frames / fps, frames % fps);
            format!("{:02}:{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60, f)
        };
        let title: String = self
            .name
            .chars()
            .filter(|c| !c.is_control())
            .take(70)
            .collect();
        let mut out = format!("TITLE: {title}\nFCM: NON-DROP FRAME\n\n");
        let names = |out: &mut String, c: &EditClip| {
            let _ = writeln!(out, "* FROM CLIP NAME: {}", one_line(&c.name));
            let _ = writeln!(out, "* FROM CLIP: {}", one_line(&c.path.to_string_lossy()));
        };
        // The assembled cut's own model: clip i plays its in to out point from record
        // frame `record`, and the next starts `overlap` frames before it ends.
        let mut record = 0;
        let mut previous: Option<(&EditClip, u64)> = None; // and the dissolve into this one
        for (i, c) in self.clips.iter().enumerate() {
            let number = i + 1;
            let overlap = if i + 1 < self.clips.len() {
                c.overlap
            } else {
                0
            };
            let shown = c.out_frame - c.in_frame - overlap;
            let (source_out, record_out) = (c.out_frame - overlap, record + shown);
            let line = |kind: &str, si: u64, so: u64, ri: u64, ro: u64| {
                format!(
                    "{number:03}  AX       AA/V  {kind} {} {} {} {}\n",
                    tc(si),
                    tc(so),
                    tc(ri),
                    tc(ro)
                )
            };
            match previous {
                Some((prev, dissolve)) if dissolve > 0 => {
                    let held = prev.out_frame - dissolve;
                    out.push_str(&line("C       ", held, held, record, record));
                    out.push_str(&line(
                        &format!("D {dissolve:03}   "),
                        c.in_frame,
                        source_out,
                        record,
                        record_out,
                    ));
                    // The names say what dissolves into what; the file is the event's
                    // own source, the incoming shot (as EDL readers link media).
                    let _ = writeln!(out, "* FROM CLIP NAME: {}", one_line(&prev.name));
                    let _ = writeln!(out, "* TO CLIP NAME: {}", one_line(&c.name));
                    let _ = writeln!(out, "* FROM CLIP: {}", one_line(&c.path.to_string_lossy()));
                }
                _ => {
                    out.push_str(&line(
                        "C       ", c.in_frame, source_out, record, record_out,
                    ));
                    names(&mut out, c);
                }
            }
            out.push('\n');
            record = record_out;
            previous = Some((c, overlap));
        }
        out
    }
}

fn file_url(path: &std::path::Path) -> String {
    url::Url::from_file_path(path)
        .map(|u| u.to_string())
        .unwrap_or_else(|()| path.to_string_lossy().into_owned())
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(index: u32, in_frame: u64, out_frame: u64, overlap: u64) -> EditClip {
        EditClip {
            index,
            name: format!("Shot {index}"),
            path: PathBuf::from(format!("/renders/j{index}/video.mp4")),
            take_frames: 48,
            in_frame,
            out_frame,
            overlap,
            has_audio: index != 2,
            width: 640,
            height: 360,
            fps_num: 24,
            fps_den: 1,
        }
    }

    fn list() -> EditList {
        EditList {
            name: "Harbour <&> \"dawn\"".into(),
            fps: 24,
            width: 1280,
            height: 720,
            // 36 frames crossfading 12 into the next 48, cut into the last 24.
            clips: vec![clip(1, 12, 48, 12), clip(2, 0, 48, 0), clip(3, 0, 24, 6)],
        }
    }

    #[test]
    fn a_crossfade_overlaps_and_the_last_shot_has_none() {
        assert_eq!(list().frames(), 36 + 48 + 24 - 12);
    }

    #[test]
    fn the_edl_holds_the_outgoing_shot_then_dissolves_into_the_incoming_one() {
        let edl = list().edl();
        let lines: Vec<&str> = edl.lines().collect();
        assert_eq!(lines[0], "TITLE: Harbour <&> \"dawn\"");
        assert_eq!(lines[1], "FCM: NON-DROP FRAME");
        assert_eq!(
            lines[3],
            "001  AX       AA/V  C        00:00:00:12 00:00:01:12 00:00:00:00 00:00:01:00"
        );
        assert_eq!(
            lines[7],
            "002  AX       AA/V  C        00:00:01:12 00:00:01:12 00:00:01:00 00:00:01:00"
        );
        assert_eq!(
            lines[8],
            "002  AX       AA/V  D 012    00:00:00:00 00:00:02:00 00:00:01:00 00:00:03:00"
        );
        assert!(edl.contains("* TO CLIP NAME: Shot 2\n* FROM CLIP: /renders/j2/video.mp4\n"));
        // The last shot's own crossfade leads nowhere: it plays whole.
        assert!(edl.contains(
            "003  AX       AA/V  C        00:00:00:00 00:00:01:00 00:00:03:00 00:00:04:00"
        ));
    }

    #[test]
    fn fcpxml_escapes_names_and_places_the_dissolve_across_the_edit() {
        let xml = list().fcpxml();
        assert!(xml.contains(r#"<project name="Harbour &lt;&amp;&gt; &quot;dawn&quot;">"#));
        // Shot 1 shows 12..42 (6 frames of the fade after its edit point), shot 2 from 6.
        assert!(xml.contains(
            r#"<asset-clip ref="a1" name="Shot 1" offset="0s" start="12/24s" duration="30/24s""#
        ));
        assert!(xml.contains(
            r#"<asset-clip ref="a2" name="Shot 2" offset="30/24s" start="6/24s" duration="42/24s""#
        ));
        assert!(
            xml.contains(r#"<transition name="Cross Dissolve" offset="24/24s" duration="12/24s">"#)
        );
        assert!(xml.contains(r#"hasAudio="0""#));
        assert!(xml.contains(r#"<sequence format="r0" duration="96/24s""#));
    }

    #[test]
    fn otio_has_a_video_and_an_audio_track_with_the_transition() {
        let otio: serde_json::Value = serde_json::from_str(&list().otio()).unwrap();
        let tracks = otio["tracks"]["children"].as_array().unwrap();
        assert_eq!(tracks.len(), 2);
        assert_eq!(
            (tracks[0]["kind"].as_str(), tracks[1]["kind"].as_str()),
            (Some("Video"), Some("Audio"))
        );
        let video = tracks[0]["children"].as_array().unwrap();
        let kinds: Vec<&str> = video
            .iter()
            .map(|c| c["OTIO_SCHEMA"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["Clip.2", "Transition.1", "Clip.2", "Clip.2"]);
        assert_eq!(video[1]["in_offset"]["value"], 6.0);
        assert_eq!(video[1]["out_offset"]["value"], 6.0);
        assert_eq!(video[0]["source_range"]["duration"]["value"], 30.0);
        assert_eq!(
            video[2]["media_references"]["DEFAULT_MEDIA"]["target_url"],
            "file:///renders/j2/video.mp4"
        );
    }
}
