import { PageHeader } from "../../components/PageHeader";

export default function ReportsPage() {
  return <PageHeader title="Reports" description="Messages per hour or day and per status, with a CSV export." />;
}
