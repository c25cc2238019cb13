// Generated from protocol/logger.ts by `deno task bundle`; do not edit.
/**
 * What the library's shells report through: failures that reach no peer
 * (a hook that threw, a data source that failed, a handler bug). Library
 * code writes nowhere on its own; the server and the client take a
 * {@linkcode Logger} as an option, and a program decides where it goes.
 *
 * This module is browser compatible.
 *
 * @module
 */
/**
 * Where the shells report a failure: a sentence saying what failed, and
 * the error or value that explains it. `console` is one.
 *
 * @example Collect what a server or client reports
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Logger } from "./logger.ts";
 * const seen: string[] = [];
 * const logger: Logger = { error: (message) => void seen.push(message) };
 * logger.error("sluice: the authorize hook failed:", new Error("down"));
 * equal(seen[0], "sluice: the authorize hook failed:");
 * ```
 */
export interface Logger {
    /** Reports a failure; `details` are the errors or values that explain it. */
    error(message: string, ...details: unknown[]): void;
}
