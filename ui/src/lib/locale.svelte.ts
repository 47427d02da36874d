// The language the UI speaks right now: the OS language until Settings chooses one.
import type { Delivery, JobSummary, LintWarning, Problem } from "./bindings";
import { adviceIn, attentionIn, dateTimeIn, deliveryFactsIn, languageOf, numberIn, mismatchIn, problemIn, translate, type Lang, type MessageKey } from "./i18n";

export const locale = $state<{ lang: Lang }>({
  lang: languageOf(typeof navigator === "undefined" ? undefined : navigator.language),
});

/** Applies the language setting: `system` follows the OS. */
export function applyLanguage(setting: Lang | "system"): void {
  locale.lang = setting === "system" ? languageOf(typeof navigator === "undefined" ? undefined : navigator.language) : setting;
  if (typeof document !== "undefined") document.documentElement.lang = locale.lang;
}

/** `key` in the current language; reactive wherever it is read in a template. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  return translate(locale.lang, key, vars);
}

/** What `problem` says in the current language: its rule's words when it has a code. */
export function problemText(problem: Problem): string {
  return problemIn(locale.lang, problem);
}

/** What a piece of prompt advice says in the current language. */
export function adviceText(warning: LintWarning): string {
  return adviceIn(locale.lang, warning);
}

/** Why a job waits for a person, in the current language (null when it does not). */
export function attentionText(job: JobSummary): string | null {
  return attentionIn(locale.lang, job);
}

/** Where a render's video differs from what was asked, in the current language. */
export function mismatchText(job: Pick<JobSummary, "resolution" | "aspect_ratio" | "delivery">): string | null {
  return mismatchIn(locale.lang, job);
}

/** What a render's video holds, in the current language. */
export function deliveryFacts(delivery: Delivery): string {
  return deliveryFactsIn(locale.lang, delivery);
}

/** `n` in the current language's way of writing numbers. */
export function number(n: number): string {
  return numberIn(locale.lang, n);
}

/** A moment (ms since the epoch) as the current language writes dates; "—" for none. */
export function dateTime(ms: number | null | undefined): string {
  return ms ? dateTimeIn(locale.lang, ms) : "—";
}
