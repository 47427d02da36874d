// Every word a view shows goes through t(), so it has an English and a Japanese version
// (the i18n test holds both languages to the same keys). This parses each component's
// template with Svelte's own compiler and fails on any literal text with letters, and on
// literal aria-label, title, placeholder or alt attributes.
import { parse } from "svelte/compiler";
import { describe, expect, it } from "vitest";

/** Every component's source, by path: Vite reads them (the same files the app is built from). */
const COMPONENTS = import.meta.glob<string>("../**/*.svelte", { query: "?raw", import: "default", eager: true });
/** Text that is the same in every language: the product's name, and example URLs. */
const SAME_IN_EVERY_LANGUAGE = [/^Seedance Studio$/, /^https?:\/\/\S+$/];
const SHOWN_ATTRIBUTES = ["aria-label", "title", "placeholder", "alt"];

type Node = { type?: string; name?: string; data?: string; value?: unknown; [key: string]: unknown };

/** The literal texts of `source`'s template a person would read. */
export function literalTexts(source: string): string[] {
  const found: string[] = [];
  const note = (text: string) => {
    const trimmed = text.trim().replace(/\s+/g, " ");
    if (/\p{L}{2,}/u.test(trimmed) && !SAME_IN_EVERY_LANGUAGE.some((ok) => ok.test(trimmed))) found.push(trimmed);
  };
  const walk = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Node;
    if (n.type === "Attribute") {
      if (SHOWN_ATTRIBUTES.includes(n.name ?? "") && Array.isArray(n.value)) {
        for (const part of n.value as Node[]) if (part.type === "Text") note(part.data ?? "");
      }
      return;
    }
    if (n.type === "Text") note(n.data ?? "");
    for (const [key, child] of Object.entries(n)) {
      if (!["parent", "instance", "module", "css", "metadata"].includes(key)) walk(child);
    }
  };
  walk(parse(source, { modern: true }).fragment);
  return found;
}

describe("visible text", () => {
  it("finds literal words, and lets t() and expressions through", () => {
    expect(literalTexts(`<p>Hello there</p><b aria-label="Close">{t("x")}</b>`)).toEqual(["Hello there", "Close"]);
    expect(literalTexts(`<p>{t("a")} · {n} s</p><input placeholder={t("b")} class="wide" />`)).toEqual([]);
    expect(literalTexts(`<span>保存しました</span>`)).toEqual(["保存しました"]);
  });

  it("reads every component", () => {
    expect(Object.keys(COMPONENTS).length).toBeGreaterThanOrEqual(9);
  });

  for (const [file, source] of Object.entries(COMPONENTS)) {
    it(`${file} speaks only through t()`, () => {
      expect(literalTexts(source)).toEqual([]);
    });
  }
});
