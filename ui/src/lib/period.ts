// The Library's "when" filter: a few periods a person means ("today", "the past week")
// rather than two date fields (whose masks are empty boxes, and a trap for Tab in WebKitGTK).

export const PERIODS = ["today", "week", "month", "year"] as const;
export type Period = (typeof PERIODS)[number];

const DAY_MS = 86_400_000;

/** When `period` begins, in ms since the epoch, counted back from `now` in local time:
 * today from midnight, the others 7, 30 and 365 days back. Null for any time. */
export function periodStart(period: Period | "", now: number): number | null {
  switch (period) {
    case "":
      return null;
    case "today": {
      const midnight = new Date(now);
      midnight.setHours(0, 0, 0, 0);
      return midnight.getTime();
    }
    case "week":
      return now - 7 * DAY_MS;
    case "month":
      return now - 30 * DAY_MS;
    case "year":
      return now - 365 * DAY_MS;
  }
}

/** A tile's shape: the clip's own aspect, from what was delivered when it was probed, else
 * the aspect asked for; `adaptive` and unknown ones as 16:9. Width over height. */
export function tileAspect(asked: string | null | undefined, delivered?: { width: number; height: number } | null): number {
  if (delivered && delivered.width > 0 && delivered.height > 0) return delivered.width / delivered.height;
  const m = /^(\d+):(\d+)$/.exec(asked ?? "");
  if (m && Number(m[2]) > 0) return Number(m[1]) / Number(m[2]);
  return 16 / 9;
}
