/**
 * What a client asks for: the payload of `download:request`
 * (docs/PROTOCOL.md §5.1), with its output formats, time range and filters.
 * The envelope around it is in {@linkcode "./messages.ts"}.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** Output encodings a download can ask for. */
export type OutputFormat = "csv" | "json" | "ndjson";

/** Every output format, in documentation order. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["csv", "json", "ndjson"];

/** Comparison operators of a {@linkcode Filter}. */
export type FilterOperator =
  | "eq"
  | "neq"
  | "lt"
  | "lte"
  | "gt"
  | "gte"
  | "in"
  | "between"
  | "prefix";

/** Every filter operator, in documentation order. */
export const FILTER_OPERATORS: readonly FilterOperator[] = [
  "eq",
  "neq",
  "lt",
  "lte",
  "gt",
  "gte",
  "in",
  "between",
  "prefix",
];

/** One value a filter compares with. Decimals travel as exact text. */
export type FilterScalar = string | number | boolean;

/**
 * A condition on one column. `value` is a scalar for the comparison
 * operators and `prefix`, a non-empty list for `in`, and `[low, high]`
 * (both inclusive) for `between`.
 */
export interface Filter {
  /** The column's name, as the data source's schema declares it. */
  readonly field: string;
  /** How to compare. */
  readonly operator: FilterOperator;
  /** What to compare with. */
  readonly value: FilterScalar | readonly FilterScalar[];
}

/**
 * What a dataset's name may be: a letter or digit, then up to 63 letters,
 * digits, `_`, `.` or `-` (PROTOCOL.md §5.1). Servers name their datasets
 * this way; a request's `dataset` that is not such a name is `INVALID_VALUE`.
 */
export const DATASET_NAME: RegExp = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The `searchParams` of a `DownloadRequest` (PROTOCOL.md §5.1). */
export interface SearchParams {
  /**
   * Which of the server's datasets (`GET /schema.json` lists them, §17);
   * absent: the server's default dataset. A name the server does not have
   * is refused with `UNKNOWN_DATASET`.
   */
  readonly dataset?: string;
  /** Inclusive start, ISO 8601 (`2024-01-01` or `2024-01-01T00:00:00.000Z`). */
  readonly timeFrom: string;
  /** Exclusive end, same form as `timeFrom`. */
  readonly timeTo: string;
  /** All must hold for a row to be exported. */
  readonly filters: readonly Filter[];
  /**
   * Which of the dataset's columns the export writes, in this order (the
   * CSV header, the JSON keys); absent: every column, in the schema's
   * order. A name the dataset does not have is `UNKNOWN_COLUMN`; an empty
   * list or a name given twice is `INVALID_VALUE` (PROTOCOL.md §5.1).
   */
  readonly columns?: readonly string[];
}

/** The payload of `download:request` (PROTOCOL.md §5.1). */
export interface DownloadRequest {
  /** Which rows. */
  readonly searchParams: SearchParams;
  /** How to encode them. */
  readonly outputFormat: OutputFormat;
  /** Gzip the output. */
  readonly compression: boolean;
  /**
   * Prefix CSV text cells starting with `=`, `+`, `-`, `@`, tab or CR with
   * `'` so spreadsheets do not run them as formulas.
   *
   * @default {true}
   */
  readonly neutralizeFormulas?: boolean;
}
