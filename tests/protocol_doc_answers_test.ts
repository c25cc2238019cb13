// docs/PROTOCOL.md's answers to what a server cannot take, read off a real server (and, for the
// timeouts, its machine): which event carries a refusal (§10, §15.3), acks and cancels after the
// end or for nothing (§5.7, §9.4), the resume checks (§9.5), where the sign-in checks a bad
// session key and which timeout wins (§15.1).
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { challengeText, signText } from "../protocol/auth.ts";
import type { ClientMessage, DownloadRequest } from "../protocol/messages.ts";
import { RawPeer, readDownload, requestMessage, startServer } from "./_harness.ts";
import type { Received } from "./_inbox.ts";
import { SignedPeer } from "./_signed_peer.ts";
import { codesOf, Driver } from "./_session_driver.ts";

const now = () => Date.now();
const ack = (requestId: string, sequence: number): ClientMessage => ({
  event: "download:ack",
  data: { sequence },
  timestamp: now(),
  requestId,
});
const cancel = (requestId: string): ClientMessage => ({
  event: "download:cancel",
  data: {},
  timestamp: now(),
  requestId,
});
const statusCheck = (requestId: string, target?: string): ClientMessage => ({
  event: "status:check",
  data: target === undefined ? {} : { requestId: target },
  timestamp: now(),
  requestId,
});

/** The error answering `requestId`, on whichever of download:error and system:error it came. */
async function refusal(peer: RawPeer | SignedPeer, requestId: string): Promise<[string, string]> {
  const r = await peer.next((r) =>
    r.kind === "message" && r.message.requestId === requestId &&
    (r.message.event === "download:error" || r.message.event === "system:error")
  );
  if (r.kind !== "message" || !("code" in r.message.data)) throw new Error("unreachable");
  return [r.message.event, r.message.data.code];
}

