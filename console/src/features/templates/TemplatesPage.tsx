import { PageHeader } from "../../components/PageHeader";

export default function TemplatesPage() {
  return <PageHeader title="Templates" description="Message templates with their localized versions." />;
}
