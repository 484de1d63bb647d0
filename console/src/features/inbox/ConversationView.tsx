import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { Alert, Anchor, Badge, Button, Group, Loader, Modal, Paper, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { ApiError } from "../../api/problem";
import { ProblemAlert } from "../../components/ProblemAlert";
import { close, getConversation, inboxKeys } from "./api";
import { useInbox } from "./InboxContext";
import { AnswersCard, Transcript } from "./Transcript";
import { ReplyBox } from "./ReplyBox";
import { TransferDialog } from "./TransferDialog";

function BackLink() {
  return <Anchor component={Link} to="/inbox" size="sm" hiddenFrom="md">← All conversations</Anchor>;
}

/** One conversation: what it answers, the transcript (live), the reply box, transfer and close. */
export function ConversationView() {
  const { conversationId = "" } = useParams();
  const navigate = useNavigate();
  const { dispatch } = useInbox();
  const conversation = useQuery({
    queryKey: inboxKeys.conversation(conversationId),
    queryFn: () => getConversation(conversationId),
  });
  const [transferring, setTransferring] = useState(false);
  const [closing, setClosing] = useState(false);
  const end = useMutation({
    mutationFn: () => close(conversationId),
    onSuccess: () => {
      dispatch({ type: "removed", id: conversationId });
      navigate("/inbox");
    },
  });

  // What is on screen is read: the unread count drops to zero and stays there while new messages arrive.
  const data = conversation.data;
  const through = data?.transcript.reduce((max, e) => Math.max(max, e.sequence), 0);
  useEffect(() => {
    dispatch({ type: "opened", id: conversationId, through });
  }, [dispatch, conversationId, through]);
  useEffect(() => () => dispatch({ type: "opened", id: undefined }), [dispatch]);

  // The transcript scrolls in its own box, kept at its newest message, so the reply box stays in view.
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = scroller.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [through]);

  if (conversation.isLoading) return <Loader aria-label="Loading the conversation" />;
  if (conversation.error instanceof ApiError && conversation.error.status === 404) {
    return (
      <Stack>
        <BackLink />
        <Alert color="gray" title="Not your conversation any more">
          It was transferred or closed, or it was never assigned to you.
        </Alert>
      </Stack>
    );
  }
  if (!data) return <ProblemAlert error={conversation.error} />;

  return (
    <Stack gap="sm">
      <BackLink />
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <div>
          <Title order={2} size="h3">{data.profileName ? `${data.profileName} · ${data.customer}` : data.customer}</Title>
          <Group gap={6} mt={4}>
            <Badge variant="filled" color={data.channelType === "whatsapp" ? "teal.9" : "blue.8"}>{data.channelType === "whatsapp" ? "WhatsApp" : "SMS"}</Badge>
            <Badge variant="outline" color={data.status === "closed" ? "gray" : "blue"}>{data.status}</Badge>
          </Group>
        </div>
        {data.status !== "closed" ? (
          <Group gap="xs">
            <Button variant="default" onClick={() => setTransferring(true)}>Transfer</Button>
            <Button variant="light" color="red" onClick={() => setClosing(true)}>Close</Button>
          </Group>
        ) : null}
      </Group>
      <AnswersCard answers={data.answers} />
      <Paper withBorder radius="md" p="sm" ref={scroller} tabIndex={0} role="region" aria-label="Conversation history"
        style={{ maxHeight: "max(240px, calc(100dvh - 560px))", overflowY: "auto" }}>
        <Transcript entries={data.transcript} />
      </Paper>
      <Paper withBorder radius="md" p="sm">
        <ReplyBox key={data.conversationId} conversation={data} />
      </Paper>
      {transferring ? (
        <TransferDialog
          conversation={data}
          opened
          onClose={() => setTransferring(false)}
          onTransferred={() => {
            setTransferring(false);
            dispatch({ type: "removed", id: conversationId });
            navigate("/inbox");
          }}
        />
      ) : null}
      <Modal opened={closing} onClose={() => setClosing(false)} title="Close the conversation?" closeButtonProps={{ "aria-label": "Cancel" }}>
        <Stack>
          <Text size="sm">You stop answering this customer here; their next message opens a new conversation.</Text>
          <ProblemAlert error={end.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setClosing(false)}>Cancel</Button>
            <Button color="red" loading={end.isPending} onClick={() => end.mutate()}>Close conversation</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
