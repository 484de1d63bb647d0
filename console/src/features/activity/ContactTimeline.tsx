import { Link, useParams } from "react-router";
import { Anchor, Card, Group, Loader, Stack, Text } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { Pager } from "../../components/Pager";
import { ProblemAlert } from "../../components/ProblemAlert";
import { StatusBadge } from "../../components/StatusBadge";
import { useCursorPages } from "../../components/useCursorPages";
import { formatTime } from "./format";

/** What a customer got and said, newest first: the timeline agents see. */
export function ContactTimeline() {
  const { number = "" } = useParams();
  const pages = useCursorPages(["contact-timeline", number], async (cursor) =>
    unwrap(await api.GET("/v1/contacts/{tocontactid}/timeline", { params: { path: { tocontactid: number }, query: { cursor, pageSize: 20 } } })));

  return (
    <>
      <Anchor component={Link} to="/activity" size="sm">← Activity</Anchor>
      <PageHeader title={`Timeline of ${number}`} description="Messages of configurations shown in the timeline, replies and the customer's own messages, newest first." />
      <ProblemAlert error={pages.error} />
      {pages.isLoading ? <Loader aria-label="Loading the timeline" /> : null}
      <Stack gap="sm" component="ol" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Timeline">
        {pages.items.map((m) => {
          const inbound = m.direction === "inbound";
          return (
            <Card key={m.messageId} withBorder padding="md" component="li" ml={inbound ? 0 : "xl"} mr={inbound ? "xl" : 0}
              bg={inbound ? "var(--mantine-color-gray-light)" : undefined}>
              <Group justify="space-between" gap="xs" mb={4}>
                <Text size="sm" fw={600}>{inbound ? "Customer" : m.purpose === "reply" ? "Agent's reply" : "Sent"}</Text>
                <Group gap="xs">
                  {inbound ? null : <StatusBadge status={m.status} />}
                  <Text size="xs" c="dimmed">{formatTime(m.acceptedAt)}</Text>
                </Group>
              </Group>
              <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>{m.body ?? (m.contentSid ? `WhatsApp template ${m.contentSid}` : "")}</Text>
              {m.entityrelationshipname ? <Text size="xs" c="dimmed" mt={4}>Regarding {m.entityrelationshipname}</Text> : null}
              {inbound ? null : (
                <Anchor component={Link} to={`/activity/messages/${m.messageId}`} size="xs" mt={4} display="inline-block">Message details</Anchor>
              )}
            </Card>
          );
        })}
      </Stack>
      {!pages.isLoading && pages.items.length === 0 && !pages.error ? <Text c="dimmed" size="sm">Nothing on this timeline yet.</Text> : null}
      <Pager pageNumber={pages.pageNumber} hasPrevious={pages.hasPrevious} hasNext={pages.hasNext}
        previous={pages.previous} next={pages.next} isFetching={pages.isFetching} />
    </>
  );
}
