import { PageHeader } from "../../components/PageHeader";

export default function QueuesPage() {
  return <PageHeader title="Queues" description="Where customers' replies wait for an agent." />;
}
