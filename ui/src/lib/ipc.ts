// The only module that talks to the Rust side. Every IPC call goes through `call`, so
// errors reach the views in one shape ({code, message}) and the command names live here.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo, ErrorCode, IpcError } from "./bindings";

export type { AppInfo, IpcError };

/** Turns whatever an `invoke` rejected with into an IpcError the views can show. */
export function toIpcError(raw: unknown): IpcError {
  if (raw && typeof raw === "object" && "code" in raw && "message" in raw) {
    const { code, message } = raw as { code: unknown; message: unknown };
    if (typeof code === "string" && typeof message === "string") {
      return { code: code as ErrorCode, message };
    }
  }
  const message =
    typeof raw === "string" ? raw : raw instanceof Error ? raw.message : "Unexpected error from the app core";
  return { code: "internal", message };
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
