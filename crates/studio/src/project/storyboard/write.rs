//! Storyboards written out, in each form import reads: what [`super::parse`] reads back
//! to the same storyboard (a CSV, having no project row, carries the project's settings on
//! every shot).

use super::{Chain, Format, Seconds, Settings, Storyboard};

/// A storyboard written in `format`, which [`super::parse`] reads back to the same storyboard.
pub fn write(board: &Storyboard, format: Format) -> String {
    match format {
        Format::Json => {
            serde_json::to_string_pretty(board).expect("a storyboard serialises") + "\n"
        }
        Format::Markdown => write_markdown(board),
        Format::Csv => write_csv(board),
    }
}

fn on_off(v: bool) -> &'static str {
    if v { "on" } else { "off" }
}

fn setting_lines(s: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = s.tier {
        out.push(format!("tier: {v}"));
    }
    if let Some(v) = s.channel {
        out.push(format!("channel: {v}"));
    }
    if let Some(v) = s.aspect {
        out.push(format!("aspect: {v}"));
    }
    if let Some(v) = s.resolution {
        out.push(format!("resolution: {v}"));
    }
    if let Some(Seconds(v)) = s.duration {
        out.push(format!("duration: {v}"));
    }
    if let Some(v) = s.audio {
        out.push(format!("audio: {}", on_off(v)));
    }
    if let Some(v) = s.fixed_lens {
        out.push(format!("fixed_lens: {}", on_off(v)));
    }
    out
}

fn write_markdown(board: &Storyboard) -> String {
    let mut out = format!("# {}\n", board.name);
    let mut head = Vec::new();
    if let Some(b) = board.budget {
        head.push(format!("budget: {b}"));
    }
    head.extend(setting_lines(&board.defaults));
    if !head.is_empty() {
        out.push_str(&head.join("\n"));
        out.push('\n');
    }
    if !board.notes.is_empty() {
        out.push('\n');
        out.push_str(&board.notes);
        out.push('\n');
    }
    for (i, shot) in board.shots.iter().enumerate() {
        out.push_str(&format!("\n## Shot {}: {}\n", i + 1, shot.title));
        let mut keys = Vec::new();
        if shot.chain != Chain::None {
            keys.push(format!("chain: {}", shot.chain.as_str()));
        }
        keys.extend(setting_lines(&shot.settings));
        if let Some(seed) = shot.seed {
            keys.push(format!("seed: {seed}"));
        }
        if let Some(url) = &shot.image {
            keys.push(format!("image: {url}"));
        }
        if let Some(url) = &shot.end_image {
            keys.push(format!("end_image: {url}"));
        }
        keys.extend(shot.media.iter().map(|url| format!("media: {url}")));
        for line in keys {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&shot.prompt);
        out.push('\n');
    }
    out
}

fn write_csv(board: &Storyboard) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "title",
        "prompt",
        "chain",
        "tier",
        "channel",
        "aspect",
        "resolution",
        "duration",
        "audio",
        "fixed_lens",
        "seed",
        "image",
        "end_image",
        "media",
    ];
    writer.write_record(header).expect("writing to memory");
    for shot in &board.shots {
        // A CSV has no project row: the project's settings go on every shot.
        let s = shot.settings.over(&board.defaults);
        let text = |v: Option<String>| v.unwrap_or_default();
        writer
            .write_record([
                shot.title.clone(),
                shot.prompt.clone(),
                shot.chain.as_str().to_string(),
                text(s.tier.map(|v| v.to_string())),
                text(s.channel.map(|v| v.to_string())),
                text(s.aspect.map(|v| v.to_string())),
                text(s.resolution.map(|v| v.to_string())),
                text(s.duration.map(|v| v.0.to_string())),
                text(s.audio.map(|v| on_off(v).into())),
                text(s.fixed_lens.map(|v| on_off(v).into())),
                text(shot.seed.map(|v| v.to_string())),
                text(shot.image.clone()),
                text(shot.end_image.clone()),
                shot.media.join(" "),
            ])
            .expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory")).expect("CSV of strings")
}
