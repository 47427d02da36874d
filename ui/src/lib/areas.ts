// The areas of the app window and how the keyboard reaches them. The Queue is not one: it
// is a tray opened from the status bar, over whichever area is showing.

export const AREAS = ["compose", "library", "projects", "settings"] as const;
export type Area = (typeof AREAS)[number];

export const AREA_LABELS: Record<Area, string> = {
  compose: "Compose",
  library: "Library",
  projects: "Projects",
  settings: "Settings",
};

/** The area a Ctrl/⌘ + digit shortcut goes to, or null when the key is not one. */
export function areaForShortcut(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): Area | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const index = Number.parseInt(event.key, 10) - 1;
  return Number.isInteger(index) && index >= 0 && index < AREAS.length ? AREAS[index] : null;
}

/**
 * The area named by a URL fragment (`#library`), or Compose. The area lives in the fragment
 * so that a reload of the page (after its content process ended) comes back to it.
 */
export function areaFromHash(hash: string): Area {
  const name = hash.replace(/^#/, "");
  return (AREAS as readonly string[]).includes(name) ? (name as Area) : "compose";
}
