/**
 * The key a remote address counts under, for every per-address bound of
 * the server (docs/PROTOCOL.md §19): connections open, connections still
 * sending their request head, failed sign-ins. IPv6 addresses count by
 * their /64: one host is routinely given a whole /64, so counting each
 * address alone would give one peer 2^64 budgets.
 *
 * @module
 */

/**
 * The key an address counts under: an IPv4 address as it is (an
 * IPv4-mapped IPv6 one too), an IPv6 one by its first four groups.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { addressKey } from "./address_key.ts";
 * equal(addressKey("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
 * equal(addressKey("2001:db8::1"), "2001:db8:0:0::/64");
 * equal(addressKey("::ffff:192.0.2.7"), "192.0.2.7");
 * equal(addressKey("192.0.2.7"), "192.0.2.7");
 * ```
 */
export function addressKey(hostname: string): string {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (!host.includes(":")) return host;
  const mapped = host.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped !== null) return mapped[1];
  const [head, tail = ""] = host.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = host.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
