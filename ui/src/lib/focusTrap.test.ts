import { describe, expect, it } from "vitest";
import { isTabbable, nextInOrder, tabOrder, type TabCandidate } from "./focusTrap";

const el = (name: string, over: Partial<TabCandidate> = {}) => ({
  name,
  tabIndex: 0,
  disabled: false,
  unreachable: false,
  ...over,
});

describe("tabOrder", () => {
  it("leaves out what Tab cannot reach", () => {
    const items = [
      el("close"),
      el("disabled", { disabled: true }),
      el("scripted", { tabIndex: -1 }),
      el("behind", { unreachable: true }),
      el("delete"),
    ];
    expect(tabOrder(items).map((c) => c.name)).toEqual(["close", "delete"]);
    expect(isTabbable(items[1])).toBe(false);
    expect(isTabbable(items[4])).toBe(true);
  });

  it("puts positive tab indexes first, by value, then document order", () => {
    const items = [el("a"), el("b", { tabIndex: 2 }), el("c"), el("d", { tabIndex: 1 })];
    expect(tabOrder(items).map((c) => c.name)).toEqual(["d", "b", "a", "c"]);
  });
});

describe("nextInOrder", () => {
  const order = ["close", "remix", "delete"];

  it("moves forward and backward", () => {
    expect(nextInOrder(order, "close", false)).toBe("remix");
    expect(nextInOrder(order, "delete", true)).toBe("remix");
  });

  it("wraps at both ends", () => {
    expect(nextInOrder(order, "delete", false)).toBe("close");
    expect(nextInOrder(order, "close", true)).toBe("delete");
  });

  it("comes back in when focus is outside the trap", () => {
    expect(nextInOrder(order, "a tile behind", false)).toBe("close");
    expect(nextInOrder(order, null, true)).toBe("delete");
  });

  it("stays on the only control, and has nothing when there is none", () => {
    expect(nextInOrder(["close"], "close", false)).toBe("close");
    expect(nextInOrder(["close"], "close", true)).toBe("close");
    expect(nextInOrder([], null, false)).toBeNull();
  });
});
