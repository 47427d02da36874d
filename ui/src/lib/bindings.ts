// Generated from the Rust types by src-tauri/src/bindings.rs; do not edit by hand.
// Regenerate with: UPDATE_BINDINGS=1 cargo test -p seedance-studio bindings

import type { Channel as IpcChannel } from "@tauri-apps/api/core";

export type ProblemCode = "prompt_length" | "resolution_needs_pro" | "seed_range" | "seed_not_on_real" | "seed_not_on_mini" | "start_frame_required" | "media_required" | "too_many_media" | "asset_url" | "not_a_url" | "no_host" | "http_only_loopback" | "not_https";

export type Problem = { 
/**
 * The request field, e.g. `prompt` or `media_urls[3]`.
 */
field: string, 
/**
 * What is wrong and what is allowed, for a person (in English).
 */
message: string, 
/**
 * The rule, for a front end that says it in another language; none for problems
 * found outside the request table (a batch file's line, an id).
 */
code: ProblemCode | null, 
/**
 * The values the message names, by name (see [`ProblemCode`]).
 */
params: { [key in string]: string }, };

export type ErrorCode = "setup" | "needs_key" | "invalid_input" | "offline" | "refused" | "needs_confirmation" | "over_limit" | "needs_storage" | "may_charge_twice" | "internal";

export type MoneyRule = "spend_guard" | "max_credits" | "project_budget" | "allowance";

export type OverLimit = { rule: MoneyRule, estimated_credits: number, limit: number, };

export type IpcError = { code: ErrorCode, message: string, 
/**
 * The input field at fault, for `invalid_input`.
 */
field: string | null, 
/**
 * Every problem with the input, by field, for `invalid_input` (the first is `field`).
 */
problems: Array<Problem>, 
/**
 * The rule and numbers, when a money rule refused (the spend guard included).
 */
over_limit: OverLimit | null, };

export type ConnectionMode = "live" | "sandbox";

export type ConnectionInfo = { mode: ConnectionMode, base_url: string, 
/**
 * True when `SEEDANCE_BASE_URL` chose the base URL for this process.
 */
base_url_from_env: boolean, };

export type AppInfo = { name: string, version: string, identifier: string, data_dir: string, connection: ConnectionInfo | null, 
/**
 * Why the app is not in the mode chosen last time, or why no mode could start.
 */
notice: string | null, 
/**
 * Where the media server serves renders (`http://127.0.0.1:PORT/TOKEN`).
 */
media_base: string | null, };

export type KeySource = "environment" | "keychain" | "none";

export type KeyStatus = { 
/**
 * Where the Live key comes from: `environment` overrides the keychain.
 */
source: KeySource, 
/**
 * Whether the keychain holds a key (false when it could not be asked).
 */
stored: boolean, 
/**
 * Why the keychain could not be used, and what to do.
 */
keychain_problem: string | null, };

export type KeyCheck = { valid: boolean, 
/**
 * The Live base URL that was asked.
 */
base_url: string, message: string, };

export type Mode = "text-to-video" | "image-to-video" | "media-to-video";

export type QualityTier = "mini" | "standard" | "pro";

export type Channel = "standard" | "real" | "wild";

export type AspectRatio = "1:1" | "21:9" | "4:3" | "3:4" | "16:9" | "9:16" | "adaptive";

export type Resolution = "720p" | "1080p" | "1080p-plus" | "4k";

export type ComposerDefaults = { mode: Mode, quality_tier: QualityTier, channel: Channel, aspect_ratio: AspectRatio, duration_secs: number, resolution: Resolution, generate_audio: boolean, fixed_lens: boolean, };

export type Theme = "system" | "light" | "dark";

export type Language = "system" | "en" | "ja";

