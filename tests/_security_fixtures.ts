// What the sign-in, authorization and sealing tests share (issue 5): the demo table's size and
// range, a filter, a status check to send, and the check that a refused peer got no export data.
import { deepEqual } from "node:assert/strict";
import type { ClientMessage, Filter } from "../protocol/messages.ts";
import type { SignedPeer } from "./_signed_peer.ts";

export const ROWS = 10_000;
export const FROM = "2024-01-01";
export const TO = "2030-01-01";
export const SEARCH = { timeFrom: FROM, timeTo: TO, filters: [] };
export const USER_7: Filter = { field: "user_id", operator: "eq", value: 7 };

/** Whatever a refused peer received must hold no export data. */
export function assertNoData(peer: SignedPeer): void {
  const leaked = peer.drain().filter((r) =>
    r.kind === "frame" || (r.kind === "message" && r.message.event === "download:start")
  );
  deepEqual(leaked, []);
}

/** A `status:check`, unsigned; sign it with `SignedPeer.signed`. */
export function statusCheck(requestId = "st-1"): ClientMessage {
  return { event: "status:check", data: {}, timestamp: Date.now(), requestId };
}
