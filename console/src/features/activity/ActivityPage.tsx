import { Route, Routes } from "react-router";
import { ContactTimeline } from "./ContactTimeline";
import { MessageDetail } from "./MessageDetail";
import { MessageSearch } from "./MessageSearch";

/** Activity: the message search, a message's details, and a customer's timeline. */
export default function ActivityPage() {
  return (
    <Routes>
      <Route index element={<MessageSearch />} />
      <Route path="messages/:messageId" element={<MessageDetail />} />
      <Route path="contacts/:number" element={<ContactTimeline />} />
    </Routes>
  );
}
