import { PageHeader } from "../../components/PageHeader";

export default function ActivityPage() {
  return <PageHeader title="Activity" description="Messages searched by number, status, configuration and time." />;
}
