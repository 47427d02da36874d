import { describe, expect, it } from "vitest";
import { isSubmitShortcut } from "./keys";

const key = { key: "Enter", ctrlKey: true, metaKey: false, isComposing: false, keyCode: 13 };

describe("isSubmitShortcut", () => {
  it("is Ctrl+Enter or ⌘+Enter", () => {
    expect(isSubmitShortcut(key)).toBe(true);
    expect(isSubmitShortcut({ ...key, ctrlKey: false, metaKey: true })).toBe(true);
    expect(isSubmitShortcut({ ...key, ctrlKey: false })).toBe(false);
    expect(isSubmitShortcut({ ...key, key: "a" })).toBe(false);
  });

  it("never fires on the key press that ends an IME composition", () => {
    expect(isSubmitShortcut({ ...key, isComposing: true })).toBe(false);
    expect(isSubmitShortcut({ ...key, keyCode: 229 })).toBe(false);
  });
});
