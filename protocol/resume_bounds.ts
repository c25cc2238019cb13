/**
 * How far a `download:resume` may say its download went (PROTOCOL.md §19).
 * A resumed download goes on numbering frames from the resume point's
 * `sequence` (a u32 in every data frame, §7) and counting rows and bytes
 * from its `rows` and `bytes` (at most 2^53 − 1 in a frame's offsets), so a
 * point at the top of those ranges leaves no room for the frames still to
 * come. The parser refuses a point past these bounds with `INVALID_VALUE`;
 * each leaves at least as much room again for the rest of the download
 * (2^31 frames, 2^52 rows or bytes: 1 PiB at the default 512 KiB a frame).
 *
 * This module is browser compatible.
 *
 * @module
 */

/**
 * The largest `resume.sequence` a server takes: 2^31 − 1.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_RESUME_SEQUENCE } from "./resume_bounds.ts";
 * equal(MAX_RESUME_SEQUENCE, 2_147_483_647);
 * ```
 */
export const MAX_RESUME_SEQUENCE: number = 2 ** 31 - 1;

/**
 * The largest `resume.rows` and `resume.bytes` a server takes: 2^52.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { MAX_RESUME_COUNT } from "./resume_bounds.ts";
 * ok(MAX_RESUME_COUNT * 2 <= Number.MAX_SAFE_INTEGER + 1);
 * ```
 */
export const MAX_RESUME_COUNT: number = 2 ** 52;
