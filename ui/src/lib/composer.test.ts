import { describe, expect, it } from "vitest";
import {
  draft,
  draftNeedsAsking,
  loadRequest,
  restoreDraft,
  savedDraft,
  settle,
  submissionId,
  submittedOnce,
  toRequest,
  useFrame,
} from "./composer.svelte";

describe("the kept draft", () => {
  it("comes back as it was saved, references as URLs to check again", () => {
    draft.prompt = "雪の橋を渡る列車";
    draft.settings.duration = 9;
    draft.settings.tier = "pro";
    draft.media = [{ url: "https://a.test/m.mp4", checking: false, probe: null, error: null }];
    draft.extends = { job_id: "j1", from: "clip", title: "the first one" };
    const kept = JSON.parse(JSON.stringify(savedDraft(draft)));
    expect(kept.media).toEqual(["https://a.test/m.mp4"]);
    draft.prompt = "";
    draft.media = [];
    draft.extends = null;
    expect(restoreDraft(draft, kept)).toBe(true);
    expect(draft.prompt).toBe("雪の橋を渡る列車");
    expect(draft.settings.duration).toBe(9);
    expect(draft.settings.tier).toBe("pro");
    expect(draft.media.map((r) => [r.url, r.probe, r.checking])).toEqual([["https://a.test/m.mp4", null, false]]);
    expect(draft.extends).toEqual({ job_id: "j1", from: "clip", title: "the first one" });
  });

  it("takes nothing unreadable from what the store hands back", () => {
    expect(restoreDraft(draft, null)).toBe(false);
    expect(restoreDraft(draft, ["x"])).toBe(false);
    restoreDraft(draft, {
      prompt: 42,
      directorMode: "yes",
      direction: { subject: "a fox", shots: ["one", 2, null], constraints: ["no logo", "rm -rf"] },
      settings: { mode: "evil", tier: "pro", duration: 99, resolution: "8k", seed: 1.5, audio: "no" },
      start: "x".repeat(10_000),
      media: new Array(20).fill("https://a.test/m.mp4").concat([7]),
      extends: { job_id: "j2", from: "everything" },
    });
    expect(draft.prompt).toBe("");
    expect(draft.directorMode).toBe(false);
    expect(draft.direction.subject).toBe("a fox");
    expect(draft.direction.shots).toEqual(["one"]);
    expect(draft.direction.constraints).toEqual(["no logo"]);
    expect(draft.settings.mode).toBe("text-to-video");
    expect(draft.settings.duration).toBe(9);
    expect(draft.settings.resolution).toBe("720p");
    expect(draft.settings.seed).toBeNull();
    expect(draft.settings.audio).toBe(true);
    expect(draft.start).toBeNull();
    expect(draft.media.length).toBe(12);
    expect(draft.extends).toBeNull();
  });
});

describe("the submission id", () => {
  it("is the same for the same draft sent again, and new after a change or a finished submission", () => {
    draft.prompt = "a paper boat on a rain puddle";
    const first = submissionId(draft, toRequest(draft, draft.prompt));
    expect(first).toMatch(/^c-[0-9a-f]{16}-[0-9a-f]{8}$/);
    expect(submissionId(draft, toRequest(draft, draft.prompt))).toBe(first);
    // A reloaded page restores the draft with its nonce: the same id.
    const kept = JSON.parse(JSON.stringify(savedDraft(draft)));
    draft.nonce = "0000000000000000";
    restoreDraft(draft, kept);
    expect(submissionId(draft, toRequest(draft, draft.prompt))).toBe(first);
    draft.prompt = "a paper boat on a rain puddle, at dusk";
    const changed = submissionId(draft, toRequest(draft, draft.prompt));
    expect(changed).not.toBe(first);
    submittedOnce(draft);
    expect(submissionId(draft, toRequest(draft, draft.prompt))).not.toBe(changed);
  });
});

describe("a frame taken from a render", () => {
  it("becomes the start, end or a media reference, the mode following and the prompt kept", () => {
    draft.prompt = "keep these words";
    draft.media = [];
    expect(useFrame(draft, "https://s.test/a.jpg", "start", 12)).toBe(true);
    expect(draft.start?.url).toBe("https://s.test/a.jpg");
    expect(draft.settings.mode).toBe("image-to-video");
    expect(useFrame(draft, "https://s.test/b.jpg", "end", 12)).toBe(true);
    expect([draft.start?.url, draft.end?.url]).toEqual(["https://s.test/a.jpg", "https://s.test/b.jpg"]);
    expect(useFrame(draft, "https://s.test/c.jpg", "media", 1)).toBe(true);
    expect(draft.settings.mode).toBe("media-to-video");
    expect(draft.start).toBeNull();
    // Full: refused, the draft unchanged.
    expect(useFrame(draft, "https://s.test/d.jpg", "media", 1)).toBe(false);
    expect(draft.media.map((m) => m.url)).toEqual(["https://s.test/c.jpg"]);
    expect(draft.prompt).toBe("keep these words");
  });
});

describe("replacing the draft (Remix, Extend)", () => {
  const request = (prompt: string) => ({ ...toRequest(draft, prompt), quality_tier: "pro" as const });

  it("asks only when the person has worked on it since it came from a render or was sent", () => {
    draft.prompt = "";
    draft.start = null;
    draft.end = null;
    draft.media = [];
    draft.directorMode = false;
    expect(draftNeedsAsking(draft)).toBe(false); // empty
    draft.prompt = "typed by the person";
    expect(draftNeedsAsking(draft)).toBe(true);
    // A remixed render, untouched: replaced without asking.
    loadRequest(draft, request("a remixed render"));
    settle(draft);
    expect(draftNeedsAsking(draft)).toBe(false);
    draft.settings.duration = 11;
    expect(draftNeedsAsking(draft)).toBe(true);
    // Sent: the library has it, so replacing it loses nothing.
    submittedOnce(draft);
    expect(draftNeedsAsking(draft)).toBe(false);
    draft.prompt = "a remixed render, changed";
    expect(draftNeedsAsking(draft)).toBe(true);
  });

  it("stays untouched across a reload of the page", () => {
    loadRequest(draft, request("from the library"));
    settle(draft);
    const kept = JSON.parse(JSON.stringify(savedDraft(draft)));
    expect(kept.untouched).toBe(true);
    draft.prompt = "changed before the reload";
    expect(draftNeedsAsking(draft)).toBe(true);
    const changed = JSON.parse(JSON.stringify(savedDraft(draft)));
    expect(changed.untouched).toBe(false);
    restoreDraft(draft, kept);
    expect(draftNeedsAsking(draft)).toBe(false);
    restoreDraft(draft, changed);
    expect(draftNeedsAsking(draft)).toBe(true);
  });
});