export type Settings = { 
/**
 * The Live service's base URL.
 */
base_url: string, composer: ComposerDefaults, 
/**
 * Requests per window the engine keeps back from the account's limit.
 */
budget_margin: number, 
/**
 * Ask before a submission (or batch) above this many credits; `None` never asks.
 */
spend_guard_credits: number | null, language: Language, theme: Theme, notify_when_ready: boolean, 
/**
 * Where local reference files are uploaded; None until set up.
 */
storage: StorageSettings | null, 
/**
 * A Live host other than the service's own that the person confirmed, entering the
 * key for it ([`Settings::key_may_go_to_base`]). Set only by that confirmation.
 */
confirmed_base_host: string | null, };

export type GenerationRequest = { mode?: Mode, quality_tier?: QualityTier, channel?: Channel, prompt: string, aspect_ratio?: AspectRatio, 
/**
 * Seconds as a string, `"4"` to `"15"`, as on the wire.
 */
duration?: string, resolution?: Resolution, image_url?: string | null, end_image_url?: string | null, media_urls?: Array<string>, generate_audio?: boolean, fixed_lens?: boolean, seed?: number | null, };

export type LintKind = "asset_url" | "asset_id" | "in_app_label" | "start_frame_role" | "end_frame_role" | "media_role";

export type LintWarning = { 
/**
 * Which advice, so a front end can say it in its own language.
 */
kind: LintKind, 
/**
 * The advice in English.
 */
message: string, 
/**
 * The word of the prompt it is about (for `in_app_label` and `asset_id`).
 */
token: string | null, };

export type Basis = { "kind": "history", job_id: string, } | { "kind": "account", factor_permille: number, job_id: string, } | { "kind": "rates", observed: boolean, } | { "kind": "published" };

export type Estimate = { credits: number, basis: Basis, };

export type ChoicePrice = { value: string, credits: number, };

export type ChoicePrices = { quality_tier: Array<ChoicePrice>, resolution: Array<ChoicePrice>, channel: Array<ChoicePrice>, };

export type DraftCheck = { 
/**
 * Every broken rule, by field; empty when the draft can be sent.
 */
problems: Array<Problem>, 
/**
 * Advice from the vendor's prompt guide; the draft can be sent anyway.
 */
lint: Array<LintWarning>, estimate: Estimate, 
/**
 * What it would cost with each tier, resolution and channel instead.
 */
choices: ChoicePrices, 
/**
 * The spend guard in force (ask above this many credits), if any.
 */
spend_guard: number | null, };

export type JobState = "draft" | "queued" | "submitting" | "processing" | "downloading" | "ready" | "expired" | "failed" | "needs_attention";

export type Attention = { "code": "outcome_unknown", hours: number, } | { "code": "key_refused" } | { "code": "balance_too_low" } | { "code": "redirect_refused" } | { "code": "downloads_failing", attempts: number, error: string, } | { "code": "task_unknown", task_id: string, };

export type DeliveryField = "resolution" | "aspect_ratio" | "duration" | "generate_audio";

export type Mismatch = { field: DeliveryField, 
/**
 * `1080p`, `9:16`, `6s`, `audio`.
 */
asked: string, 
/**
 * `720x1280`, `4.0s`, `no audio`.
 */
got: string, };

export type Delivery = { width: number, height: number, 
/**
 * Frames per second.
 */
fps: number, 
/**
 * How long the picture lasts.
 */
duration_s: number, 
/**
 * Short codec names: `h264`, `hevc`, `aac`, …
 */
video_codec: string, audio_codec: string | null, has_audio: boolean, mismatches: Array<Mismatch>, 
/**
 * Why the file could not be read as video (then the figures above are zero).
 */
unreadable?: string | null, 
/**
 * When it was probed, ms since the epoch.
 */
probed_at: number, };

export type TagCount = { tag: string, renders: number, };

export type Pack = { job_id: string, path: string, files: Array<string>, bytes: number, };

