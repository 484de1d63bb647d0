import { Route, Routes, useMatch } from "react-router";
import { Box, Grid, Text } from "@mantine/core";
import { PageHeader } from "../../components/PageHeader";
import { InboxProvider } from "./InboxContext";
import { ConversationList } from "./ConversationList";
import { ConversationView } from "./ConversationView";
import { PresenceToggle } from "./PresenceToggle";

/** The agent's inbox: their conversations (live) beside the one open; on a narrow screen, one or the other. */
export default function InboxPage() {
  const open = useMatch("/inbox/:conversationId")?.params.conversationId;
  return (
    <InboxProvider>
      <PageHeader title="Inbox" description="Your conversations with customers, as they come." actions={<PresenceToggle />} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 4 }} display={open ? { base: "none", md: "block" } : undefined}>
          <ConversationList openId={open} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Routes>
            <Route index element={
              <Box visibleFrom="md" p="md"><Text c="dimmed">Open a conversation to read it and answer.</Text></Box>
            } />
            <Route path=":conversationId" element={<ConversationView />} />
          </Routes>
        </Grid.Col>
      </Grid>
    </InboxProvider>
  );
}
