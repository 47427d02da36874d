// Generated from the Rust types by src-tauri/src/bindings.rs; do not edit by hand.
// Regenerate with: UPDATE_BINDINGS=1 cargo test -p seedance-studio bindings

export type ErrorCode = "setup" | "internal";

export type IpcError = { code: ErrorCode, message: string, };

export type ConnectionMode = "live";

export type Connection = { mode: ConnectionMode, base_url: string, 
/**
 * True when `SEEDANCE_BASE_URL` chose the base URL for this process.
 */
base_url_from_env: boolean, };

export type AppInfo = { name: string, version: string, identifier: string, data_dir: string, connection: Connection, };
