/**
 * Writes to a peer's TCP connection that must not wait for ever: the upgrade
 * guard's (upgrade_guard.ts) and its WebSockets' (websocket_connection.ts).
 *
 * @module
 */

/** Writes all of `bytes`. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/**
 * Waits for `work`, or throws once `ms` have passed. `work` may still fail
 * after that (its connection is cut): that failure is the deadline's, and
 * handled here.
 */
export async function deadline(work: Promise<void>, ms: number): Promise<void> {
  work.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("write stalled")), ms);
  });
  try {
    await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
