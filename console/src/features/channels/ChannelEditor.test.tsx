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

const { ChannelEditor } = await import("./ChannelEditor");

function renderNewChannel() {
  render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter initialEntries={["/channels/new"]}>
          <Routes><Route path="/channels/new" element={<ChannelEditor />} /></Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

describe("ChannelEditor", () => {
  it("shows each of the service's field errors next to its input, and the rest in an alert", async () => {
    post.mockResolvedValue({
      response: new Response(null, { status: 400 }),
      error: {
        title: "One or more validation errors occurred.",
        errors: {
          "twilio.accountSid": ["accountSid is 'AC' followed by 32 hexadecimal digits."],
          from: ["An SMS sender is an E.164 number such as +14155550100."],
          "something.else": ["An error no input shows."],
        },
      },
    });
    renderNewChannel();
    const user = userEvent.setup();
    fireEvent.change(screen.getByLabelText(/Name/), { target: { value: "Support SMS" } });
    fireEvent.change(screen.getByLabelText(/Account SID/), { target: { value: "AC1" } });
    fireEvent.change(screen.getByLabelText(/Auth token/), { target: { value: "secret-token" } });
    await user.click(screen.getByRole("button", { name: "Create channel" }));

    expect(await screen.findByLabelText(/Account SID/)).toHaveAccessibleDescription(/accountSid is 'AC' followed by 32 hexadecimal digits/);
    expect(screen.getByLabelText(/^From/)).toHaveAccessibleDescription(/E\.164/);
    expect(screen.getByRole("alert")).toHaveTextContent("something.else: An error no input shows.");
    // The typed token went in the request; it is write-only, so nothing else shows it.
    expect(post).toHaveBeenCalledWith("/v1/channels", expect.objectContaining({
      body: expect.objectContaining({ twilio: { accountSid: "AC1", authToken: "secret-token" } }),
    }));
  });
});
