/**
 * A small session configuration for the examples in the server machine's
 * docs: a two-column table, a fixed identity key, script SHA-256, and a
 * tiny CSV encoder. Internal: a real server passes its own schema and its
 * native ports.
 *
 * @module
 */

import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { nobleSha256 } from "./digest_chain.ts";
import type { Row } from "./export_state.ts";
import type { SessionConfig, SessionSignIn } from "./session_state.ts";

const text = new TextEncoder();
const IDENTITY_KEY = new Uint8Array(32).fill(3);

/** The example configuration, with sign-in settings overridden as given. */
export function exampleSessionConfig(signIn: Partial<SessionSignIn> = {}): SessionConfig {
  return {
    schema: {
      columns: [
        { name: "id", type: "integer" },
        { name: "note", type: "text" },
      ],
      keyColumn: "id",
    },
    signIn: {
      identityKey: IDENTITY_KEY,
      serverKey: bytesToHex(secp.getPublicKey(IDENTITY_KEY)),
      allow: undefined,
      anonymous: true,
      encryption: true,
      origin: "ws://127.0.0.1:8080",
      nonceTtlMs: 60_000,
      signInTimeoutMs: 60_000,
      maxDelegationMs: 0,
      chainId: 1,
      sessionTtlMs: 86_400_000,
      commandWindowMs: 30_000,
      ...signIn,
    },
    exports: { frameBytes: 1024, windowBytes: 4096, socketBufferBytes: 65_536, gzipLevel: 1 },
    requestLimits: {},
    parseLimits: {},
    maxDownloads: 8,
    idleTimeoutMs: 60_000,
    authorize: false,
    ports: {
      sha256: nobleSha256,
      gzip: () => {
        throw new Error("the examples do not gzip");
      },
      encoder: () => ({
        header: () => text.encode("id,note\r\n"),
        encodeRows: (rows: readonly Row[]) =>
          text.encode(rows.map((row) => `${row[0]},${row[1]}\r\n`).join("")),
        footer: () => new Uint8Array(0),
      }),
    },
  };
}
