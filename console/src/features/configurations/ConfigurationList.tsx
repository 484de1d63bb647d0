import { useState } from "react";
import { Link } from "react-router";
import { Anchor, Badge, Button, Code, SegmentedControl } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { PagedTable } from "../../components/PagedTable";
import { useCursorPages } from "../../components/useCursorPages";

type Shown = "active" | "inactive" | "all";

export function ConfigurationList() {
  // The reference's admin center opens on the active configurations; the API filters them.
  const [shown, setShown] = useState<Shown>("active");
  const active = shown === "all" ? undefined : shown === "active";
  const pages = useCursorPages(["outbound-configurations", shown], async (cursor) =>
    unwrap(await api.GET("/v1/outbound-configurations", { params: { query: { cursor, limit: 25, active } } })));

  return (
    <>
      <PageHeader
        title="Outbound configurations"
        description="Each binds a channel and a template; its Configuration ID is what an integrator sends with."
        actions={<Button component={Link} to="new">New configuration</Button>}
      />
      <SegmentedControl
        mb="sm" role="radiogroup" aria-label="Which configurations" value={shown}
        onChange={(v) => { setShown(v as Shown); pages.reset(); }}
        data={[{ value: "active", label: "Active" }, { value: "inactive", label: "Inactive" }, { value: "all", label: "All" }]}
      />
      <PagedTable
        pages={pages}
        rowKey={(c) => c.configurationId}
        loadingLabel="Loading configurations"
        empty={shown === "inactive" ? "No inactive configurations." : "No outbound configurations yet. Create a channel and a template first, then bind them here."}
        columns={[
          { header: "Name", cell: (c) => <Anchor component={Link} to={c.configurationId}>{c.name}</Anchor> },
          { header: "Channel type", cell: (c) => (c.channelType === "sms" ? "SMS" : "WhatsApp") },
          { header: "Show in timeline", cell: (c) => (c.showInTimeline ? "Yes" : "No") },
          { header: "State", cell: (c) => <Badge variant="dot" color={c.active ? "teal" : "gray"}>{c.active ? "Active" : "Inactive"}</Badge> },
          { header: "Configuration ID", cell: (c) => <Code>{c.configurationId}</Code> },
        ]}
      />
    </>
  );
}
