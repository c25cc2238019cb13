// OpenSSL as an independent secp256k1 implementation: keys and signatures made outside our code.
import assert from "node:assert/strict";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";

/** Runs openssl; gives its stdout, failing the test on a non-zero exit. */
export async function openssl(args: string[], stdin?: Uint8Array): Promise<Uint8Array> {
  const child = new Deno.Command("openssl", {
    args,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return out.stdout;
}

/** r and s of an ASN.1 DER ECDSA signature, as the 64-byte compact form in hex. */
export function derToCompact(der: Uint8Array): string {
  assert.equal(der[0], 0x30);
  let at = 2;
  const parts: string[] = [];
  for (let i = 0; i < 2; i++) {
    assert.equal(der[at], 0x02);
    const length = der[at + 1];
    const value = bytesToHex(der.subarray(at + 2, at + 2 + length)).replace(/^(00)+/, "");
    parts.push(value.padStart(64, "0"));
    at += 2 + length;
  }
  return parts.join("");
}

/** A secp256k1 key made by openssl: its PEM file, secret key bytes and compressed public key. */
export async function opensslKey(dir: string): Promise<{
  pem: string;
  secretKey: Uint8Array;
  publicKey: string;
}> {
  const pem = `${dir}/key-${crypto.randomUUID()}.pem`;
  await openssl(["ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", pem]);
  const dump = new TextDecoder().decode(await openssl(["ec", "-in", pem, "-text", "-noout"]));
  const secretHex = dump.split("priv:")[1].split("pub:")[0].replace(/[^0-9a-f]/g, "")
    .padStart(64, "0").slice(-64);
  const spki = await openssl([
    "ec",
    "-in",
    pem,
    "-pubout",
    "-conv_form",
    "compressed",
    "-outform",
    "DER",
  ]);
  return { pem, secretKey: hexToBytes(secretHex), publicKey: bytesToHex(spki.subarray(-33)) };
}

/** openssl's ECDSA signature over SHA-256 of `text`, in compact hex. */
export async function opensslSign(pem: string, text: string): Promise<string> {
  const der = await openssl(["dgst", "-sha256", "-sign", pem], new TextEncoder().encode(text));
  return derToCompact(der);
}
