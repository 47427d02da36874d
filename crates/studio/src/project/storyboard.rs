//! Storyboard files: Markdown (the form other tools write), CSV (one row per shot) and
//! JSON (what export writes), read into a [`Storyboard`] with every problem of every shot
//! listed at once (shot, line, field), and written back out.
//!
//! Markdown: the level-1 heading is the project's name; `key: value` lines before the first
//! shot set the project (`budget`, `tier`, `channel`, `aspect`, `resolution`, `duration`,
//! `audio`, `fixed_lens`) and any other text there is its notes; each level-2 heading (`Shot N: Title`)
//! starts a shot, whose lines with one of those keys (but `budget`), or `chain`, `seed`,
//! `image`, `end_image`, `media` (repeatable), set the shot, and every other line is its
//! prompt. Keys are case-insensitive; `Style: warm` is prompt text, as `style` is no key.

use seedance_api::{AspectRatio, Channel, ClipDuration, Problem, QualityTier, Resolution};

use super::{Chain, Seconds, Settings, ShotPlan, Storyboard};

/// A storyboard file's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Csv,
    Json,
}

impl Format {
    /// The form a file name's extension says (`.md`/`.markdown`, `.csv`, `.json`).
    pub fn of_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Self::Markdown),
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// Where each shot was found in its file, for problems found after reading.
type ShotLines = Vec<Option<usize>>;

/// Reads a storyboard in `format`; `name` (from `--name`, or the file's name) stands in
/// where the file names no project, and replaces the file's name when `rename` is set.
pub fn parse(text: &str, format: Format, name: Option<&str>) -> Result<Storyboard, Vec<Problem>> {
    let (mut board, lines, mut problems) = match format {
        Format::Markdown => markdown(text),
        Format::Csv => csv_rows(text),
        Format::Json => match serde_json::from_str::<Storyboard>(text) {
            Ok(board) => {
                let n = board.shots.len();
                (board, vec![None; n], Vec::new())
            }
            Err(e) => {
                return Err(vec![Problem::new(
                    "storyboard",
                    format!("line {}, column {}: {e}", e.line(), e.column()),
                )]);
            }
        },
    };
    if let Some(name) = name {
        board.name = name.to_string();
    }
    board.name = board.name.trim().to_string();
    if board.name.is_empty() {
        problems.push(Problem::new(
            "name",
            "the project has no name: start the file with `# Name`, or give --name",
        ));
    }
    problems.extend(check(&board, &lines));
    if problems.is_empty() {
        Ok(board)
    } else {
        Err(problems)
    }
}

/// Every problem of a storyboard's shots as requests: the API's rules (with a stand-in
/// for what a chain brings), and the rules of chains.
pub fn check(board: &Storyboard, lines: &[Option<usize>]) -> Vec<Problem> {
    let mut problems = Vec::new();
    if board.shots.is_empty() {
        problems.push(Problem::new(
            "shots",
            "a storyboard needs at least one shot (a `## Shot 1: Title` heading, a CSV row, or an entry in `shots`)",
        ));
    }
    for (i, shot) in board.shots.iter().enumerate() {
        let at = lines.get(i).copied().flatten();
        problems.extend(check_shot(&board.defaults, shot, i + 1, at, false));
    }
    problems
}

/// Every problem of shot `n` (1 for the first) as a request with the project's
/// `defaults`, found on `line` of its file (when it came from one).
pub fn check_shot(
    defaults: &Settings,
    shot: &ShotPlan,
    n: usize,
    line: Option<usize>,
    base_is_loopback: bool,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let at = match line {
        Some(line) => format!("line {line}: "),
        None => String::new(),
    };
    let field = |name: &str| format!("shots[{n}].{name}");
    if n == 1 && shot.chain != Chain::None {
        problems.push(Problem::new(
            field("chain"),
            format!("{at}the first shot has no shot before it to chain from; use chain: none"),
        ));
    }
    if shot.chain == Chain::LastFrame && shot.image.is_some() {
        problems.push(Problem::new(
            field("image"),
            format!("{at}chain: last-frame sets the start frame from the shot before; remove image, or the chain"),
        ));
    }
    if shot.image.is_some() && !shot.media.is_empty() {
        problems.push(Problem::new(
            field("media"),
            format!("{at}a shot starts from a frame (image) or takes media references, not both"),
        ));
    }
    if let Some(Seconds(secs)) = shot.settings.duration.or(defaults.duration)
        && ClipDuration::new(secs).is_none()
    {
        let whose = if shot.settings.duration.is_some() {
            field("duration")
        } else {
            "duration".into()
        };
        problems.push(Problem::new(
            whose,
            format!(
                "{at}must be {}–{} seconds; got {secs}",
                ClipDuration::MIN,
                ClipDuration::MAX
            ),
        ));
    }
    if let Err(found) = seedance_api::validate(&shot.request_as_planned(defaults), base_is_loopback)
    {
        for p in found {
            problems.push(Problem {
                field: field(&p.field),
                message: format!("{at}{}", p.message),
                ..p
            });
        }
    }
    problems
}

