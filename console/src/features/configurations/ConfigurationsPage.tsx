import { Route, Routes } from "react-router";
import { ConfigurationList } from "./ConfigurationList";
import { ConfigurationEditor } from "./ConfigurationEditor";

export default function ConfigurationsPage() {
  return (
    <Routes>
      <Route index element={<ConfigurationList />} />
      <Route path="new" element={<ConfigurationEditor />} />
      <Route path=":id" element={<ConfigurationEditor />} />
    </Routes>
  );
}
