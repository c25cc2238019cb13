// Scenarios for the codes the source's answer to an estimate may send (the session table's
// `estimated` row), for tests/_session_scenarios.ts.
import { SERVER_PORTS } from "../server/export_ports.ts";
import { Driver, estimateOf } from "./_session_driver.ts";

/** An estimate waiting for the source, whose answer the scenario gives by hand. */
function waiting(d: Driver): number {
  d.receive(estimateOf("e"));
  const wait = d.state.waiting;
  if (wait?.for !== "estimate") throw new Error("the estimate does not wait for the source");
  return wait.job;
}

function failed(kind: "unavailable" | "failed" | "internal") {
  return () => {
    const d = new Driver({ source: false });
    const job = waiting(d);
    d.step({ type: "estimated", job, answer: { failed: { kind } } });
    return d;
  };
}

/** By code: what makes the `estimated` step send it. */
export const ESTIMATED: Record<string, () => Driver> = {
  SOURCE_UNAVAILABLE: failed("unavailable"),
  SOURCE_FAILED: failed("failed"),
  UNEXPORTABLE_VALUE: () => {
    const d = new Driver({ source: false });
    const job = waiting(d);
    // A price that is not an integer of the decimal's scale: the encoder refuses it.
    d.step({
      type: "estimated",
      job,
      answer: { rows: 1, sample: [[1, 0, "BTC-USD", 1.5, 1, 1, null]] },
    });
    return d;
  },
  INTERNAL_ERROR: () => {
    const encoder = () => {
      throw new RangeError("no encoder for these columns");
    };
    const d = new Driver({ source: false, tuning: { ports: { ...SERVER_PORTS, encoder } } });
    const job = waiting(d);
    d.step({ type: "estimated", job, answer: { rows: 1, sample: [] } });
    return d;
  },
};