export type JobSummary = { id: string, 
/**
 * A generation, or a project's assembled cut.
 */
kind: RenderKind, state: JobState, prompt: string, task_id: string | null, mode: Mode, quality_tier: QualityTier, channel: Channel, resolution: Resolution, aspect_ratio: AspectRatio, duration: number, 
/**
 * Milliseconds since the epoch.
 */
created_at: number, updated_at: number, 
/**
 * When the service accepted it, and how long renders like it took (for progress).
 */
submitted_at: number | null, expected_ms: number | null, favourite: boolean, 
/**
 * Whether the video and the last frame are saved locally.
 */
has_video: boolean, has_frame: boolean, credits_used: number | null, credits_refunded: number | null, 
/**
 * The seed the service used (for "reuse seed").
 */
seed: number | null, error_message: string | null, 
/**
 * Why it waits for a person, in English (also for records made before codes)…
 */
attention_reason: string | null, 
/**
 * …and as a code with its values, for the front end to say in its language.
 */
attention: Attention | null, 
/**
 * What the downloaded video holds against what was asked (`None` until probed).
 */
delivery: Delivery | null, 
/**
 * A person's tags, alphabetical.
 */
tags: Array<string>, 
/**
 * A person's judgement: 1 to 5 stars, and rejected or not.
 */
rating: number | null, rejected: boolean, };

export type Action = "retry" | "resend" | "give_up";

export type StateChange = { 
/**
 * Position in the shared event log.
 */
id: number, at: number, job_id: string, state: JobState, 
/**
 * What happened, for a person.
 */
detail: string | null, };

export type ByteProgress = { at: number, job_id: string, done: number, 
/**
 * The size, when the server said it.
 */
total: number | null, };

export type JobEvent = { "kind": "changed" } & StateChange | { "kind": "progress" } & ByteProgress;

export type Probe = { 
/**
 * `image` or `video`.
 */
kind: string, content_type: string, 
/**
 * For videos: whether the host answers Range requests.
 */
range_ok: boolean | null, 
/**
 * For images: a JPEG preview as a `data:` URL (at most 320 px wide).
 */
preview: string | null, };

export type Filter = { 
/**
 * Words or characters to find in prompts.
 */
search: string | null, mode: Mode | null, quality_tier: QualityTier | null, state: JobState | null, 
/**
 * Created at or after, ms since the epoch.
 */
from: number | null, 
/**
 * Created before, ms since the epoch.
 */
until: number | null, favourites_only: boolean, 
/**
 * Only the takes and cuts of this project (its id or exact name).
 */
project: string | null, 
/**
 * Only renders whose video is not what was asked (the delivery check).
 */
mismatched_only: boolean, 
/**
 * Only renders with this tag (any case). A search of `#tag` is the same.
 */
tag: string | null, };

export type Cursor = { created_at: number, id: string, };

export type DayCredits = { 
/**
 * `YYYY-MM-DD`
 */
day: string, used: number, refunded: number, };

export type BudgetStatus = { 
/**
 * Requests made in the last window, by every process on the folder.
 */
used: number, 
/**
 * What the budget allows per window (after its margin).
 */
limit: number, window_ms: number, 
/**
 * When a 429 pause ends (ms since the epoch), if one is in force.
 */
paused_until: number | null, };

export type RenderKind = "generation" | "cut";

export type LibraryPage = { items: Array<JobSummary>, next: Cursor | null, };

export type RenderLink = { id: string, prompt: string, state: string, };

export type ExtendFrom = "clip" | "frame";

export type Extension = { job_id: string, from: ExtendFrom, };

export type JobDetail = { summary: JobSummary, 
/**
 * Every parameter it was sent with (defaults filled in).
 */
request: GenerationRequest | null, video_url: string | null, last_frame_url: string | null, video_path: string | null, frame_path: string | null, video_bytes: number | null, completed_at: number | null, retry_of: string | null, 
/**
 * The `seedance` command that renders it again.
 */
command: string, 
/**
 * The render this one continues (while it is in the history), from its `clip` or last
 * `frame`; and the renders that continue this one.
 */
extends: RenderLink | null, extends_from: string | null, extended_by: Array<RenderLink>, };

