import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes } from "react-router";

const problem = {
  title: "One or more validation errors occurred.",
  status: 400,
  errors: {
    "filter[0].path": ["filter[0].path is not a JSON Pointer: it starts with '/'."],
    "contact.contextitems.CaseName": ["contact.contextitems.CaseName is not a JSON Pointer."],
    delay: ["delay is an ISO 8601 duration of at most 30 days."],
  },
};

vi.mock("../../api/client", async (original) => ({
  ...(await original<typeof import("../../api/client")>()),
  api: {
    GET: vi.fn(async () => ({ data: { items: [{ configurationId: "cfg", name: "Case created SMS", active: true }] }, response: { ok: true, status: 200 } })),
    POST: vi.fn(async () => ({ error: problem, response: { ok: false, status: 400 } })),
  },
}));

const { default: TriggersPage } = await import("./TriggersPage");

describe("the trigger form", () => {
  it("shows each of the API's field errors next to the input it names, nested names included", async () => {
    const user = userEvent.setup();
    render(
      <MantineProvider>
        <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
          <MemoryRouter initialEntries={["/triggers/new"]}>
            <Routes><Route path="/triggers/*" element={<TriggersPage />} /></Routes>
          </MemoryRouter>
        </QueryClientProvider>
      </MantineProvider>,
    );

    await user.click(await screen.findByRole("button", { name: "Add a condition" }));
    const fill = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
    fill(/^Name/, "Case created notice");
    fill(/^Event type/, "case.created");
    fill("Condition 1: path", "priority");
    await user.click(screen.getByRole("button", { name: "Add a slug" }));
    fill("Slug 1: name", "CaseName");
    fill("Slug 1: pointer", "caseName");
    fill(/^Delay/, "P99D");
    fireEvent.submit(screen.getByRole("button", { name: "Create the trigger" }).closest("form")!);

    expect(await screen.findByLabelText("Condition 1: path")).toHaveAccessibleDescription(/not a JSON Pointer: it starts with '\/'/);
    expect(screen.getByLabelText("Slug 1: pointer")).toHaveAccessibleDescription(/contextitems.CaseName is not a JSON Pointer/);
    expect(screen.getByLabelText(/^Delay/)).toHaveAccessibleDescription(/at most 30 days/);
    // Every message is at its field, so no alert repeats them.
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  }, 20_000);
});
