import { PageHeader } from "../../components/PageHeader";

export default function CampaignsPage() {
  return <PageHeader title="Campaigns" description="Sends to audiences beyond 100 contacts, paced under the hourly quota." />;
}
