import { Link } from "react-router";
import { Anchor, Badge, Button, Group } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { PagedTable } from "../../components/PagedTable";
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
      <PagedTable
        pages={pages}
        rowKey={(t) => t.id}
        loadingLabel="Loading templates"
        minWidth={520}
        empty="No templates yet. Create one, then bind it to a channel in an outbound configuration."
        columns={[
          { header: "Name", cell: (t) => <Anchor component={Link} to={t.id}>{t.name}</Anchor> },
          { header: "Channel type", cell: (t) => (t.channelType === "sms" ? "SMS" : "WhatsApp") },
          {
            header: "Languages",
            cell: (t) => (
              <Group gap={4}>
                {Object.keys(t.versions).map((l) => (
                  <Badge key={l} variant={l === t.defaultLocale ? "filled" : "light"} tt="none">
                    {l === t.defaultLocale ? `${l} (default)` : l}
                  </Badge>
                ))}
              </Group>
            ),
          },
          { header: "Updated", cell: (t) => new Date(t.updatedAt).toLocaleString() },
        ]}
      />
    </>
  );
}