Deno.test("a refused command is answered by its event; a parse error by §10's rule", async () => {
  const server = startServer(1_000, { anonymous: false });
  const peer = await SignedPeer.open(server.url);
  try {
    await peer.signIn();
    const request = (requestMessage("r") as Extract<ClientMessage, { event: "download:request" }>)
      .data;
    const commands: ClientMessage[] = [
      requestMessage("r-1"),
      {
        event: "download:resume",
        data: {
          request,
          resume: {
            highWaterMark: "1000",
            cursor: "",
            sequence: 0,
            rows: 0,
            bytes: 0,
            digest: "00".repeat(32),
          },
        },
        timestamp: now(),
        requestId: "r-2",
      },
      cancel("r-3"),
      ack("r-4", 0),
    ];
    const expected = ["download:error", "download:error", "system:error", "system:error"];
    for (const [i, command] of commands.entries()) {
      // Signed, then renamed: the signature no longer matches (§15.3).
      const signed = await peer.signed(command);
      peer.send({ ...signed, requestId: `${command.requestId}x` });
      deepStrictEqual(await refusal(peer, `${command.requestId}x`), [
        expected[i],
        "COMMAND_SIGNATURE_INVALID",
      ]);
    }
    // Parsing comes first, and its rule is §10's: a download event whose requestId reads.
    peer.send(await peer.signed(ack("r-5", -1)));
    deepStrictEqual(await refusal(peer, "r-5"), ["download:error", "INVALID_VALUE"]);
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("acks and cancels after the end get no answer; unsent frames and unknown downloads do", async () => {
  // A window of about one frame: unacknowledged, the download stalls and is still running when
  // the ack of a frame it never sent arrives.
  const server = startServer(1_000, { frameBytes: 17_000, windowBytes: 16_384 });
  const peer = await RawPeer.open(server.url);
  try {
    peer.send(requestMessage("dl"));
    peer.send(ack("dl", 999));
    deepStrictEqual(await refusal(peer, "dl"), ["download:error", "INVALID_VALUE"]);
    const { frames } = await readDownload(peer, "dl");
    // readDownload acknowledged every frame, the FINAL one included, most likely after
    // download:complete; then a late ack and a late cancel: no answer to any of them.
    peer.send(ack("dl", frames.at(-1)!.sequence));
    peer.send(cancel("dl"));
    peer.send(ack("gone", 0));
    peer.send(cancel("gone-too"));
    peer.send(statusCheck("st-1", "nope"));
    peer.send(statusCheck("st-2"));
    deepStrictEqual(await refusal(peer, "gone"), ["download:error", "UNKNOWN_REQUEST"]);
    deepStrictEqual(await refusal(peer, "gone-too"), ["download:error", "UNKNOWN_REQUEST"]);
    const unknown = await peer.message("download:error", "st-1");
    equal(unknown.data.code, "UNKNOWN_REQUEST");
    equal(unknown.data.details?.requestId, "nope");
    const status = await peer.message("status:update", "st-2");
    deepStrictEqual(
      status.data.downloads.map(({ requestId, phase, processedRows }) => ({
        requestId,
        phase,
        processedRows,
      })),
      [{ requestId: "dl", phase: "complete", processedRows: 1_000 }],
    );
    // The server answers in order, so anything it said about "dl" came before status:update.
    const left = peer.drain().filter((r: Received) =>
      r.kind === "message" && r.message.requestId === "dl" &&
      (r.message.event === "download:error" || r.message.event === "download:cancelled")
    );
    deepStrictEqual(left, []);
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("RESUME_MISMATCH for a high-water mark or cursor that is not a key, or too many rows", async () => {
  const server = startServer(1_000);
  const request: DownloadRequest = {
    searchParams: { timeFrom: "2024-01-01", timeTo: "2025-01-01", filters: [] },
    outputFormat: "csv",
    compression: false,
  };
  const point = { highWaterMark: "1000", cursor: "", sequence: 0, rows: 0, bytes: 0 };
  const cases: [Partial<typeof point>, string][] = [
    [{ highWaterMark: "01000" }, "RESUME_MISMATCH"],
    [{ highWaterMark: "1001" }, "RESUME_MISMATCH"], // above the current largest key
    [{ cursor: "007" }, "RESUME_MISMATCH"],
    [{ cursor: "+5" }, "RESUME_MISMATCH"],
    [{ cursor: "5.0" }, "RESUME_MISMATCH"],
    [{ cursor: "-1" }, "RESUME_MISMATCH"],
    [{ cursor: "9223372036854775808" }, "RESUME_MISMATCH"], // 19 digits, one above 2^63−1
    [{ cursor: "500", rows: 1_001, sequence: 9, bytes: 99 }, "RESUME_MISMATCH"],
  ];
  const peer = await RawPeer.open(server.url);
  try {
    for (const [i, [change, code]] of cases.entries()) {
      const resume = { ...point, digest: "00".repeat(32), ...change };
      peer.send({
        event: "download:resume",
        data: { request, resume },
        timestamp: now(),
        requestId: `r-${i}`,
      });
      deepStrictEqual(
        await refusal(peer, `r-${i}`),
        ["download:error", code],
        JSON.stringify(change),
      );
    }
    // The same point with a key for a cursor, and the rows the export has before it, is taken.
    peer.send({
      event: "download:resume",
      data: {
        request,
        resume: {
          ...point,
          cursor: "500",
          rows: 500,
          sequence: 5,
          bytes: 1,
          digest: "00".repeat(32),
        },
      },
      timestamp: now(),
      requestId: "ok",
    });
    const start = await peer.message("download:start", "ok");
    ok(start.data.resumed && start.data.totalRows === 1_000);
    const { frames } = await readDownload(peer, "ok");
    deepStrictEqual([frames[0].sequence, frames[0].rowOffset, frames[0].byteOffset], [5, 500, 1]);
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("a session key that is not a curve point is refused last, after the allow list", async () => {
  const notAPoint = "02" + "ff".repeat(32); // x ≥ p: the form of a key, no point of the curve
  for (const allowed of [false, true]) {
    const identityKey = secp.utils.randomSecretKey();
    const allow = allowed ? [bytesToHex(secp.getPublicKey(identityKey))] : ["02" + "11".repeat(32)];
    const server = startServer(1_000, { anonymous: false, allow });
    const peer = await SignedPeer.open(server.url, identityKey);
    try {
      peer.send({
        event: "auth:nonce",
        data: { identity: peer.identity, sessionKey: notAPoint },
        timestamp: now(),
        requestId: "auth-1",
      });
      peer.challenge = (await peer.message("auth:challenge", "auth-1")).data;
      const facts = { ...peer.facts(), clientSessionKey: notAPoint };
      peer.send({
        event: "auth:authenticate",
        data: {
          identity: peer.identity,
          nonce: facts.nonce,
          signature: signText(identityKey, challengeText(facts)),
        },
        timestamp: now(),
        requestId: "auth-2",
      });
      const result = (await peer.message("auth:result", "auth-2")).data;
      ok(!result.authenticated);
      equal(result.error.code, allowed ? "INVALID_VALUE" : "AUTH_UNKNOWN_IDENTITY");
      if (allowed) equal(result.error.details?.path, "data.sessionKey");
      equal((await peer.closed).code, 4401);
    } finally {
      await peer.close();
      await server.close();
    }
  }
});

Deno.test("idle and sign-in deadlines due together: IDLE_TIMEOUT and 4408; once it spoke, SIGN_IN_TIMEOUT", () => {
  // §15.1, on the server machine: the same timeout for both, as the defaults have it.
  const tuning = { signIn: { anonymous: false, signInTimeoutMs: 1_000 }, idleTimeoutMs: 1_000 };
  const silent = new Driver({ tuning });
  const [closed] = silent.advanceTo(silent.now + 1_000);
  deepStrictEqual(codesOf(closed.effects), ["IDLE_TIMEOUT", 4408]);
  const spoke = new Driver({ tuning });
  const start = spoke.now;
  spoke.now += 1;
  spoke.receive({ event: "connection:health", data: {}, timestamp: 0, requestId: "p" });
  const [timedOut] = spoke.advanceTo(start + 1_000);
  deepStrictEqual(codesOf(timedOut.effects), ["SIGN_IN_TIMEOUT", 4401]);
});
