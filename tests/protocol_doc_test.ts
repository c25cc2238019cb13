// docs/PROTOCOL.md is normative: its generated tables, examples and vectors must match the code.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { generatedSections } from "../docs/generate.ts";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { decodeDataFrame, encodeDataFrame } from "../protocol/frame.ts";
import { parseClientMessage, parseServerMessage } from "../protocol/parse.ts";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import {
  challengeText,
  ethereumAddress,
  recoverPersonalSigner,
  serverProofText,
  signPersonalMessage,
  signText,
  verifyText,
} from "../protocol/auth.ts";
import { LIMIT_TABLE } from "../protocol/limit_table.ts";
import { delegationText } from "../protocol/wallet_texts.ts";
import { encodeControlFrame } from "../protocol/sealed_frame.ts";
import { checkAuthenticate } from "../protocol/sign_in.ts";
import { commandSigningInput, sharedSecret } from "../protocol/session_crypto.ts";
import { CommandSigner } from "../transport/command_signer.ts";
import { FrameOpener, FrameSealer } from "../transport/frame_sealing.ts";
import { deriveSessionSecrets } from "../transport/session_secrets.ts";
import { digestChain } from "./_harness.ts";
import { doc, marked, vectors } from "./_protocol_doc.ts";
import type { ColumnType } from "../protocol/messages.ts";
import { rowsPerFrame } from "../protocol/export_state.ts";
import { DEMO_GENERATOR_VERSION, DEMO_SCHEMA } from "../server/demo_data.ts";

/** Lines with table cells trimmed, so that `deno fmt`'s column padding does not matter. */
function cells(markdown: string): string[][] {
  return markdown.split("\n").map((line) => line.trim()).filter((line) => line !== "").map((
    line,
  ) =>
    line.startsWith("|")
      ? line.slice(1, -1).split("|").map((cell) => cell.trim().replace(/^-+$/, "---"))
      : [line]
  );
}

Deno.test("the generated tables of PROTOCOL.md match the code", () => {
  for (const [name, body] of Object.entries(generatedSections())) {
    const m = new RegExp(`<!-- BEGIN ${name} -->([\\s\\S]*?)<!-- END ${name} -->`).exec(doc);
    ok(m, `section ${name} is missing`);
    deepStrictEqual(cells(m[1]), cells(body), `section ${name} is stale: run deno task docs`);
  }
});

Deno.test("every example message in PROTOCOL.md parses and round-trips", () => {
  const examples = marked("example");
  ok(examples.length >= 12, `only ${examples.length} examples found`);
  for (const { tag, body } of examples) {
    const parse = tag === "client" ? parseClientMessage : parseServerMessage;
    const r = parse(body);
    ok(r.ok, `${tag} example failed: ${JSON.stringify(!r.ok && r.error)}\n${body}`);
    deepStrictEqual(r.value, JSON.parse(body));
  }
});

Deno.test("every frame vector in PROTOCOL.md encodes to its bytes and decodes to its fields", () => {
  const vectors = marked("vector").filter((v) => v.tag === "frame");
  ok(vectors.length >= 2);
  for (const { body } of vectors) {
    const { hex, payload, digest, ...fields } = JSON.parse(body);
    const frame = {
      ...fields,
      digest: hexToBytes(digest),
      payload: new TextEncoder().encode(payload),
    };
    equal(bytesToHex(encodeDataFrame(frame)), hex);
    const decoded = decodeDataFrame(hexToBytes(hex));
    ok(decoded.ok);
    deepStrictEqual(
      {
        ...decoded.value,
        digest: bytesToHex(decoded.value.digest),
        payload: new TextDecoder().decode(decoded.value.payload),
      },
      { ...fields, digest, payload },
    );
  }
});

