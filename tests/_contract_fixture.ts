// The data of the DataSource contract suite and an independent reference of what a filter
// selects: plain comparisons in JS (BigInt for integers and decimals, code points for text),
// with SQL's NULL rule. It shares no code with the sources; each backend's own SQL (psql,
// sqlite3) is also asked the same questions (tests/_data_source_contract.ts).
import type { ColumnSchema } from "../protocol/filter.ts";
import type { Filter, FilterScalar } from "../protocol/messages.ts";
import { mulberry32 } from "../server/demo_data.ts";
import { keeps } from "./_filter_reference.ts";

export const SEED = 20261201;

/**
 * The contract table. Types the demo does not use: a 40-digit decimal (scale 10), a scaled
 * decimal (scale 2), a decimal without a scale, keys and integers beyond 2^53, a nullable time.
 */
export const COLUMNS: readonly ColumnSchema[] = [
  { name: "id", type: "integer" },
  { name: "ts", type: "timestamp" },
  { name: "n", type: "integer" },
  { name: "amount", type: "decimal", scale: 10 },
  { name: "price", type: "decimal", scale: 2 },
  { name: "qty", type: "decimal" },
  { name: "s", type: "text" },
  { name: "b", type: "boolean" },
];

/** A row in canonical form: decimals as text with exactly their scale's digits (qty: as stored). */
export type Row = [
  id: bigint,
  ts: number | null,
  n: bigint | null,
  amount: string | null,
  price: string | null,
  qty: string | null,
  s: string | null,
  b: boolean | null,
];

/** The 10,000 years every row lies in: [-2000-01-01, 8000-01-01). */
export const TIME_FROM = Date.UTC(-2000, 0, 1);
export const TIME_TO = Date.UTC(8000, 0, 1);

const TIMES = [
  TIME_FROM,
  TIME_FROM + 1,
  Date.UTC(-44, 2, 15, 12),
  Date.parse("0001-01-01T00:00:00Z"), // not Date.UTC(1, …), which is 1901
  -1,
  0,
  Date.UTC(2024, 1, 29, 23, 59, 59, 999),
  Date.UTC(2024, 5, 1, 12, 0, 0, 123),
  Date.UTC(9999 - 2000, 11, 31),
  TIME_TO - 1,
];

export const INTEGERS = [
  0n,
  1n,
  -1n,
  42n,
  2n ** 53n + 1n,
  -(2n ** 53n) - 1n,
  2n ** 62n,
  -(2n ** 63n),
  2n ** 63n - 1n,
];

export const AMOUNTS = [
  "123456789012345678901234567890.1234567890",
  "-123456789012345678901234567890.1234567890",
  "99999999999999999999999999999.9999999999",
  "0.0000000001",
  "-0.0000000001",
  "0.0000000000",
  "1.5000000000",
  "0.1000000000",
  "12345678901234567890.0000000000",
];

export const PRICES = ["-1500.25", "0.00", "0.01", "12.50", "99999.99", "3.00"];

export const QUANTITIES = [
  "0.1",
  "100",
  "100.000",
  "-3.14159265358979323846264338327950288",
  "7",
  "0.000000000000000000000000000000000001",
];

/** Order (ASCII before Latin-1 before CJK before astral), prefixes, quotes, a case pair. */
export const TEXTS = [
  "BTC-USD",
  "BTC-EUR",
  "BTC",
  "btc",
  "Zebra",
  "apple",
  "",
  "a'b",
  'q"uote',
  "é",
  "e\u0301",
  "日本語",
  "😀x",
  "😀",
  "𝄞music",
  "\ufffd",
  "\u{10ffff}",
  "=1+1",
  "comma,and\nnewline",
];

