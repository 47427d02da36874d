// Generated from the Rust types by src-tauri/src/bindings.rs; do not edit by hand.
// Regenerate with: UPDATE_BINDINGS=1 cargo test -p seedance-studio bindings

export type ErrorCode = "setup" | "needs_key" | "invalid_input" | "offline" | "refused" | "internal";

export type IpcError = { code: ErrorCode, message: string, 
/**
 * The input field at fault, for `invalid_input`.
 */
field: string | null, };

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

export type Language = "en" | "ja";

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
