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

import type { ErrorResponse } from "../protocol/errors.ts";
import type { ServerMessage } from "../protocol/messages.ts";
import { SluiceError } from "./sluice_error.ts";

interface Waiter {
  readonly answer: (message: ServerMessage) => void;
  readonly reject: (error: SluiceError) => void;
}

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
export class Questions {
  readonly #waiting = new Map<string, Waiter>();

  /** Waits for the answer to the question of `requestId` that `pick` takes. */
  ask<T>(requestId: string, pick: (message: ServerMessage) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(requestId, {
        answer: (message) => {
          const value = pick(message);
          if (value !== undefined) resolve(value);
        },
        reject,
      });
    });
  }

  /** An answer for the question its request id names, if there is one. */
  answer(message: ServerMessage): void {
    const waiter = this.#waiting.get(message.requestId);
    this.#waiting.delete(message.requestId);
    waiter?.answer(message);
  }

  /** Rejects the question of `requestId` with `error`; whether there was one. */
  refuse(requestId: string, error: ErrorResponse): boolean {
    const waiter = this.#waiting.get(requestId);
    if (waiter === undefined) return false;
    this.#waiting.delete(requestId);
    waiter.reject(new SluiceError(error));
    return true;
  }

  /** Rejects every question (the connection is gone). */
  failAll(error: SluiceError): void {
    for (const waiter of this.#waiting.values()) waiter.reject(error);
    this.#waiting.clear();
  }
}
