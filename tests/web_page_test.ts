// The demo page's pure parts: what a filter row sends, how errors and numbers read, what a
// wallet is asked to sign and which server keys the page takes.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { ERROR_CODES, errorResponse } from "../protocol/errors.ts";
import { peerErrorCode } from "../protocol/peer_error_code.ts";
import { validateFilters } from "../protocol/filter.ts";
import { schemaDocument } from "../protocol/schema_document.ts";
import { DEMO_SCHEMA } from "../server/demo_data.ts";
import { ERROR_HELP, explain } from "../web/error_text.ts";
import { toFilter } from "../web/filter_input.ts";
import { byteSize, count, duration, instant, percent, shortIdentity } from "../web/format.ts";
import { readServerKey } from "../web/preferences.ts";
import { type Eip1193Provider, utf8Hex, walletSigner } from "../web/wallet.ts";
import { recoverPersonalSigner } from "../protocol/auth.ts";
import { privateKeyToAccount } from "npm:viem@2.57.20/accounts";

const columns = schemaDocument(DEMO_SCHEMA).columns;
const column = (name: string) => {
  const c = columns.find((c) => c.name === name);
  if (c === undefined) throw new Error(name);
  return c;
};

Deno.test("what filter rows send as text passes the server's own filter check", () => {
  const rows = [
    { column: column("symbol"), operator: "in", value: " BTC-USD, ETH-USD ,", high: "" },
    { column: column("price"), operator: "between", value: "100", high: " 42000.5 " },
    { column: column("id"), operator: "gte", value: " 42 ", high: "" },
    { column: column("ts"), operator: "lt", value: "2024-01-02T00:00:00Z", high: "" },
    { column: column("maker"), operator: "eq", value: "true", high: "" },
    { column: column("note"), operator: "eq", value: "", high: "" },
  ] as const;
  const filters = rows.map((row) => {
    const r = toFilter(row);
    ok(r.ok, `${row.column.name}: ${!r.ok && r.error}`);
    return r.value;
  });
  deepStrictEqual(filters[0].value, ["BTC-USD", "ETH-USD"]);
  deepStrictEqual(filters[1].value, ["100", "42000.5"]);
  equal(filters[2].value, "42");
  const checked = validateFilters(filters, DEMO_SCHEMA.columns);
  ok(checked.ok, JSON.stringify(!checked.ok && checked.error));
});

Deno.test("a filter row with nothing typed says what is missing instead of sending", () => {
  for (
    const row of [
      { column: column("price"), operator: "eq", value: "  ", high: "" },
      { column: column("symbol"), operator: "in", value: " , ", high: "" },
      { column: column("price"), operator: "between", value: "1", high: "" },
    ] as const
  ) {
    const r = toFilter(row);
    ok(!r.ok);
    ok(r.error.includes(row.column.name));
  }
});

Deno.test("every error code has the page's own sentence, with the details that locate it", () => {
  for (const code of ERROR_CODES) ok(ERROR_HELP[code].length > 20, code);
  const refused = explain(
    errorResponse("INVALID_FILTER_VALUE", {
      path: "data.searchParams.filters[1].value",
      reason: "not a decimal number",
    }),
  );
  equal(refused.code, "INVALID_FILTER_VALUE");
  equal(refused.text, `${ERROR_HELP.INVALID_FILTER_VALUE} (filter 2, not a decimal number)`);
  // A code newer than the page: the server's message stands in.
  const code = peerErrorCode("TEAPOT_BREWING");
  const unknown = explain({ code, message: "Slow down.", recoverable: true });
  deepStrictEqual(unknown, { code: "TEAPOT_BREWING", text: "Slow down." });
});

Deno.test("numbers, sizes, times and instants read the way the page shows them", () => {
  equal(count(1234567), "1,234,567");
  equal(byteSize(999), "999 B");
  equal(byteSize(10_547_733), "10.1 MiB");
  equal(byteSize(1_536), "1.50 KiB");
  equal(duration(-1), "–");
  equal(duration(0), "0 s");
  equal(duration(65_200), "1 min 06 s");
  equal(duration(3_600_000 * 2 + 60_000), "2 h 01 min");
  equal(percent(101), "100.0 %");
  equal(instant("2024-01-01T00:00:00Z"), "2024-01-01 00:00");
  equal(instant("2024-01-01T09:30:15.250Z"), "2024-01-01 09:30:15.250");
});

Deno.test("a wallet is asked to personal_sign the challenge's UTF-8 bytes in hex, with its address", async () => {
  const account = privateKeyToAccount(`0x${"5e".repeat(32)}`);
  const calls: { method: string; params?: readonly unknown[] }[] = [];
  let refuse = false;
  const provider: Eip1193Provider = {
    request(call) {
      calls.push(call);
      if (refuse) return Promise.reject({ code: 4001, message: "User rejected the request." });
      // As MetaMask does: the hex is the message's bytes, signed as they are.
      const raw = call.params?.[0] as `0x${string}`;
      return account.signMessage({ message: { raw } });
    },
  };
  const signer = walletSigner(provider, account.address);
  const text = "sluice sign-in v1\nOrigin: ws://127.0.0.1:8080\nNote: naïve — ✓";
  const signature = await signer.signMessage(text);
  deepStrictEqual(calls, [{ method: "personal_sign", params: [utf8Hex(text), account.address] }]);
  equal(utf8Hex("é✓"), "0xc3a9e29c93");
  // What the server checks: the signature is the address's over exactly this text.
  equal(recoverPersonalSigner(text, signature.slice(2)), account.address.toLowerCase());
  equal(signer.refusal, undefined);
  refuse = true;
  await signer.signMessage(text).then(() => ok(false, "signed"), () => {});
  equal(signer.refusal, "User rejected the request.");
});

Deno.test("a server key is 66 hex starting 02 or 03; an empty box removes the pin", () => {
  const key = `02${"ab".repeat(32)}`;
  deepStrictEqual(readServerKey(` ${key.toUpperCase()} `), { ok: true, value: key });
  deepStrictEqual(readServerKey(`0x${key}`), { ok: true, value: key });
  deepStrictEqual(readServerKey("  "), { ok: true, value: undefined });
  for (const bad of ["02abc", `04${"ab".repeat(32)}`, `02${"zz".repeat(32)}`, `${key}00`]) {
    equal(readServerKey(bad).ok, false, bad);
  }
});

Deno.test("the top bar shortens a public key or an address to its first and last characters", () => {
  equal(shortIdentity(`03${"0f".repeat(32)}`), "030f0f…0f0f");
  equal(shortIdentity("0x5B38Da6a701c568545dCfcB03FcB875f56beddC4"), "0x5B38…ddC4");
  equal(shortIdentity("short"), "short");
});
