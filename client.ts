/**
 * The sluice client: downloads exports from a sluice server over a
 * WebSocket, with progress, keep-alive and reconnection. Runs unchanged in
 * Deno, browsers and Node 22+.
 *
 * Run as a program it is the command-line client:
 *
 * ```sh
 * deno run -A jsr:@sluice/sluice/client ws://127.0.0.1:8080/ --from 2024-01-01 --to 2024-02-01 \
 *   --filter symbol=BTC-USD --format csv -o btc.csv
 * ```
 *
 * @example
 * ```ts ignore
 * import { ClientBuilder } from "@sluice/sluice/client";
 * const client = new ClientBuilder("ws://127.0.0.1:8080/").build();
 * await client.connect();
 * const download = client.download({
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-01-02", filters: [] },
 *   outputFormat: "ndjson",
 *   compression: false,
 * });
 * // Progress moves only while the bytes are read: start the saving first.
 * const saved = download.pipeTo((await Deno.create("trades.ndjson")).writable);
 * for await (const p of download) console.log(`${p.progress.toFixed(1)}%`);
 * console.log(await saved); // { rows, bytes, digest, durationMs }
 * await client.close();
 * ```
 *
 * @module
 */

// The API itself lives in client/mod.ts, which bundlers can take without the command line below.
export * from "./client/mod.ts";

// Only the command line needs Deno's IO, so it loads only when this file is the program.
if ((import.meta as { main?: boolean }).main) {
  const { main } = await import("./client/cli.ts");
  Deno.exit(await main(Deno.args));
}
