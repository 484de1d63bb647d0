import { Link } from "react-router";
import { Anchor, Badge, Button, Group, Loader, Table, Text } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { Pager } from "../../components/Pager";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useCursorPages } from "../../components/useCursorPages";

export function TemplateList() {
  const pages = useCursorPages(["templates"], async (cursor) =>
    unwrap(await api.GET("/v1/templates", { params: { query: { cursor, limit: 25 } } })));

  return (
    <>
      <PageHeader
        title="Templates"
        description="Message templates with their localized versions: the text (SMS) or Content Template (WhatsApp) a configuration sends."
        actions={<Button component={Link} to="new">New template</Button>}
      />
      <ProblemAlert error={pages.error} />
      {pages.isLoading ? <Loader role="status" aria-label="Loading templates" /> : pages.items.length === 0 && !pages.error ? (
        <Text c="dimmed">No templates yet. Create one, then bind it to a channel in an outbound configuration.</Text>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Channel type</Table.Th>
                <Table.Th>Languages</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pages.items.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td><Anchor component={Link} to={t.id}>{t.name}</Anchor></Table.Td>
                  <Table.Td>{t.channelType === "sms" ? "SMS" : "WhatsApp"}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {Object.keys(t.versions).map((l) => (
                        <Badge key={l} variant={l === t.defaultLocale ? "filled" : "light"} tt="none">
                          {l === t.defaultLocale ? `${l} (default)` : l}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{new Date(t.updatedAt).toLocaleString()}</Table.Td>
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
