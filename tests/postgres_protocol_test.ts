// The PostgreSQL protocol's bytes without a socket (server/postgres_protocol.ts): what the backend
// sends is read the same whatever the chunks it arrives in, rows into their query's buffer and
// every other message whole; lengths that are not the protocol, and results past their bound,
// are refused; SCRAM answers only a server message it can trust.
import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import {
  BackendReader,
  MAX_MESSAGE_BYTES,
  RowBuffer,
  Scram,
  wireCells,
  WireError,
} from "../server/postgres_protocol.ts";

const encoder = new TextEncoder();

function message(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

function row(cells: (string | null)[]): Uint8Array {
  const parts = cells.map((c) => c === null ? null : encoder.encode(c));
  const body = new Uint8Array(2 + parts.reduce((n, p) => n + 4 + (p?.length ?? 0), 0));
  const view = new DataView(body.buffer);
  view.setInt16(0, cells.length);
  let at = 2;
  for (const p of parts) {
    view.setInt32(at, p === null ? -1 : p.length);
    if (p !== null) body.set(p, at + 4);
    at += 4 + (p?.length ?? 0);
  }
  return message("D", body);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads `stream` cut into `chunks` pieces; the messages seen and the rows collected. */
function read(stream: Uint8Array, cuts: number[], budget = 1 << 20) {
  const rows = new RowBuffer(16, budget);
  const seen: [string, number[]][] = [];
  let inQuery = false;
  const reader = new BackendReader({
    rowsFor: () => inQuery ? rows : undefined,
    message: (type, body) => {
      const name = String.fromCharCode(type);
      seen.push([name, [...body]]);
      if (name === "2") inQuery = true; // BindComplete: the rows come next
      if (name === "C") inQuery = false;
    },
  });
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    reader.push(stream.subarray(from, cut));
    from = cut;
  }
  return { seen, cells: wireCells(rows.take()), count: rows.take().count };
}

const STREAM = concat([
  message("1", new Uint8Array(0)),
  message("2", new Uint8Array(0)),
  row(["1", null, "naïve 𝄞"]),
  message("N", encoder.encode("SNOTICE\0Mhello\0\0")),
  row(["", "b", "x".repeat(300)]),
  row([null, null, null]),
  message("C", encoder.encode("SELECT 3\0")),
  message("Z", encoder.encode("I")),
]);

Deno.test("the backend's bytes are read the same at every cut", () => {
  const whole = read(STREAM, []);
  equal(whole.count, 3);
  deepStrictEqual(
    whole.cells.map((r) => r.map((c) => c === null ? null : new TextDecoder().decode(c))),
    [["1", null, "naïve 𝄞"], ["", "b", "x".repeat(300)], [null, null, null]],
  );
  deepStrictEqual(whole.seen.map(([type]) => type), ["1", "2", "N", "C", "Z"]);
  // One cut anywhere, and every byte on its own.
  for (let cut = 1; cut < STREAM.length; cut++) {
    deepStrictEqual(read(STREAM, [cut]), whole, `cut at ${cut}`);
  }
  deepStrictEqual(read(STREAM, Array.from({ length: STREAM.length - 1 }, (_, i) => i + 1)), whole);
});

Deno.test("lengths that are not the protocol, and rows past the bound, are refused", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      ok(error instanceof WireError, String(error));
      return error.code;
    }
    return "none";
  };
  // A length below its own four bytes.
  equal(code(() => read(new Uint8Array([0x5a, 0, 0, 0, 3]), [])), "PROTOCOL");
  // A message other than a row past the bound: refused from its header, before any allocation.
  const huge = new Uint8Array(5);
  huge[0] = 0x4e;
  new DataView(huge.buffer).setInt32(1, MAX_MESSAGE_BYTES + 5);
  equal(code(() => read(huge, [])), "PROTOCOL");
  // A row may be larger than that, up to its query's budget, and not past it.
  const big = concat([message("2", new Uint8Array(0)), row(["y".repeat(MAX_MESSAGE_BYTES + 1)])]);
  equal(read(big, [], 2 << 20).count, 1);
  // Its room grows as its bytes come, at any cut.
  const pieces = read(big, [7, 100, 600_000, 1_200_000], 2 << 20);
  deepStrictEqual(pieces.cells.map((r) => r.map((c) => c?.length)), [[MAX_MESSAGE_BYTES + 1]]);
  equal(code(() => read(big, [7, 100], 1 << 20)), "RESULT_TOO_LARGE");
  // A row that announces 200 MiB within a budget of 256 MiB takes no more room than its bytes
  // so far need (a megabyte at first), not what it announced.
  const announced = new Uint8Array(5 + 1000);
  announced[0] = 0x44;
  new DataView(announced.buffer).setInt32(1, 4 + (200 << 20));
  const held = new RowBuffer(0, 256 << 20);
  new BackendReader({ rowsFor: () => held, message: () => {} }).push(announced);
  equal(held.size, 1005);
  ok(held.take().bytes.buffer.byteLength <= 2 * MAX_MESSAGE_BYTES, "room for what came");
  // A large row that came whole ends in a buffer of its size, not of the next power of two.
  const exact = new RowBuffer(0, 256 << 20);
  const cell = MAX_MESSAGE_BYTES * 3 + 17;
  new BackendReader({ rowsFor: () => exact, message: () => {} }).push(row(["z".repeat(cell)]));
  equal(exact.take().bytes.buffer.byteLength, 5 + 2 + 4 + cell);
  // After stop, nothing more is read.
  const seen: string[] = [];
  const reader = new BackendReader({
    rowsFor: () => undefined,
    message: (type) => {
      seen.push(String.fromCharCode(type));
      reader.stop();
    },
  });
  reader.push(concat([message("N", new Uint8Array(1)), message("Z", encoder.encode("I"))]));
  deepStrictEqual(seen, ["N"]);
});

