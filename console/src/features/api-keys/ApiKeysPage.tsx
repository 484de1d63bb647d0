import { PageHeader } from "../../components/PageHeader";

export default function ApiKeysPage() {
  return <PageHeader title="API keys" description="Keys of the org: create one (shown once) or revoke it." />;
}
