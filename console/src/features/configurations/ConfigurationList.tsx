import { useState } from "react";
import { Link } from "react-router";
import { Anchor, Badge, Button, Code, Loader, SegmentedControl, Table, Text } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { Pager } from "../../components/Pager";
import { ProblemAlert } from "../../components/ProblemAlert";
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
      <ProblemAlert error={pages.error} />
      {pages.isLoading ? <Loader role="status" aria-label="Loading configurations" /> : pages.items.length === 0 && !pages.error ? (
        <Text c="dimmed">
          {shown === "inactive" ? "No inactive configurations." : "No outbound configurations yet. Create a channel and a template first, then bind them here."}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Channel type</Table.Th>
                <Table.Th>Show in timeline</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Configuration ID</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pages.items.map((c) => (
                <Table.Tr key={c.configurationId}>
                  <Table.Td><Anchor component={Link} to={c.configurationId}>{c.name}</Anchor></Table.Td>
                  <Table.Td>{c.channelType === "sms" ? "SMS" : "WhatsApp"}</Table.Td>
                  <Table.Td>{c.showInTimeline ? "Yes" : "No"}</Table.Td>
                  <Table.Td><Badge variant="dot" color={c.active ? "teal" : "gray"}>{c.active ? "Active" : "Inactive"}</Badge></Table.Td>
                  <Table.Td><Code>{c.configurationId}</Code></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager {...pages} />
    </>
  );
}
