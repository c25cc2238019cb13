/**
 * The server program's flags for token sign-in (docs/PROTOCOL.md §15.8),
 * and the environment variables that stand for them: which key verifies a
 * JWT (`--jwt-secret-file`, `--jwt-public-key`, `--jwks-url`), the issuer
 * and audience it must name, and the clock skew allowed. They set the
 * {@linkcode TokenOptions} of `createServer`; the files are read here.
 *
 * @module
 */

import type { TokenOptions } from "./token_verifier.ts";

/** The flags' `node:util` `parseArgs` options, to spread into the program's. */
export const TOKEN_FLAG_OPTIONS = {
  "jwt-secret-file": { type: "string" },
  "jwt-public-key": { type: "string" },
  "jwks-url": { type: "string" },
  "jwt-issuer": { type: "string", multiple: true },
  "jwt-audience": { type: "string", multiple: true },
  "jwt-clock-skew-ms": { type: "string" },
} as const;

/** What the flags read to, by long name. */
export interface TokenFlagValues {
  readonly "jwt-secret-file"?: string;
  readonly "jwt-public-key"?: string;
  readonly "jwks-url"?: string;
  readonly "jwt-issuer"?: string[];
  readonly "jwt-audience"?: string[];
  readonly "jwt-clock-skew-ms"?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function readFile(flag: string, path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    throw new TypeError(`${flag}: cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * The token options the flags (then `SLUICE_JWT_SECRET_FILE`,
 * `SLUICE_JWT_SECRET`, `SLUICE_JWT_PUBLIC_KEY`, `SLUICE_JWKS_URL`,
 * `SLUICE_JWT_ISSUER`, `SLUICE_JWT_AUDIENCE`, `SLUICE_JWT_CLOCK_SKEW_MS`)
 * set. A secret file's content is the secret, without its final newline;
 * issuers and audiences in the environment are comma-separated.
 *
 * @throws {TypeError} for a file that cannot be read or a bad number.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { tokenOptions } from "./token_flags.ts";
 * deepStrictEqual(
 *   tokenOptions({ "jwks-url": "https://login.example.com/jwks.json" }, { SLUICE_JWT_AUDIENCE: "exports" }),
 *   { jwksUrl: "https://login.example.com/jwks.json", jwtAudience: ["exports"] },
 * );
 * ```
 */
export function tokenOptions(values: TokenFlagValues, env: Env): TokenOptions {
  const secretFile = values["jwt-secret-file"] ?? env.SLUICE_JWT_SECRET_FILE;
  const secret = secretFile === undefined
    ? env.SLUICE_JWT_SECRET
    : readFile("--jwt-secret-file", secretFile).replace(/\r?\n$/, "");
  const publicKeyFile = values["jwt-public-key"] ?? env.SLUICE_JWT_PUBLIC_KEY;
  const jwksUrl = values["jwks-url"] ?? env.SLUICE_JWKS_URL;
  const list = (given: string[] | undefined, text: string | undefined) => {
    const all = [...(given ?? []), ...(text ?? "").split(",")].map((s) => s.trim()).filter((s) =>
      s !== ""
    );
    return all.length === 0 ? undefined : all;
  };
  const issuer = list(values["jwt-issuer"], env.SLUICE_JWT_ISSUER);
  const audience = list(values["jwt-audience"], env.SLUICE_JWT_AUDIENCE);
  const skew = values["jwt-clock-skew-ms"] ?? env.SLUICE_JWT_CLOCK_SKEW_MS;
  if (skew !== undefined && !/^\d+$/.test(skew)) {
    throw new TypeError(`--jwt-clock-skew-ms must be a whole number, got "${skew}"`);
  }
  return {
    ...(secret === undefined ? {} : { jwtSecret: secret }),
    ...(publicKeyFile === undefined
      ? {}
      : { jwtPublicKey: readFile("--jwt-public-key", publicKeyFile) }),
    ...(jwksUrl === undefined ? {} : { jwksUrl }),
    ...(issuer === undefined ? {} : { jwtIssuer: issuer }),
    ...(audience === undefined ? {} : { jwtAudience: audience }),
    ...(skew === undefined ? {} : { jwtClockSkewMs: Number(skew) }),
  };
}
