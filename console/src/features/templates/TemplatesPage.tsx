import { Route, Routes } from "react-router";
import { TemplateList } from "./TemplateList";
import { TemplateEditor } from "./TemplateEditor";

export default function TemplatesPage() {
  return (
    <Routes>
      <Route index element={<TemplateList />} />
      <Route path="new" element={<TemplateEditor />} />
      <Route path=":id" element={<TemplateEditor />} />
    </Routes>
  );
}
