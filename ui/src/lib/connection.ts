// How the app names the API it talks to: the status bar, the Sandbox banner, Settings.
import type { ConnectionInfo } from "./bindings";

/** What Sandbox mode is, said the same way everywhere. */
export const SANDBOX_LABEL = "Sandbox · sample clips, no credits spent";

/** "Live · seedance2ai.io" (with where the URL came from), or the Sandbox label. */
export function connectionLabel(connection: ConnectionInfo): string {
  if (connection.mode === "sandbox") return SANDBOX_LABEL;
  let host = connection.base_url;
  try {
    host = new URL(connection.base_url).host;
  } catch {
    // Show the configured text as it is; Settings explains it.
  }
  const origin = connection.base_url_from_env ? " (from SEEDANCE_BASE_URL)" : "";
  return `Live · ${host}${origin}`;
}