export type CreditsSummary = { days: Array<DayCredits>, used: number, refunded: number, disk_bytes: number, };

export type ImportResult = { added: number, skipped: number, };

export type StorageSettings = { 
/**
 * e.g. `https://s3.eu-west-1.amazonaws.com`, `https://<account>.r2.cloudflarestorage.com`
 */
endpoint: string, region: string, bucket: string, 
/**
 * Prepended to every key, e.g. `seedance/`.
 */
prefix: string, access_key_id: string, 
/**
 * How long the presigned GET URL handed to the service lives, in hours.
 */
url_hours: number, 
/**
 * Keep uploaded files after the render that used them has finished.
 */
keep_uploads: boolean, };

export type LocalReference = { 
/**
 * A presigned https URL the service can fetch.
 */
url: string, key: string, 
/**
 * The same content was in the storage already.
 */
reused: boolean, warnings: Array<string>, };

export type Chain = "none" | "last-frame" | "clip";

export type Seconds = number;

export type ShotSettings = { tier?: QualityTier | null, channel?: Channel | null, aspect?: AspectRatio | null, resolution?: Resolution | null, 
/**
 * Seconds, 4 to 15 (a number, or a string as the API takes it).
 */
duration?: Seconds | null, audio?: boolean | null, 
/**
 * Keep the camera still (the API's `fixed_lens`).
 */
fixed_lens?: boolean | null, };

export type ShotDirection = { subject: string, action: string, scene: string, camera: string, style: string, 
/**
 * Beats within the clip, in order.
 */
shots: Array<string>, constraints: Array<string>, extra: string, };

export type EditTime = number;

export type TransitionKind = "cut" | "crossfade";

export type ShotEdit = { 
/**
 * Where the shot starts within its take (unset: the take's start).
 */
in?: EditTime | null, 
/**
 * Where it ends, exclusive (unset: the take's end).
 */
out?: EditTime | null, 
/**
 * Into the next shot.
 */
transition: TransitionKind, 
/**
 * A crossfade's length.
 */
seconds?: EditTime | null, };

export type ShotPlan = { title: string, prompt: string, chain?: Chain, seed?: number | null, settings?: ShotSettings, 
/**
 * A start frame (public https URL).
 */
image?: string | null, end_image?: string | null, media?: Array<string>, 
/**
 * The director's fields the prompt was built from, when it was directed in the
 * composer (the prompt is what is sent; these are kept to direct it again).
 */
direction?: ShotDirection | null, 
/**
 * Its edit decisions in the project's cut (in and out points, the transition into the
 * next shot).
 */
edit?: ShotEdit, };

export type ShotStatus = "draft" | "waiting" | "queued" | "rendering" | "ready" | "failed" | "stale";

export type NeedCode = "storage" | "local_copy" | "reference";

export type ShotNeed = { code: NeedCode, 
/**
 * The take it is chained from.
 */
source_job: string, 
/**
 * The same in English words.
 */
message: string, };

export type TakeView = { job_id: string, 
/**
 * Where its job stands; `None` once the render was deleted from the Library.
 */
status: JobState | null, selected: boolean, rating: number | null, rejected: boolean, 
/**
 * Made from a take of the shot before that is no longer the selected one.
 */
stale: boolean, video_path: string | null, credits_used: number | null, };

export type ShotView = { 
/**
 * 1 for the first.
 */
index: number, title: string, prompt: string, chain: Chain, 
/**
 * Where it differs from the project.
 */
settings: ShotSettings, seed: number | null, image: string | null, end_image: string | null, media: Array<string>, 
/**
 * The director's fields its prompt was built from, when it was directed.
 */
direction: ShotDirection | null, status: ShotStatus, 
/**
 * What it needs before it can be sent, when its last try could not be.
 */
needs: ShotNeed | null, 
/**
 * Its edit decisions in the cut: in and out points, the transition into the next.
 */
edit: ShotEdit, takes: Array<TakeView>, };

