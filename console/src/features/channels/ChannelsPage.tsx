import { Route, Routes } from "react-router";
import { ChannelList } from "./ChannelList";
import { ChannelEditor } from "./ChannelEditor";

export default function ChannelsPage() {
  return (
    <Routes>
      <Route index element={<ChannelList />} />
      <Route path="new" element={<ChannelEditor />} />
      <Route path=":id" element={<ChannelEditor />} />
    </Routes>
  );
}
