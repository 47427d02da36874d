import { describe, expect, it } from "vitest";
import { connectionLabel } from "./connection";

describe("connectionLabel", () => {
  it("names the mode and the host", () => {
    expect(connectionLabel({ mode: "live", base_url: "https://seedance2ai.io", base_url_from_env: false })).toBe(
      "Live · seedance2ai.io",
    );
  });

  it("says when the environment chose the base URL, port included", () => {
    expect(connectionLabel({ mode: "live", base_url: "http://127.0.0.1:8080", base_url_from_env: true })).toBe(
      "Live · 127.0.0.1:8080 (from SEEDANCE_BASE_URL)",
    );
  });
});
