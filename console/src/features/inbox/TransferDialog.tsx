import { useState } from "react";
import { Button, Group, Loader, Modal, Radio, SegmentedControl, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { fieldError } from "../../api/problem";
import { Pager } from "../../components/Pager";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useCursorPages } from "../../components/useCursorPages";
import { listTransferAgents, listTransferQueues, transfer, type Conversation } from "./api";

type Target = "queue" | "agent";

function Queues({ current, value, onChange, error }: { current?: string | null; value: string; onChange(v: string): void; error?: string }) {
  const pages = useCursorPages(["inbox", "transfer-queues"], listTransferQueues);
  return (
    <>
      <Radio.Group label="Queue" description="The conversation waits there for one of its agents." value={value} onChange={onChange} error={error}>
        <Stack gap="xs" mt="xs">
          {pages.isLoading ? <Loader size="sm" aria-label="Loading queues" /> : null}
          {pages.items.map((q) => (
            <Radio key={q.id} value={q.id} disabled={q.id === current}
              label={q.id === current ? `${q.name} (its queue now)` : q.name}
              description={`${q.waiting} waiting`} />
          ))}
          {!pages.isLoading && pages.items.length === 0 ? <Text size="sm" c="dimmed">The org has no queues.</Text> : null}
        </Stack>
      </Radio.Group>
      <ProblemAlert error={pages.error} />
      <Pager {...pages} />
    </>
  );
}

function Colleagues({ queueId, value, onChange, error }: { queueId?: string | null; value: string; onChange(v: string): void; error?: string }) {
  const pages = useCursorPages(["inbox", "transfer-agents", queueId ?? ""], (cursor) => listTransferAgents(queueId ?? undefined, cursor));
  return (
    <>
      <Radio.Group label="Colleague" description="Agents of this conversation's queue; one who is available with free capacity takes it at once." value={value} onChange={onChange} error={error}>
        <Stack gap="xs" mt="xs">
          {pages.isLoading ? <Loader size="sm" aria-label="Loading colleagues" /> : null}
          {pages.items.map((a) => {
            const free = a.presence === "available" && a.freeCapacity > 0;
            return (
              <Radio key={a.id} value={a.id} disabled={!free} label={a.name}
                description={free ? `Available · room for ${a.freeCapacity}` : a.presence === "available" ? "Available · no free capacity" : a.presence[0]!.toUpperCase() + a.presence.slice(1)} />
            );
          })}
          {!pages.isLoading && pages.items.length === 0 ? <Text size="sm" c="dimmed">No one else serves this queue.</Text> : null}
        </Stack>
      </Radio.Group>
      <ProblemAlert error={pages.error} />
      <Pager {...pages} />
    </>
  );
}

/** Hands the conversation to another queue or to a colleague of its queue. */
export function TransferDialog({ conversation, opened, onClose, onTransferred }: {
  conversation: Conversation; opened: boolean; onClose(): void; onTransferred(): void;
}) {
  const [target, setTarget] = useState<Target>("agent");
  const [queueId, setQueueId] = useState("");
  const [agentId, setAgentId] = useState("");
  const move = useMutation({
    mutationFn: () => transfer(conversation.conversationId, target === "queue" ? { queueId } : { agentId }),
    onSuccess: onTransferred,
  });
  const chosen = target === "queue" ? queueId : agentId;
  return (
    <Modal opened={opened} onClose={onClose} title="Transfer the conversation" size="md" closeButtonProps={{ "aria-label": "Cancel the transfer" }}>
      <form onSubmit={(e) => { e.preventDefault(); if (chosen) move.mutate(); }}>
        <Stack>
          <SegmentedControl
            value={target}
            onChange={(v) => { setTarget(v as Target); move.reset(); }}
            data={[{ value: "agent", label: "To a colleague" }, { value: "queue", label: "To a queue" }]}
            aria-label="Transfer to"
          />
          {target === "queue"
            ? <Queues current={conversation.queueId} value={queueId} onChange={setQueueId} error={fieldError(move.error, "queueId")} />
            : <Colleagues queueId={conversation.queueId} value={agentId} onChange={setAgentId} error={fieldError(move.error, "agentId")} />}
          <ProblemAlert error={move.error} shown={["queueId", "agentId"]} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={move.isPending} disabled={!chosen}>Transfer</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
