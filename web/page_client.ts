/**
 * Who the demo page signs in as, and the client it builds for that
 * identity: the browser key, an Ethereum wallet's account (through a
 * delegation of an hour), or a token of the person's own login.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { ClientBuilder, type SluiceClient } from "./sluice_client.js";
import type { PageKey } from "./key_store.ts";
import type { WalletSigner } from "./wallet.ts";

/**
 * How long the wallet's delegation lasts (docs/PROTOCOL.md §15.5): the
 * wallet is asked once an hour, and a dropped connection comes back
 * without a prompt.
 */
const WALLET_DELEGATION_MS = 3_600_000;

/** Who the page signs in as. */
export type PageCredentials =
  | { readonly kind: "key"; readonly key: PageKey }
  | { readonly kind: "wallet"; readonly signer: WalletSigner }
  | { readonly kind: "token"; readonly token: string };

/**
 * The identity to show for `credentials`: the public key or the address,
 * and none for a token (its subject is the server's to read).
 *
 * @example
 * ```ts ignore
 * // Ignored: the module's graph reaches IndexedDB's types, which only a page has.
 * shownIdentity({ kind: "token", token: "eyJ…" }); // undefined
 * ```
 */
export function shownIdentity(credentials: PageCredentials): string | undefined {
  return credentials.kind === "key"
    ? credentials.key.publicKey
    : credentials.kind === "wallet"
    ? credentials.signer.address
    : undefined;
}

/**
 * A client of the server at `url` that signs in with `credentials`,
 * refusing a server that cannot prove it holds `serverKey` when one is
 * pinned. It does not connect until asked.
 *
 * @example
 * ```ts ignore
 * const client = pageClient(new URL("ws://127.0.0.1:8080/"), { kind: "token", token }, undefined);
 * await client.connect();
 * ```
 */
export function pageClient(
  url: URL,
  credentials: PageCredentials,
  serverKey: string | undefined,
): SluiceClient {
  const builder = new ClientBuilder(url)
    // A person waits longer than a script before giving up: about a minute and a half in all.
    .withReconnect({ maxAttempts: 10, maxMs: 10_000 })
    // Frequent enough that the round trip shows soon after the page opens.
    .withHeartbeat({ intervalMs: 5_000 });
  if (credentials.kind === "key") builder.withKeypair(credentials.key.secretKey);
  else if (credentials.kind === "token") builder.withToken(credentials.token);
  else builder.withSigner(credentials.signer, { delegateForMs: WALLET_DELEGATION_MS });
  if (serverKey !== undefined) builder.withServerKey(serverKey);
  return builder.build();
}
