// server.ts's token flags and their environment variables (server/token_flags.ts), read into the
// options of createServer; token_cli_test.ts runs the program with some of them.
import { deepStrictEqual, throws } from "node:assert/strict";
import { programConfig } from "../server/program_config.ts";

Deno.test("the token flags read into createServer's token options, the files' contents included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice-token-flags-" });
  try {
    const pem = "-----BEGIN PUBLIC KEY-----\nMFkw…\n-----END PUBLIC KEY-----\n";
    await Deno.writeTextFile(`${dir}/key.pem`, pem);
    await Deno.writeTextFile(`${dir}/secret`, "a secret\n");
    deepStrictEqual(
      programConfig([
        ...["--jwt-public-key", `${dir}/key.pem`, "--jwt-issuer", "https://a.test"],
        ...["--jwt-issuer", "https://b.test", "--jwt-audience", "exports"],
        ...["--jwt-clock-skew-ms", "5000"],
      ], {}).tokens,
      {
        jwtPublicKey: pem,
        jwtIssuer: ["https://a.test", "https://b.test"],
        jwtAudience: ["exports"],
        jwtClockSkewMs: 5000,
      },
    );
    deepStrictEqual(
      programConfig([], { SLUICE_JWT_SECRET_FILE: `${dir}/secret`, SLUICE_JWT_ISSUER: "x, y" })
        .tokens,
      { jwtSecret: "a secret", jwtIssuer: ["x", "y"] },
    );
    deepStrictEqual(programConfig([], { SLUICE_JWT_SECRET: "s" }).tokens, { jwtSecret: "s" });
    deepStrictEqual(programConfig([], {}).tokens, {});
    throws(() => programConfig(["--jwt-clock-skew-ms", "soon"], {}), TypeError);
    throws(() => programConfig(["--jwt-secret-file", `${dir}/missing`], {}), TypeError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
