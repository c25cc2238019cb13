// Generated from client/_questions.ts by `deno task bundle`; do not edit.
/**
 * Internal: the client's questions that wait for one answer each
 * (`status:check`, `download:estimate`), by request id. An answer settles
 * its question when `pick` takes it; a `download:error` or `system:error`
 * that names its id rejects it (a server older than an event refuses it on
 * `system:error` with `UNKNOWN_EVENT`, PROTOCOL.md §10).
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { ErrorResponse } from "../protocol/errors.d.ts";
import type { ServerMessage } from "../protocol/messages.d.ts";
import { SluiceError } from "./sluice_error.d.ts";
/**
 * Questions waiting for their answers.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Questions } from "./_questions.ts";
 * const questions = new Questions();
 * const asked = questions.ask("st-1", (m) => m.event === "status:update" ? m.data.downloads.length : undefined);
 * questions.answer({ event: "status:update", data: { downloads: [] }, timestamp: 0, requestId: "st-1" });
 * equal(await asked, 0);
 * ```
 */
export declare class Questions {
    #private;
    /** Waits for the answer to the question of `requestId` that `pick` takes. */
    ask<T>(requestId: string, pick: (message: ServerMessage) => T | undefined): Promise<T>;
    /** An answer for the question its request id names, if there is one. */
    answer(message: ServerMessage): void;
    /** Rejects the question of `requestId` with `error`; whether there was one. */
    refuse(requestId: string, error: ErrorResponse): boolean;
    /** Rejects every question (the connection is gone). */
    failAll(error: SluiceError): void;
}
