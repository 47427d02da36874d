// Comparing renders side by side: which settings differ between them, and how several
// videos are kept on one clock (the first is the leader; the others follow it, each held
// at its own end once it is shorter).

import type { JobDetail } from "./bindings";

/** The most renders compared at once. */
export const MAX_COMPARED = 4;

/** How far (seconds) a follower may drift from the leader before it is moved back. */
export const DRIFT_S = 0.03;

/** One setting across the compared renders, and whether they differ in it. */
export interface Row {
  field: string;
  values: string[];
  differs: boolean;
}

const FIELDS: [string, (d: JobDetail) => string][] = [
  ["mode", (d) => d.request?.mode ?? "text-to-video"],
  ["quality_tier", (d) => d.request?.quality_tier ?? "standard"],
  ["channel", (d) => d.request?.channel ?? "standard"],
  ["aspect_ratio", (d) => d.request?.aspect_ratio ?? "16:9"],
  ["resolution", (d) => d.request?.resolution ?? "720p"],
  ["duration", (d) => `${d.request?.duration ?? "5"} s`],
  ["generate_audio", (d) => String(d.request?.generate_audio ?? true)],
  ["fixed_lens", (d) => String(d.request?.fixed_lens ?? false)],
  ["seed", (d) => (d.summary.seed === null ? "—" : String(d.summary.seed))],
  ["credits", (d) => String(d.summary.credits_used ?? "—")],
  ["delivered", (d) => (d.summary.delivery ? `${d.summary.delivery.width}×${d.summary.delivery.height} · ${d.summary.delivery.duration_s.toFixed(1)} s` : "—")],
  ["prompt", (d) => d.summary.prompt],
];

/** Every compared setting, in a fixed order, marked where the renders differ. */
export function rows(details: JobDetail[]): Row[] {
  return FIELDS.map(([field, of]) => {
    const values = details.map(of);
    return { field, values, differs: new Set(values).size > 1 };
  });
}

/** Where a follower of `duration` seconds should be when the leader is at `leader`. */
export function followerTime(leader: number, duration: number): number {
  if (!Number.isFinite(duration) || duration <= 0) return leader;
  return Math.min(leader, duration);
}

/** Whether a follower at `current` must be moved to `target`. */
export function drifted(current: number, target: number): boolean {
  return Math.abs(current - target) > DRIFT_S;
}

/** `t` stepped by `frames` frames at `fps`, kept within [0, `length`]. */
export function stepped(t: number, frames: number, fps: number, length: number): number {
  const frame = 1 / (fps > 0 ? fps : 24);
  // Land on a frame's middle, so rounding never shows the frame before.
  const next = (Math.floor(t / frame + 1e-6) + frames + 0.5) * frame;
  return Math.max(0, Math.min(next, Math.max(0, length - frame / 2)));
}
