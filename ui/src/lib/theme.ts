// Applies the theme setting: "system" follows the OS; light and dark override it.
import type { Theme } from "./bindings";

/** Sets the theme on the document root (`data-theme`), which app.css reads. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
}
