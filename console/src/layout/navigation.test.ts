import { homeFor, navigationFor } from "./navigation";

const admin = { orgId: "o", scope: "admin" as const, expiresAt: "" };
const agent = { orgId: "o", scope: "agent" as const, agentId: "a", expiresAt: "" };

describe("the console's navigation", () => {
  it("gives an agent the inbox only, and starts there", () => {
    expect(navigationFor(agent).flatMap((s) => s.items.map((i) => i.path))).toEqual(["/inbox"]);
    expect(homeFor(agent)).toBe("/inbox");
  });

  it("gives an admin every admin page, starting at the overview", () => {
    const paths = navigationFor(admin).flatMap((s) => s.items.map((i) => i.path));
    expect(paths).toContain("/templates");
    expect(paths).not.toContain("/inbox");
    expect(homeFor(admin)).toBe("/overview");
  });
});
