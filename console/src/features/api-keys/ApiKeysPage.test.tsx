import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";

const ok = (data: unknown, status = 200) => ({ data, response: { ok: true, status } as Response });
const stored = [{ id: "k1", name: "CRM", scope: "send", prefix: "sk_AbC", createdAt: "2026-12-01T10:00:00Z", lastUsedAt: null }];
const calls: { method: string; path: string; body?: unknown }[] = [];

vi.mock("../../api/client", async (original) => ({
  ...(await original<typeof import("../../api/client")>()),
  api: {
    GET: vi.fn(async (path: string) => { calls.push({ method: "GET", path }); return ok({ items: stored }); }),
    POST: vi.fn(async (path: string, init: { body: { name: string; scope: string } }) => {
      calls.push({ method: "POST", path, body: init.body });
      return ok({ id: "k2", name: init.body.name, scope: init.body.scope, prefix: "sk_New", createdAt: "2026-12-07T10:00:00Z", key: "sk_New_the-whole-secret" }, 201);
    }),
    DELETE: vi.fn(async (path: string) => { calls.push({ method: "DELETE", path }); return { data: undefined, response: { ok: true, status: 204 } as Response }; }),
  },
}));

const { default: ApiKeysPage } = await import("./ApiKeysPage");

function renderPage() {
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MantineProvider>
      <QueryClientProvider client={queries}><ApiKeysPage /></QueryClientProvider>
    </MantineProvider>,
  );
}

describe("the API keys page", () => {
  it("shows a new key once, with a warning, and forgets it when the dialog closes", async () => {
    const user = userEvent.setup();
    renderPage();
    expect(await screen.findByText("CRM")).toBeInTheDocument();

    await user.type(screen.getByLabelText(/^Name/), "Billing");
    await user.click(screen.getByRole("button", { name: "Create the key" }));

    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("You will not see it again");
    expect(dialog).toHaveTextContent("sk_New_the-whole-secret");
    expect(calls).toContainEqual({ method: "POST", path: "/v1/api-keys", body: { name: "Billing", scope: "send" } });

    await user.click(screen.getByRole("button", { name: "I have copied it" }));
    await waitFor(() => expect(screen.queryByText("sk_New_the-whole-secret")).not.toBeInTheDocument());
  });

  it("revokes a key only after the confirmation", async () => {
    const user = userEvent.setup();
    renderPage();
    await user.click(await screen.findByRole("button", { name: "Revoke CRM" }));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    await user.click(await screen.findByRole("button", { name: "Revoke the key" }));
    await waitFor(() => expect(calls).toContainEqual({ method: "DELETE", path: "/v1/api-keys/{id}" }));
  });
});