/** About 160 rows with small domains (so `eq` and `in` hit) and NULL in every nullable column. */
export function contractRows(): Row[] {
  const random = mulberry32(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const maybe = <T>(x: T): T | null => random() < 0.12 ? null : x;
  const keys = [-(2n ** 63n), -5n];
  for (let k = 1n; k <= 150n; k += 1n + BigInt(Math.floor(random() * 2))) keys.push(k);
  keys.push(2n ** 53n + 1n, 2n ** 62n, 2n ** 63n - 1n);
  return keys.map((id, i): Row => [
    id,
    i === 7 ? null : pick(TIMES),
    maybe(pick(INTEGERS)),
    maybe(pick(AMOUNTS)),
    maybe(pick(PRICES)),
    maybe(pick(QUANTITIES)),
    maybe(pick(TEXTS)),
    maybe(random() < 0.5),
  ]);
}

/** Plain rows of keys `first`, `first + 1`, …; each row depends on its key alone. */
export function plainRows(count: number, first = 1): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const k = first + i;
    return [
      BigInt(k),
      Date.UTC(2024, 0, 1) + k * 1000,
      BigInt(k),
      null,
      "1.00",
      "1",
      `r${k}`,
      k % 2 === 0,
    ];
  });
}

// ---- The reference. ----

/** Exact order of decimal texts, by BigInt at a common scale. */
function compareDecimals(a: string, b: string): number {
  const parse = (t: string): [bigint, number] => {
    const [whole, fraction = ""] = t.split(".");
    return [
      BigInt(whole.replace("-", "") + fraction) * (t.startsWith("-") ? -1n : 1n),
      fraction.length,
    ];
  };
  const [x, sx] = parse(a);
  const [y, sy] = parse(b);
  const scale = Math.max(sx, sy);
  const left = x * 10n ** BigInt(scale - sx);
  const right = y * 10n ** BigInt(scale - sy);
  return left === right ? 0 : left < right ? -1 : 1;
}

/** Code point order (SQLite's BINARY on UTF-8, PostgreSQL's "C"), not JS's UTF-16 order. */
function compareText(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function compareCell(column: ColumnSchema, cell: unknown, value: FilterScalar): number {
  switch (column.type) {
    case "integer": {
      const v = BigInt(value);
      return cell === v ? 0 : (cell as bigint) < v ? -1 : 1;
    }
    case "decimal":
      return compareDecimals(cell as string, String(value));
    case "timestamp":
      return (cell as number) - (value as number);
    case "text":
      return compareText(cell as string, value as string);
    case "boolean":
      return cell === value ? 0 : 1;
  }
}

/** Whether the reference keeps a row for one filter. */
export function matches(row: Row, filter: Filter): boolean {
  const i = COLUMNS.findIndex((c) => c.name === filter.field);
  return keeps(row[i], filter, (v) => compareCell(COLUMNS[i], row[i], v));
}

/** Operands per column: values in the data and values between or beyond them. */
export const OPERANDS: Readonly<Record<string, readonly FilterScalar[]>> = {
  id: ["-9223372036854775808", -5, 1, 77, 150, "9007199254740993", "9223372036854775807"],
  ts: [
    TIME_FROM,
    -1,
    0,
    1,
    Date.UTC(2024, 5, 1, 12, 0, 0, 123),
    TIME_TO - 1,
    TIME_TO,
    // Before PostgreSQL's first timestamp (4713 BC), and the ends of what a filter may name.
    Date.UTC(-5000, 0, 1),
    -Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER,
  ],
  n: [0, -1, 42, "9007199254740993", "-9223372036854775808", "9223372036854775807", 5],
  amount: [
    "123456789012345678901234567890.123456789",
    "-123456789012345678901234567890.123456789",
    "0",
    "-0.0000000001",
    "0.1",
    "1.5",
    "12345678901234567890",
    "5",
  ],
  price: ["12.5", "0.01", "-1500.25", "0", "3", "100000"],
  qty: ["100", "0.1", "-3.141592653589793238462643383279", "7.0", "1", "0"],
  s: [
    ...TEXTS,
    ...["BTC-", "BT", "😀", "é", "x' OR 1=1 --", "zzz", "\u{10ffff}\u{10ffff}"],
    // U+0000, which PostgreSQL refuses in a text and so is in no stored one.
    ...["BTC\0", "\0", "BT\0z"],
  ],
  b: [true, false],
};

/** Orders two operands as the validator wants `between` bounds (text: by code point, as §6.2). */
export function ordered(column: ColumnSchema, a: FilterScalar, b: FilterScalar): FilterScalar[] {
  const cell = column.type === "integer" ? BigInt(a) : column.type === "decimal" ? String(a) : a;
  return compareCell(column, cell, b) <= 0 ? [a, b] : [b, a];
}