Deno.test("the sign-in and session vectors of PROTOCOL.md §15.4 recompute exactly", async () => {
  const [signIn] = marked("vector").filter((v) => v.tag === "sign-in").map((v) =>
    JSON.parse(v.body)
  );
  const [session] = marked("vector").filter((v) => v.tag === "session").map((v) =>
    JSON.parse(v.body)
  );
  ok(signIn && session);
  const key = (byte: number) => new Uint8Array(32).fill(byte);
  const publicKey = (byte: number) => bytesToHex(secp.getPublicKey(key(byte)));
  equal(signIn.clientIdentityKey, publicKey(1));
  equal(signIn.clientSessionKey, publicKey(2));
  equal(signIn.serverIdentityKey, publicKey(3));
  equal(signIn.serverSessionKey, publicKey(4));
  const facts = {
    origin: "ws://127.0.0.1:8080",
    identity: { kind: "secp256k1" as const, publicKey: publicKey(1) },
    nonce: "5a".repeat(32),
    clientSessionKey: publicKey(2),
    serverSessionKey: publicKey(4),
    issuedAt: signIn.issuedAt,
    expiresAt: 1_710_923_460_000,
    encryption: true,
    chainId: signIn.chainId,
  };
  equal(challengeText(facts), signIn.challengeText);
  equal(signText(key(1), signIn.challengeText), signIn.signature);
  ok(verifyText(publicKey(1), signIn.challengeText, signIn.signature));
  equal(signText(key(3), serverProofText(facts)), signIn.serverSignature);
  equal(ethereumAddress(secp.getPublicKey(key(1))), signIn.ethereumAddress);
  const ethText = challengeText({
    ...facts,
    identity: { kind: "ethereum", address: signIn.ethereumAddress },
  });
  equal(ethText, signIn.ethereumChallengeText);
  equal(signPersonalMessage(key(1), ethText), signIn.ethereumSignature);
  equal(recoverPersonalSigner(ethText, signIn.ethereumSignature), signIn.ethereumAddress);

  const shared = sharedSecret(key(2), publicKey(4))!;
  equal(bytesToHex(shared), session.shared);
  equal(bytesToHex(sharedSecret(key(4), publicKey(2))!), session.shared);
  const secrets = await deriveSessionSecrets(shared, facts.nonce);
  equal(bytesToHex(secrets.clientToServer), session.clientToServer);
  equal(bytesToHex(secrets.serverToClient), session.serverToClient);
  equal(bytesToHex(secrets.commands), session.commands);
  const control = encodeControlFrame(new TextEncoder().encode(session.message), false);
  equal(bytesToHex(control), session.controlFrame);
  const sealer = await FrameSealer.create(secrets.clientToServer);
  equal(bytesToHex(await sealer.seal(control)), session.sealedFrame);
  const opened = await (await FrameOpener.create(secrets.clientToServer)).open(
    hexToBytes(session.sealedFrame),
  );
  ok(opened.ok);
  equal(bytesToHex(opened.value), session.controlFrame);
  const command = {
    ...JSON.parse(session.message),
    auth: { token: "00112233445566778899aabbccddeeff", timestamp: 1_710_923_400_001 },
  };
  equal(commandSigningInput(command), session.commandInput);
  equal(
    await (await CommandSigner.create(secrets.commands)).sign(command),
    session.commandSignature,
  );
});

Deno.test("the delegation vector of PROTOCOL.md §15.5 recomputes and signs in", () => {
  const [signIn] = marked("vector").filter((v) => v.tag === "sign-in").map((v) =>
    JSON.parse(v.body)
  );
  const [vector] = marked("vector").filter((v) => v.tag === "delegation").map((v) =>
    JSON.parse(v.body)
  );
  ok(signIn && vector);
  const key = (byte: number) => new Uint8Array(32).fill(byte);
  equal(vector.delegateKey, bytesToHex(secp.getPublicKey(key(5))));
  const origin = "ws://127.0.0.1:8080";
  const address = signIn.ethereumAddress;
  const text = delegationText({
    origin,
    address,
    delegateKey: vector.delegateKey,
    issuedAt: vector.issuedAt,
    expiresAt: vector.expiresAt,
    chainId: signIn.chainId,
  });
  equal(text, vector.delegationText);
  equal(signPersonalMessage(key(1), text), vector.delegationSignature);
  const facts = {
    origin,
    identity: { kind: "ethereum" as const, address },
    nonce: "5a".repeat(32),
    clientSessionKey: signIn.clientSessionKey,
    serverSessionKey: signIn.serverSessionKey,
    issuedAt: signIn.issuedAt,
    expiresAt: 1_710_923_460_000,
    encryption: true,
    chainId: signIn.chainId,
  };
  equal(challengeText(facts), signIn.ethereumChallengeText);
  equal(signText(key(5), challengeText(facts)), vector.challengeSignature);
  // And a server takes it, at the vector's moment (§15.4's 08:30:00Z).
  const delegation = {
    key: vector.delegateKey,
    issuedAt: vector.issuedAt,
    expiresAt: vector.expiresAt,
    signature: vector.delegationSignature,
  };
  const message = {
    identity: facts.identity,
    nonce: facts.nonce,
    signature: vector.challengeSignature,
    delegation,
  };
  const r = checkAuthenticate({ facts, used: false }, message, 1_710_923_400_000, 86_400_000);
  deepStrictEqual(r, { ok: true, value: facts.identity });
});

