import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes } from "react-router";

const post = vi.fn();
vi.mock("../../api/client", async (original) => ({
  ...(await original<typeof import("../../api/client")>()),
  api: { POST: (...args: unknown[]) => post(...args), GET: vi.fn(), PUT: vi.fn() },
}));

const { TemplateEditor } = await import("./TemplateEditor");

function renderNewTemplate() {
  render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter initialEntries={["/templates/new"]}>
          <Routes><Route path="/templates/new" element={<TemplateEditor />} /></Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

describe("TemplateEditor", () => {
  it("counts encoding and segments as the text is typed, with the sample slug values filled in", async () => {
    renderNewTemplate();
    fireEvent.change(screen.getByLabelText("Message text (en)"), { target: { value: "Hi {CustomerName}, case {CaseName}." } });
    expect(screen.getByTestId("encoding")).toHaveTextContent("GSM-7");
    expect(screen.getByTestId("segments")).toHaveTextContent("1 segment");

    fireEvent.change(screen.getByLabelText("CustomerName"), { target: { value: "Zoë" } });
    expect(screen.getByTestId("sms-preview")).toHaveTextContent("Hi Zoë, case {CaseName}.");
    expect(screen.getByTestId("encoding")).toHaveTextContent("UCS-2");

    fireEvent.change(screen.getByLabelText("Message text (en)"), { target: { value: "Hi {CustomerName} " + "x".repeat(70) } });
    expect(screen.getByTestId("segments")).toHaveTextContent("2 segments");
  });

  it("adds a localized version as a tab of its own, starting from the default text", async () => {
    renderNewTemplate();
    const user = userEvent.setup();
    fireEvent.change(screen.getByLabelText("Message text (en)"), { target: { value: "Hi {CustomerName}" } });
    fireEvent.change(screen.getByLabelText("Add a localized version"), { target: { value: "fr" } });
    await user.click(screen.getByRole("button", { name: "Add locale" }));
    expect(screen.getByRole("tab", { name: "fr" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByLabelText("Message text (fr)")).toHaveValue("Hi {CustomerName}");

    fireEvent.change(screen.getByLabelText("Add a localized version"), { target: { value: "FR" } });
    await user.click(screen.getByRole("button", { name: "Add locale" }));
    expect(screen.getByLabelText("Add a localized version")).toHaveAccessibleDescription(/already a FR version/);
  });

  it("marks the tab of a locale the service found errors in, and shows them by the field", async () => {
    post.mockResolvedValue({
      response: new Response(null, { status: 400 }),
      error: { errors: { "versions.fr.body": ["body is required for an SMS version."] } },
    });
    renderNewTemplate();
    const user = userEvent.setup();
    fireEvent.change(screen.getByLabelText("Add a localized version"), { target: { value: "fr" } });
    await user.click(screen.getByRole("button", { name: "Add locale" }));
    await user.click(screen.getByRole("tab", { name: /en/ }));
    await user.click(screen.getByRole("button", { name: "Create template" }));

    expect(await screen.findByRole("tab", { name: "fr, has errors" })).toBeInTheDocument();
    await user.click(screen.getByRole("tab", { name: "fr, has errors" }));
    expect(screen.getByLabelText("Message text (fr)")).toHaveAccessibleDescription(/body is required for an SMS version/);
  });
});
