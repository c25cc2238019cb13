// Generated from protocol/_payload_checks.ts by `deno task bundle`; do not edit.
/**
 * Internal: the check of every event's payload, one table per direction.
 * The types of the tables tie each check to its payload type in
 * messages.ts, so the two cannot drift apart.
 *
 * @module
 */
import { type Check } from "./_schema.d.ts";
import { type ClientMessage, type ServerMessage } from "./messages.d.ts";
/** Bounds the payload checks need from the parser's limits. */
export interface PayloadBounds {
    /** Longest list anywhere. */
    readonly maxArrayLength: number;
}
/** Most rows an estimate's preview carries (PROTOCOL.md §5.12). */
export declare const MAX_PREVIEW_ROWS = 20;
/** Most values an estimate offers for one column. */
export declare const MAX_COLUMN_VALUES = 16;
type DataChecks<M extends {
    event: string;
    data: unknown;
}> = {
    readonly [E in M["event"]]: Check<Extract<M, {
        event: E;
    }>["data"]>;
};
/** Checks of what a client may send, keyed by event. */
export declare function clientChecks(bounds: PayloadBounds): DataChecks<ClientMessage>;
/** Checks of what a server may send, keyed by event. */
export declare function serverChecks(bounds: PayloadBounds): DataChecks<ServerMessage>;
export {};