Deno.test("the frame vectors form one download whose digest chain ends in §5.4's complete example", () => {
  const frames = marked("vector").filter((v) => v.tag === "frame").map((v) => JSON.parse(v.body));
  // Recomputed with node:crypto, not with the protocol's own digest_chain.ts.
  frames.forEach((frame, i) => {
    const payloads = frames.slice(0, i + 1).map((f) => new TextEncoder().encode(f.payload));
    equal(frame.digest, digestChain(payloads), `vector ${i}`);
  });
  const complete = marked("example").map((e) => JSON.parse(e.body)).find((m) =>
    m.event === "download:complete"
  );
  const last = frames.at(-1);
  ok(last.final);
  deepStrictEqual(
    { rows: complete.data.rows, bytes: complete.data.bytes, digest: complete.data.digest },
    {
      rows: last.rowOffset + last.rowCount,
      bytes: last.byteOffset + new TextEncoder().encode(last.payload).length,
      digest: last.digest,
    },
  );
});

Deno.test("the rows-per-frame vector follows §8.1's formula, the server's code and the demo table", () => {
  const [vector] = vectors("rows-per-frame") as {
    frameBytes: number;
    columns: { name: string; type: ColumnType }[];
    csv: { w: number; R: number };
    json: { w: number; R: number };
    ndjson: { w: number; R: number };
  }[];
  ok(vector);
  deepStrictEqual(vector.columns, DEMO_SCHEMA.columns.map(({ name, type }) => ({ name, type })));
  equal(vector.frameBytes, 524_288); // createServer's default frameBytes
  // §8.1, written out again here rather than imported.
  const WIDTH = { integer: 8, decimal: 16, timestamp: 24, text: 16, boolean: 5 };
  for (const format of ["csv", "json", "ndjson"] as const) {
    let w = 2;
    for (const { name, type } of vector.columns) {
      w += WIDTH[type] + 1 + (format === "csv" ? 0 : name.length + 4);
    }
    const R = Math.max(1, Math.min(100_000, Math.floor(vector.frameBytes / w)));
    deepStrictEqual(vector[format], { w, R }, format);
    equal(rowsPerFrame(DEMO_SCHEMA.columns, format, vector.frameBytes), R, format);
  }
  // The clamps, and a name's length in UTF-16 code units.
  equal(rowsPerFrame(DEMO_SCHEMA.columns, "csv", 1), 1);
  equal(rowsPerFrame(DEMO_SCHEMA.columns, "csv", 2 ** 40), 100_000);
  equal(rowsPerFrame([{ name: "😀", type: "boolean" }], "json", 1000), Math.floor(1000 / 14));
});

Deno.test("§18.3's demo table is the demo schema the server exports", () => {
  const section = doc.slice(doc.indexOf("### 18.3"));
  const rows = cells(section).filter((row) => row.length === 4 && row[0].startsWith("`"));
  deepStrictEqual(
    rows.map(([name, type, scale]) => ({
      name: name.replaceAll("`", ""),
      type: type.replaceAll("`", ""),
      ...(scale === "" ? {} : { scale: Number(scale) }),
    })),
    DEMO_SCHEMA.columns,
  );
  const prose = section.replace(/\s+/g, " "); // however deno fmt wraps it
  ok(prose.includes(`\`${DEMO_GENERATOR_VERSION}\``));
  ok(prose.includes(`\`${DEMO_SCHEMA.table}\`, whose key column is \`${DEMO_SCHEMA.keyColumn}\``));
  ok(prose.includes(`column (for \`timeFrom\` and \`timeTo\`) is \`${DEMO_SCHEMA.timeColumn}\``));
});

/** The names given to `Deno.test` in a test file. */
async function testNames(file: string): Promise<string[]> {
  const text = await Deno.readTextFile(new URL(file, import.meta.url));
  return [...text.matchAll(/Deno\.test\(\s*"((?:[^"\\]|\\.)*)"/g)].map((m) =>
    JSON.parse(`"${m[1]}"`)
  );
}

Deno.test("every limit of PROTOCOL.md §19 names a test that exists, and limits_test.ts tests the table's limits, one to one", async () => {
  const named = new Set<string>();
  for (const row of LIMIT_TABLE) {
    const key = `${row.test.file}: ${row.test.name}`;
    ok(!named.has(key), `two limits name ${key}`);
    named.add(key);
    ok((await testNames(row.test.file)).includes(row.test.name), `no test ${key}`);
  }
  deepStrictEqual(
    (await testNames("limits_test.ts")).sort(),
    LIMIT_TABLE.filter((row) => row.test.file === "limits_test.ts").map((row) => row.test.name)
      .sort(),
  );
});
