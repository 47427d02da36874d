import { describe, expect, it } from "vitest";
import type { JobSummary } from "./ipc";
import { announcements, sessionRenders, summarise } from "./jobs.svelte";

const job = (id: string, state: JobSummary["state"], created_at: number, updated_at = created_at, kind: JobSummary["kind"] = "generation") =>
  ({ id, state, created_at, updated_at, kind }) as JobSummary;

describe("the status bar's summary of the queue", () => {
  it("counts what renders, what needs a person, and what failed since the window started", () => {
    const since = 1000;
    const jobs = [
      job("a", "processing", 1500),
      job("b", "queued", 1600),
      job("c", "downloading", 900),
      job("d", "needs_attention", 1200),
      job("e", "failed", 500, 1100), // failed during this session
      job("f", "failed", 100, 200), // an old failure: the Library's
      job("g", "ready", 1700),
      job("h", "expired", 400, 1300),
    ];
    expect(summarise(jobs, since)).toEqual({ rendering: 3, attention: 1, failed: 2 });
    expect(summarise([], since)).toEqual({ rendering: 0, attention: 0, failed: 0 });
  });
});

describe("this session's renders", () => {
  it("are those made since the window started, cuts left to the Library", () => {
    const jobs = [job("new", "ready", 2000), job("old", "ready", 10), job("cut", "ready", 2100, 2100, "cut"), job("flying", "processing", 3000)];
    expect(sessionRenders(jobs, 1000).map((j) => j.id)).toEqual(["new", "flying"]);
  });
});

describe("what is announced to a screen reader", () => {
  it("is a job reaching ready, failing or needing the person, never the first reading", () => {
    const since = 1000;
    const before = [job("a", "processing", 1500), job("b", "processing", 1600), job("c", "ready", 1200), job("d", "queued", 1700)];
    const after = [
      job("a", "ready", 1500),
      job("b", "failed", 1600),
      job("c", "ready", 1200), // already ready: nothing new
      job("d", "needs_attention", 1700),
      job("e", "ready", 1800), // made and finished between two readings
      job("old", "ready", 10), // an old render first seen now: the Library's
    ];
    expect(announcements(before, after, since).map((n) => [n.kind, n.job.id])).toEqual([
      ["ready", "a"],
      ["failed", "b"],
      ["attention", "d"],
      ["ready", "e"],
    ]);
    expect(announcements(null, after, since)).toEqual([]);
    expect(announcements(after, after, since)).toEqual([]);
  });
});
