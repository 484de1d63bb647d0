import { PageHeader } from "../../components/PageHeader";

export default function AgentsPage() {
  return <PageHeader title="Agents" description="The people who answer customers." />;
}
