import type { Session } from "../session/session";

export interface NavItem {
  path: string;
  label: string;
}

export interface NavSection {
  label: string;
  items: NavItem[];
}

/** The pages a session may open: an admin key configures and watches; an agent key answers. */
export function navigationFor(session: Session): NavSection[] {
  const sections: NavSection[] = [];
  if (session.agentId) {
    sections.push({ label: "Agent", items: [{ path: "/inbox", label: "Inbox" }] });
  }
  if (session.scope === "admin") {
    sections.push(
      {
        label: "Messaging",
        items: [
          { path: "/overview", label: "Overview" },
          { path: "/activity", label: "Activity" },
          { path: "/reports", label: "Reports" },
        ],
      },
      {
        label: "Setup",
        items: [
          { path: "/channels", label: "Channels" },
          { path: "/templates", label: "Templates" },
          { path: "/configurations", label: "Outbound configurations" },
        ],
      },
      {
        label: "Automation",
        items: [
          { path: "/campaigns", label: "Campaigns" },
          { path: "/triggers", label: "Triggers" },
          { path: "/schedules", label: "Schedules" },
        ],
      },
      {
        label: "Conversations",
        items: [
          { path: "/queues", label: "Queues" },
          { path: "/agents", label: "Agents" },
        ],
      },
      { label: "Org", items: [{ path: "/api-keys", label: "API keys" }] },
    );
  }
  return sections;
}

/** Where a session starts: the inbox for an agent, the overview for an admin. */
export function homeFor(session: Session): string {
  return session.scope === "admin" ? "/overview" : session.agentId ? "/inbox" : "/no-access";
}
