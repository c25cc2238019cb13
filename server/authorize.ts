/**
 * The `authorize` hook of {@linkcode "./create_server.ts"}: who may have
 * which download, decided by the embedding application.
 *
 * @module
 */

import type { DownloadRequest, Filter, SignedInIdentity } from "../protocol/messages.ts";

/**
 * Decides whether an identity may have a download: `true` as asked,
 * `false` to refuse it with `FORBIDDEN`, or `{ filters }` to narrow it with
 * filters that are added to the client's (all must hold), e.g. a user's own
 * `user_id`. `identity` is `undefined` for an anonymous client; a token's
 * is `{ kind: "token", subject, claims }`, as its verifier found. Called for
 * every `download:request` and `download:resume`, so it must answer the
 * same for the same request, or a resume fails with `RESUME_MISMATCH`.
 * A dataset's row rule (`rowFilter`) applies as well: its value is checked
 * before the hook is asked (`ROW_FILTER_CLAIM_MISSING`), and its condition
 * is added to the request as the hook narrowed it, so both hold.
 */
export type Authorize = (
  identity: SignedInIdentity | undefined,
  request: DownloadRequest,
) => AuthorizeDecision | Promise<AuthorizeDecision>;

/** What {@linkcode Authorize} answers. */
export type AuthorizeDecision = boolean | { readonly filters: readonly Filter[] };