Deno.test("SCRAM answers only a server's first message it can trust", async () => {
  const scram = new Scram("pencil");
  const nonce = /r=(.+)$/.exec(scram.clientFirst)![1];
  ok(scram.clientFirst.startsWith("n,,n=*,r="));
  const salt = btoa("salt of sixteen!");
  for (
    const wrong of [
      `r=${nonce},s=${salt},i=4096`, // the server added nothing to the nonce
      `r=other${nonce},s=${salt},i=4096`,
      `r=${nonce}x,i=4096`, // no salt
      `r=${nonce}x,s=${salt},i=0`,
      `r=${nonce}x,s=${salt},i=1000001`, // more work than sluice will do
      `m=ext,r=${nonce}x,s=${salt},i=4096`, // a mandatory extension
      `r=${nonce}x,s=${salt},i4096`, // not k=value
    ]
  ) {
    await rejects(scram.clientFinal(wrong), (e: unknown) => e instanceof WireError, wrong);
  }
  const first = `r=${nonce}x,s=${salt},i=4096`;
  const { message: final, salted } = await scram.clientFinal(first);
  ok(final.startsWith(`c=biws,r=${nonce}x,p=`));
  equal(salted.iterations, 4096);
  equal(salted.key.length, 32);
  // The same salt again: the salted password is reused, and the proof is the same one.
  const again = new Scram("pencil");
  const nonce2 = /r=(.+)$/.exec(again.clientFirst)![1];
  const reused = await again.clientFinal(`r=${nonce2}x,s=${salt},i=4096`, salted);
  equal(reused.salted, salted);
  // The server's signature, computed here as RFC 5802 says, is the one it accepts.
  equal(scram.verify("v=AAAA"), false);
  equal(scram.verified, false);
  const auth = `n=*,r=${nonce},${first},c=biws,r=${nonce}x`;
  const serverKey = createHmac("sha256", salted.key).update("Server Key").digest();
  const signature = createHmac("sha256", serverKey).update(auth).digest("base64");
  equal(scram.verify(`v=${signature}`), true);
  equal(scram.verified, true);
  // And the proof is the client key that the stored key is the hash of.
  const proof = Buffer.from(/p=(.+)$/.exec(final)![1], "base64");
  const storedKey = createHash("sha256").update(
    createHmac("sha256", salted.key).update("Client Key").digest(),
  ).digest();
  const clientSignature = createHmac("sha256", storedKey).update(auth).digest();
  const clientKey = proof.map((b, i) => b ^ clientSignature[i]);
  deepStrictEqual(createHash("sha256").update(clientKey).digest(), storedKey);
  // PBKDF2 as node:crypto computes it.
  deepStrictEqual(
    Buffer.from(salted.key),
    pbkdf2Sync("pencil", Buffer.from(salt, "base64"), 4096, 32, "sha256"),
  );
});
