import { PageHeader } from "../../components/PageHeader";

export default function ChannelsPage() {
  return <PageHeader title="Channels" description="The org's Twilio and Azure Communication Services senders." />;
}
