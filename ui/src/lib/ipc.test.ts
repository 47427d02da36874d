import { describe, expect, it } from "vitest";
import { toIpcError } from "./ipc";

describe("toIpcError", () => {
  it("keeps a structured error from the core as it is, with its field", () => {
    expect(toIpcError({ code: "invalid_input", message: "must be https", field: "base_url" })).toEqual({
      code: "invalid_input",
      message: "must be https",
      field: "base_url",
      problems: [],
      over_limit: null,
    });
    expect(toIpcError({ code: "setup", message: "no data folder" })).toEqual({
      code: "setup",
      message: "no data folder",
      field: null,
      problems: [],
      over_limit: null,
    });
  });

  it("keeps the numbers of a money rule's refusal", () => {
    const over_limit = { rule: "spend_guard", estimated_credits: 720, limit: 300 };
    expect(toIpcError({ code: "needs_confirmation", message: "above", over_limit }).over_limit).toEqual(over_limit);
  });

  it("wraps a plain string rejection (e.g. an ACL refusal) as internal", () => {
    expect(toIpcError("Command app_info not allowed by ACL")).toEqual({
      code: "internal",
      message: "Command app_info not allowed by ACL",
      field: null,
      problems: [],
      over_limit: null,
    });
  });

  it("wraps thrown errors and unknown values with a readable message", () => {
    expect(toIpcError(new Error("boom")).message).toBe("boom");
    expect(toIpcError({ code: 3 })).toEqual({
      code: "internal",
      message: "Unexpected error from the app core",
      field: null,
      problems: [],
      over_limit: null,
    });
  });
});
