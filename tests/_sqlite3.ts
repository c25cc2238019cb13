// The oracle for the export tests: the sqlite3 command-line tool, a program independent of
// sluice, formats the same query in SQL exactly as docs/PROTOCOL.md §8 specifies CSV.
import { createHash } from "node:crypto";
import { DEMO_SCHEMA } from "../server/demo_data.ts";

/** SQL text of one column's CSV cell, formatted the documented way. */
function cell(name: string, type: string, scale = 0): string {
  const c = `"${name}"`;
  switch (type) {
    case "integer":
      return `CAST(${c} AS TEXT)`;
    case "decimal": {
      const unit = 10 ** scale;
      return `CASE WHEN ${c} < 0 THEN '-' ELSE '' END || (abs(${c}) / ${unit}) || ` +
        `printf('.%0${scale}d', abs(${c}) % ${unit})`;
    }
    case "timestamp":
      return `strftime('%Y-%m-%dT%H:%M:%S', ${c} / 1000, 'unixepoch') || printf('.%03dZ', ${c} % 1000)`;
    case "boolean":
      return `CASE ${c} WHEN 1 THEN 'true' ELSE 'false' END`;
    case "text": {
      const guarded = `CASE WHEN substr(${c}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) ` +
        `THEN '''' || ${c} ELSE ${c} END`;
      return `CASE WHEN ${c} IS NULL THEN '' WHEN ${c} = '' OR instr(${c}, ',') OR instr(${c}, '"') ` +
        `OR instr(${c}, char(13)) OR instr(${c}, char(10)) THEN '"' || replace(${guarded}, '"', '""') ` +
        `|| '"' ELSE ${guarded} END`;
    }
    default:
      throw new Error(`no oracle for ${type}`);
  }
}

/** The demo table's columns named `names`, in that order; all of them by default. */
function columnsOf(names?: readonly string[]) {
  return names === undefined
    ? DEMO_SCHEMA.columns
    : names.map((name) => DEMO_SCHEMA.columns.find((c) => c.name === name)!);
}

/**
 * sqlite3's busy timeout, for reading a database that other processes open at the same time: a
 * read-only connection to a WAL file finds the WAL index locked while another connection sets it
 * up, and without a timeout the CLI fails at once ("database is locked", seen with four readers
 * and one server opening one demo file together, 3 times in 240).
 */
export const SQLITE3_WAIT = ["-cmd", ".timeout 10000"];

/** The sqlite3 command for the rows in [from, to) as CSV lines, without the header line. */
function sqlite3Command(
  db: string,
  from: number,
  to: number,
  where: string,
  columns?: readonly string[],
): Deno.Command {
  const select = columnsOf(columns).map((c) => cell(c.name, c.type, c.scale)).join(` || ',' || `);
  const sql =
    `SELECT ${select} FROM trades WHERE ts >= ${from} AND ts < ${to}${where} ORDER BY id;`;
  return new Deno.Command("sqlite3", {
    args: [
      "-batch",
      "-readonly",
      ...SQLITE3_WAIT,
      "-noheader",
      "-list",
      "-newline",
      "\r\n",
      db,
      sql,
    ],
    stdout: "piped",
  });
}

const csvHeader = (columns?: readonly string[]) =>
  new TextEncoder().encode(columnsOf(columns).map((c) => c.name).join(",") + "\r\n");

/**
 * The demo table's rows in [from, to) as CSV, by the sqlite3 CLI; `where` adds SQL conditions,
 * `columns` picks columns (all by default).
 */
export async function sqlite3Csv(
  db: string,
  from: number,
  to: number,
  where = "",
  columns?: readonly string[],
): Promise<Uint8Array> {
  const out = await sqlite3Command(db, from, to, where, columns).output();
  if (!out.success) throw new Error(`sqlite3 failed: ${new TextDecoder().decode(out.stderr)}`);
  const header = csvHeader(columns);
  const all = new Uint8Array(header.length + out.stdout.length);
  all.set(header);
  all.set(out.stdout, header.length);
  return all;
}

/**
 * The SHA-256 (hex) and length of {@linkcode sqlite3Csv}'s bytes, streamed rather than held, for
 * exports of millions of rows (bench/export.ts).
 */
export async function sqlite3CsvDigest(
  db: string,
  from: number,
  to: number,
): Promise<{ sha256: string; bytes: number }> {
  const child = sqlite3Command(db, from, to, "").spawn();
  const hash = createHash("sha256");
  const header = csvHeader();
  hash.update(header);
  let bytes = header.length;
  for await (const chunk of child.stdout) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  if (!(await child.status).success) throw new Error("sqlite3 failed");
  return { sha256: hash.digest("hex"), bytes };
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
