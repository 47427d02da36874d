import { describe, expect, it } from "vitest";
import { PROBLEM_CODES } from "./bindings";
import type { Delivery, JobSummary } from "./bindings";
import { MESSAGES, adviceIn, attentionIn, dateTimeIn, deliveryFactsIn, languageOf, numberIn, mismatchIn, problemIn, translate } from "./i18n";

describe("i18n", () => {
  it("has every message in English and Japanese, with the same placeholders", () => {
    const keys = Object.keys(MESSAGES.en).sort();
    expect(Object.keys(MESSAGES.ja).sort()).toEqual(keys);
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of keys as (keyof typeof MESSAGES.en)[]) {
      expect(holes(MESSAGES.ja[key]), key).toEqual(holes(MESSAGES.en[key]));
      expect(MESSAGES.ja[key].length, key).toBeGreaterThan(0);
    }
  });

  it("follows the OS language: Japanese for ja, else English", () => {
    expect(languageOf("ja-JP")).toBe("ja");
    expect(languageOf("ja")).toBe("ja");
    expect(languageOf("en-US")).toBe("en");
    expect(languageOf("fr")).toBe("en");
    expect(languageOf(undefined)).toBe("en");
  });

  it("fills placeholders", () => {
    expect(translate("en", "compose.seconds", { n: 8 })).toBe("8 s");
    expect(translate("ja", "compose.seconds", { n: 8 })).toBe("8 秒");
    expect(translate("en", "rule.4kNeedsPro")).toBe("4K needs the pro tier");
  });

  it("writes numbers and dates the language's way", () => {
    expect(translate("en", "compose.generate", { n: 1234 })).toBe("Generate · 1,234 credits");
    expect(translate("ja", "compose.generate", { n: 1234 })).toBe("生成 · 1,234 クレジット");
    expect(numberIn("en", 10000)).toBe("10,000");
    // 2026-12-06 13:05 UTC, shown in the machine's zone: only the shape is the language's.
    const at = Date.UTC(2026, 11, 6, 13, 5);
    expect(dateTimeIn("en", at)).toMatch(/^Dec \d{1,2}, 2026, \d{1,2}:\d{2}\s?[AP]M$/);
    expect(dateTimeIn("ja", at)).toMatch(/^2026\/12\/\d{2} \d{1,2}:\d{2}$/);
  });

  it("says every rule of the request table in both languages, with its values", () => {
    for (const code of PROBLEM_CODES) {
      expect(Object.keys(MESSAGES.en), code).toContain(`problem.${code}`);
    }
    const problem = {
      field: "media_urls",
      message: "takes at most 12 URLs; it has 13",
      code: "too_many_media" as const,
      params: { max: "12", count: "13" },
    };
    expect(problemIn("en", problem)).toBe("takes at most 12 URLs; it has 13");
    expect(problemIn("ja", problem)).toBe("URL は最大 12 件です（現在 13 件）");
    expect(problemIn("ja", { ...problem, code: null, message: "line 3: not JSON" })).toBe("line 3: not JSON");
  });

  it("gives prompt advice in both languages, with the word it is about", () => {
    const warning = { kind: "asset_id" as const, message: "x", token: "asset_1234abcd" };
    expect(adviceIn("en", warning)).toBe(
      '"asset_1234abcd" looks like a raw asset id; the model cannot see it. Describe the asset\'s role in words.',
    );
    expect(adviceIn("ja", warning)).toContain("「asset_1234abcd」");
  });

  it("says why a job waits for a person in both languages, with its values and the job", () => {
    const job = {
      id: "j42",
      attention_reason: "stored English",
      attention: { code: "downloads_failing", attempts: 8, error: "HTTP 500" },
    } as unknown as JobSummary;
    expect(attentionIn("en", job)).toBe(
      "The render is done, but its video could not be downloaded in 8 attempts in a row (last: HTTP 500). Try the download again (Resend in the Queue, or `seedance resume j42`); it is never charged again.",
    );
    expect(attentionIn("ja", job)).toContain("8 回続けて失敗しました（最後: HTTP 500）");
    expect(attentionIn("ja", job)).toContain("seedance resume j42");
    // A record made before codes shows the English it stored; a job without a reason, none.
    expect(attentionIn("ja", { ...job, attention: null })).toBe("stored English");
    expect(attentionIn("ja", { ...job, attention: null, attention_reason: null })).toBeNull();
  });

  it("says where a delivery differs from what was asked, and what it holds", () => {
    const delivery: Delivery = {
      width: 720,
      height: 1280,
      fps: 24,
      duration_s: 4.04,
      video_codec: "h264",
      audio_codec: null,
      has_audio: false,
      mismatches: [
        { field: "resolution", asked: "1080p", got: "720x1280" },
        { field: "duration", asked: "6s", got: "4.0s" },
        { field: "generate_audio", asked: "audio", got: "no audio" },
      ],
      probed_at: 0,
    };
    const job = { resolution: "1080p", aspect_ratio: "9:16", delivery } as const;
    expect(mismatchIn("en", job)).toBe("asked 1080p 9:16, got 720×1280; asked 6s, got 4.0s; asked with audio, got none");
    expect(mismatchIn("ja", job)).toContain("依頼 1080p 9:16、納品 720×1280");
    expect(deliveryFactsIn("en", delivery)).toBe("720×1280 · 24 fps · 4.0 s · h264 / no audio");
    // As asked, or not probed yet: nothing to say against it.
    const faithful = { ...delivery, mismatches: [], audio_codec: "aac", has_audio: true };
    expect(mismatchIn("en", { ...job, delivery: faithful })).toBeNull();
    expect(mismatchIn("en", { ...job, delivery: null })).toBeNull();
    expect(deliveryFactsIn("en", faithful)).toBe("720×1280 · 24 fps · 4.0 s · h264 / aac (as asked)");
    expect(mismatchIn("en", { ...job, delivery: { ...faithful, unreadable: "not a video" } })).toBe("the video could not be read");
  });
});
