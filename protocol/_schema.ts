/**
 * Internal: tiny composable checks that turn `unknown` into typed values,
 * used only by the parser. A failed check throws {@linkcode Invalid}, which
 * the parser catches at its boundary and returns as a result; nothing else
 * ever sees the throw.
 *
 * @module
 */

import type { ErrorCode } from "./errors.ts";
import { parseTimestamp } from "./time.ts";

/** A check failed: which code, where, and why. */
export class Invalid {
  /** @param code the error code; @param path where, e.g. `data.filters[0]`; @param reason a short why */
  constructor(
    readonly code: ErrorCode,
    readonly path: string,
    readonly reason: string,
  ) {}
}

/** Narrows `value` at `path` to `T`, or throws {@linkcode Invalid}. */
export type Check<T> = (value: unknown, path: string) => T;

/** The type a check produces. */
export type Checked<C> = C extends Check<infer T> ? T : never;

type Shape = Record<string, Check<unknown>>;

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Options of {@linkcode str}. */
export interface StringRule {
  /** Longest allowed, in UTF-16 code units. */
  readonly max: number;
  /** A pattern the whole string must match. */
  readonly pattern?: RegExp;
  /** Code when the pattern fails. */
  readonly code?: ErrorCode;
}

/** A string, at most `max` long, optionally matching a pattern. */
export function str(rule: StringRule): Check<string> {
  return (value, path) => {
    if (typeof value !== "string") {
      throw new Invalid("INVALID_TYPE", path, `expected string, got ${describe(value)}`);
    }
    if (value.length > rule.max) {
      throw new Invalid("STRING_TOO_LONG", path, `longer than ${rule.max}`);
    }
    if (rule.pattern !== undefined && !rule.pattern.test(value)) {
      throw new Invalid(rule.code ?? "INVALID_VALUE", path, `does not match ${rule.pattern}`);
    }
    return value;
  };
}

/** One of the given strings; anything else gives `code`. */
export function oneOf<const T extends string>(
  values: readonly T[],
  code: ErrorCode = "INVALID_VALUE",
): Check<T> {
  return (value, path) => {
    if (typeof value !== "string") {
      throw new Invalid("INVALID_TYPE", path, `expected string, got ${describe(value)}`);
    }
    if (!(values as readonly string[]).includes(value)) {
      throw new Invalid(code, path, `expected one of ${values.join(", ")}`);
    }
    return value as T;
  };
}

/** Bounds of {@linkcode num}. */
export interface NumberRule {
  /** Smallest allowed. */
  readonly min?: number;
  /** Largest allowed. */
  readonly max?: number;
  /** Require a safe integer. */
  readonly integer?: boolean;
}

/** A finite number within bounds. */
export function num(rule: NumberRule = {}): Check<number> {
  return (value, path) => {
    if (typeof value !== "number") {
      throw new Invalid("INVALID_TYPE", path, `expected number, got ${describe(value)}`);
    }
    if (!Number.isFinite(value)) throw new Invalid("NON_FINITE_NUMBER", path, "not finite");
    if (rule.integer === true && !Number.isSafeInteger(value)) {
      throw new Invalid("INVALID_VALUE", path, "not a safe integer");
    }
    if (
      (rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)
    ) {
      throw new Invalid("INVALID_VALUE", path, `outside [${rule.min}, ${rule.max}]`);
    }
    return value;
  };
}

/** A whole number from 0 to `Number.MAX_SAFE_INTEGER`. */
export const count: Check<number> = num({ min: 0, integer: true });

/** `true` or `false`. */
export const bool: Check<boolean> = (value, path) => {
  if (typeof value !== "boolean") {
    throw new Invalid("INVALID_TYPE", path, `expected boolean, got ${describe(value)}`);
  }
  return value;
};

/** Exactly the given literal. */
export function literal<const T extends string | boolean>(expected: T): Check<T> {
  return (value, path) => {
    if (value !== expected) {
      throw new Invalid("INVALID_VALUE", path, `expected ${JSON.stringify(expected)}`);
    }
    return expected;
  };
}

