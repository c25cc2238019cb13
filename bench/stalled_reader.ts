// A reader that takes nothing: a client asks for an export far larger than the server's window
// and never reads it, for 10 s. The server must send up to its window and stop, its memory where
// it was. The suite proves the window exactly by bytes counted (tests/server_test.ts); the RSS,
// noise on a shared machine, is measured here, once, at the benchmark's largest size.
import { ClientBuilder } from "../client.ts";
import { startServer } from "./_server_program.ts";

/** How long the stalled reader takes nothing, and when its first RSS sample is taken. */
export const STALL_MS = 10_000;
const STALL_FIRST_SAMPLE_MS = 1_000;
/** The server's default flow-control window (`windowBytes`), the bound of a stalled download. */
const WINDOW_BYTES = 4_194_304;

export interface Stall {
  readonly rows: number;
  /** Export bytes the server had sent when the reader had taken none for STALL_MS. */
  readonly sent: number;
  /** Server RSS after STALL_FIRST_SAMPLE_MS, and after STALL_MS. */
  readonly early: number;
  readonly late: number;
}

/**
 * A client that asks for every row and never reads `download.readable`, so it acknowledges
 * nothing: the server sends up to its window and waits, and its memory must stay where it was.
 */
export async function stalledRun(
  db: string,
  rows: number,
  range: { timeFrom: string; timeTo: string },
): Promise<Stall> {
  const server = await startServer(db, rows);
  try {
    const client = new ClientBuilder(server.url).build();
    await client.connect();
    const download = client.download({
      searchParams: { ...range, filters: [] },
      outputFormat: "csv",
      compression: false,
    });
    await download.started;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await sleep(STALL_FIRST_SAMPLE_MS);
    const early = server.rss();
    await sleep(STALL_MS - STALL_FIRST_SAMPLE_MS);
    const late = server.rss();
    const [status] = await client.status();
    download.cancel();
    await download.done.catch(() => {});
    await client.close();
    return { rows, sent: status.processedBytes, early, late };
  } finally {
    await server.stop();
  }
}

export function stallTable(stall: Stall): string {
  const rows = [
    ["rows", "sent, reader stopped", "server RSS at 1 s", "at 10 s", "growth"],
    ["---", "---", "---", "---", "---"],
    [
      stall.rows.toLocaleString("en-US"),
      `${mb(stall.sent)} MB`,
      `${mb(stall.early)} MB`,
      `${mb(stall.late)} MB`,
      `${mb(stall.late - stall.early)} MB`,
    ],
  ];
  return rows.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** The stalled reader's targets, in the form of bench/export.ts's. */
export function stallTargets(stall: Stall): { what: string; value: string; pass: boolean }[] {
  const n = stall.rows.toLocaleString("en-US");
  return [
    // One frame may start below the window (as tests/server_test.ts allows).
    {
      what: `${n}, reader stopped: sent ≤ window + 1 MiB`,
      value: `${mb(stall.sent)} MB`,
      pass: stall.sent <= WINDOW_BYTES + 1_048_576,
    },
    {
      what: `${n}, reader stopped: server RSS grows < the 4 MiB window in 9 s`,
      value: `${mb(stall.late - stall.early)} MB`,
      pass: stall.late - stall.early < WINDOW_BYTES,
    },
  ];
}
