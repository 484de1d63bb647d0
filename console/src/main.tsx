import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { MantineProvider } from "@mantine/core";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "@mantine/core/styles.css";
import { App } from "./App";
import { SessionProvider } from "./session/SessionContext";
import { ApiError } from "./api/problem";
import { cssVariables, theme } from "./theme";

// A 401 on any read means the session ended (expired, or its key was revoked): back to sign-in.
const onSessionEnded = new EventTarget();
const queries = new QueryClient({
  queryCache: new QueryCache({
    onError: (error) => {
      if (error instanceof ApiError && error.status === 401) onSessionEnded.dispatchEvent(new Event("ended"));
    },
  }),
  defaultOptions: {
    queries: { retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2, staleTime: 5_000 },
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables}>
      <QueryClientProvider client={queries}>
        <BrowserRouter>
          <SessionProvider sessionEnded={onSessionEnded}>
            <App />
          </SessionProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
