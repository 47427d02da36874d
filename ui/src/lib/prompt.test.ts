import { describe, expect, it } from "vitest";
import { PROMPT_MAX, promptLength, promptLengthStatus } from "./prompt";

describe("promptLength", () => {
  it("counts code points, not UTF-16 units", () => {
    expect(promptLength("雪山の橋を渡るガラスの列車")).toBe(13);
    expect(promptLength("🎬🎥")).toBe(2);
    expect("🎬🎥".length).toBe(4);
  });
});

describe("promptLengthStatus", () => {
  it("reports each side of the 3–10000 rule", () => {
    expect(promptLengthStatus("")).toEqual({ kind: "empty" });
    expect(promptLengthStatus("雪山")).toEqual({ kind: "short", missing: 1 });
    expect(promptLengthStatus("雪山橋")).toEqual({ kind: "ok" });
    expect(promptLengthStatus("x".repeat(PROMPT_MAX))).toEqual({ kind: "ok" });
    expect(promptLengthStatus("🎬".repeat(PROMPT_MAX + 2))).toEqual({ kind: "long", over: 2 });
  });
});
