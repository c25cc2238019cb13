/**
 * The connection badge of the demo page's top bar: the client's
 * connection phase in words (or that signing in was refused), whom the
 * page is signed in as, the last keep-alive round trip, and a Reconnect
 * button once the client has given up.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ConnectionPhase } from "./sluice_client.js";
import { shortIdentity } from "./format.ts";

const PHASE_TEXT: Readonly<Record<ConnectionPhase, string>> = {
  idle: "Not connected",
  connecting: "Connecting…",
  authenticating: "Signing in…",
  open: "Connected",
  reconnecting: "Reconnecting…",
  failed: "Offline",
  closed: "Closed",
};

/** The badge's elements. */
export interface BadgeElements {
  /** The badge; its `data-phase` attribute is the phase. */
  readonly root: HTMLElement;
  /** The phase in words. */
  readonly text: HTMLElement;
  /** Whom the page signs in as, shown while connected. */
  readonly who: HTMLElement;
  /** The round-trip time. */
  readonly rtt: HTMLElement;
  /** Shown when the client gave up. */
  readonly reconnect: HTMLButtonElement;
}

/** Shows the connection's phase and round-trip time. */
export class ConnectionBadge {
  readonly #el: BadgeElements;

  /** Draws into `elements`. */
  constructor(elements: BadgeElements) {
    this.#el = elements;
  }

  /** The connection moved to `phase`. */
  phase(phase: ConnectionPhase): void {
    this.#el.root.dataset.phase = phase;
    delete this.#el.root.dataset.refused;
    this.#el.text.textContent = PHASE_TEXT[phase];
    this.#el.reconnect.hidden = phase !== "failed";
    if (phase !== "open") this.#el.rtt.textContent = "";
  }

  /**
   * The connection failed because signing in did (the server refused the
   * identity, or the page refused the server): say that rather than
   * "Offline", which would send the person to check their network.
   */
  refused(): void {
    this.phase("failed");
    this.#el.root.dataset.refused = "true";
    this.#el.text.textContent = "Sign-in refused";
  }

  /**
   * The identity the client signs in as (a public key or an address), shortened,
   * the whole of it in the tooltip; `undefined` for none.
   */
  identity(identity: string | undefined): void {
    this.#el.who.textContent = identity === undefined ? "" : `as ${shortIdentity(identity)}`;
    this.#el.who.title = identity ?? "";
  }

  /** A keep-alive came back after `ms`. */
  rtt(ms: number): void {
    this.#el.rtt.textContent = `RTT ${Math.round(ms)} ms`;
  }
}
