// The jobs the window shows, live from the engine's events (this app's and `seedance`
// commands' on the same data folder; the window never polls the service): one
// subscription for the whole window, read by the status bar's summary, the Queue tray and
// the workspace's feed of this session's renders.
import type { BudgetStatus, IpcError, JobSummary } from "./ipc";
import { budgetStatus, jobsRecent, onJobEvent } from "./ipc";
import type { JobState } from "./bindings";

/** States in which a job is still on its way (or waits for a person). */
export const ACTIVE: readonly JobState[] = ["queued", "submitting", "processing", "downloading", "needs_attention"];
/** States in which the service is working on it. */
export const RENDERING: readonly JobState[] = ["queued", "submitting", "processing", "downloading"];

export const live = $state({
  jobs: [] as JobSummary[],
  /** Download progress by job id, from the engine's events. */
  progress: {} as Record<string, { done: number; total: number | null }>,
  budget: null as BudgetStatus | null,
  /** Whether the jobs have been read once (an empty list then means an empty history). */
  loaded: false,
  error: null as IpcError | null,
  /** When this window started: its session's renders are the ones made since. Kept in the
   * session's storage, so a reload of the page keeps the feed. */
  since: sessionStart(),
  /** The latest change worth saying to a screen reader (a render ready, failed, or
   * waiting for the person); `seq` counts them so the same words said twice are said. */
  news: null as (Announcement & { seq: number }) | null,
});

/** A change of a job's state that a person would want to hear of. */
export interface Announcement {
  kind: "ready" | "failed" | "attention";
  job: JobSummary;
}

const NEWS: Partial<Record<JobState, Announcement["kind"]>> = {
  ready: "ready",
  failed: "failed",
  expired: "failed",
  needs_attention: "attention",
};

/** What changed between two readings of the jobs that is worth announcing: a job that
 * reached ready, failed or needs the person, having been in another state before (or
 * unseen before and made since `since`). The first reading (`before` null) says nothing. */
export function announcements(before: readonly JobSummary[] | null, after: readonly JobSummary[], since: number): Announcement[] {
  if (before === null) return [];
  const was = new Map(before.map((j) => [j.id, j.state]));
  const out: Announcement[] = [];
  for (const job of after) {
    const kind = NEWS[job.state];
    if (!kind) continue;
    const previous = was.get(job.id);
    const changed = previous === undefined ? job.created_at >= since : previous !== job.state;
    if (changed) out.push({ kind, job });
  }
  return out;
}

let seq = 0;

function sessionStart(): number {
  const KEY = "session.since";
  const now = Date.now();
  if (typeof sessionStorage === "undefined") return now;
  const kept = Number(sessionStorage.getItem(KEY));
  if (Number.isFinite(kept) && kept > 0 && kept <= now) return kept;
  sessionStorage.setItem(KEY, String(now));
  return now;
}

let watching = false;
let reload: ReturnType<typeof setTimeout> | undefined;

/** Reads the recent jobs and the request budget again. */
export function reloadJobs(): void {
  jobsRecent(100).then(
    (list) => {
      const news = announcements(live.loaded ? live.jobs : null, list, live.since);
      live.jobs = list;
      live.loaded = true;
      live.error = null;
      // Failures first: when several land at once, the one said last is what stays.
      const said = news.find((n) => n.kind !== "ready") ?? news[0];
      if (said) live.news = { ...said, seq: ++seq };
    },
    (e: IpcError) => (live.error = e),
  );
  budgetStatus().then(
    (b) => (live.budget = b),
    () => {},
  );
}

/** Starts following the engine's events, once for the window. */
export function watchJobs(): void {
  if (watching) return;
  watching = true;
  reloadJobs();
  onJobEvent((event) => {
    if (event.kind === "progress") {
      live.progress = { ...live.progress, [event.job_id]: { done: event.done, total: event.total } };
      return;
    }
    clearTimeout(reload);
    reload = setTimeout(reloadJobs, 100);
  });
}

/** What the status bar says of the queue. */
export interface QueueSummary {
  rendering: number;
  attention: number;
  /** Failed since the window started (older failures are the Library's). */
  failed: number;
}

export function summarise(jobs: readonly JobSummary[], since: number): QueueSummary {
  return {
    rendering: jobs.filter((j) => RENDERING.includes(j.state)).length,
    attention: jobs.filter((j) => j.state === "needs_attention").length,
    failed: jobs.filter((j) => (j.state === "failed" || j.state === "expired") && j.updated_at >= since).length,
  };
}

/** This session's renders, newest first: made since the window started. */
export function sessionRenders(jobs: readonly JobSummary[], since: number): JobSummary[] {
  return jobs.filter((j) => j.created_at >= since && j.kind !== "cut");
}
