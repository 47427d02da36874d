import { describe, expect, it } from "vitest";
import { cullingKey, moved } from "./culling";

const key = (k: string, more: Partial<Parameters<typeof cullingKey>[0]> = {}) =>
  cullingKey({ key: k, ctrlKey: false, metaKey: false, altKey: false, isComposing: false, ...more }, 4);

describe("culling keys", () => {
  it("say the same thing wherever renders are judged", () => {
    expect(key("ArrowRight")).toEqual({ kind: "move", by: 1 });
    expect(key("ArrowDown")).toEqual({ kind: "move", by: 4 });
    expect(key("ArrowUp")).toEqual({ kind: "move", by: -4 });
    expect(key(" ")).toEqual({ kind: "play" });
    expect(key("3")).toEqual({ kind: "rate", stars: 3 });
    expect(key("6")).toBeNull();
    expect(key("X")).toEqual({ kind: "reject" });
    expect(key("p")).toEqual({ kind: "pick" });
    expect([key("j"), key("k"), key("l")].map((c) => c?.kind)).toEqual(["back", "pause", "forward"]);
    expect(key("?")).toEqual({ kind: "sheet" });
    expect(key("Enter")).toEqual({ kind: "open" });
  });

  it("leave typing, modifiers and input methods alone", () => {
    expect(key("p", { ctrlKey: true })).toBeNull();
    expect(key("1", { isComposing: true })).toBeNull();
    expect(key("x", { keyCode: 229 })).toBeNull();
    const field = { tagName: "INPUT", type: "text" } as unknown as EventTarget;
    expect(key("x", { target: field })).toBeNull();
    const range = { tagName: "INPUT", type: "range" } as unknown as EventTarget;
    expect(key("x", { target: range })).toEqual({ kind: "reject" });
  });

  it("moves within the items", () => {
    expect(moved(0, -1, 5)).toBe(0);
    expect(moved(3, 4, 5)).toBe(4);
    expect(moved(2, 1, 0)).toBe(0);
  });
});
