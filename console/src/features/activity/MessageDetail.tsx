import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { Anchor, Card, Code, Grid, Group, Loader, Table, Text, ThemeIcon, Timeline, Title } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { statusStyle } from "../../components/messageStatus";
import { StatusBadge } from "../../components/StatusBadge";
import { useConfigurationOptions } from "../../components/useConfigurationOptions";
import { formatTime } from "./format";

const providers: Record<string, string> = { twilio: "Twilio", acs: "Azure Communication Services" };
const purposes: Record<string, string> = { reply: "An agent's reply", auto_reply: "A keyword's auto-reply", opt_out_confirmation: "An opt-out confirmation" };

export function MessageDetail() {
  const { messageId = "" } = useParams();
  const configurations = useConfigurationOptions();
  const message = useQuery({
    queryKey: ["message", messageId],
    queryFn: async () => unwrap(await api.GET("/v1/messages/{messageId}", { params: { path: { messageId } } })),
    // A message on its way moves on: its history fills in while the page is open.
    refetchInterval: (q) => (q.state.data && ["delivered", "undelivered", "failed", "read", "unknown"].includes(q.state.data.status) ? false : 5_000),
  });
  const m = message.data;
  const status = m ? statusStyle(m.status) : undefined;

  return (
    <>
      <Anchor component={Link} to="/activity" size="sm">← Activity</Anchor>
      <PageHeader title="Message" description={<Code>{messageId}</Code>} />
      <ProblemAlert error={message.error} />
      {message.isLoading ? <Loader aria-label="Loading the message" /> : null}
      {m && status ? (
        <Grid>
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Card withBorder padding="lg" component="section" aria-labelledby="message-heading">
              <Group justify="space-between" mb="sm">
                <Title order={2} size="h4" id="message-heading">What was sent</Title>
                <StatusBadge status={m.status} size="lg" />
              </Group>
              <Table variant="vertical" layout="fixed" withRowBorders={false} styles={{ td: { overflowWrap: "anywhere" } }}>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th w={130}>To</Table.Th>
                    <Table.Td>
                      <Anchor component={Link} to={`/activity/contacts/${encodeURIComponent(m.toContactId)}`}>{m.toContactId}</Anchor>
                      <Text size="xs" c="dimmed">Opens the customer's timeline</Text>
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Configuration</Table.Th>
                    <Table.Td>{m.purpose ? purposes[m.purpose] ?? m.purpose : configurations.nameOf(m.configurationId) ?? m.configurationId}</Table.Td>
                  </Table.Tr>
                  {m.channelType ? <Table.Tr><Table.Th>Channel</Table.Th><Table.Td>{m.channelType === "whatsapp" ? "WhatsApp" : "SMS"} via {providers[m.provider] ?? m.provider}{m.viaFallback ? " (fallback channel)" : ""}</Table.Td></Table.Tr> : null}
                  {m.locale ? <Table.Tr><Table.Th>Locale</Table.Th><Table.Td>{m.locale}</Table.Td></Table.Tr> : null}
                  {m.entityrelationshipname ? <Table.Tr><Table.Th>Regarding</Table.Th><Table.Td>{m.entityrelationshipname}</Table.Td></Table.Tr> : null}
                  {m.body ? <Table.Tr><Table.Th>Text</Table.Th><Table.Td style={{ whiteSpace: "pre-wrap" }}>{m.body}</Table.Td></Table.Tr> : null}
                  {m.contentSid ? <Table.Tr><Table.Th>Content SID</Table.Th><Table.Td><Code>{m.contentSid}</Code></Table.Td></Table.Tr> : null}
                  <Table.Tr><Table.Th>Accepted</Table.Th><Table.Td>{formatTime(m.acceptedAt)}</Table.Td></Table.Tr>
                  <Table.Tr><Table.Th>Attempts</Table.Th><Table.Td>{m.attempts}</Table.Td></Table.Tr>
                  {m.providerMessageId ? <Table.Tr><Table.Th>Provider's id</Table.Th><Table.Td><Code>{m.providerMessageId}</Code></Table.Td></Table.Tr> : null}
                  {m.errorCode || m.errorMessage ? <Table.Tr><Table.Th>Error</Table.Th><Table.Td>{[m.errorCode, m.errorMessage].filter(Boolean).join(": ")}</Table.Td></Table.Tr> : null}
                  {m.ambiguous ? <Table.Tr><Table.Th>Note</Table.Th><Table.Td>Sent again after an attempt with no answer: the customer may have received it twice.</Table.Td></Table.Tr> : null}
                </Table.Tbody>
              </Table>
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Card withBorder padding="lg" component="section" aria-labelledby="history-heading">
              <Title order={2} size="h4" id="history-heading" mb="md">Status history</Title>
              <Timeline active={m.history.length - 1} bulletSize={22} lineWidth={2} aria-label="Status history">
                {m.history.map((h, i) => {
                  const s = statusStyle(h.status);
                  return (
                    <Timeline.Item key={`${h.status}-${i}`} color={s.color}
                      bullet={<ThemeIcon size={22} radius="xl" color={s.color} aria-hidden="true"><span /></ThemeIcon>}
                      title={s.label}>
                      <Text size="sm" c="dimmed">{formatTime(h.at)}</Text>
                      {h.errorCode ? <Text size="sm">Error {h.errorCode}</Text> : null}
                    </Timeline.Item>
                  );
                })}
              </Timeline>
            </Card>
          </Grid.Col>
        </Grid>
      ) : null}
    </>
  );
}
