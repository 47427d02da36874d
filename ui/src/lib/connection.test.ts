import { describe, expect, it } from "vitest";
import { SANDBOX_LABEL, connectionLabel } from "./connection";

describe("connectionLabel", () => {
  it("names Live and the host", () => {
    expect(connectionLabel({ mode: "live", base_url: "https://seedance2ai.io", base_url_from_env: false })).toBe(
      "Live · seedance2ai.io",
    );
  });

  it("says when the environment chose the base URL, port included", () => {
    expect(connectionLabel({ mode: "live", base_url: "http://127.0.0.1:8080", base_url_from_env: true })).toBe(
      "Live · 127.0.0.1:8080 (from SEEDANCE_BASE_URL)",
    );
  });

  it("labels Sandbox as sample clips that spend no credits, whatever its port", () => {
    const label = connectionLabel({ mode: "sandbox", base_url: "http://127.0.0.1:41234", base_url_from_env: false });
    expect(label).toBe(SANDBOX_LABEL);
    expect(label).toContain("sample clips");
    expect(label).toContain("no credits");
  });

  it("speaks the UI's language", () => {
    const env = { mode: "live", base_url: "http://127.0.0.1:8080", base_url_from_env: true } as const;
    expect(connectionLabel(env, "ja")).toBe("Live · 127.0.0.1:8080 （SEEDANCE_BASE_URL から）");
    expect(connectionLabel({ ...env, mode: "sandbox" }, "ja")).not.toContain("sample clips");
  });
});
