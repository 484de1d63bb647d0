import { PageHeader } from "../../components/PageHeader";

export default function TriggersPage() {
  return <PageHeader title="Triggers" description="Messages sent when a system event arrives." />;
}