export type ProjectView = { id: string, name: string, notes: string, budget: number | null, 
/**
 * Credits its renders were charged, less refunds.
 */
spent: number, defaults: ShotSettings, created_at: number, 
/**
 * Its render is on (asked for, not stopped).
 */
rendering: boolean, shots: Array<ShotView>, };

export type ProjectSummary = { id: string, name: string, budget: number | null, spent: number, shots: number, ready: number, created_at: number, };

export type ShotEstimate = { index: number, 
/**
 * Takes still to render to have the number asked for.
 */
takes: number, estimated_credits: number, 
/**
 * What one take costs, and where the figure comes from.
 */
per_take: Estimate, };

export type ProjectEstimate = { budget: number | null, spent: number, estimated_credits: number, 
/**
 * The budget less what was spent (`None` without a budget).
 */
remaining: number | null, shots: Array<ShotEstimate>, };

export type RenderStart = { estimate: ProjectEstimate, 
/**
 * Takes sent at once (the rest follow as the takes they are chained from are ready).
 */
sent: number, project: ProjectView, };

export type CutShotView = { index: number, title: string, 
/**
 * Its selected, ready take (`None`: nothing to show yet).
 */
job_id: string | null, 
/**
 * How long that take's picture lasts.
 */
take_s: number | null, 
/**
 * The part of it the cut shows, in seconds within the take (out exclusive).
 */
in_s: number, out_s: number, transition: TransitionKind, 
/**
 * Seconds of crossfade into the next shot (0 for a cut).
 */
crossfade_s: number, 
/**
 * Where it starts in the cut.
 */
at_s: number, };

export type CutView = { 
/**
 * Every shot has a ready take to use: the cut can be assembled.
 */
complete: boolean, duration_s: number, width: number, height: number, fps: number, shots: Array<CutShotView>, };

export type Assembly = { 
/**
 * The cut as a render in the Library (kind `cut`).
 */
job_id: string, output: string, duration_s: number, 
/**
 * Joined without re-encoding.
 */
stream_copy: boolean, width: number, height: number, otio: string | null, fcpxml: string | null, edl: string | null, };

export type EditExport = { otio: string | null, fcpxml: string | null, edl: string | null, };

export type AssemblyProgress = { done_s: number, total_s: number, };

/** Every code a problem with a request can have. */
export const PROBLEM_CODES: ProblemCode[] = [
  "prompt_length",
  "resolution_needs_pro",
  "seed_range",
  "seed_not_on_real",
  "seed_not_on_mini",
  "start_frame_required",
  "media_required",
  "too_many_media",
  "asset_url",
  "not_a_url",
  "no_host",
  "http_only_loopback",
  "not_https",
];

/** Every IPC command the app registers, with the arguments the page sends and what it
 * answers, from the commands' Rust signatures. */
