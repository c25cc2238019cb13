// Scenarios for the codes and closes of the connection's bounds (issue 16), for
// tests/_session_scenarios.ts: the incoming rate, the outgoing queue, a socket that makes no
// progress, and a sealed text that cannot be decoded.
import type { SessionEventKey } from "../protocol/session_table.ts";
import { Driver } from "./_session_driver.ts";
import { signedIn } from "./_sign_in_scenarios.ts";

/** A run of the machine that ends in the step a code is expected from. */
type Scenario = () => Driver;

/** A signed-in session that receives `text` through its sealed channel. */
export function sealedText(text: string): Driver {
  const d = signedIn();
  d.step({ type: "heard" });
  d.step({ type: "text", text, sealed: true });
  return d;
}

/** A garbage text: answered with a `system:error` of about 150 bytes. */
export const GARBAGE = "{not json";

/**
 * A connection whose answers fill its socket (the client reads nothing): garbage until the
 * machine waits for the socket to drain.
 */
export function backedUp(options: ConstructorParameters<typeof Driver>[0] = {}): Driver {
  const d = new Driver({
    ...options,
    tuning: { exports: { socketBufferBytes: 2000 }, ...options.tuning },
  });
  while (!d.state.draining) d.receive(GARBAGE);
  return d;
}

/** Answer scenarios, by event key and error code. */
export const BOUND_SCENARIOS = {
  heard: {
    TOO_MANY_MESSAGES: () => {
      const d = new Driver({ tuning: { bounds: { maxMessagesPerSecond: 3 } } });
      for (let i = 0; i < 4; i++) d.step({ type: "heard" });
      return d;
    },
  },
  drained: {
    SEND_QUEUE_FULL: () => {
      const d = backedUp();
      d.step({ type: "drained", buffered: 9_000_000 });
      return d;
    },
  },
  timeout: {
    READER_STALLED: () => {
      const d = backedUp({ tuning: { bounds: { stallTimeoutMs: 1000 } } });
      d.advanceTo(d.now + 1000);
      return d;
    },
  },
} satisfies Partial<Record<SessionEventKey, Record<string, Scenario>>>;

/** Close scenarios, by event key and close code. */
export const BOUND_CLOSE_SCENARIOS: Partial<Record<SessionEventKey, Record<number, Scenario>>> = {
  malformed: { 4400: () => sealedText(GARBAGE) },
  heard: { 4400: BOUND_SCENARIOS.heard.TOO_MANY_MESSAGES },
  drained: { 4429: BOUND_SCENARIOS.drained.SEND_QUEUE_FULL },
};
