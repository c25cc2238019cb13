/**
 * The bytes of one data frame of a download (PROTOCOL.md §7, §8): which
 * rows of a page it carries, their encoding with the header and footer
 * where they belong, gzip, the cursor, the digest chain's next value, and
 * the frame itself. Pure but for the ports, which compute bytes; the
 * export step (export_step.ts) decides when a frame is cut.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { concatBytes, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { chainDigest } from "./digest_chain.ts";
import { encodeDataFrame } from "./frame.ts";
import {
  type ExportPorts,
  type ExportState,
  isEncoded,
  MAX_FRAME_RAW,
  type PageRows,
  type RowEncoderPort,
} from "./export_state.ts";

/**
 * The bytes of the next frame: the page's rows, or, if they encode to more
 * than a frame may carry, the longest half, quarter, … of them that fits (at
 * least one row). Where frames are cut depends only on where the frame
 * starts (`rowsBefore`, `bytesBefore`) and on the rows, so a resumed download
 * is cut exactly where the uninterrupted one was (PROTOCOL.md §8). Rows the
 * source wrote itself ({@linkcode EncodedRows}) are cut the same way: only
 * their bytes come from elsewhere.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { cutFrame } from "./export_frame.ts";
 * const text = new TextEncoder();
 * const encoder = {
 *   header: () => text.encode("h\n"),
 *   encodeRows: (rows: readonly (readonly unknown[])[]) => text.encode(rows.map((r) => `${r[0]}\n`).join("")),
 *   footer: () => new Uint8Array(0),
 * };
 * const cut = cutFrame(encoder, [[1], [2]], true, 0, 0);
 * equal(new TextDecoder().decode(cut.raw), "h\n1\n2\n");
 * equal(cut.rows, 2);
 * ```
 */
export function cutFrame(
  encoder: RowEncoderPort,
  page: PageRows,
  lastPage: boolean,
  rowsBefore: number,
  bytesBefore: number,
): { rows: number; raw: Uint8Array } {
  const count = rowCount(page);
  let rows = count;
  for (;;) {
    const whole = rows === count;
    const body = isEncoded(page)
      ? page.bytes.subarray(rowsBefore === 0 ? page.lead : 0, rows === 0 ? 0 : page.ends[rows - 1])
      : encoder.encodeRows(whole ? page : page.slice(0, rows), rowsBefore === 0);
    const head = bytesBefore === 0 ? encoder.header() : undefined;
    const tail = lastPage && whole ? encoder.footer() : undefined;
    const raw = head === undefined && tail === undefined
      ? body
      : concatBytes(head ?? new Uint8Array(0), body, tail ?? new Uint8Array(0));
    if (raw.length <= MAX_FRAME_RAW || rows <= 1) return { rows, raw };
    rows = Math.ceil(rows / 2);
  }
}

/** How many rows a page has. */
export function rowCount(page: PageRows): number {
  return isEncoded(page) ? page.ends.length : page.length;
}

/** The key of a page's row. */
export function keyOf(page: PageRows, row: number, keyIndex: number): number | bigint {
  return (isEncoded(page) ? page.keys[row] : page[row][keyIndex]) as number | bigint;
}

/** One frame cut from a page, ready to send. */
export interface BuiltFrame {
  /** The frame's bytes, header and payload. */
  readonly frame: Uint8Array;
  /** Rows it carries (the first of the page). */
  readonly rows: number;
  /** Its payload's length, as counted by offsets and acknowledgements. */
  readonly payloadBytes: number;
  /** The chain value after its payload. */
  readonly digest: string;
  /** The key of its last row, or the previous frame's cursor when it carries none. */
  readonly cursor: string;
  /** Whether it is the download's FINAL frame: a short page, carried whole. */
  readonly final: boolean;
}

/**
 * The next frame of a download from the page read after its cursor: a page
 * shorter than `frameRows` is the last, and the frame that carries all of
 * it is FINAL. Throws what a port throws (a cell that does not fit its
 * column), or a `RangeError` on a key that is not an integer.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildFrame } from "./export_frame.ts";
 * import { initialExportState } from "./export_state.ts";
 * const request = {
 *   timeFrom: 0, timeTo: 1, filters: [], outputFormat: "csv" as const,
 *   compression: false, neutralizeFormulas: true,
 * };
 * const state = {
 *   ...initialExportState({ job: 1, requestId: "dl-1", request, limited: false, now: 0, frameRows: 10 }),
 *   encoder: {
 *     header: () => new TextEncoder().encode("id\n"),
 *     encodeRows: (rows: readonly (readonly unknown[])[]) => new TextEncoder().encode(rows.map((r) => `${r[0]}\n`).join("")),
 *     footer: () => new Uint8Array(0),
 *   },
 * };
 * const ports = { sha256: () => new Uint8Array(32), gzip: (b: Uint8Array) => b, encoder: () => state.encoder };
 * const built = buildFrame(state, [[7]], 0, 1, ports);
 * equal(built.final, true);
 * equal(built.cursor, "7");
 * ```
 */
export function buildFrame(
  state: ExportState,
  page: PageRows,
  keyIndex: number,
  gzipLevel: number,
  ports: ExportPorts,
): BuiltFrame {
  const count = rowCount(page);
  const lastPage = count < state.frameRows;
  const cut = cutFrame(state.encoder!, page, lastPage, state.rows, state.bytes);
  const final = lastPage && cut.rows === count;
  const payload = state.request.compression ? ports.gzip(cut.raw, gzipLevel) : cut.raw;
  const cursor = cut.rows > 0 ? String(BigInt(keyOf(page, cut.rows - 1, keyIndex))) : state.cursor;
  const digest = chainDigest(state.digest, payload, ports.sha256);
  const frame = encodeDataFrame({
    requestId: state.requestId,
    sequence: state.sequence,
    final,
    rowOffset: state.rows,
    rowCount: cut.rows,
    byteOffset: state.bytes,
    digest: hexToBytes(digest),
    cursor,
    payload,
  });
  return { frame, rows: cut.rows, payloadBytes: payload.length, digest, cursor, final };
}
