// The digest chain (PROTOCOL.md §7.1) on real sockets: every frame the server sends carries the
// chain value, recomputed here with node:crypto; a resumed download's final digest covers the whole
// payload; and bytes altered on the way are caught before they reach the reader.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { bytesToHex, concatBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { ClientBuilder } from "../client.ts";
import type { DownloadRequest, ResumePoint } from "../protocol/messages.ts";
import { digestChain, RawPeer, readDownload, requestMessage, startServer } from "./_harness.ts";
import { CuttingProxy } from "./_proxy.ts";

const ROWS = 20_000;
/** Small frames: the export arrives in dozens of them. */
// Unencrypted sessions, so that the proxy can read and flip bytes of data frames; with encryption
// on, a flipped byte is DECRYPTION_FAILED (tests/sealed_session_test.ts).
const SERVER_OPTIONS = { frameBytes: 16_384, encryption: false };
const REQUEST: DownloadRequest = {
  searchParams: { timeFrom: "2024-01-01", timeTo: "2025-01-01", filters: [] },
  outputFormat: "json",
  compression: false,
};

const portOf = (url: string) => Number(new URL(url).port);

Deno.test("every frame carries the digest chain of the payloads so far, and complete repeats its end", async () => {
  const server = startServer(ROWS, SERVER_OPTIONS);
  const peer = await RawPeer.open(server.url);
  try {
    for (const compression of [false, true]) {
      const id = `chain-${compression}`;
      peer.send(requestMessage(id, { ...REQUEST, compression }));
      const { frames, complete } = await readDownload(peer, id);
      ok(frames.length > 10, `${frames.length} frames`);
      // The chain after each frame, carried on from the one before (not rehashed from byte 0).
      let chain = digestChain([]);
      frames.forEach((frame, i) => {
        chain = digestChain([frame.payload], chain);
        equal(bytesToHex(frame.digest), chain, `frame ${i}`);
      });
      equal(complete.digest, bytesToHex(frames.at(-1)!.digest));
    }
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("after download:resume the server continues the chain: complete.digest covers byte 0 on", async () => {
  const server = startServer(ROWS, SERVER_OPTIONS);
  try {
    const whole = await RawPeer.open(server.url);
    whole.send(requestMessage("whole", REQUEST));
    const uninterrupted = await readDownload(whole, "whole");
    await whole.close();

    // A first connection takes five frames and goes away.
    const first = await RawPeer.open(server.url);
    first.send(requestMessage("split", REQUEST));
    const start = await first.message("download:start", "split");
    const head = [];
    while (head.length < 5) {
      const r = await first.next((r) => r.kind === "frame");
      if (r.kind === "frame") head.push({ ...r.frame, payload: r.frame.payload.slice() });
    }
    await first.close();
    const last = head.at(-1)!;
    const resume: ResumePoint = {
      highWaterMark: start.data.highWaterMark,
      cursor: last.cursor,
      sequence: last.sequence + 1,
      rows: last.rowOffset + last.rowCount,
      bytes: last.byteOffset + last.payload.length,
      digest: bytesToHex(last.digest),
    };

    const second = await RawPeer.open(server.url);
    second.send({
      event: "download:resume",
      data: { request: REQUEST, resume },
      timestamp: Date.now(),
      requestId: "split",
    });
    const rest = await readDownload(second, "split");
    await second.close();
    equal(rest.frames[0].sequence, 5);
    const payloads = [...head, ...rest.frames].map((f) => f.payload);
    deepStrictEqual(concatBytes(...payloads), uninterrupted.payload);
    // The second connection sent only the rest, yet its digest is that of the whole export.
    equal(rest.complete.digest, uninterrupted.complete.digest);
    equal(rest.complete.digest, digestChain(payloads));
  } finally {
    await server.close();
  }
});

Deno.test("a bit flipped on the way is DIGEST_MISMATCH: not delivered, and the resume point finishes the export", async () => {
  const server = startServer(ROWS, SERVER_OPTIONS);
  const proxy = new CuttingProxy(portOf(server.url), { messages: true });
  const client = new ClientBuilder(`ws://127.0.0.1:${proxy.port}/`).build();
  try {
    await client.connect();
    const clean = client.download(REQUEST);
    const expected = new Uint8Array(await new Response(clean.readable).arrayBuffer());
    const { digest } = await clean.done;

    proxy.corruptFrame(3);
    const hit = client.download(REQUEST);
    const read: Uint8Array[] = [];
    const failure = await hit.readable.pipeTo(
      new WritableStream({ write: (chunk) => void read.push(chunk) }),
    ).then(() => undefined, (e) => e);
    equal(proxy.corrupted, 1);
    equal(failure?.code, "DIGEST_MISMATCH");
    const error = await hit.done.then(() => undefined, (e) => e);
    equal(error?.code, "DIGEST_MISMATCH");
    equal(error?.recoverable, true);
    // What the reader got is an unaltered prefix; the point stays before the bad frame.
    const got = concatBytes(...read);
    deepStrictEqual(got, expected.subarray(0, got.length));
    const point = hit.resumePoint()!;
    equal(point.sequence, 3);
    ok(got.length <= point.bytes);

    // The same request resumed from that point delivers exactly the rest, and its digest is the
    // clean download's: the chain went on from the point's.
    const rest = client.download(REQUEST, { resume: point });
    const tail = new Uint8Array(await new Response(rest.readable).arrayBuffer());
    deepStrictEqual(concatBytes(expected.subarray(0, point.bytes), tail), expected);
    equal((await rest.done).digest, digest);
  } finally {
    await client.close();
    await proxy.close();
    await server.close();
  }
});
