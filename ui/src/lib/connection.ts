// How the status bar names the API the app talks to.
import type { Connection } from "./bindings";

/** "Live · seedance2ai.io", with "(SEEDANCE_BASE_URL)" when the environment chose it. */
export function connectionLabel(connection: Connection): string {
  let host = connection.base_url;
  try {
    host = new URL(connection.base_url).host;
  } catch {
    // Show the configured text as it is; Settings explains it.
  }
  const mode = connection.mode === "live" ? "Live" : connection.mode;
  const origin = connection.base_url_from_env ? " (from SEEDANCE_BASE_URL)" : "";
  return `${mode} · ${host}${origin}`;
}