/** ISO 8601 timestamp text that names a real instant; kept as text. */
export function isoDate(max = 64): Check<string> {
  const text = str({ max });
  return (value, path) => {
    const s = text(value, path);
    if (!parseTimestamp(s).ok) throw new Invalid("INVALID_DATE", path, "not an ISO 8601 instant");
    return s;
  };
}

/** An array of at most `max` items, each passing `item`. */
export function list<T>(item: Check<T>, max: number): Check<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) {
      throw new Invalid("INVALID_TYPE", path, `expected array, got ${describe(value)}`);
    }
    if (value.length > max) throw new Invalid("ARRAY_TOO_LONG", path, `more than ${max} items`);
    return value.map((v, i) => item(v, `${path}[${i}]`));
  };
}

/** Either check, chosen by the JSON type of the value: arrays go to `many`. */
export function scalarOrList<A, B>(one: Check<A>, many: Check<B>): Check<A | B> {
  return (value, path) => Array.isArray(value) ? many(value, path) : one(value, path);
}

/**
 * An object with exactly these fields: required ones must be present,
 * optional ones may be, any other key is an `UNKNOWN_FIELD`.
 */
export function object<R extends Shape, O extends Shape = Record<never, never>>(
  required: R,
  optional?: O,
): Check<{ [K in keyof R]: Checked<R[K]> } & { [K in keyof O]?: Checked<O[K]> }> {
  const opt: Shape = optional ?? {};
  return (value, path) => {
    if (!isRecord(value)) {
      throw new Invalid("INVALID_TYPE", path, `expected object, got ${describe(value)}`);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(required)) {
      if (!Object.hasOwn(value, key)) {
        throw new Invalid("MISSING_FIELD", join(path, key), "required");
      }
      out[key] = required[key](value[key], join(path, key));
    }
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(required, key)) continue;
      if (!Object.hasOwn(opt, key)) {
        throw new Invalid("UNKNOWN_FIELD", join(path, key), "not defined");
      }
      out[key] = opt[key](value[key], join(path, key));
    }
    // The loops above checked every key against the shape.
    return out as { [K in keyof R]: Checked<R[K]> } & { [K in keyof O]?: Checked<O[K]> };
  };
}

/** One of several object shapes, chosen by the value of a tag field. */
export function tagged<T>(tag: string, cases: Record<string, Check<T>>): Check<T> {
  return (value, path) => {
    if (!isRecord(value)) {
      throw new Invalid("INVALID_TYPE", path, `expected object, got ${describe(value)}`);
    }
    if (!Object.hasOwn(value, tag)) throw new Invalid("MISSING_FIELD", join(path, tag), "required");
    const key = value[tag];
    if (typeof key !== "string" && typeof key !== "boolean") {
      throw new Invalid("INVALID_TYPE", join(path, tag), `got ${describe(key)}`);
    }
    const check = Object.hasOwn(cases, String(key)) ? cases[String(key)] : undefined;
    if (check === undefined) {
      throw new Invalid("INVALID_VALUE", join(path, tag), `expected one of ${Object.keys(cases)}`);
    }
    return check(value, path);
  };
}

/** An object whose values are all strings, finite numbers or booleans. */
export function flatRecord(
  maxKeys: number,
  maxString: number,
): Check<Record<string, string | number | boolean>> {
  return (value, path) => {
    if (!isRecord(value)) {
      throw new Invalid("INVALID_TYPE", path, `expected object, got ${describe(value)}`);
    }
    const keys = Object.keys(value);
    if (keys.length > maxKeys) {
      throw new Invalid("ARRAY_TOO_LONG", path, `more than ${maxKeys} keys`);
    }
    const out: Record<string, string | number | boolean> = {};
    for (const key of keys) {
      const v = value[key];
      if (typeof v === "string") out[key] = str({ max: maxString })(v, join(path, key));
      else if (typeof v === "number") out[key] = num()(v, join(path, key));
      else if (typeof v === "boolean") out[key] = v;
      else throw new Invalid("INVALID_TYPE", join(path, key), `got ${describe(v)}`);
    }
    return out;
  };
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}