export interface Commands {
  app_info: { args: Record<string, never>; returns: AppInfo };
  app_quit: { args: Record<string, never>; returns: void };
  budget_status: { args: Record<string, never>; returns: BudgetStatus };
  connection_set: { args: { mode: ConnectionMode }; returns: AppInfo };
  credits_summary: { args: Record<string, never>; returns: CreditsSummary };
  diagnostics_export: { args: Record<string, never>; returns: string };
  draft_check: { args: { draft: GenerationRequest; extends?: Extension | null }; returns: DraftCheck };
  frame_reference: { args: { id: string; atS: number; progress: IpcChannel<[number, number]> }; returns: LocalReference };
  draft_load: { args: Record<string, never>; returns: unknown | null };
  draft_save: { args: { draft: unknown }; returns: void };
  job_act: { args: { id: string; action: Action; confirmed: boolean; acceptDoubleCharge?: boolean | null }; returns: JobSummary };
  job_delete: { args: { id: string; confirmed: boolean }; returns: void };
  job_detail: { args: { id: string }; returns: JobDetail };
  job_evidence: { args: { id: string }; returns: Pack | null };
  job_download: { args: { id: string }; returns: string | null };
  job_favourite: { args: { id: string; favourite: boolean }; returns: void };
  job_judge: { args: { id: string; rating?: number | null; rejected: boolean }; returns: void };
  job_submit: { args: { draft: GenerationRequest; confirmedSpend: boolean; extends?: Extension | null; submissionId?: string | null }; returns: JobSummary };
  job_tag: { args: { id: string; tags: Array<string> }; returns: Array<string> };
  job_untag: { args: { id: string; tags: Array<string> }; returns: Array<string> };
  jobs_recent: { args: { limit: number }; returns: Array<JobSummary> };
  key_clear: { args: Record<string, never>; returns: KeyStatus };
  key_save: { args: { key: string }; returns: KeyStatus };
  key_status: { args: Record<string, never>; returns: KeyStatus };
  key_test: { args: Record<string, never>; returns: KeyCheck };
  library_export: { args: Record<string, never>; returns: string | null };
  library_import: { args: Record<string, never>; returns: ImportResult | null };
  library_page: { args: { filter: Filter; after?: Cursor | null; limit: number }; returns: LibraryPage };
  open_url: { args: { url: string }; returns: void };
  page_notice: { args: { area: string }; returns: string | null };
  project_assemble: { args: { project: string }; returns: Assembly };
  project_assemble_cancel: { args: Record<string, never>; returns: void };
  project_budget: { args: { project: string; credits?: number | null }; returns: ProjectView };
  project_cut: { args: { project: string }; returns: CutView };
  project_estimate: { args: { project: string; takes: number }; returns: ProjectEstimate };
  project_export_edit: { args: { project: string }; returns: EditExport | null };
  project_get: { args: { project: string }; returns: ProjectView };
  project_new: { args: { name: string }; returns: ProjectView };
  project_import: { args: Record<string, never>; returns: ProjectView | null };
  project_render: { args: { project: string; takes: number; canary: boolean; confirmedSpend: boolean }; returns: RenderStart };
  project_select: { args: { project: string; shot: number; job: string }; returns: ProjectView };
  project_stop: { args: { project: string }; returns: ProjectView };
  project_transition: { args: { project: string; index: number; kind: TransitionKind; seconds?: number | null }; returns: ProjectView };
  project_trim: { args: { project: string; index: number; inS?: number | null; outS?: number | null }; returns: ProjectView };
  projects_list: { args: Record<string, never>; returns: Array<ProjectSummary> };
  shot_add: { args: { project: string; index: number; plan: ShotPlan }; returns: ProjectView };
  shot_check: { args: { project: string; index: number; plan: ShotPlan }; returns: DraftCheck };
  shot_delete: { args: { project: string; index: number }; returns: ProjectView };
  shot_duplicate: { args: { project: string; index: number }; returns: ProjectView };
  shot_move: { args: { project: string; index: number; to: number }; returns: ProjectView };
  shot_update: { args: { project: string; index: number; plan: ShotPlan }; returns: ProjectView };
  take_judge: { args: { project: string; job: string; rating?: number | null; rejected: boolean }; returns: ProjectView };
  reference_file: { args: Uint8Array; returns: LocalReference };
  reference_local: { args: { url: string; progress: IpcChannel<[number, number]> }; returns: LocalReference };
  reference_probe: { args: { url: string }; returns: Probe };
  render_reference: { args: { id: string; which: ExtendFrom; progress: IpcChannel<[number, number]> }; returns: LocalReference };
  reveal_render: { args: { id: string }; returns: void };
  settings_get: { args: Record<string, never>; returns: Settings };
  settings_save: { args: { settings: Settings; hostKey?: string | null }; returns: Settings };
  storage_check: { args: Record<string, never>; returns: void };
  storage_secret_save: { args: { secret: string }; returns: void };
  tags_list: { args: Record<string, never>; returns: Array<TagCount> };
}

/** The name of every IPC command the app registers. */
export type Command = keyof Commands;
