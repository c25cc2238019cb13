// The session's secrets: the ECDH secret (protocol/session_crypto.ts) and the HKDF secrets derived
// from it with Web Crypto (transport/session_secrets.ts), both checked against openssl's.
import assert from "node:assert/strict";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { HKDF_INFO, sharedSecret } from "../protocol/session_crypto.ts";
import { deriveSessionSecrets } from "../transport/session_secrets.ts";

async function openssl(args: string[]): Promise<string> {
  const out = await new Deno.Command("openssl", { args, stdout: "piped", stderr: "piped" })
    .output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

const NONCE = "5a".repeat(32);

Deno.test("the ECDH secret and HKDF secrets agree with openssl's", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pem = (name: string) => `${dir}/${name}.pem`;
    for (const name of ["a", "b"]) {
      await openssl(["ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", pem(name)]);
      await openssl(["ec", "-in", pem(name), "-pubout", "-out", pem(`${name}-pub`)]);
    }
    // The secret key of `a` as 32 bytes, from openssl's own text dump.
    const dump = await openssl(["ec", "-in", pem("a"), "-text", "-noout"]);
    const secretHex = dump.split("priv:")[1].split("pub:")[0].replace(/[^0-9a-f]/g, "")
      .padStart(64, "0").slice(-64);
    const pubDump = await openssl([
      "ec",
      "-in",
      pem("b"),
      "-text",
      "-noout",
      "-conv_form",
      "compressed",
    ]);
    const peerHex = pubDump.split("pub:")[1].split("ASN1")[0].replace(/[^0-9a-f]/g, "");
    const ours = sharedSecret(hexToBytes(secretHex), peerHex)!;
    const theirs = await new Deno.Command("openssl", {
      args: ["pkeyutl", "-derive", "-inkey", pem("a"), "-peerkey", pem("b-pub")],
      stdout: "piped",
    }).output();
    assert.equal(bytesToHex(ours), bytesToHex(theirs.stdout));

    const secrets = await deriveSessionSecrets(ours, NONCE);
    for (const [field, info] of Object.entries(HKDF_INFO)) {
      const expected = await openssl([
        "kdf",
        "-keylen",
        "32",
        "-kdfopt",
        "digest:SHA256",
        "-kdfopt",
        `hexkey:${bytesToHex(ours)}`,
        "-kdfopt",
        `hexsalt:${NONCE}`,
        "-kdfopt",
        `info:${info}`,
        "HKDF",
      ]);
      const got = secrets[field as keyof typeof secrets];
      assert.equal(bytesToHex(got), expected.trim().replace(/:/g, "").toLowerCase(), field);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
