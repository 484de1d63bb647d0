import { Link } from "react-router";
import { Anchor, Badge, Button } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { PagedTable } from "../../components/PagedTable";
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
      <PagedTable
        pages={pages}
        rowKey={(c) => c.id}
        loadingLabel="Loading channels"
        minWidth={560}
        empty="No channels yet. Add the Twilio or ACS number your messages go out from."
        columns={[
          { header: "Name", cell: (c) => <Anchor component={Link} to={c.id}>{c.name}</Anchor> },
          { header: "Channel type", cell: (c) => channelTypeName(c.type) },
          { header: "Provider", cell: (c) => providerName(c.provider) },
          { header: "Sender", cell: (c) => c.from ?? c.messagingServiceSid },
          {
            header: "Credentials",
            cell: (c) => {
              const set = c.provider === "twilio" ? c.twilio?.authTokenSet : c.acs?.accessKeySet;
              return <Badge variant="dot" color={set ? "teal" : "red"}>{set ? "Set" : "Missing"}</Badge>;
            },
          },
        ]}
      />
    </>
  );
}
