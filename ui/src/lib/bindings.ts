// Generated from the Rust types by src-tauri/src/bindings.rs; do not edit by hand.
// Regenerate with: UPDATE_BINDINGS=1 cargo test -p seedance-studio bindings

export type Problem = { 
/**
 * The request field, e.g. `prompt` or `media_urls[3]`.
 */
field: string, 
/**
 * What is wrong and what is allowed, for a person.
 */
message: string, };

export type ErrorCode = "setup" | "needs_key" | "invalid_input" | "offline" | "refused" | "needs_confirmation" | "needs_storage" | "internal";

export type IpcError = { code: ErrorCode, message: string, 
/**
 * The input field at fault, for `invalid_input`.
 */
field: string | null, 
/**
 * Every problem with the input, by field, for `invalid_input` (the first is `field`).
 */
problems: Array<Problem>, };

export type ConnectionMode = "live" | "sandbox";

export type ConnectionInfo = { mode: ConnectionMode, base_url: string, 
/**
 * True when `SEEDANCE_BASE_URL` chose the base URL for this process.
 */
base_url_from_env: boolean, };

export type AppInfo = { name: string, version: string, identifier: string, data_dir: string, 
/**
 * None when no mode could start; `notice` then says why.
 */
connection: ConnectionInfo | null, notice: string | null, };

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

export type KeyCheck = { valid: boolean, message: string, };

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
spend_guard_credits: number | null, language: Language, theme: Theme, notify_when_ready: boolean, };

export type GenerationRequest = { mode?: Mode, quality_tier?: QualityTier, channel?: Channel, prompt: string, aspect_ratio?: AspectRatio, 
/**
 * Seconds as a string, `"4"` to `"15"`, as on the wire.
 */
duration?: string, resolution?: Resolution, image_url?: string | null, end_image_url?: string | null, media_urls?: Array<string>, generate_audio?: boolean, fixed_lens?: boolean, seed?: number | null, };

export type LintKind = "asset_url" | "asset_id" | "in_app_label" | "start_frame_role" | "end_frame_role" | "media_role";

export type LintWarning = { kind: LintKind, message: string, };

export type Basis = { "kind": "history", job_id: string, } | { "kind": "published" } | { "kind": "scaled" };

export type Estimate = { credits: number, basis: Basis, };

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
 * The spend guard in force (ask above this many credits), if any.
 */
spend_guard: number | null, };

export type JobState = "draft" | "queued" | "submitting" | "processing" | "downloading" | "ready" | "expired" | "failed" | "needs_attention";

export type JobSummary = { id: string, state: JobState, prompt: string, task_id: string | null, mode: string, quality_tier: string, resolution: string, aspect_ratio: string, duration: number, 
/**
 * Milliseconds since the epoch.
 */
created_at: number, updated_at: number, credits_used: number | null, credits_refunded: number | null, 
/**
 * The seed the service used (for "reuse seed").
 */
seed: number | null, error_message: string | null, attention_reason: string | null, };

export type JobEvent = { 
/**
 * Position in the shared event log.
 */
id: number, at: number, job_id: string, state: string, 
/**
 * What happened, for a person.
 */
detail: string | null, };

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
