// Issue 5 from the command line: `server.ts --allow KEY` and `client.ts --key-file FILE`, as
// programs, with a key made by openssl and the export checked against the sqlite3 CLI.
import { equal, match, ok } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { demoPath } from "./_harness.ts";
import { opensslKey } from "./_openssl.ts";
import { Program, runClient, SERVER } from "./_program.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";

const ROWS = 20_000;
const RANGE = ["--from", "2024-01-01", "--to", "2030-01-01"];

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("server.ts --allow and client.ts --key-file: the allowed key downloads, others are refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice-cli-auth-" });
  const db = demoPath(ROWS);
  const allowed = await opensslKey(dir);
  const otherKey = secp.utils.randomSecretKey();
  const keyFile = `${dir}/allowed.key`;
  const otherFile = `${dir}/other.key`;
  await Deno.writeTextFile(keyFile, `${bytesToHex(allowed.secretKey)}\n`);
  await Deno.writeTextFile(otherFile, bytesToHex(otherKey));
  const identityFile = `${dir}/server.key`;
  const server = new Program([
    "run",
    "-A",
    SERVER,
    ...["--port", "0", "--db", db, "--demo-rows", String(ROWS)],
    ...["--allow", allowed.publicKey, "--allow", `0x${"ab".repeat(20)}`],
    ...["--identity-key-file", identityFile],
  ]);
  try {
    const [, url] = await server.waitFor("stdout", /^sluice listening on (ws:\/\/\S+) /m);
    const [, serverKey] = await server.waitFor("stderr", /server identity key (0[23][0-9a-f]{64})/);
    match(server.stderr, /2 identities may sign in/);
    ok(!/ANY key/.test(server.stderr), server.stderr);
    // The identity key was made on first start, readable by its owner only.
    equal((await Deno.stat(identityFile)).mode! & 0o777, 0o600);
    equal(
      bytesToHex(secp.getPublicKey(
        Uint8Array.from(
          (await Deno.readTextFile(identityFile)).trim().match(/../g)!,
          (h) => parseInt(h, 16),
        ),
      )),
      serverKey,
    );

    const output = `${dir}/out.csv`;
    const good = await runClient([
      url,
      ...RANGE,
      "--key-file",
      keyFile,
      "--server-key",
      serverKey,
      "-o",
      output,
    ]);
    equal(good.code, 0, good.stderr);
    const expected = await sqlite3Csv(db, Date.parse("2024-01-01"), Date.parse("2030-01-01"));
    equal(await sha256Hex(await Deno.readFile(output)), await sha256Hex(expected));

    const refusals: [string[], string][] = [
      [["--key-file", otherFile], "AUTH_UNKNOWN_IDENTITY"],
      [[], "AUTH_UNKNOWN_IDENTITY"], // a random key
      [["--key-file", keyFile, "--server-key", `02${"11".repeat(32)}`], "SERVER_KEY_MISMATCH"],
    ];
    for (const [flags, code] of refusals) {
      const refusedOutput = `${dir}/refused-${code}.csv`;
      const run = await runClient([url, ...RANGE, ...flags, "-o", refusedOutput, "--retries", "0"]);
      equal(run.code, 1, `${flags.join(" ")}: ${run.stderr}`);
      match(run.stderr, new RegExp(code), flags.join(" "));
      ok(!await exists(refusedOutput), `${flags.join(" ")} wrote ${refusedOutput}`);
    }
    const bad = await runClient([url, ...RANGE, "--key", "12345"]);
    equal(bad.code, 2, bad.stderr);
    match(bad.stderr, /--key: expected a private key of 64 hex characters/);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server.ts without an allow list says loudly that any key may sign in, and keeps its key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice-cli-auth-" });
  const db = demoPath(ROWS);
  const start = () =>
    new Program([
      "run",
      "-A",
      SERVER,
      "--port",
      "0",
      "--db",
      db,
      "--demo-rows",
      String(ROWS),
      "--identity-key-file",
      `${dir}/k`,
    ]);
  try {
    const keys: string[] = [];
    for (let i = 0; i < 2; i++) {
      const server = start();
      try {
        const [, key] = await server.waitFor("stderr", /server identity key (0[23][0-9a-f]{64})/);
        await server.waitFor(
          "stderr",
          /WARNING: no allow list: ANY key that signs in may download/,
        );
        keys.push(key);
      } finally {
        await server.stop();
      }
    }
    equal(keys[0], keys[1], "the identity key survives a restart");
    const bad = new Program(["run", "-A", SERVER, "--port", "0", "--db", db, "--allow", "alice"]);
    try {
      equal((await bad.status).code, 2);
      match(bad.stderr, /neither a compressed public key/);
    } finally {
      await bad.stop();
    }
    // A key that is not one (not hex; past the curve's order): one line, and exit 2.
    await Deno.writeTextFile(`${dir}/bad.key`, "not a key\n");
    const base = ["run", "-A", SERVER, "--port", "0", "--db", db];
    for (
      const [source, refused] of [
        [`${dir}/bad.key`, new Program([...base, "--identity-key-file", `${dir}/bad.key`])],
        ["SLUICE_IDENTITY_KEY", new Program(base, { SLUICE_IDENTITY_KEY: "f".repeat(64) })],
      ] as const
    ) {
      try {
        equal((await refused.status).code, 2, refused.stderr);
        const lines = refused.stderr.trim().split("\n");
        equal(lines.length, 1, refused.stderr);
        ok(lines[0].startsWith(`sluice: ${source} holds no identity key`), lines[0]);
      } finally {
        await refused.stop();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
