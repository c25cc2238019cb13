// An in-memory table for the pair harness and the machine tests: deterministic rows with the
// awkward cells of the demo table (decimals, CSV-hostile and formula-like notes, NULLs), scanned
// as a data source scans (keyset pages under a high-water mark), and the server's real byte
// ports (its row encoder, node:zlib's gzip, node:crypto's SHA-256) for the machine to use.
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import type { ExportQuery, Row } from "../protocol/export_state.ts";
import type { ValidatedFilter } from "../protocol/filter.ts";
import type { SessionConfig, SessionSignIn } from "../protocol/session_state.ts";
import { mulberry32 } from "../server/demo_data.ts";
import { SERVER_PORTS } from "../server/export_ports.ts";

/** The table's schema: the demo table's kinds of columns, fewer of them. */
export const MEMORY_SCHEMA = {
  columns: [
    { name: "id", type: "integer" },
    { name: "ts", type: "timestamp" },
    { name: "symbol", type: "text" },
    { name: "price", type: "decimal", scale: 8 },
    { name: "maker", type: "boolean" },
    { name: "user_id", type: "integer" },
    { name: "note", type: "text" },
  ],
  keyColumn: "id",
} as const satisfies SessionConfig["schema"];

/** 2024-01-01T00:00:00.000Z. */
export const START_MS = 1_704_067_200_000;
const SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD"];
const NOTES = ['client said "urgent"', "line one\nline two", "=1+1", "-5% promo", "café ☕", ""];

/** `count` rows after key `from`, the same for the same arguments. */
export function memoryRows(count: number, from = 0, seed = 7): Row[] {
  const random = mulberry32(seed + from);
  const rows: Row[] = [];
  let ts = START_MS + from * 60_000;
  for (let id = from + 1; id <= from + count; id++) {
    ts += 1 + Math.floor(random() * 120_000);
    const note = random() < 0.05 ? NOTES[Math.floor(random() * NOTES.length)] : null;
    rows.push([
      id,
      ts,
      SYMBOLS[id % SYMBOLS.length],
      Math.floor(random() * 5e12) - 1e11,
      id % 2,
      1 + (id % 10),
      note,
    ]);
  }
  return rows;
}

function matches(row: Row, filter: ValidatedFilter, index: number): boolean {
  const cell = row[index];
  if (cell === null) return false;
  const value = filter.values[0];
  switch (filter.operator) {
    case "eq":
      return String(cell) === String(value);
    case "in":
      return filter.values.some((v) => String(v) === String(cell));
    default:
      throw new Error(`the memory source has no ${filter.operator} filter`);
  }
}

/** A table in memory, scanned in key order (its rows must be sorted by key). */
export class MemoryTable {
  readonly rows: Row[];
  /** Pages read, for tests that count what the source was asked. */
  pages = 0;
  /** While true, the pair's server answers every page read as a database that went away. */
  unavailable = false;

  constructor(rows: Row[]) {
    this.rows = rows;
  }

  highWaterMark(): bigint {
    return BigInt((this.rows.at(-1)?.[0] as number | undefined) ?? 0);
  }

  #selected(query: ExportQuery): Row[] {
    const indexes = query.filters.map((f) =>
      MEMORY_SCHEMA.columns.findIndex((c) => c.name === f.field)
    );
    return this.rows.filter((row) => {
      const key = BigInt(row[0] as number);
      const ts = row[1] as number;
      return key <= query.highWaterMark && ts >= query.timeFrom && ts < query.timeTo &&
        query.filters.every((f, i) => matches(row, f, indexes[i]));
    });
  }

  count(query: ExportQuery): number {
    return this.#selected({ ...query, after: undefined }).length;
  }

  page(query: ExportQuery, limit: number): Row[] {
    this.pages++;
    const after = query.after;
    return this.#selected(query).filter((row) =>
      after === undefined || BigInt(row[0] as number) > after
    )
      .slice(0, limit);
  }
}

/** The server's own byte ports: its encoder, node:zlib's gzip and node:crypto's SHA-256. */
export { SERVER_PORTS };

/** The server's identity key in the tests. */
export const SERVER_IDENTITY_KEY: Uint8Array = new Uint8Array(32).fill(9);

/** What a test changes of the server's configuration. */
export interface ServerTuning {
  readonly signIn?: Partial<SessionSignIn>;
  readonly exports?: Partial<SessionConfig["exports"]>;
  readonly maxDownloads?: number;
  readonly idleTimeoutMs?: number;
  readonly authorize?: boolean;
  readonly requestLimits?: SessionConfig["requestLimits"];
  readonly parseLimits?: SessionConfig["parseLimits"];
  /** The encoder, gzip and hash; the server's own unless a test breaks one. */
  readonly ports?: SessionConfig["ports"];
  readonly bounds?: SessionConfig["bounds"];
  /** Several datasets, the default first (its schema must be {@linkcode MEMORY_SCHEMA}). */
  readonly datasets?: SessionConfig["datasets"];
  /** The row rule of the server's one dataset. */
  readonly rowFilter?: SessionConfig["rowFilter"];
}

/** The origin the pair's client dials and the server names. */
export const PAIR_ORIGIN = "ws://pair.test";

/** A server configuration over {@linkcode MEMORY_SCHEMA} with the server's defaults. */
export function serverConfig(tuning: ServerTuning = {}): SessionConfig {
  return {
    schema: MEMORY_SCHEMA,
    signIn: {
      identityKey: SERVER_IDENTITY_KEY,
      serverKey: bytesToHex(secp.getPublicKey(SERVER_IDENTITY_KEY)),
      allow: undefined,
      anonymous: true,
      encryption: true,
      origin: PAIR_ORIGIN,
      nonceTtlMs: 60_000,
      signInTimeoutMs: 60_000,
      maxDelegationMs: 0,
      chainId: 1,
      sessionTtlMs: 86_400_000,
      commandWindowMs: 30_000,
      ...tuning.signIn,
    },
    exports: {
      frameBytes: 262_144,
      windowBytes: 4_194_304,
      socketBufferBytes: 1_048_576,
      gzipLevel: 1,
      ...tuning.exports,
    },
    requestLimits: tuning.requestLimits ?? {},
    parseLimits: tuning.parseLimits ?? {},
    maxDownloads: tuning.maxDownloads ?? 8,
    idleTimeoutMs: tuning.idleTimeoutMs ?? 60_000,
    authorize: tuning.authorize ?? false,
    ports: tuning.ports ?? SERVER_PORTS,
    ...(tuning.bounds === undefined ? {} : { bounds: tuning.bounds }),
    ...(tuning.datasets === undefined ? {} : { datasets: tuning.datasets }),
    ...(tuning.rowFilter === undefined ? {} : { rowFilter: tuning.rowFilter }),
  };
}
