/**
 * What the command line says while a connection is lost: each reconnect
 * attempt it waits for, and where the download resumed, on the progress
 * view (on the bar, or as lines of a log).
 *
 * @module
 */

import { backoffBounds, type BackoffOptions, resolveBackoff } from "../protocol/backoff.ts";
import type { ProgressNote } from "./progress_line.ts";
import type { SluiceClient } from "./sluice_client.ts";

/**
 * Follows the client's connection states and calls `note` for each
 * reconnect attempt of an outage and for the resume that ends it; until the
 * connection was first open, says nothing (the first connection's failure
 * is reported as an error). `rows()` says how many rows the download had.
 * The client does not tell the delay it drew for an attempt, only its state,
 * so the note gives the range the backoff draws from. Returns the
 * unsubscribe.
 *
 * @example
 * ```ts ignore
 * import { ClientBuilder } from "./client_builder.ts";
 * import { followOutages } from "./cli_outage.ts";
 * const client = new ClientBuilder("ws://127.0.0.1:8080/").build();
 * const stop = followOutages(client, { maxAttempts: 5 }, () => 0, (note) => console.error(note));
 * ```
 */
export function followOutages(
  client: SluiceClient,
  backoff: BackoffOptions,
  rows: () => number | undefined,
  note: (note: ProgressNote) => void,
): () => void {
  const resolved = resolveBackoff(backoff);
  let everOpen = false;
  let attempt = 0;
  return client.on("state", ({ to }) => {
    if (to === "open") {
      if (attempt > 0) note({ type: "resumed", rows: rows() ?? 0 });
      everOpen = true;
      attempt = 0;
    } else if (to === "reconnecting" && everOpen) {
      attempt++;
      note({
        type: "reconnecting",
        attempt,
        maxAttempts: resolved.maxAttempts,
        delayMs: backoffBounds(attempt, resolved),
      });
    }
  });
}
