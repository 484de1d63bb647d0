import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { gatewayUrl, ports } from "./e2e/system";

// Debian's Chromium (apt-get install chromium): the wrapper script's binary, or CHROMIUM_PATH.
const chromium = process.env.CHROMIUM_PATH ?? ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((p) => existsSync(p));
const dataDir = resolve(import.meta.dirname, ".e2e", `system-${ports.gateway}`);

export default defineConfig({
  testDir: "e2e",
  outputDir: ".e2e/results",
  // One system serves every test; tests make their own org, so they never see each other's data.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: gatewayUrl,
    ...devices["Desktop Chrome"],
    viewport: { width: 1280, height: 800 },
    launchOptions: { executablePath: chromium },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    // The whole system, as a user runs it, with throw-away data; run.sh builds the console first (cached).
    command: `rm -rf '${dataDir}' && ../run.sh`,
    url: `${gatewayUrl}/health/ready`,
    // run.sh builds the solution first unless RUN_SKIP_BUILD=1: a cold build on two busy cores takes minutes.
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 60_000 },
    env: {
      RUN_DATA_DIR: dataDir,
      AZURITE_BLOB_PORT: String(ports.azuriteBlob),
      AZURITE_QUEUE_PORT: String(ports.azuriteQueue),
      AZURITE_TABLE_PORT: String(ports.azuriteTable),
      GATEWAY_PORT: String(ports.gateway),
      SILO_PORT: String(ports.silo),
      SILO_GATEWAY_PORT: String(ports.siloGateway),
      SILO_HTTP_PORT: String(ports.siloHttp),
      PROVIDER_FAKE_PORT: String(ports.providerFake),
      ORLEANS_CLUSTER_ID: `e2e-${ports.gateway}`,
      RUN_SKIP_BUILD: process.env.RUN_SKIP_BUILD ?? "0",
    },
  },
});
