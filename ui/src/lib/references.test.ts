import { describe, expect, it } from "vitest";
import { droppedFileUrls, droppedUrls, moved } from "./references";

describe("droppedUrls", () => {
  it("prefers an image's src over the page link a browser also sends", () => {
    expect(
      droppedUrls({
        "text/html": '<a href="https://example.com/page"><img src="https://cdn.example.com/a.jpg?w=1&amp;h=2"></a>',
        "text/uri-list": "# dragged\r\nhttps://example.com/page",
        "text/plain": "https://example.com/page",
      }),
    ).toEqual(["https://cdn.example.com/a.jpg?w=1&h=2", "https://example.com/page"]);
  });

  it("finds every URL in pasted text and ignores the rest", () => {
    expect(droppedUrls({ "text/plain": "see https://a.example/x.png and\nhttp://b.example/y.mp4 ok" })).toEqual([
      "https://a.example/x.png",
      "http://b.example/y.mp4",
    ]);
    expect(droppedUrls({ "text/plain": "no links here" })).toEqual([]);
    expect(droppedUrls({})).toEqual([]);
  });
});

describe("droppedFileUrls", () => {
  it("finds the file a drag from another application names in its HTML", () => {
    const html = '<a style="color: rgb(0, 0, 0);">file:///tmp/a%20b/still.png</a>';
    expect(droppedFileUrls({ "text/html": html, "text/uri-list": "" })).toEqual(["file:///tmp/a%20b/still.png"]);
    expect(droppedFileUrls({ "text/plain": "https://example.com/x.png" })).toEqual([]);
  });
});

describe("moved", () => {
  it("reorders by moving one item", () => {
    expect(moved(["a", "b", "c", "d"], 0, 2)).toEqual(["b", "c", "a", "d"]);
    expect(moved(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(moved(["a", "b"], 1, 1)).toEqual(["a", "b"]);
    expect(moved(["a", "b"], 5, 0)).toEqual(["a", "b"]);
  });
});
