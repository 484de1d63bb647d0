// Where the browser tests' own system listens: ../run.sh on ports derived from E2E_PORT_BASE, so a developer's
// ./run.sh (8080...) and several test runs can share the machine.
const base = Number(process.env.E2E_PORT_BASE ?? 18000);

export const ports = {
  azuriteBlob: base,
  azuriteQueue: base + 1,
  azuriteTable: base + 2,
  silo: base + 11,
  siloGateway: base + 30,
  gateway: base + 80,
  siloHttp: base + 81,
  providerFake: base + 90,
};

export const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
export const providerFakeUrl = `http://127.0.0.1:${ports.providerFake}`;
/** run.sh's development operator key: it creates an org per test. */
export const operatorKey = process.env.E2E_ADMIN_KEY ?? "dev-admin-key";
