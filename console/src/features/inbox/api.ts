import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";

export type Conversation = components["schemas"]["ConversationResponse"];
export type TranscriptEntry = components["schemas"]["TranscriptEntryResponse"];
export type Agent = components["schemas"]["AgentResponse"];
export type Presence = Agent["presence"];

export const inboxKeys = {
  conversations: ["inbox", "conversations"] as const,
  conversation: (id: string) => ["inbox", "conversation", id] as const,
  me: ["inbox", "me"] as const,
};

export async function listMyConversations() {
  return unwrap(await api.GET("/v1/agents/me/conversations")).items;
}

export async function getConversation(id: string) {
  return unwrap(await api.GET("/v1/conversations/{conversationId}", { params: { path: { conversationId: id } } }));
}

export async function getMe() {
  return unwrap(await api.GET("/v1/agents/me"));
}

export async function setPresence(status: Presence) {
  return unwrap(await api.PUT("/v1/agents/me/presence", { body: { status } }));
}

export interface Reply {
  text?: string;
  contentSid?: string;
  contentVariables?: Record<string, string>;
}

/** The Idempotency-Key names the reply: sent twice (a double click, a retry), it goes out once. */
export async function reply(conversationId: string, body: Reply, idempotencyKey: string) {
  return unwrap(await api.POST("/v1/conversations/{conversationId}/messages", {
    params: { path: { conversationId } },
    body: { text: body.text ?? null, contentSid: body.contentSid ?? null, contentVariables: body.contentVariables ?? null },
    headers: { "Idempotency-Key": idempotencyKey },
  }));
}

export async function transfer(conversationId: string, target: { agentId?: string; queueId?: string }) {
  unwrap(await api.POST("/v1/conversations/{conversationId}/transfer", {
    params: { path: { conversationId } },
    body: { agentId: target.agentId ?? null, queueId: target.queueId ?? null },
  }));
}

export async function close(conversationId: string) {
  unwrap(await api.POST("/v1/conversations/{conversationId}/close", { params: { path: { conversationId } } }));
}

export type TransferAgent = components["schemas"]["TransferAgentResponse"];
export type TransferQueue = components["schemas"]["TransferQueueResponse"];

export async function listTransferQueues(cursor: string | undefined) {
  return unwrap(await api.GET("/v1/agents/me/transfer-targets/queues", { params: { query: { limit: 50, cursor } } }));
}

export async function listTransferAgents(queueId: string | undefined, cursor: string | undefined) {
  return unwrap(await api.GET("/v1/agents/me/transfer-targets/agents", { params: { query: { queueId, limit: 50, cursor } } }));
}

export type ReplyTemplate = components["schemas"]["ReplyTemplateResponse"];

export async function listReplyTemplates(cursor: string | undefined) {
  return unwrap(await api.GET("/v1/agents/me/reply-templates", { params: { query: { limit: 100, cursor } } }));
}
