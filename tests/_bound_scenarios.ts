// Scenarios for the codes and closes of the connection's bounds (issue 16), for
// tests/_session_scenarios.ts: a sealed text that cannot be decoded.
import type { SessionEventKey } from "../protocol/session_table.ts";
import type { Driver } from "./_session_driver.ts";
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

/** Close scenarios, by event key and close code. */
export const BOUND_CLOSE_SCENARIOS: Partial<Record<SessionEventKey, Record<number, Scenario>>> = {
  malformed: { 4400: () => sealedText("{not json") },
};
