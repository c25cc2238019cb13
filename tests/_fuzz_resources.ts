// The resource attacks of the fuzz suite (tests/_fuzz.ts): connections that send half an upgrade
// request, downloads that read nothing, peers that ask and never read, floods faster than the
// message rate, and a reader slower than the server that must be kept.
import { clientFrame, OPCODE, RawSocket, upgradeRequest } from "./_raw_socket.ts";
import { EVERYTHING, statusCheck } from "./_fuzz_attacks.ts";
import type { FuzzTally } from "./_fuzz_tally.ts";

/** Connections that send half an upgrade request and wait; closed by `release`. */
export async function halfUpgrades(port: number, n: number, tally: FuzzTally): Promise<() => void> {
  const held: RawSocket[] = [];
  const head = upgradeRequest(port);
  for (let i = 0; i < n; i++) {
    const raw = await RawSocket.open(port, { upgrade: false });
    await raw.write(head.slice(0, 20 + (i % (head.length - 30))));
    held.push(raw);
  }
  tally.count("half upgrade", n);
  return () => held.forEach((raw) => raw.close());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The error code of the last `system:error` among `texts`, or "none". */
function lastSystemError(texts: readonly string[]): string {
  const errors = texts.map((t) => JSON.parse(t)).filter((m) => m.event === "system:error");
  return errors.at(-1)?.data.code ?? "none";
}

/**
 * A peer that asks for a download and reads nothing: the server fills the socket, sees no
 * progress for its stall timeout, and aborts (READER_STALLED, 4429). It reads after `waitMs`.
 */
export async function stalledDownload(
  port: number,
  waitMs: number,
  tally: FuzzTally,
): Promise<void> {
  const raw = await RawSocket.open(port);
  tally.count("never-read download");
  // Two whole-table exports (some 24 MB): twice what the server's queue and the loopback's socket
  // buffers hold together, so the server must come to wait on the socket. One (12 MB) can fit in
  // them on a busy machine, and then nothing stalls and the idle timeout ends it instead.
  for (const requestId of ["stall-1", "stall-2"]) {
    const request = {
      event: "download:request",
      data: { searchParams: EVERYTHING, outputFormat: "json", compression: false },
      timestamp: Date.now(),
      requestId,
    };
    await raw.send(OPCODE.text, JSON.stringify(request));
  }
  await sleep(waitMs);
  const seen = await raw.readAll((t) => t.includes('"system:error"'));
  raw.close();
  const code = lastSystemError(seen.texts);
  tally.code(code);
  tally.close(seen.close?.code ?? 1006);
  if (code !== "READER_STALLED" || seen.close?.code !== 4429) {
    tally.wrong(`a never-read download ended with ${code}, ${seen.close?.code}`);
  }
}

/**
 * A peer that asks and never reads: 64 finished downloads make each `status:check` answer a
 * status of all of them, and it sends `asks` of them, 4,000 a second, then goes after `waitMs`.
 * Deflated, the answers mostly fit the kernel's socket buffers; what does not is bounded by the
 * server's queue (tests/hostile_peer_test.ts drives a peer to that bound). Nothing to check here
 * but that the server stays well and lets it go.
 */
export async function neverReadFlood(
  port: number,
  asks: number,
  waitMs: number,
  tally: FuzzTally,
): Promise<void> {
  const raw = await RawSocket.open(port);
  await finishedDownloads(raw, 64);
  const ask = clientFrame(OPCODE.text, JSON.stringify(statusCheck("st")));
  const burst = new Uint8Array(Array(8).fill([...ask]).flat());
  for (let sent = 0; sent < asks; sent += 8) {
    if (!(await raw.write(burst))) break;
    await sleep(2);
  }
  tally.count("never-read flood", 64 + asks);
  await sleep(waitMs);
  raw.close();
}

/**
 * Runs `n` downloads of no rows on `raw`, one after the other (a connection runs 8 at most),
 * reading each to its end: the server then remembers `n` finished downloads (64 at most), and
 * every `status:check` is answered with all of them.
 */
export async function finishedDownloads(raw: RawSocket, n: number): Promise<void> {
  const none = [{ field: "symbol", operator: "eq", value: "NONE" }];
  for (let i = 0; i < n; i++) {
    const request = {
      event: "download:request",
      data: {
        searchParams: { ...EVERYTHING, filters: none },
        outputFormat: "csv",
        compression: false,
      },
      timestamp: Date.now(),
      requestId: `d${i}`,
    };
    await raw.send(OPCODE.text, JSON.stringify(request));
    for (;;) {
      const text = await raw.nextText();
      if (text === undefined) throw new Error("the server closed before the downloads ended");
      if (text.includes('"download:complete"')) break;
    }
  }
}

/**
 * More than the rate bucket holds, in one burst. The server reads no faster than it answers, so
 * the bucket refills meanwhile: it ends the flood (TOO_MANY_MESSAGES, 4400) when it answers faster
 * than `maxMessagesPerSecond`, and otherwise answers every message, at its own pace; nothing else.
 */
export async function unsignedFlood(port: number, n: number, tally: FuzzTally): Promise<void> {
  const raw = await RawSocket.open(port);
  const ping = clientFrame(
    OPCODE.text,
    JSON.stringify({
      event: "connection:health",
      data: {},
      timestamp: Date.now(),
      requestId: "p",
    }),
  );
  const burst = new Uint8Array(Array(n).fill([...ping]).flat());
  const written = raw.write(burst);
  tally.count("unsigned flood", n);
  let answered = 0;
  let error: { data: { code: string } } | undefined;
  while (answered < n && error === undefined) {
    const text = await raw.nextText();
    if (text === undefined) break;
    const message = JSON.parse(text);
    if (message.event === "connection:health") answered++;
    else if (message.event === "system:error") error = message;
  }
  await written;
  if (error === undefined && answered === n) {
    tally.code("answered");
    raw.close();
    return;
  }
  const seen = await raw.readAll();
  raw.close();
  tally.code(error?.data.code ?? "none");
  tally.close(seen.close?.code ?? 1006);
  if (error?.data.code !== "TOO_MANY_MESSAGES") {
    tally.wrong(`a flood was answered ${answered} times, then with ${error?.data.code}`);
  }
  if (seen.close?.code !== 4400) tally.wrong(`a flood was closed with ${seen.close?.code}`);
}

/**
 * A peer that reads its download slowly, 128 KB every 10 ms by default (slower than the server
 * sends on loopback), until `stop` resolves: it makes progress, so the server must keep it (no error, no
 * close). Progress shows in steps of what the kernel frees at once (up to half the socket's send
 * buffer, megabytes on loopback), which a slower reader would not make within the fuzz server's
 * short stall timeout.
 */
export async function slowReader(
  port: number,
  stop: Promise<void>,
  tally: FuzzTally,
  { bytes = 131_072, everyMs = 10 }: { bytes?: number; everyMs?: number } = {},
): Promise<void> {
  const raw = await RawSocket.open(port);
  tally.count("slow reader");
  const request = {
    event: "download:request",
    data: { searchParams: EVERYTHING, outputFormat: "csv", compression: false },
    timestamp: Date.now(),
    requestId: "slow",
  };
  await raw.send(OPCODE.text, JSON.stringify(request));
  let stopped = false;
  const stopping = stop.then(() => {
    stopped = true;
    return -1;
  });
  // Its heartbeats, as a client sends them: silent for the idle timeout, it would be closed.
  const beats = setInterval(
    () => void raw.send(OPCODE.text, JSON.stringify(statusCheck("beat"))),
    10_000,
  );
  while (!stopped) {
    const read = await Promise.race([raw.readSome(bytes), stopping]);
    if (read === -1) break;
    if (read === 0) {
      tally.wrong("the server ended a slow reader's connection");
      break;
    }
    const seen = raw.parsed();
    if (seen.close !== undefined || seen.texts.some((t) => t.includes('"system:error"'))) {
      tally.wrong(`a slow reader was ended: ${seen.close?.code} ${seen.texts.at(-1)}`);
      break;
    }
    await sleep(everyMs);
  }
  clearInterval(beats);
  raw.close();
}
