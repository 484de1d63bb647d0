import { PageHeader } from "../../components/PageHeader";

export default function ConfigurationsPage() {
  return <PageHeader title="Outbound configurations" description="Each binds a channel and a template; its Configuration ID is what an integrator sends with." />;
}
