import { lazy } from "react";
import { Navigate, Route, Routes } from "react-router";
import { Center, Loader, Text } from "@mantine/core";
import { useSession } from "./session/SessionContext";
import SignInPage from "./session/SignInPage";
import { Shell } from "./layout/Shell";
import { homeFor } from "./layout/navigation";

// Each page is its own chunk: the first load carries the frame and sign-in only.
const OverviewPage = lazy(() => import("./features/overview/OverviewPage"));
const ChannelsPage = lazy(() => import("./features/channels/ChannelsPage"));
const TemplatesPage = lazy(() => import("./features/templates/TemplatesPage"));
const ConfigurationsPage = lazy(() => import("./features/configurations/ConfigurationsPage"));
const ActivityPage = lazy(() => import("./features/activity/ActivityPage"));
const ReportsPage = lazy(() => import("./features/reports/ReportsPage"));
const ApiKeysPage = lazy(() => import("./features/api-keys/ApiKeysPage"));
const QueuesPage = lazy(() => import("./features/queues/QueuesPage"));
const AgentsPage = lazy(() => import("./features/agents/AgentsPage"));
const CampaignsPage = lazy(() => import("./features/campaigns/CampaignsPage"));
const TriggersPage = lazy(() => import("./features/triggers/TriggersPage"));
const SchedulesPage = lazy(() => import("./features/schedules/SchedulesPage"));
const InboxPage = lazy(() => import("./features/inbox/InboxPage"));

/** Each feature's page owns the routes below its path (e.g. /templates/:id). */
export function App() {
  const { session } = useSession();
  if (session === undefined) {
    return <Center mih="100vh"><Loader role="status" aria-label="Loading" /></Center>;
  }
  if (session === null) {
    return <SignInPage />;
  }
  return (
    <Routes>
      <Route element={<Shell />}>
        <Route index element={<Navigate to={homeFor(session)} replace />} />
        <Route path="overview" element={<OverviewPage />} />
        <Route path="channels/*" element={<ChannelsPage />} />
        <Route path="templates/*" element={<TemplatesPage />} />
        <Route path="configurations/*" element={<ConfigurationsPage />} />
        <Route path="activity/*" element={<ActivityPage />} />
        <Route path="reports" element={<ReportsPage />} />
        <Route path="api-keys" element={<ApiKeysPage />} />
        <Route path="queues/*" element={<QueuesPage />} />
        <Route path="agents/*" element={<AgentsPage />} />
        <Route path="campaigns/*" element={<CampaignsPage />} />
        <Route path="triggers/*" element={<TriggersPage />} />
        <Route path="schedules/*" element={<SchedulesPage />} />
        <Route path="inbox/*" element={<InboxPage />} />
        <Route path="no-access" element={<Text>This key's scope has no pages in the console: sign in with an admin or agent key.</Text>} />
        <Route path="*" element={<Text>There is no such page.</Text>} />
      </Route>
    </Routes>
  );
}
