/**
 * How many WebSocket connections a server holds, per remote address (an
 * IPv6 /64, {@linkcode addressKey}) and in total (docs/PROTOCOL.md §19). A
 * connection counts from its upgrade until its socket is closed, which for
 * a peer that stopped reading may be long after the server let it go: such
 * a peer keeps using its own address's share, not others'. Over a bound,
 * the upgrade is refused: 429 for the address, 503 for the server.
 *
 * @module
 */

import { addressKey } from "./address_key.ts";

/** The bounds of a {@linkcode ConnectionGate}. */
export interface ConnectionLimits {
  /** Most connections open at once. */
  readonly maxConnections: number;
  /** Most connections open at once from one remote address (an IPv6 /64). */
  readonly maxConnectionsPerAddress: number;
}

/** What {@linkcode ConnectionGate.admit} says. */
export type GateVerdict =
  | { readonly ok: true; readonly release: () => void }
  | { readonly ok: false; readonly status: 429 | 503 };

/**
 * Counts connections by address, IPv6 ones by their /64.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ConnectionGate } from "./connection_gate.ts";
 * const gate = new ConnectionGate({ maxConnections: 10, maxConnectionsPerAddress: 1 });
 * const first = gate.admit("192.0.2.1");
 * equal(first.ok, true);
 * const second = gate.admit("192.0.2.1");
 * equal(!second.ok && second.status, 429);
 * if (first.ok) first.release();
 * equal(gate.admit("192.0.2.1").ok, true);
 * // Two addresses of one IPv6 /64 are one address here.
 * equal(gate.admit("2001:db8:1:2::a").ok, true);
 * const other = gate.admit("2001:db8:1:2::b");
 * equal(!other.ok && other.status, 429);
 * ```
 */
export class ConnectionGate {
  readonly #limits: ConnectionLimits;
  readonly #open = new Map<string, number>();
  #total = 0;

  /** A gate with these bounds. */
  constructor(limits: ConnectionLimits) {
    this.#limits = limits;
  }

  /** Connections open now. */
  get total(): number {
    return this.#total;
  }

  /** One more connection from `hostname`, or the status that refuses it. */
  admit(hostname: string): GateVerdict {
    const address = addressKey(hostname);
    if (this.#total >= this.#limits.maxConnections) return { ok: false, status: 503 };
    const open = this.#open.get(address) ?? 0;
    if (open >= this.#limits.maxConnectionsPerAddress) return { ok: false, status: 429 };
    this.#open.set(address, open + 1);
    this.#total++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total--;
        const left = this.#open.get(address)! - 1;
        if (left === 0) this.#open.delete(address);
        else this.#open.set(address, left);
      },
    };
  }
}
