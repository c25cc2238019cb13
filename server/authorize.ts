/**
 * The server's `authorize` hook: who may have which download.
 *
 * @module
 */

import type { DownloadRequest, Filter, Identity } from "../protocol/messages.ts";

/**
 * Decides whether an identity may have a download: `true` as asked,
 * `false` to refuse it with `FORBIDDEN`, or `{ filters }` to narrow it with
 * filters that are added to the client's (all must hold), e.g. a user's own
 * `user_id`. `identity` is `undefined` for an anonymous client. Called for
 * every `download:request` and `download:resume`, so it must answer the
 * same for the same request, or a resume fails with `RESUME_MISMATCH`.
 */
export type Authorize = (
  identity: Identity | undefined,
  request: DownloadRequest,
) => AuthorizeDecision | Promise<AuthorizeDecision>;

/** What {@linkcode Authorize} answers. */
export type AuthorizeDecision = boolean | { readonly filters: readonly Filter[] };
