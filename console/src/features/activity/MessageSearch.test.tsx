import { describe, expect, it, vi, beforeEach } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";

const get = vi.fn();
vi.mock("../../api/client", async (original) => ({
  ...(await original<typeof import("../../api/client")>()),
  api: { GET: (...args: unknown[]) => get(...args) },
}));

const { MessageSearch } = await import("./MessageSearch");

function ok(data: unknown) {
  return { data, response: new Response(null, { status: 200 }) };
}

function renderSearch() {
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MantineProvider>
      <QueryClientProvider client={queries}>
        <MemoryRouter initialEntries={["/activity"]}><MessageSearch /></MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

const configuration = { configurationId: "4f1d0c4e-0000-4000-8000-000000000001", name: "Case created" };

describe("the message search", () => {
  beforeEach(() => {
    get.mockReset();
    get.mockImplementation(async (path: string, init: { params: { query: Record<string, unknown> } }) => {
      if (path === "/v1/outbound-configurations") return ok({ items: [configuration] });
      if (init.params.query.number === "+1415") {
        return {
          error: { title: "One or more validation errors occurred.", errors: { number: ["number is an E.164 phone number such as +14155550100."] } },
          response: new Response(null, { status: 400 }),
        };
      }
      return ok({
        items: [{
          messageId: "01a25090bf527619b61f8fb90f365140-1", toContactId: "+14155550100", configurationId: configuration.configurationId,
          status: "delivered", acceptedAt: "2026-12-07T12:00:00Z", updatedAt: "2026-12-07T12:00:02Z",
        }],
        nextCursor: "next",
      });
    });
  });

  it("lists messages with their configuration's name, a link to each message and to the customer's timeline", async () => {
    renderSearch();

    const message = await screen.findByRole("link", { name: /Message to \+14155550100, Delivered/ });
    expect(message).toHaveAttribute("href", "/activity/messages/01a25090bf527619b61f8fb90f365140-1");
    expect(screen.getByRole("link", { name: "+14155550100" })).toHaveAttribute("href", "/activity/contacts/%2B14155550100");
    expect(await screen.findByText("Case created", { selector: "td p" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Next page" })).toBeEnabled();
  });

  it("shows the API's message next to the number it names", async () => {
    renderSearch();
    await screen.findByRole("link", { name: /Message to/ });

    await userEvent.type(screen.getByLabelText("Number"), "+1415");
    await userEvent.click(screen.getByRole("button", { name: "Search" }));

    expect(await screen.findByText("number is an E.164 phone number such as +14155550100.")).toBeInTheDocument();
    expect(screen.getByLabelText("Number")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
