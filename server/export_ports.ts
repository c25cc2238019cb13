/**
 * The server's byte work for the session machine's downloads
 * (`protocol/export_state.ts`'s {@linkcode ExportPorts}): its row encoder,
 * `node:zlib`'s gzip and `node:crypto`'s SHA-256, all native and
 * synchronous, so that moving the rules into a pure machine cost no speed.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { ExportPorts } from "../protocol/export_state.ts";
import { RowEncoder } from "./formats.ts";

const utf8 = new TextEncoder();

/**
 * The ports: an encoder per download (its header and footer encoded once),
 * gzip at the level asked, and the digest chain's hash.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SERVER_PORTS } from "./export_ports.ts";
 * equal(SERVER_PORTS.sha256(new TextEncoder().encode("abc")).length, 32);
 * ```
 */
export const SERVER_PORTS: ExportPorts = {
  sha256: (...parts) => {
    const hash = createHash("sha256");
    for (const part of parts) hash.update(part);
    return hash.digest();
  },
  gzip: (bytes, level) => gzipSync(bytes, { level }),
  encoder: (options) => {
    const encoder = new RowEncoder(options);
    const header = utf8.encode(encoder.header());
    const footer = utf8.encode(encoder.footer());
    return {
      header: () => header,
      encodeRows: (rows, first) => encoder.encodeRows(rows, first),
      footer: () => footer,
    };
  },
};
