// How the app names the API it talks to: the status bar, the Sandbox banner, Settings.
import type { ConnectionInfo } from "./bindings";
import { translate, type Lang } from "./i18n";

/** What Sandbox mode is, said the same way everywhere. */
export const SANDBOX_LABEL = translate("en", "status.sandbox");

/** "Live · seedance2ai.io" (with where the URL came from), or the Sandbox label, in `lang`. */
export function connectionLabel(connection: ConnectionInfo, lang: Lang = "en"): string {
  if (connection.mode === "sandbox") return translate(lang, "status.sandbox");
  let host = connection.base_url;
  try {
    host = new URL(connection.base_url).host;
  } catch {
    // Show the configured text as it is; Settings explains it.
  }
  const origin = connection.base_url_from_env ? ` ${translate(lang, "status.fromEnv")}` : "";
  return `Live · ${host}${origin}`;
}