/// The keys that set the project, and (but `budget`) a shot.
const PROJECT_KEYS: &[&str] = &[
    "budget",
    "tier",
    "channel",
    "aspect",
    "resolution",
    "duration",
    "audio",
    "fixed_lens",
];
/// The keys that only a shot has.
const SHOT_KEYS: &[&str] = &["chain", "seed", "image", "end_image", "media"];

/// `key: value` when the key is one a storyboard knows (case-insensitive), else `None`.
fn key_value(line: &str) -> Option<(String, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim().to_ascii_lowercase().replace('-', "_");
    let known = PROJECT_KEYS.contains(&key.as_str()) || SHOT_KEYS.contains(&key.as_str());
    known.then(|| (key, value.trim()))
}

/// One of a wire enum's values, named case-insensitively; else what is allowed.
fn one_of<T: Copy>(
    what: &str,
    value: &str,
    all: &[T],
    parse: fn(&str) -> Option<T>,
    name: fn(T) -> &'static str,
) -> Result<T, String> {
    parse(&value.to_ascii_lowercase()).ok_or_else(|| {
        let allowed: Vec<&str> = all.iter().map(|v| name(*v)).collect();
        format!("{value:?} is not {what}: use {}", allowed.join(", "))
    })
}

/// What a shot's or the project's setting says, into `settings`; an error for a person.
fn apply_setting(settings: &mut Settings, key: &str, value: &str) -> Result<(), String> {
    match key {
        "tier" => {
            settings.tier = Some(one_of(
                "a tier",
                value,
                QualityTier::ALL,
                QualityTier::parse,
                QualityTier::as_str,
            )?)
        }
        "channel" => {
            settings.channel = Some(one_of(
                "a channel",
                value,
                Channel::ALL,
                Channel::parse,
                Channel::as_str,
            )?)
        }
        "aspect" => {
            settings.aspect = Some(one_of(
                "an aspect ratio",
                value,
                AspectRatio::ALL,
                AspectRatio::parse,
                AspectRatio::as_str,
            )?)
        }
        "resolution" => {
            settings.resolution = Some(one_of(
                "a resolution",
                value,
                Resolution::ALL,
                Resolution::parse,
                Resolution::as_str,
            )?)
        }
        "duration" => {
            let secs = value.trim_end_matches(['s', 'S']).trim();
            settings.duration = Some(Seconds(
                secs.parse::<u8>()
                    .ok()
                    .filter(|s| ClipDuration::new(*s).is_some())
                    .ok_or_else(|| {
                        format!(
                            "must be {}–{} seconds; got {value:?}",
                            ClipDuration::MIN,
                            ClipDuration::MAX
                        )
                    })?,
            ))
        }
        "audio" => settings.audio = Some(on_off(value)?),
        "fixed_lens" => settings.fixed_lens = Some(on_off(value)?),
        _ => unreachable!("only setting keys come here"),
    }
    Ok(())
}

/// A switch as a person writes it.
fn on_off(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => Ok(true),
        "off" | "no" | "false" => Ok(false),
        _ => Err(format!(
            "{value:?} is not on or off (on, off, yes, no, true, false)"
        )),
    }
}

/// What a shot-only key says, into `shot`.
fn apply_shot_key(shot: &mut ShotPlan, key: &str, value: &str) -> Result<(), String> {
    match key {
        "chain" => {
            shot.chain = Chain::parse(value)
                .ok_or_else(|| format!("{value:?} is not a chain: use none, last-frame or clip"))?
        }
        "seed" => {
            shot.seed = Some(
                value
                    .parse()
                    .map_err(|_| format!("{value:?} is not a whole number"))?,
            )
        }
        "image" => shot.image = Some(value.to_string()),
        "end_image" => shot.end_image = Some(value.to_string()),
        "media" => shot.media.push(value.to_string()),
        other => apply_setting(&mut shot.settings, other, value)?,
    }
    Ok(())
}

/// A shot heading's title: `Shot 3: Inside` → `Inside`; any other heading as it is.
fn title_of(heading: &str) -> String {
    let heading = heading.trim();
    let lower = heading.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("shot") {
        let rest_raw = &heading[heading.len() - rest.len()..];
        let after_number = rest_raw
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_digit());
        if after_number.len() < rest_raw.trim_start().len() {
            return after_number
                .trim_start()
                .trim_start_matches([':', '-', '–', '.'])
                .trim()
                .to_string();
        }
    }
    heading.to_string()
}

