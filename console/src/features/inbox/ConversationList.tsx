import { NavLink as RouterLink } from "react-router";
import { Alert, Badge, Group, Loader, NavLink, Paper, Stack, Text } from "@mantine/core";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useInbox } from "./InboxContext";
import { totalUnread, unreadOf } from "./inboxState";
import { formatWhen } from "./format";

/** The conversations the agent holds, newest activity first, with their unread messages. */
export function ConversationList({ openId }: { openId?: string }) {
  const { state, isLoading, error, stream } = useInbox();
  const unread = totalUnread(state);
  return (
    <Paper withBorder radius="md" p="xs" component="nav" aria-label="Conversations">
      <Group justify="space-between" px="xs" pb="xs" wrap="nowrap">
        <Text fw={600} size="sm">
          Conversations <Text span c="dimmed" size="sm">({state.conversations.length})</Text>
        </Text>
        <Text size="xs" c={stream === "live" ? "teal.9" : "dimmed"} aria-live="polite">
          {stream === "live" ? "Live" : stream === "connecting" ? "Connecting…" : "Reconnecting…"}
        </Text>
      </Group>
      <Text size="xs" c="dimmed" px="xs" pb="xs" aria-live="polite" data-testid="unread-total">
        {unread === 0 ? "No unread messages" : `${unread} unread ${unread === 1 ? "message" : "messages"}`}
      </Text>
      <ProblemAlert error={error} />
      {isLoading ? <Loader size="sm" m="xs" aria-label="Loading conversations" /> : null}
      {!isLoading && !error && state.conversations.length === 0 ? (
        <Alert variant="light" color="gray" title="No conversations">
          Customers' replies are assigned to you here while you are available.
        </Alert>
      ) : null}
      <Stack gap={2} component="ul" style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {state.conversations.map((c) => {
          const count = unreadOf(state, c.id);
          return (
            <li key={c.id}>
              <NavLink
                component={RouterLink}
                to={`/inbox/${c.id}`}
                active={c.id === openId}
                aria-current={c.id === openId ? "page" : undefined}
                label={<Text size="sm" fw={count > 0 ? 700 : 500}>{c.customer}</Text>}
                description={
                  <Text size="xs" c="dimmed" lineClamp={1} component="span">
                    {formatWhen(c.lastActivityAt)}{c.lastText ? ` · ${c.lastText}` : c.answered ? "" : " · waiting for your answer"}
                  </Text>
                }
                rightSection={count > 0 ? (
                  <Badge size="sm" circle={count < 10} aria-label={`${count} unread`}>{count}</Badge>
                ) : null}
              />
            </li>
          );
        })}
      </Stack>
    </Paper>
  );
}
