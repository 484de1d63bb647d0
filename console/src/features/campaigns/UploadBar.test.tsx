import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { MantineProvider } from "@mantine/core";
import { UploadBar } from "./CampaignDetail";

const renderBar = (progress: Parameters<typeof UploadBar>[0]["progress"]) =>
  render(<MantineProvider><UploadBar progress={progress} /></MantineProvider>);

describe("the upload's progress bar", () => {
  it("shows the share of the file sent while it goes up", () => {
    renderBar({ phase: "uploading", loaded: 300, total: 1000, fraction: 0.3 });
    expect(screen.getByRole("progressbar", { name: "Upload progress" })).toHaveAttribute("aria-valuenow", "30");
    expect(screen.getByRole("status")).toHaveTextContent("Uploading: 30%");
  });

  it("says the gateway is checking once the file is up, and what it read when it answers", () => {
    const { rerender } = renderBar({ phase: "checking" });
    expect(screen.getByRole("status")).toHaveTextContent("checking the last rows");
    rerender(<MantineProvider><UploadBar progress={{ phase: "done", audience: { uploadId: "u", rows: 121, valid: 120, invalid: 1, uploadedAt: "", errorsUrl: "" } }} /></MantineProvider>);
    expect(screen.getByRole("progressbar", { name: "Upload progress" })).toHaveAttribute("aria-valuenow", "100");
    expect(screen.getByRole("status")).toHaveTextContent("Done: 120 valid rows, 1 refused.");
  });
});
