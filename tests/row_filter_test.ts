// The row rule's pure checks (protocol/row_filter.ts): which identity values it takes, and which
// columns it may name. row_filter_pair_test.ts runs downloads under it.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { ColumnSchema } from "../protocol/filter.ts";
import type { SignedInIdentity } from "../protocol/messages.ts";
import { checkRowFilter, rowFilterFor } from "../protocol/row_filter.ts";

const COLUMNS: readonly ColumnSchema[] = [
  { name: "id", type: "integer" },
  { name: "account_id", type: "integer" },
  { name: "owner", type: "text" },
  { name: "amount", type: "decimal", scale: 2 },
  { name: "secret", type: "text", filterable: false },
];
const KEY = "02" + "ab".repeat(32);
const ADDRESS = "0x1A642f0E3c3aF545E7AcBD38b07251B3990914F1";

function token(claims: Record<string, unknown>, subject = "ana"): SignedInIdentity {
  return { kind: "token", subject, claims };
}

Deno.test("a claim that is an integer, or integer text, becomes an eq filter on an integer column", () => {
  const rule = { column: "account_id", claim: "acct" };
  for (const acct of [42, "42"]) {
    const r = rowFilterFor(rule, COLUMNS, token({ acct }));
    ok(r.ok);
    deepStrictEqual(r.value, {
      field: "account_id",
      type: "integer",
      operator: "eq",
      values: [42n],
    });
  }
});

Deno.test("a claim is checked as a filter value is: a decimal column takes its scale, a text column text", () => {
  const amount = { column: "amount", claim: "limit" };
  const fits = rowFilterFor(amount, COLUMNS, token({ limit: "10.50" }));
  equal(fits.ok && fits.value.values[0], "10.5");
  const tooFine = rowFilterFor(amount, COLUMNS, token({ limit: "10.505" }));
  equal(!tooFine.ok && tooFine.error.code, "ROW_FILTER_CLAIM_MISSING");
  const owner = { column: "owner", claim: "org" };
  const long = rowFilterFor(owner, COLUMNS, token({ org: "x".repeat(257) }));
  equal(!long.ok && long.error.code, "ROW_FILTER_CLAIM_MISSING");
  const number = rowFilterFor(owner, COLUMNS, token({ org: 7 }));
  equal(!number.ok && number.error.code, "ROW_FILTER_CLAIM_MISSING");
});

Deno.test("claims that are not a string or an integer are refused, whatever the column", () => {
  for (const value of [[1], { a: 1 }, true, false, null, 1.5, Number.MAX_SAFE_INTEGER + 1]) {
    for (const column of ["account_id", "owner"]) {
      const r = rowFilterFor({ column, claim: "c" }, COLUMNS, token({ c: value }));
      equal(!r.ok && r.error.code, "ROW_FILTER_CLAIM_MISSING", JSON.stringify(value));
      equal(!r.ok && r.error.details?.claim, "c");
    }
  }
});

Deno.test("a claim inherited from Object.prototype is not a claim", () => {
  const r = rowFilterFor({ column: "owner", claim: "toString" }, COLUMNS, token({}));
  equal(!r.ok && r.error.code, "ROW_FILTER_CLAIM_MISSING");
});

Deno.test("identity: true takes a key's public key, a wallet's lowercase address, a token's subject", () => {
  const rule = { column: "owner", identity: true } as const;
  const cases: [SignedInIdentity, string][] = [
    [{ kind: "secp256k1", publicKey: KEY }, KEY],
    [{ kind: "ethereum", address: ADDRESS }, ADDRESS.toLowerCase()],
    [token({ sub: "ana" }, "ana"), "ana"],
  ];
  for (const [identity, value] of cases) {
    const r = rowFilterFor(rule, COLUMNS, identity);
    equal(r.ok && r.value.values[0], value);
  }
  const anonymous = rowFilterFor(rule, COLUMNS, undefined);
  equal(!anonymous.ok && anonymous.error.code, "ROW_FILTER_CLAIM_MISSING");
});

Deno.test("a rule that names a claim refuses keys, wallets and anonymous clients", () => {
  const rule = { column: "owner", claim: "org" };
  for (
    const identity of [
      { kind: "secp256k1", publicKey: KEY },
      { kind: "ethereum", address: ADDRESS },
      undefined,
    ] as const
  ) {
    const r = rowFilterFor(rule, COLUMNS, identity);
    equal(!r.ok && r.error.code, "ROW_FILTER_CLAIM_MISSING");
  }
});

Deno.test("a rule must name a filterable column of the dataset", () => {
  ok(checkRowFilter({ column: "owner", identity: true }, COLUMNS).ok);
  equal(checkRowFilter({ column: "acct", claim: "acct" }, COLUMNS).ok, false);
  equal(checkRowFilter({ column: "secret", claim: "acct" }, COLUMNS).ok, false);
  equal(checkRowFilter({ column: "owner", claim: "" }, COLUMNS).ok, false);
});
