import { PageHeader } from "../../components/PageHeader";

export default function OverviewPage() {
  return <PageHeader title="Overview" description="Messages today by status, the delivery rate, this hour's quota and sends per hour." />;
}