fn markdown(text: &str) -> (Storyboard, ShotLines, Vec<Problem>) {
    let mut board = Storyboard::default();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let mut notes: Vec<&str> = Vec::new();
    let mut prompt: Vec<&str> = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut named_at: Option<usize> = None;

    fn finish(board: &mut Storyboard, prompt: &mut Vec<&str>) {
        if let Some(shot) = board.shots.last_mut() {
            shot.prompt = prompt.join("\n").trim().to_string();
        }
        prompt.clear();
    }

    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end();
        if let Some(heading) = line
            .strip_prefix("## ")
            .filter(|_| !line.starts_with("###"))
        {
            finish(&mut board, &mut prompt);
            board.shots.push(ShotPlan {
                title: title_of(heading),
                ..ShotPlan::default()
            });
            lines.push(Some(n));
            seen.clear();
            continue;
        }
        if let Some(name) = line.strip_prefix("# ") {
            match named_at {
                Some(first) => problems.push(Problem::new(
                    "name",
                    format!("line {n}: a second project name (the first is on line {first}); one project per file"),
                )),
                None if !board.shots.is_empty() => problems.push(Problem::new(
                    "name",
                    format!("line {n}: the project's name must come before the first shot"),
                )),
                None => {
                    board.name = name.trim().to_string();
                    named_at = Some(n);
                }
            }
            continue;
        }
        let in_shot = !board.shots.is_empty();
        let shot_no = board.shots.len();
        let field = |key: &str| {
            if in_shot {
                format!("shots[{shot_no}].{key}")
            } else {
                key.to_string()
            }
        };
        match key_value(line) {
            Some((key, value)) if in_shot || PROJECT_KEYS.contains(&key.as_str()) => {
                if key != "media" {
                    if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                        problems.push(Problem::new(
                            field(&key),
                            format!("line {n}: set twice (first on line {first})"),
                        ));
                        continue;
                    }
                    seen.push((key.clone(), n));
                }
                let result = if !in_shot {
                    if key == "budget" {
                        value
                            .parse::<u64>()
                            .map(|b| board.budget = Some(b))
                            .map_err(|_| format!("{value:?} is not a whole number of credits"))
                    } else {
                        apply_setting(&mut board.defaults, &key, value)
                    }
                } else if key == "budget" {
                    Err("budget is the project's: set it before the first shot".into())
                } else {
                    apply_shot_key(board.shots.last_mut().expect("in a shot"), &key, value)
                };
                if let Err(message) = result {
                    problems.push(Problem::new(field(&key), format!("line {n}: {message}")));
                }
            }
            _ if in_shot => prompt.push(line),
            _ => notes.push(line),
        }
    }
    finish(&mut board, &mut prompt);
    board.notes = notes.join("\n").trim().to_string();
    (board, lines, problems)
}

/// The CSV columns, besides the setting and shot keys.
const CSV_TEXT_COLUMNS: &[&str] = &["title", "prompt"];

fn csv_rows(text: &str) -> (Storyboard, ShotLines, Vec<Problem>) {
    let mut board = Storyboard::default();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().to_ascii_lowercase().replace('-', "_"))
            .collect(),
        Err(e) => {
            problems.push(Problem::new("storyboard", format!("line 1: {e}")));
            return (board, lines, problems);
        }
    };
    for column in &header {
        let known = CSV_TEXT_COLUMNS.contains(&column.as_str())
            || SHOT_KEYS.contains(&column.as_str())
            || (PROJECT_KEYS.contains(&column.as_str()) && column != "budget");
        if !known {
            problems.push(Problem::new(
                "storyboard",
                format!(
                    "line 1: unknown column {column:?}: use title, prompt, {}, {}",
                    PROJECT_KEYS[1..].join(", "),
                    SHOT_KEYS.join(", ")
                ),
            ));
        }
    }
    if !header.iter().any(|c| c == "prompt") {
        problems.push(Problem::new(
            "storyboard",
            "line 1: a CSV storyboard needs a prompt column",
        ));
    }
    if !problems.is_empty() {
        return (board, lines, problems);
    }
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(Problem::new("storyboard", format!("line {line}: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line()) as usize;
        let n = board.shots.len() + 1;
        let mut shot = ShotPlan::default();
        for (column, value) in header.iter().zip(record.iter()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let result = match column.as_str() {
                "title" => {
                    shot.title = value.to_string();
                    Ok(())
                }
                "prompt" => {
                    shot.prompt = value.to_string();
                    Ok(())
                }
                // Several media URLs in one cell, separated by spaces.
                "media" => {
                    shot.media
                        .extend(value.split_whitespace().map(str::to_string));
                    Ok(())
                }
                key => apply_shot_key(&mut shot, key, value),
            };
            if let Err(message) = result {
                problems.push(Problem::new(
                    format!("shots[{n}].{column}"),
                    format!("line {line}: {message}"),
                ));
            }
        }
        board.shots.push(shot);
        lines.push(Some(line));
    }
    (board, lines, problems)
}

mod write;
pub use write::write;

#[cfg(test)]
mod tests;
