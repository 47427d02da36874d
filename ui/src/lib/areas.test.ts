import { describe, expect, it } from "vitest";
import { areaForShortcut, areaFromHash } from "./areas";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe("areaForShortcut", () => {
  it("maps Ctrl/⌘ + 1..4 to the areas in order", () => {
    expect(areaForShortcut(key("1", { ctrlKey: true }))).toBe("compose");
    expect(areaForShortcut(key("2", { metaKey: true }))).toBe("library");
    expect(areaForShortcut(key("3", { ctrlKey: true }))).toBe("projects");
    expect(areaForShortcut(key("4", { ctrlKey: true }))).toBe("settings");
  });

  it("ignores plain digits, other digits and Alt chords", () => {
    expect(areaForShortcut(key("1"))).toBeNull();
    expect(areaForShortcut(key("5", { ctrlKey: true }))).toBeNull();
    expect(areaForShortcut(key("0", { ctrlKey: true }))).toBeNull();
    expect(areaForShortcut(key("1", { ctrlKey: true, altKey: true }))).toBeNull();
  });
});

describe("areaFromHash", () => {
  it("names an area, or falls back to Compose", () => {
    expect(areaFromHash("#library")).toBe("library");
    expect(areaFromHash("projects")).toBe("projects");
    // The Queue is a tray now: an old fragment opens Compose.
    expect(areaFromHash("#queue")).toBe("compose");
    expect(areaFromHash("")).toBe("compose");
    expect(areaFromHash("#../settings")).toBe("compose");
  });
});
