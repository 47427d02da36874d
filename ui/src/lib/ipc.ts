// The only module that talks to the Rust side. Every IPC call goes through `call`, so
// errors reach the views in one shape ({code, message}) and the command names live here.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo, ConnectionMode, ErrorCode, IpcError, KeyCheck, KeyStatus, Settings } from "./bindings";

export type { AppInfo, ConnectionMode, IpcError, KeyCheck, KeyStatus, Settings };

/** Turns whatever an `invoke` rejected with into an IpcError the views can show. */
export function toIpcError(raw: unknown): IpcError {
  if (raw && typeof raw === "object" && "code" in raw && "message" in raw) {
    const { code, message, field } = raw as { code: unknown; message: unknown; field?: unknown };
    if (typeof code === "string" && typeof message === "string") {
      return { code: code as ErrorCode, message, field: typeof field === "string" ? field : null };
    }
  }
  const message =
    typeof raw === "string" ? raw : raw instanceof Error ? raw.message : "Unexpected error from the app core";
  return { code: "internal", message, field: null };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toIpcError(raw);
  }
}

/** Version, identifier, data folder and the API the app talks to. */
export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info");
}

/** Switches between Live and Sandbox; each keeps its own history. */
export function connectionSet(mode: ConnectionMode): Promise<AppInfo> {
  return call<AppInfo>("connection_set", { mode });
}

/** Where the Live key comes from; never the key itself. */
export function keyStatus(): Promise<KeyStatus> {
  return call<KeyStatus>("key_status");
}

/** Stores the key in the OS keychain, replacing any stored before. */
export function keySave(key: string): Promise<KeyStatus> {
  return call<KeyStatus>("key_save", { key });
}

export function keyClear(): Promise<KeyStatus> {
  return call<KeyStatus>("key_clear");
}

/** Checks the Live key without spending credits. */
export function keyTest(): Promise<KeyCheck> {
  return call<KeyCheck>("key_test");
}

export function settingsGet(): Promise<Settings> {
  return call<Settings>("settings_get");
}

/** Stores the settings, or fails naming the field at fault (nothing stored). */
export function settingsSave(settings: Settings): Promise<Settings> {
  return call<Settings>("settings_save", { settings });
}

/** Writes a diagnostics report (no key in it) and returns its path. */
export function diagnosticsExport(): Promise<string> {
  return call<string>("diagnostics_export");
}
