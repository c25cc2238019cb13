// Run by postgres_wire_test.ts in a process of its own, since Deno reads the certificates it
// trusts (DENO_CERT) only as it starts: sslmode=verify-full to a throwaway cluster whose
// certificate is trusted, and to a peer whose trusted certificate names "localhost" only, both
// on 127.0.0.1, on sluice's own connection and on the driver's (through the pool). Prints what
// each did, as JSON.
//
//   deno run -A tests/_verify_full_run.ts CLUSTER_URL KEY_PEM CERT_PEM
import { createServer } from "node:net";
import { TLSSocket } from "node:tls";
import { PostgresPool } from "../server/postgres_pool.ts";
import { wireCells, WireConnection, wireSettings } from "../server/postgres_wire.ts";

const [clusterUrl, keyFile, certFile] = Deno.args;

/** What `query` on `url` with verify-full did: its one cell, or the error's code. */
async function attempt(url: string, query: string): Promise<string> {
  const settings = wireSettings(`${url}?sslmode=verify-full`, {}, {}, 5000)!;
  try {
    const connection = await WireConnection.open(settings);
    const [[cell]] = wireCells(await connection.query(query, []));
    connection.close();
    return `opened: ${new TextDecoder().decode(cell!)}`;
  } catch (error) {
    return `refused: ${(error as { code?: string }).code}`;
  }
}

/** The same through the driver; `more` of the URL's query after `sslmode`. */
async function driverAttempt(url: string, query: string, more = ""): Promise<string> {
  const pool = new PostgresPool({
    url: `${url}?sslmode=verify-full${more}`,
    connectTimeoutSeconds: 5,
  });
  try {
    const [[cell]] = await pool.query(query, []);
    return `opened: ${cell}`;
  } catch (error) {
    return `refused: ${(error as { cause?: { code?: string } }).cause?.code}`;
  } finally {
    await pool.close();
  }
}

const SSL = "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

// The peer: accepts TLS with its certificate, and would sign the client in had it gone on.
const key = await Deno.readTextFile(keyFile);
const cert = await Deno.readTextFile(certFile);
const peer = createServer((socket) => {
  socket.on("error", () => {});
  socket.once("data", () => {
    socket.write("S");
    new TLSSocket(socket, { isServer: true, key, cert }).on("error", () => {});
  });
});
await new Promise<void>((listening) => peer.listen(0, "127.0.0.1", listening));
const port = (peer.address() as { port: number }).port;

const nameOnly = `postgres://u:p@127.0.0.1:${port}/db`;
console.log(JSON.stringify({
  cluster: await attempt(clusterUrl, SSL),
  nameOnly: await attempt(nameOnly, "SELECT 1"),
  driverCluster: await driverAttempt(clusterUrl, SSL),
  driverNameOnly: await driverAttempt(nameOnly, "SELECT 1"),
  // A URL sluice's own connections leave to the driver alone.
  driverNameOnlyParameter: await driverAttempt(nameOnly, "SELECT 1", "&application_name=x"),
}));
peer.close();
