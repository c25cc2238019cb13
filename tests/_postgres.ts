// A throwaway PostgreSQL cluster for tests: pg_ctl in a temporary directory, on a free loopback
// port, stopped and removed at the end. initdb refuses to run as root, and CI runs as root, so
// there the cluster runs as `nobody` (through runuser, which every Debian has) in a directory
// handed to that user. initdb runs once per machine and PostgreSQL version, into a template that
// each cluster copies: initdb cost ~0.8 s of CPU a cluster, the copy ~0.3 s.

/** A running cluster; `stop()` removes it. */
export interface Cluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`, trust authentication. */
  readonly url: string;
  readonly port: number;
  /** The PEM file of the server's self-signed certificate, when it accepts TLS. */
  readonly certificate: string | undefined;
  /** Runs SQL through psql (a program independent of sluice) and returns its unaligned output. */
  psql(sql: string): Promise<string>;
  /** Stops the server (fast shutdown), leaving the data; `start()` brings it back on the same port. */
  halt(): Promise<void>;
  /** Starts a halted server again. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const UNPRIVILEGED = { user: "nobody", uid: 65534, gid: 65534 };

/** The newest Debian PostgreSQL binaries, or undefined when PostgreSQL is not installed. */
export function postgresBin(): string | undefined {
  let versions: number[];
  try {
    versions = [...Deno.readDirSync("/usr/lib/postgresql")].map((e) => Number(e.name))
      .filter((v) => Number.isInteger(v)).sort((a, b) => b - a);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  for (const v of versions) {
    const bin = `/usr/lib/postgresql/${v}/bin`;
    try {
      Deno.statSync(`${bin}/initdb`);
      return bin;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return await Promise.resolve(port);
}

async function run(command: string, args: string[], asUser: boolean): Promise<string> {
  const [program, argv] = asUser
    ? ["runuser", ["-u", UNPRIVILEGED.user, "--", command, ...args]]
    : [command, args];
  const out = await new Deno.Command(program, { args: argv, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${command} failed: ${new TextDecoder().decode(out.stderr)}${text}`);
  }
  return text;
}

/**
 * A data directory fresh from initdb for the PostgreSQL in `bin`, made once per machine under
 * `base` and never written to after: each cluster starts on a copy. `deno test --parallel` may
 * run several first callers at once: each builds in a directory of its own and renames it into
 * place, and a caller that finds the place taken keeps the one there.
 */
async function templateData(bin: string, base: string, asUser: boolean): Promise<string> {
  const cache = `${base}/sluice-test-data`;
  await Deno.mkdir(cache, { recursive: true });
  const template = `${cache}/postgres-${bin.split("/").at(-2)}-initdb`;
  try {
    await Deno.stat(`${template}/PG_VERSION`);
    return template;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const building = await Deno.makeTempDir({ dir: cache, prefix: "postgres-building-" });
  if (asUser) await Deno.chown(building, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  try {
    await run(`${bin}/initdb`, [
      "-D",
      `${building}/data`,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
      "--no-instructions",
    ], asUser);
    await Deno.rename(`${building}/data`, template);
  } catch (error) {
    // Another first caller put its template in place first: use that one.
    if (!(error instanceof Deno.errors.AlreadyExists || isNotEmpty(error))) throw error;
  } finally {
    await Deno.remove(building, { recursive: true });
  }
  return template;
}

/** Whether `error` is rename's ENOTEMPTY: the target is a directory with files in it. */
function isNotEmpty(error: unknown): boolean {
  return error instanceof Error && /ENOTEMPTY|not empty/i.test(error.message);
}

/**
 * Makes a self-signed server certificate for `subjectAltName` (openssl's
 * syntax: `DNS:localhost,IP:127.0.0.1`), valid for two days, and its key.
 */
export async function makeCertificate(
  keyFile: string,
  certFile: string,
  subjectAltName: string,
): Promise<void> {
  // An EC key: RSA's key generation would cost ~0.1 s a cluster.
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=localhost",
    "-addext",
    `subjectAltName=${subjectAltName}`,
    // A server's certificate, not an authority's (openssl's default): a trust store given it
    // (DENO_CERT) accepts it only so.
    "-addext",
    "basicConstraints=critical,CA:FALSE",
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ], false);
}

/** How {@linkcode startCluster} sets up a cluster beyond trust on loopback. */
export interface ClusterOptions {
  /** `pg_hba.conf` lines put before the template's (which trust every connection). */
  readonly hba?: readonly string[];
  /** Accept TLS, with a self-signed certificate made by openssl for this cluster. */
  readonly tls?: boolean;
}

/** Starts a fresh cluster; throws when PostgreSQL is not installed. */
export async function startCluster(setup: ClusterOptions = {}): Promise<Cluster> {
  const bin = postgresBin();
  if (bin === undefined) throw new Error("PostgreSQL is not installed (see .ci/run)");
  const asUser = Deno.uid() === 0;
  // Under /tmp rather than $TMPDIR: `nobody` must be able to reach the directory, which a
  // TMPDIR inside root's home would not let it.
  const base = asUser ? "/tmp" : Deno.env.get("TMPDIR") ?? "/tmp";
  const template = await templateData(bin, base, asUser);
  const dir = await Deno.makeTempDir({ dir: base, prefix: "sluice_pg_" });
  if (asUser) await Deno.chown(dir, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  const data = `${dir}/data`;
  // cp -a keeps the owner and the 0700 mode that PostgreSQL requires of its data directory.
  await run("cp", ["-a", template, data], false);
  if (setup.hba !== undefined) {
    const hba = `${data}/pg_hba.conf`;
    await Deno.writeTextFile(hba, [...setup.hba, await Deno.readTextFile(hba)].join("\n"));
  }
  if (setup.tls === true) {
    await makeCertificate(`${data}/server.key`, `${data}/server.crt`, "DNS:localhost,IP:127.0.0.1");
    await Deno.chmod(`${data}/server.key`, 0o600);
    if (asUser) {
      for (const f of ["server.key", "server.crt"]) {
        await Deno.chown(`${data}/${f}`, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
      }
    }
  }
  const port = await freePort();
  const options = [
    "-c listen_addresses=127.0.0.1",
    `-p ${port}`,
    `-c unix_socket_directories=${dir}`,
    // A test cluster needs no durability.
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    ...(setup.tls === true ? ["-c ssl=on"] : []),
  ].join(" ");
  const start = () =>
    run(`${bin}/pg_ctl`, ["-D", data, "-l", `${dir}/log`, "-o", options, "-w", "start"], asUser);
  const halt = () => run(`${bin}/pg_ctl`, ["-D", data, "-m", "fast", "-w", "stop"], asUser);
  try {
    await start();
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    certificate: setup.tls === true ? `${data}/server.crt` : undefined,
    // The cluster's own psql, not Debian's /usr/bin/psql: that is a Perl wrapper that picks a
    // version and execs this one, some 44 ms a call against 8 ms, ~46 calls a suite.
    psql: (sql) =>
      run(`${bin}/psql`, [
        "-X",
        "-q",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-c",
        sql,
      ], false),
    halt: async () => {
      await halt();
      running = false;
    },
    start: async () => {
      await start();
      running = true;
    },
    stop: async () => {
      try {
        if (running) {
          await run(`${bin}/pg_ctl`, ["-D", data, "-m", "immediate", "-w", "stop"], asUser);
        }
      } finally {
        running = false;
        await Deno.remove(dir, { recursive: true });
      }
    },
  };
}
