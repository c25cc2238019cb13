/**
 * The server as a value: `createServer(options)` returns an object with a
 * web-standard `fetch(Request)` handler that upgrades WebSocket requests to
 * sluice sessions, and a `close()` that ends every download with an error
 * the client can resume from.
 *
 * @module
 */

import { loadavg } from "node:os";
import type { ExportLimits } from "../protocol/export_state.ts";
import { MAX_DELEGATION_MS, type SystemHealth } from "../protocol/messages.ts";
import { SERVER_PORTS } from "./export_ports.ts";
import { servedDatasets } from "./server_datasets.ts";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { parseAllowEntry } from "../protocol/sign_in.ts";
import { type AuthConfig, chainIdOption, challengeOrigin, parseOrigin } from "./auth_config.ts";
import { IdentityLimiter } from "./identity_limits.ts";
import { Session } from "./session.ts";
import { SignInFailures } from "./sign_in_failures.ts";
import type { SessionContext } from "./session_context.ts";
import { tokenCheck } from "./token_verifier.ts";
import {
  connectionGate,
  maxWaitingMessages,
  queuedBytesCount,
  refuse,
  sessionBoundsOf,
  webOrigins,
} from "./_connection_checks.ts";
import type { ConnectionInfo, ServerOptions, SluiceServer } from "./server_options.ts";
import { asksForWebSocket } from "./request_head.ts";
import type { SessionSocket } from "./websocket_connection.ts";

export type { ConnectionInfo, ServerOptions, SluiceServer } from "./server_options.ts";

/**
 * The host's one-minute load average, or 0 where the process may not read
 * it (a deployment without `--allow-sys`): health must never fail.
 */
function loadAverage(): number {
  try {
    return loadavg()[0];
  } catch (_notPermitted) {
    return 0;
  }
}

/** The configured origins, checked: `ws:` or `wss:` and a host, nothing else. */
function originList(origin: string | readonly string[] | undefined): readonly string[] | undefined {
  if (origin === undefined) return undefined;
  const list = typeof origin === "string" ? [origin] : origin;
  if (list.length === 0) throw new RangeError("origin: name at least one, or leave it out");
  return list.map(parseOrigin);
}

/** Reads the options' identity key, allow list and limits into the server's sign-in settings. */
function authConfig(options: ServerOptions, tokens: boolean): AuthConfig {
  const key = options.identityKey ?? secp.utils.randomSecretKey();
  const identityKey = typeof key === "string" ? hexToBytes(key.trim()) : key;
  if (!secp.utils.isValidSecretKey(identityKey)) {
    throw new TypeError("identityKey is not a valid secp256k1 secret key (32 bytes, 64 hex)");
  }
  let allow: Set<string> | undefined;
  if (options.allow !== undefined) {
    allow = new Set();
    for (const entry of options.allow) {
      const parsed = parseAllowEntry(entry);
      if (!parsed.ok) throw new TypeError(`allow: ${parsed.error}`);
      allow.add(parsed.value);
    }
  }
  const origins = originList(options.origin);
  return {
    identityKey,
    serverKey: bytesToHex(secp.getPublicKey(identityKey)),
    allow,
    anonymous: options.anonymous ?? false,
    encryption: options.encryption ?? true,
    origins,
    nonceTtlMs: options.nonceTtlMs ?? 60_000,
    signInTimeoutMs: options.signInTimeoutMs ?? 60_000,
    maxDelegationMs: delegationLimit(options.maxDelegationMs, origins !== undefined),
    chainId: chainIdOption(options.chainId),
    sessionTtlMs: options.sessionTtlMs ?? 86_400_000,
    commandWindowMs: options.commandWindowMs ?? 30_000,
    tokens,
  };
}

/** The server's `maxDelegationMs`: checked, and off by default without configured origins. */
function delegationLimit(option: number | undefined, originsConfigured: boolean): number {
  const ms = option ?? (originsConfigured ? 86_400_000 : 0);
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_DELEGATION_MS) {
    throw new RangeError(
      `maxDelegationMs: a whole number from 0 to ${MAX_DELEGATION_MS}, got ${ms}`,
    );
  }
  return ms;
}

/**
 * Creates a server over a data source.
 *
 * @example Serve the demo database
 * ```ts ignore
 * import { createServer, openDemoSource } from "./mod.ts";
 * const server = createServer({ source: await openDemoSource("demo.sqlite", 1_000_000) });
 * Deno.serve({ hostname: "127.0.0.1", port: 8080 }, server.fetch);
 * ```
 */
