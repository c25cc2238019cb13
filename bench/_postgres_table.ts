// The PostgreSQL benchmarks' table (bench/postgres.ts, bench/postgres_reads.ts): the demo's
// shape, made in SQL (bigint keys, timestamptz with microseconds, numeric(20,8), booleans, and
// notes with NULLs, quotes, commas, line breaks and formula-like text).
import type { Cluster } from "../tests/_postgres.ts";

const NOTES = [
  "partial fill, remainder cancelled",
  'client said "urgent"',
  "line one\nline two",
  "windows\r\nline break",
  '=HYPERLINK("http://example.com","click")',
  "+1 rebate tier",
  "-5% promo",
  "@SUM(A1:A9)",
  "\tindented",
  "café ☕ 取引 🚀",
  "",
  "plain note",
];

function literal(text: string): string {
  return `E'${
    text.replaceAll("\\", "\\\\").replaceAll("'", "\\'").replaceAll("\n", "\\n")
      .replaceAll("\r", "\\r").replaceAll("\t", "\\t")
  }'`;
}

/** Makes `trades_<rows>`: keys 1..rows, 31.5 s apart on average, times with microseconds. */
export async function makeTable(cluster: Cluster, rows: number): Promise<string> {
  const table = `trades_${rows}`;
  await cluster.psql(`CREATE UNLOGGED TABLE ${table} (
      id bigint PRIMARY KEY, ts timestamptz NOT NULL, symbol text NOT NULL, side text NOT NULL,
      price numeric(20,8) NOT NULL, amount numeric(20,8) NOT NULL, fee numeric(20,8) NOT NULL,
      maker boolean NOT NULL, user_id integer NOT NULL, order_id text NOT NULL, note text);
    INSERT INTO ${table} SELECT g,
      timestamptz '2024-01-01 00:00:00+00' + g * interval '31 seconds' + (g % 997) * interval '503 microseconds',
      (ARRAY['BTC-USD','ETH-USD','SOL-USD','ETH-BTC','DOGE-USD','XRP-USD','ADA-EUR'])[1 + g % 7],
      CASE WHEN g % 2 = 0 THEN 'buy' ELSE 'sell' END,
      (40000 + (g % 100003) * 0.01)::numeric(20,8),
      ((g % 20000 + 1) * 0.00010000)::numeric(20,8),
      ((g % 1000 - 400) * 0.00000137)::numeric(20,8),
      g % 5 < 2,
      1 + (g::bigint * 7919) % 1000,
      'ORD' || lpad((1000000 + g * 3 / 4)::text, 10, '0'),
      CASE WHEN g % 67 = 0 THEN (ARRAY[${
    NOTES.map(literal).join(", ")
  }])[1 + (g / 67) % ${NOTES.length}] END
    FROM generate_series(1, ${rows}) g`);
  // Hint bits set and statistics in, so that no export pays for the load.
  await cluster.psql(`VACUUM ANALYZE ${table}`);
  return table;
}
