// Sign-in rate: how many connections per second a server process takes from open to a signed-in,
// sealed session (the client's `connect()` resolving), one at a time and eight at a time, beside
// the same number of bare WebSocket opens (no sign-in) against the same server as the baseline.
// The delegated row is an Ethereum account whose one delegation (PROTOCOL.md §15.5) serves every
// connection, as a page's reconnects do: the server checks two signatures, the client signs one.
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { ClientBuilder } from "../client.ts";
import { signPersonalMessage } from "../protocol/auth.ts";
import { ethereumAddress } from "../protocol/auth.ts";

/** One measured kind of connection. */
export interface HandshakeRun {
  readonly name: string;
  readonly connections: number;
  readonly seconds: number;
}

async function bareOpen(url: string): Promise<void> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const closed = new Promise((resolve) => socket.onclose = resolve);
  socket.close();
  await closed;
}

async function signIn(builder: ClientBuilder): Promise<void> {
  const client = builder.withReconnect({ maxAttempts: 0 }).build();
  await client.connect();
  await client.close();
}

async function measure(
  name: string,
  connections: number,
  parallel: number,
  once: () => Promise<void>,
): Promise<HandshakeRun> {
  await once(); // warm up: module code compiled, server path hot
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next++ < connections) await once();
  }));
  return { name, connections, seconds: (performance.now() - started) / 1000 };
}

/** Runs every handshake measurement against the server at `url`. */
export async function handshakeRuns(url: string, connections = 400): Promise<HandshakeRun[]> {
  const key = secp.utils.randomSecretKey();
  const wallet = {
    address: ethereumAddress(secp.getPublicKey(key)),
    signMessage: (text: string) => Promise.resolve(signPersonalMessage(key, text)),
  };
  const runs: HandshakeRun[] = [];
  for (const parallel of [1, 8]) {
    const suffix = parallel === 1 ? "one at a time" : `${parallel} at a time`;
    runs.push(
      await measure(`bare WebSocket open, ${suffix}`, connections, parallel, () => bareOpen(url)),
    );
    runs.push(
      await measure(
        `secp256k1 sign-in, ${suffix}`,
        connections,
        parallel,
        () => signIn(new ClientBuilder(url).withKeypair(key)),
      ),
    );
    runs.push(
      await measure(
        `Ethereum (EIP-191) sign-in, ${suffix}`,
        connections,
        parallel,
        () => signIn(new ClientBuilder(url).withSigner(wallet)),
      ),
    );
    // One builder: every client it builds shares the delegation, signed once in the warm-up.
    const delegating = new ClientBuilder(url).withSigner(wallet, { delegateForMs: 3_600_000 });
    runs.push(
      await measure(
        `Ethereum, delegated key, ${suffix}`,
        connections,
        parallel,
        () => signIn(delegating),
      ),
    );
  }
  return runs;
}

/** The runs as a Markdown table, each sign-in beside the bare opens of the same parallelism. */
export function handshakeTable(runs: readonly HandshakeRun[]): string {
  const perSecond = (r: HandshakeRun) => r.connections / r.seconds;
  const lines = [
    "| connection | n | s | per second | ms each | vs bare open |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  let bare: HandshakeRun | undefined;
  for (const r of runs) {
    if (r.name.startsWith("bare")) bare = r;
    const vs = bare === undefined || bare === r
      ? ""
      : `${(perSecond(r) / perSecond(bare)).toFixed(2)}×`;
    lines.push(
      `| ${r.name} | ${r.connections} | ${r.seconds.toFixed(2)} | ${Math.round(perSecond(r))} | ${
        (r.seconds * 1000 / r.connections).toFixed(2)
      } | ${vs} |`,
    );
  }
  return lines.join("\n");
}
