// Prompt length as the API counts it: Unicode characters (code points), not UTF-16 units,
// so a Japanese or emoji-laden prompt is measured the way the service will measure it.

export const PROMPT_MIN = 3;
export const PROMPT_MAX = 10000;

/** Number of Unicode code points in `text`. */
export function promptLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export type PromptLengthStatus =
  | { kind: "empty" }
  | { kind: "short"; missing: number }
  | { kind: "ok" }
  | { kind: "long"; over: number };

/** Where `text` stands against the 3–10000 character rule. */
export function promptLengthStatus(text: string): PromptLengthStatus {
  const n = promptLength(text);
  if (n === 0) return { kind: "empty" };
  if (n < PROMPT_MIN) return { kind: "short", missing: PROMPT_MIN - n };
  if (n > PROMPT_MAX) return { kind: "long", over: n - PROMPT_MAX };
  return { kind: "ok" };
}
