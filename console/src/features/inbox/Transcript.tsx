import { Box, Code, Group, Paper, Stack, Text } from "@mantine/core";
import type { Conversation, TranscriptEntry } from "./api";
import { formatWhen } from "./format";

const eventWords: Record<string, string> = {
  assigned: "Assigned",
  transferred: "Transferred",
  requeued: "Back in the queue",
  closed: "Closed",
};

/** The outbound message the customer answers: the configuration that sent it and what it was regarding. */
export function AnswersCard({ answers }: { answers: Conversation["answers"] }) {
  if (!answers) {
    return <Text size="sm" c="dimmed">The customer wrote first: this conversation answers no outbound message.</Text>;
  }
  return (
    <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-gray-0)" component="section" aria-label="The message this conversation answers">
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Text size="xs" c="dimmed" fw={700} tt="uppercase">In reply to</Text>
        <Text size="xs" c="dimmed">Sent {formatWhen(answers.sentAt)}</Text>
      </Group>
      {answers.body ? <Text size="sm" mt={4} style={{ whiteSpace: "pre-wrap" }}>{answers.body}</Text> : null}
      {answers.contentSid ? <Text size="sm" mt={4}>WhatsApp template <Code>{answers.contentSid}</Code></Text> : null}
      <Text size="xs" mt={6} style={{ overflowWrap: "anywhere" }}>
        <Text span c="dimmed" size="xs">Regarding </Text>{answers.entityrelationshipname ?? "nothing named"}
        <Text span c="dimmed" size="xs"> · Configuration </Text><Code>{answers.configurationId}</Code>
      </Text>
    </Paper>
  );
}

function Entry({ entry }: { entry: TranscriptEntry }) {
  if (entry.kind === "event") {
    return (
      <Text size="xs" c="dimmed" ta="center" py={2}>
        {eventWords[entry.text ?? ""] ?? entry.text} · {formatWhen(entry.at)}
      </Text>
    );
  }
  const mine = entry.kind === "agent";
  return (
    <Box style={{ alignSelf: mine ? "flex-end" : "flex-start", maxWidth: "85%" }}>
      <Paper
        radius="md"
        px="sm"
        py={6}
        bg={mine ? "var(--mantine-color-blue-light)" : "var(--mantine-color-gray-1)"}
      >
        <Text size="xs" c="dimmed" fw={600}>{mine ? "You" : "Customer"}</Text>
        {entry.text ? <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{entry.text}</Text> : null}
        {entry.contentSid ? (
          <Text size="sm">
            Template <Code>{entry.contentSid}</Code>
            {entry.contentVariables && Object.keys(entry.contentVariables).length > 0
              ? ` (${Object.entries(entry.contentVariables).map(([k, v]) => `${k}: ${v}`).join(", ")})`
              : null}
          </Text>
        ) : null}
      </Paper>
      <Text size="xs" c="dimmed" ta={mine ? "right" : "left"} mt={2}>{formatWhen(entry.at)}</Text>
    </Box>
  );
}

/** The conversation's messages and events, oldest first; new ones are announced to screen readers. */
export function Transcript({ entries }: { entries: TranscriptEntry[] }) {
  return (
    <Stack gap="xs" role="log" aria-label="Transcript" aria-live="polite">
      {entries.map((e) => <Entry key={e.sequence} entry={e} />)}
    </Stack>
  );
}
