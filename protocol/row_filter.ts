/**
 * Row rules (docs/PROTOCOL.md §6.4): a dataset's rule that narrows every
 * download to the signed-in identity's own rows, by equality of one column
 * with a value the identity carries: a token's claim (`{ column, claim }`)
 * or the identity's own name (`{ column, identity: true }`: a key's public
 * key, a wallet's lowercase address, a token's subject). The rule is one
 * more `eq` filter, added after the client's filters are validated, so a
 * client's filters can only narrow it further, never widen it, and do not
 * count against `maxFilters`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { identityLabel } from "./auth.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import {
  type ColumnSchema,
  operatorsFor,
  type ValidatedFilter,
  validateFilters,
} from "./filter.ts";
import type { SignedInIdentity } from "./messages.ts";
import type { Result } from "./result.ts";

/**
 * A row rule: rows whose `column` equals the identity's value. `claim`
 * names a token claim (a string or an integer); `identity: true` takes the
 * identity's own name instead (a key's public key in lowercase hex, a
 * wallet's address in lowercase, a token's subject).
 */
export type RowFilter =
  | { readonly column: string; readonly claim: string; readonly identity?: undefined }
  | { readonly column: string; readonly identity: true; readonly claim?: undefined };

/** Longest claim name a rule may give (a JWT claim is a short JSON member name). */
export const MAX_CLAIM_NAME_LENGTH = 256;

/**
 * Checks a rule against the columns it narrows: the column must be one of
 * them, filterable, and of a type `eq` applies to. Returns what is wrong,
 * as one line, for a configuration's problems.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { checkRowFilter } from "./row_filter.ts";
 * const columns = [{ name: "account_id", type: "integer" as const }];
 * equal(checkRowFilter({ column: "account_id", claim: "acct" }, columns).ok, true);
 * const r = checkRowFilter({ column: "acct", claim: "acct" }, columns);
 * equal(!r.ok && r.error, "rowFilter.column: acct is not a column of the dataset (account_id)");
 * ```
 */
export function checkRowFilter(
  rule: RowFilter,
  columns: readonly ColumnSchema[],
): Result<void, string> {
  const column = columns.find((c) => c.name === rule.column);
  if (column === undefined) {
    const names = columns.map((c) => c.name).join(", ");
    return {
      ok: false,
      error: `rowFilter.column: ${rule.column} is not a column of the dataset (${names})`,
    };
  }
  if (column.filterable === false) {
    return { ok: false, error: `rowFilter.column: ${rule.column} is not filterable` };
  }
  if (!operatorsFor(column.type).includes("eq")) {
    return { ok: false, error: `rowFilter.column: ${rule.column} (${column.type}) has no eq` };
  }
  if (
    rule.claim !== undefined && (rule.claim === "" || rule.claim.length > MAX_CLAIM_NAME_LENGTH)
  ) {
    return { ok: false, error: `rowFilter.claim: 1 to ${MAX_CLAIM_NAME_LENGTH} characters` };
  }
  return { ok: true, value: undefined };
}

/**
 * The filter a rule adds for an identity, or `ROW_FILTER_CLAIM_MISSING`
 * (`details.claim` names the claim, `details.reason` says what is wrong)
 * when the identity has no usable value: an anonymous client; a key or a
 * wallet where the rule names a claim; a token without the claim, or whose
 * claim is neither a string nor an integer (a list, an object, a boolean,
 * `null`, a fraction: refused rather than guessed at), or whose value the
 * column's type does not take, checked exactly as a filter's value is.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { rowFilterFor } from "./row_filter.ts";
 * const columns = [{ name: "account_id", type: "integer" as const }];
 * const rule = { column: "account_id", claim: "acct" };
 * const token = { kind: "token" as const, subject: "ana", claims: { acct: 42 } };
 * const r = rowFilterFor(rule, columns, token);
 * equal(r.ok && r.value.values[0], 42n);
 * const none = rowFilterFor(rule, columns, undefined);
 * equal(!none.ok && none.error.code, "ROW_FILTER_CLAIM_MISSING");
 * ```
 */
export function rowFilterFor(
  rule: RowFilter,
  columns: readonly ColumnSchema[],
  identity: SignedInIdentity | undefined,
): Result<ValidatedFilter, ErrorResponse> {
  const claim = rule.claim ?? "identity";
  const missing = (reason: string): { ok: false; error: ErrorResponse } => ({
    ok: false,
    error: errorResponse("ROW_FILTER_CLAIM_MISSING", { claim, reason }),
  });
  if (identity === undefined) return missing("not signed in");
  let value: unknown;
  if (rule.identity === true) {
    value = identity.kind === "token" ? identity.subject : identityLabel(identity);
  } else if (identity.kind !== "token") {
    return missing("only a token carries claims");
  } else if (!Object.hasOwn(identity.claims, claim)) {
    return missing("the token has no such claim");
  } else value = identity.claims[claim];
  if (typeof value !== "string" && !(typeof value === "number" && Number.isSafeInteger(value))) {
    return missing("not a string or an integer");
  }
  const checked = validateFilters(
    [{ field: rule.column, operator: "eq", value }],
    columns,
    { maxFilters: 1 },
  );
  if (!checked.ok) {
    const reason = checked.error.details?.reason;
    return missing(typeof reason === "string" ? reason : "not a value of the column");
  }
  return { ok: true, value: checked.value[0] };
}
