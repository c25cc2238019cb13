// Generated from protocol/_schema.ts by `deno task bundle`; do not edit.
/**
 * Internal: tiny composable checks that turn `unknown` into typed values,
 * used only by the parser. A failed check throws {@linkcode Invalid}, which
 * the parser catches at its boundary and returns as a result; nothing else
 * ever sees the throw.
 *
 * @module
 */
import type { ErrorCode } from "./errors.d.ts";
/** A check failed: which code, where, and why. */
export declare class Invalid {
    readonly code: ErrorCode;
    readonly path: string;
    readonly reason: string;
    /** @param code the error code; @param path where, e.g. `data.filters[0]`; @param reason a short why */
    constructor(code: ErrorCode, path: string, reason: string);
}
/** Narrows `value` at `path` to `T`, or throws {@linkcode Invalid}. */
export type Check<T> = (value: unknown, path: string) => T;
/** The type a check produces. */
export type Checked<C> = C extends Check<infer T> ? T : never;
type Shape = Record<string, Check<unknown>>;
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
export declare function str(rule: StringRule): Check<string>;
/** One of the given strings; anything else gives `code`. */
export declare function oneOf<const T extends string>(values: readonly T[], code?: ErrorCode): Check<T>;
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
export declare function num(rule?: NumberRule): Check<number>;
/** A whole number from 0 to `Number.MAX_SAFE_INTEGER`. */
export declare const count: Check<number>;
/** `true` or `false`. */
export declare const bool: Check<boolean>;
/** Exactly the given literal. */
export declare function literal<const T extends string | boolean>(expected: T): Check<T>;
/** ISO 8601 timestamp text that names a real instant; kept as text. */
export declare function isoDate(max?: number): Check<string>;
/** An array of at most `max` items, each passing `item`. */
export declare function list<T>(item: Check<T>, max: number): Check<T[]>;
/** Either check, chosen by the JSON type of the value: arrays go to `many`. */
export declare function scalarOrList<A, B>(one: Check<A>, many: Check<B>): Check<A | B>;
/**
 * An object with exactly these fields: required ones must be present,
 * optional ones may be, any other key is an `UNKNOWN_FIELD`.
 */
export declare function object<R extends Shape, O extends Shape = Record<never, never>>(required: R, optional?: O): Check<{
    [K in keyof R]: Checked<R[K]>;
} & {
    [K in keyof O]?: Checked<O[K]>;
}>;
/** One of several object shapes, chosen by the value of a tag field. */
export declare function tagged<T>(tag: string, cases: Record<string, Check<T>>): Check<T>;
/** An object whose values are all strings, finite numbers or booleans. */
export declare function flatRecord(maxKeys: number, maxString: number): Check<Record<string, string | number | boolean>>;
export {};
