/**
 * How the demo page writes numbers, sizes, speeds and times for people.
 *
 * This module is browser compatible.
 *
 * @module
 */

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/**
 * A count with thousands separators.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { count } from "./format.ts";
 * equal(count(100000), "100,000");
 * ```
 */
export function count(n: number): string {
  return integer.format(n);
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/**
 * A size in binary units (KiB = 1024 bytes), as the command-line client
 * prints them.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { byteSize } from "./format.ts";
 * equal(byteSize(10_547_733), "10.1 MiB");
 * ```
 */
export function byteSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

/**
 * A duration, rounded up to whole seconds; a dash while unknown (negative).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { duration } from "./format.ts";
 * equal(duration(65_200), "1 min 06 s");
 * equal(duration(-1), "–");
 * ```
 */
export function duration(ms: number): string {
  if (ms < 0 || !Number.isFinite(ms)) return "–";
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/**
 * A percentage with one decimal.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { percent } from "./format.ts";
 * equal(percent(45.25), "45.3 %");
 * ```
 */
export function percent(p: number): string {
  return `${Math.min(100, Math.max(0, p)).toFixed(1)} %`;
}

/**
 * A rate of rows per second.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { rowRate } from "./format.ts";
 * equal(rowRate(250000.4), "250,000 rows/s");
 * ```
 */
export function rowRate(rowsPerSecond: number): string {
  return `${count(rowsPerSecond)} rows/s`;
}

/**
 * An instant as the page shows it: ISO 8601 UTC without the noise of zero
 * seconds and milliseconds.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { instant } from "./format.ts";
 * equal(instant("2024-01-01T00:00:00Z"), "2024-01-01 00:00");
 * ```
 */
export function instant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const text = new Date(ms).toISOString().replace("T", " ").replace(/(\.000)?Z$/, "");
  return text.endsWith(":00") ? text.slice(0, -3) : text;
}

/**
 * An identity short enough for the top bar: a public key's or an
 * address's first and last characters.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { shortIdentity } from "./format.ts";
 * equal(shortIdentity("0x5B38Da6a701c568545dCfcB03FcB875f56beddC4"), "0x5B38…ddC4");
 * equal(shortIdentity(`02${"ab".repeat(31)}cd`), "02abab…abcd");
 * ```
 */
export function shortIdentity(identity: string): string {
  return identity.length <= 12 ? identity : `${identity.slice(0, 6)}…${identity.slice(-4)}`;
}
