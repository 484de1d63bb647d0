import { PageHeader } from "../../components/PageHeader";

export default function InboxPage() {
  return <PageHeader title="Inbox" description="Your conversations with customers." />;
}
