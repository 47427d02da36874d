//! What the command prints: one JSON document on stdout with `--json`, readable lines
//! otherwise; progress always on stderr (a live line when stderr is a terminal).

use std::io::{IsTerminal, Write};

use serde::Serialize;
use studio::desk::GenerationRequest;
use studio::{Job, JobState};

/// Every request parameter, defaults included.
#[derive(Debug, Serialize)]
pub struct RequestView {
    pub prompt: String,
    pub mode: &'static str,
    pub quality_tier: &'static str,
    pub channel: &'static str,
    pub aspect_ratio: &'static str,
    pub duration: u8,
    pub resolution: &'static str,
    pub generate_audio: bool,
    pub fixed_lens: bool,
    pub seed: Option<i64>,
    pub image_url: Option<String>,
    pub end_image_url: Option<String>,
    pub media_urls: Vec<String>,
}

impl From<&GenerationRequest> for RequestView {
    fn from(r: &GenerationRequest) -> Self {
        Self {
            prompt: r.prompt.clone(),
            mode: r.mode.as_str(),
            quality_tier: r.quality_tier.as_str(),
            channel: r.channel.as_str(),
            aspect_ratio: r.aspect_ratio.as_str(),
            duration: r.duration.seconds(),
            resolution: r.resolution.as_str(),
            generate_audio: r.generate_audio,
            fixed_lens: r.fixed_lens,
            seed: r.seed,
            image_url: r.image_url.clone(),
            end_image_url: r.end_image_url.clone(),
            media_urls: r.media_urls.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ErrorView {
    pub code: Option<String>,
    pub message: String,
}

/// A job as `--json` shows it.
#[derive(Debug, Serialize)]
pub struct JobView {
    pub job_id: String,
    /// `generation`, or `cut` for a project's assembled cut.
    pub kind: studio::job::RenderKind,
    /// The project a cut was assembled from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    pub task_id: Option<String>,
    pub status: JobState,
    pub request: Option<RequestView>,
    pub credits_used: Option<i64>,
    pub credits_refunded: Option<i64>,
    pub seed: Option<i64>,
    pub video_url: Option<String>,
    pub last_frame_url: Option<String>,
    pub video_path: Option<String>,
    pub last_frame_path: Option<String>,
    pub error: Option<ErrorView>,
    /// For needs_attention: what a person must decide.
    pub attention: Option<String>,
    pub retry_of: Option<String>,
    /// What the downloaded video holds against what was asked (absent until probed).
    pub delivery: Option<studio::delivery::Delivery>,
    /// A person's tags, alphabetical.
    pub tags: Vec<String>,
    /// A person's judgement: 1 to 5 stars (or none), and rejected or not.
    pub rating: Option<i64>,
    pub rejected: bool,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&Job> for JobView {
    fn from(j: &Job) -> Self {
        let request = serde_json::from_str::<GenerationRequest>(&j.request_body)
            .ok()
            .map(|r| RequestView::from(&r));
        let error = match (&j.error_code, &j.error_message) {
            (None, None) => None,
            (code, message) => Some(ErrorView {
                code: code.clone(),
                message: message.clone().unwrap_or_default(),
            }),
        };
        Self {
            job_id: j.id.clone(),
            kind: j.kind,
            project_id: j.project_id.clone(),
            task_id: j.task_id.clone(),
            status: j.state(),
            request,
            credits_used: j.credits_used,
            // Once the service has charged, "nothing refunded" is 0, not unknown.
            credits_refunded: j.credits_refunded.or(j.credits_used.map(|_| 0)),
            seed: j.seed,
            video_url: j.video_url.clone(),
            last_frame_url: j.last_frame_url.clone(),
            video_path: j.video_path.clone(),
            last_frame_path: j.frame_path.clone(),
            error,
            attention: j.attention_reason.clone(),
            retry_of: j.retry_of.clone(),
            delivery: j.delivery.as_ref().map(|d| d.0.clone()),
            tags: j.tags.clone(),
            rating: j.rating,
            rejected: j.rejected,
            created_at: j.created_at,
            updated_at: j.updated_at,
        }
    }
}

/// One line: id, state, task, settings, prompt.
pub fn job_line(j: &Job) -> String {
    let prompt: String = j.prompt.chars().take(60).collect();
    let more = if j.prompt.chars().count() > 60 {
        "…"
    } else {
        ""
    };
    format!(
        "{}  {:<15} {}  {} {} {}s {}  {prompt}{more}",
        j.id,
        j.state().as_str(),
        j.task_id.as_deref().unwrap_or("-"),
        j.quality_tier,
        j.resolution,
        j.duration,
        j.aspect_ratio,
    )
}

/// What a render's video holds, and what differs from what was asked.
pub fn delivery_line(d: &studio::delivery::Delivery) -> String {
    if let Some(why) = &d.unreadable {
        return format!("could not be read: {why}");
    }
    let audio = d.audio_codec.as_deref().unwrap_or("no audio");
    let facts = format!(
        "{}x{} · {} fps · {:.1} s · {} · {audio}",
        d.width, d.height, d.fps, d.duration_s, d.video_codec
    );
    if d.mismatches.is_empty() {
        return format!("{facts} (as asked)");
    }
    let wrong: Vec<String> = d
        .mismatches
        .iter()
        .map(|m| format!("asked {}, got {}", m.asked, m.got))
        .collect();
    format!("{facts} — NOT AS ASKED: {}", wrong.join("; "))
}

/// Several lines: everything a person wants to know about one job.
pub fn job_details(j: &Job) -> String {
    let v = JobView::from(j);
    let mut out = format!("job {}  {}\n", v.job_id, v.status.as_str());
    let mut line = |label: &str, value: String| out.push_str(&format!("  {label:<11} {value}\n"));
    if let Some(task) = &v.task_id {
        line("task", task.clone());
    }
    if let Some(r) = &v.request {
        line("prompt", r.prompt.clone());
        line(
            "settings",
            format!(
                "{} · {} tier · {} channel · {} · {} s · {} · audio {} · lens {}",
                r.mode,
                r.quality_tier,
                r.channel,
                r.aspect_ratio,
                r.duration,
                r.resolution,
                if r.generate_audio { "on" } else { "off" },
                if r.fixed_lens { "fixed" } else { "free" },
            ),
        );
        if let Some(u) = &r.image_url {
            line("start", u.clone());
        }
        if let Some(u) = &r.end_image_url {
            line("end", u.clone());
        }
        for u in &r.media_urls {
            line("media", u.clone());
        }
    }
    if v.credits_used.is_some() || v.credits_refunded.is_some() {
        line(
            "credits",
            format!(
                "{} used, {} refunded",
                v.credits_used.unwrap_or(0),
                v.credits_refunded.unwrap_or(0)
            ),
        );
    }
    if let Some(seed) = v.seed {
        line("seed", seed.to_string());
    }
    if let Some(p) = &v.video_path {
        line("video", p.clone());
    }
    if let Some(d) = &v.delivery {
        line("delivered", delivery_line(d));
    }
    if !v.tags.is_empty() {
        line("tags", v.tags.join(", "));
    }
    if let Some(p) = &v.last_frame_path {
        line("last frame", p.clone());
    }
    if let Some(e) = &v.error {
        line(
            "error",
            match &e.code {
                Some(code) => format!("{} ({code})", e.message),
                None => e.message.clone(),
            },
        );
    }
    if let Some(a) = &v.attention {
        line("decide", a.clone());
    }
    if let Some(r) = &v.retry_of {
        line("retry of", r.clone());
    }
    out
}

/// Prints `value` as the command's one JSON document.
pub fn print_json(value: &impl Serialize) {
    let text = serde_json::to_string_pretty(value).expect("output serialises");
    println!("{}", studio::logging::scrub(&text));
}

/// Progress on stderr: a live line on a terminal, one line per change otherwise.
pub struct Progress {
    live: bool,
    shown: bool,
}

impl Progress {
    pub fn new() -> Self {
        Self {
            live: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    /// A state change or a download step of one job.
    pub fn note(&mut self, text: &str) {
        let mut err = std::io::stderr().lock();
        if self.live {
            let _ = write!(err, "\r\x1b[2K{text}");
            self.shown = true;
        } else {
            let _ = writeln!(err, "{text}");
        }
        let _ = err.flush();
    }

    /// A bar for `done` of `total` jobs, with the latest news.
    pub fn bar(&mut self, done: usize, total: usize, news: &str) {
        if !self.live {
            return;
        }
        const WIDTH: usize = 24;
        let filled = (done * WIDTH).checked_div(total).unwrap_or(0);
        let bar = format!("[{}{}]", "#".repeat(filled), "-".repeat(WIDTH - filled));
        self.note(&format!("{bar} {done}/{total}  {news}"));
    }

    /// Ends the live line so the next output starts on its own line.
    pub fn finish(&mut self) {
        if self.live && self.shown {
            eprintln!();
            self.shown = false;
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}
