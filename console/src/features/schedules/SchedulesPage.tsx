import { PageHeader } from "../../components/PageHeader";

export default function SchedulesPage() {
  return <PageHeader title="Schedules" description="Messages and campaigns sent at a time, on a cron or after a delay." />;
}
