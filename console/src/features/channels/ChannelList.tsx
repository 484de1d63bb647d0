import { Link } from "react-router";
import { Anchor, Badge, Button, Loader, Table, Text } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { Pager } from "../../components/Pager";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useCursorPages } from "../../components/useCursorPages";

export const providerName = (p: "twilio" | "acs") => (p === "twilio" ? "Twilio" : "Azure Communication Services");
export const channelTypeName = (t: "sms" | "whatsapp") => (t === "sms" ? "SMS" : "WhatsApp");

export function ChannelList() {
  const pages = useCursorPages(["channels"], async (cursor) =>
    unwrap(await api.GET("/v1/channels", { params: { query: { cursor, limit: 25 } } })));

  return (
    <>
      <PageHeader
        title="Channels"
        description="The org's senders on Twilio and Azure Communication Services. Credentials are write-only: they are never shown again."
        actions={<Button component={Link} to="new">New channel</Button>}
      />
      <ProblemAlert error={pages.error} />
      {pages.isLoading ? <Loader role="status" aria-label="Loading channels" /> : pages.items.length === 0 && !pages.error ? (
        <Text c="dimmed">No channels yet. Add the Twilio or ACS number your messages go out from.</Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Channel type</Table.Th>
                <Table.Th>Provider</Table.Th>
                <Table.Th>Sender</Table.Th>
                <Table.Th>Credentials</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pages.items.map((c) => {
                const set = c.provider === "twilio" ? c.twilio?.authTokenSet : c.acs?.accessKeySet;
                return (
                  <Table.Tr key={c.id}>
                    <Table.Td><Anchor component={Link} to={c.id}>{c.name}</Anchor></Table.Td>
                    <Table.Td>{channelTypeName(c.type)}</Table.Td>
                    <Table.Td>{providerName(c.provider)}</Table.Td>
                    <Table.Td>{c.from ?? c.messagingServiceSid}</Table.Td>
                    <Table.Td>
                      <Badge variant="dot" color={set ? "teal" : "red"}>{set ? "Set" : "Missing"}</Badge>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager {...pages} />
    </>
  );
}
