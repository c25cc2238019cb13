/**
 * The server program's flags for its limits, read from the one table of
 * limits (`protocol/limit_table.ts`): each row with a flag and an option
 * becomes `--flag N` (or the environment variable `SLUICE_FLAG_NAME`), and
 * sets that option of `createServer`; `--allowed-origins` lists the web
 * origins whose pages may connect. Flags win over the environment.
 *
 * @module
 */

import { LIMIT_TABLE } from "../protocol/limit_table.ts";
import type { ServerOptions } from "./create_server.ts";
import type { UpgradeGuardOptions } from "./upgrade_guard.ts";

/** The rows that a flag sets. */
const FLAGGED = LIMIT_TABLE.filter((row) => row.flag !== undefined && row.option !== undefined);
/** The guard's options are set on the guard the program puts in front, not on `createServer`. */
const GUARD = "serveGuarded.";

/** The flags' `node:util` `parseArgs` options, to spread into the program's. */
export const LIMIT_FLAG_OPTIONS: Readonly<Record<string, { type: "string"; multiple?: true }>> = {
  ...Object.fromEntries(FLAGGED.map((row) => [row.flag!.slice(2), { type: "string" as const }])),
  "allowed-origins": { type: "string", multiple: true },
};

/** The options of `createServer` that the limit flags set. */
export type LimitOptions = Partial<
  Pick<
    ServerOptions,
    | "maxConnectionsPerAddress"
    | "maxConnections"
    | "signInTimeoutMs"
    | "idleTimeoutMs"
    | "parseLimits"
    | "maxWaitingMessages"
    | "maxMessagesPerSecond"
    | "maxQueuedBytes"
    | "maxQueuedBytesTotal"
    | "stallTimeoutMs"
    | "maxDownloadsPerConnection"
    | "limits"
    | "requestLimits"
    | "allowedOrigins"
    | "signInLimits"
  >
>;

/** `--max-queued-bytes` → `SLUICE_MAX_QUEUED_BYTES`. */
export function limitEnvName(flag: string): string {
  return `SLUICE_${flag.slice(2).replaceAll("-", "_").toUpperCase()}`;
}

/**
 * The options the limit flags and their environment variables set; throws
 * a `TypeError` naming the flag whose value is not a whole number of at
 * least 1.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { limitOptions } from "./limit_flags.ts";
 * deepStrictEqual(
 *   limitOptions({ "max-queued-bytes": "4194304" }, { SLUICE_MAX_ROWS_PER_REQUEST: "1000" }),
 *   { maxQueuedBytes: 4_194_304, limits: { maxRowsPerRequest: 1000 } },
 * );
 * ```
 */
export function limitOptions(
  values: Readonly<Record<string, string | string[] | boolean | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): LimitOptions {
  const out: Record<string, unknown> = {};
  for (const row of FLAGGED) {
    if (row.option!.startsWith(GUARD)) continue;
    const value = flagValue(row.flag!, values, env);
    if (value === undefined) continue;
    const [head, key] = row.option!.split(".");
    if (key === undefined) out[head] = value;
    else out[head] = { ...(out[head] as object | undefined), [key]: value };
  }
  const origins = [
    ...((values["allowed-origins"] as string[] | undefined) ?? []),
    env.SLUICE_ALLOWED_ORIGINS ?? "",
  ].join(",").split(/[\s,]+/).filter((o) => o !== "");
  if (origins.length > 0) out.allowedOrigins = origins;
  return out as LimitOptions;
}

/** The options of the upgrade guard (server/upgrade_guard.ts) that the limit flags set. */
export type GuardLimits = Partial<
  Pick<
    UpgradeGuardOptions,
    | "headTimeoutMs"
    | "maxPendingPerAddress"
    | "maxPending"
    | "maxHeadBytes"
    | "writeStallMs"
    | "maxMessageBytes"
  >
>;

/**
 * The upgrade guard's options the limit flags and their environment
 * variables set; throws as {@linkcode limitOptions} does.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { guardLimits } from "./limit_flags.ts";
 * deepStrictEqual(guardLimits({ "upgrade-timeout-ms": "5000" }, {}), { headTimeoutMs: 5000 });
 * ```
 */
export function guardLimits(
  values: Readonly<Record<string, string | string[] | boolean | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): GuardLimits {
  const out: Record<string, number> = {};
  for (const row of FLAGGED) {
    if (!row.option!.startsWith(GUARD)) continue;
    const value = flagValue(row.flag!, values, env);
    if (value !== undefined) out[row.option!.slice(GUARD.length)] = value;
  }
  return out as GuardLimits;
}

/** A flag's whole number (the flag wins over its environment variable), if either is given. */
function flagValue(
  flag: string,
  values: Readonly<Record<string, string | string[] | boolean | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const given = values[flag.slice(2)];
  const text = typeof given === "string" ? given : env[limitEnvName(flag)];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${flag} must be a whole number of at least 1, got "${text}"`);
  }
  return value;
}
