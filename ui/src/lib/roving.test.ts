import { describe, expect, it } from "vitest";
import { nextChoice, tabStop } from "./roving";

describe("arrow keys between choices", () => {
  const open = [false, false, false, false];
  it("move forward and back, wrapping around", () => {
    expect(nextChoice(0, "ArrowRight", open)).toBe(1);
    expect(nextChoice(3, "ArrowRight", open)).toBe(0);
    expect(nextChoice(0, "ArrowLeft", open)).toBe(3);
    expect(nextChoice(2, "ArrowUp", open)).toBe(1);
    expect(nextChoice(2, "ArrowDown", open)).toBe(3);
  });
  it("go to the ends with Home and End", () => {
    expect(nextChoice(2, "Home", open)).toBe(0);
    expect(nextChoice(1, "End", open)).toBe(3);
  });
  it("skip choices that cannot be chosen", () => {
    const twoOff = [false, false, true, true]; // 1080p-plus and 4k below pro
    expect(nextChoice(1, "ArrowRight", twoOff)).toBe(0);
    expect(nextChoice(0, "ArrowLeft", twoOff)).toBe(1);
    expect(nextChoice(0, "End", twoOff)).toBe(1);
    expect(nextChoice(3, "Home", [true, false, false, false])).toBe(1);
  });
  it("ignore other keys and empty or closed groups", () => {
    expect(nextChoice(0, "Tab", open)).toBeNull();
    expect(nextChoice(0, "a", open)).toBeNull();
    expect(nextChoice(0, "ArrowRight", [])).toBeNull();
    expect(nextChoice(0, "ArrowRight", [true, true])).toBeNull();
  });
});

describe("the group's one Tab stop", () => {
  it("is the chosen choice, else the first that can be chosen", () => {
    expect(tabStop(2, [false, false, false])).toBe(2);
    expect(tabStop(-1, [true, false, false])).toBe(1);
    expect(tabStop(0, [true, false])).toBe(1);
    expect(tabStop(-1, [true, true])).toBe(0);
  });
});