export function createServer(options: ServerOptions): SluiceServer {
  const startedAt = Date.now();
  const sessions = new Set<Session>();
  let closing = false;
  const exports: ExportLimits = {
    frameBytes: options.frameBytes ?? 524_288,
    windowBytes: options.windowBytes ?? 4_194_304,
    socketBufferBytes: options.socketBufferBytes ?? 1_048_576,
    gzipLevel: options.gzipLevel ?? 1,
    maxRows: options.limits?.maxRowsPerRequest,
  };
  const health = (): SystemHealth => {
    let activeDownloads = 0;
    for (const s of sessions) activeDownloads += s.activeDownloads;
    return {
      status: closing ? "degraded" : "ok",
      serverTime: Date.now(),
      uptimeMs: Date.now() - startedAt,
      connections: sessions.size,
      activeDownloads,
      load: loadAverage(),
    };
  };
  const served = servedDatasets(options);
  const queued = queuedBytesCount(options);
  const gate = connectionGate(options);
  const allowedOrigins = webOrigins(options.allowedOrigins);
  const tokens = tokenCheck(options);
  const failures = new SignInFailures(options.signInLimits);
  const context: SessionContext = {
    source: served.source,
    ...(served.sources === undefined ? {} : { sources: served.sources }),
    config: {
      schema: served.schema,
      ...(served.datasets === undefined ? {} : { datasets: served.datasets }),
      ...(served.rowFilter === undefined ? {} : { rowFilter: served.rowFilter }),
      exports,
      requestLimits: options.requestLimits ?? {},
      parseLimits: options.parseLimits ?? {},
      maxDownloads: options.maxDownloadsPerConnection ?? 8,
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      authorize: options.authorize !== undefined,
      ports: SERVER_PORTS,
      bounds: sessionBoundsOf(options, exports.socketBufferBytes),
    },
    health,
    auth: authConfig(options, tokens !== undefined),
    limiter: new IdentityLimiter(options.limits ?? {}),
    authorize: options.authorize,
    tokens,
    logger: options.logger ?? console,
    queued,
    maxWaitingMessages: maxWaitingMessages(options),
  };

  return {
    fetch(request: Request, info?: ConnectionInfo): Response {
      if (!asksForWebSocket(request.headers)) {
        return new Response("sluice: connect with a WebSocket\n", {
          status: 426,
          headers: { upgrade: "websocket", "content-type": "text/plain" },
        });
      }
      if (closing) return new Response("shutting down\n", { status: 503 });
      const pageOrigin = request.headers.get("origin");
      if (allowedOrigins !== undefined && pageOrigin !== null && !allowedOrigins.has(pageOrigin)) {
        return refuse(403, "sluice: pages of that origin may not connect here\n");
      }
      if (queued.overloaded) return refuse(503, "sluice: too busy, try again later\n");
      const origin = challengeOrigin(context.auth.origins, request);
      if (origin === undefined) {
        return new Response("sluice: this server does not answer for that host\n", {
          status: 421,
          headers: { "content-type": "text/plain" },
        });
      }
      const address = info?.remoteAddr?.hostname ?? "";
      const admitted = gate.admit(address);
      if (!admitted.ok) {
        return refuse(
          admitted.status,
          admitted.status === 429
            ? "sluice: too many connections from this address\n"
            : "sluice: too many connections, try again later\n",
        );
      }
      let upgraded: { readonly socket: SessionSocket; readonly response: Response };
      try {
        upgraded = (info?.upgrade ?? Deno.upgradeWebSocket)(request);
      } catch (_notAnUpgrade) {
        // No Sec-WebSocket-Key, a bad version, no Connection: upgrade: no socket, so no close
        // event will give the slot back; it goes back now.
        admitted.release();
        return refuse(400, "sluice: that is not a WebSocket upgrade request\n");
      }
      const { socket, response } = upgraded;
      const limiter = failures.forAddress(address);
      const session = new Session(socket, context, { origin, limiter });
      sessions.add(session);
      // The session may end (an abort) long before a peer that does not read lets its socket
      // close: it stops counting as open then, while its address's count holds until the end.
      void session.ended.then(() => sessions.delete(session));
      socket.addEventListener("close", () => {
        sessions.delete(session);
        admitted.release();
      });
      return response;
    },
    async close(): Promise<void> {
      closing = true;
      await Promise.all([...sessions].map((s) => s.close()));
    },
    get connections(): number {
      return sessions.size;
    },
    serverKey: context.auth.serverKey,
    tokens: tokens !== undefined,
  };
}
