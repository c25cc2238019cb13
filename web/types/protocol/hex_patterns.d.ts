// Generated from protocol/hex_patterns.ts by `deno task bundle`; do not edit.
/**
 * How the protocol writes keys, signatures, digests and addresses as text
 * (docs/PROTOCOL.md §2: lowercase hex; §15: the sign-in's keys and
 * signatures), as the patterns every check of them uses. None has the `g`
 * or `y` flag, so sharing one `RegExp` between callers is safe: `test()`
 * keeps no state between calls.
 *
 * This module is browser compatible.
 *
 * @module
 */
/**
 * 32 bytes as lowercase hex: a SHA-256 digest, a digest chain value, a
 * sign-in nonce.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { HEX_32_BYTES } from "./hex_patterns.ts";
 * equal(HEX_32_BYTES.test("ab".repeat(32)), true);
 * equal(HEX_32_BYTES.test("AB".repeat(32)), false);
 * ```
 */
export declare const HEX_32_BYTES: RegExp;
/**
 * Any non-empty run of lowercase hex, for a value whose length another
 * check bounds.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { LOWERCASE_HEX } from "./hex_patterns.ts";
 * equal(LOWERCASE_HEX.test("00ff"), true);
 * equal(LOWERCASE_HEX.test(""), false);
 * ```
 */
export declare const LOWERCASE_HEX: RegExp;
/**
 * A compressed secp256k1 public key as the wire carries it: `02` or `03`,
 * then the 32-byte x coordinate, lowercase (66 characters).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { COMPRESSED_KEY } from "./hex_patterns.ts";
 * equal(COMPRESSED_KEY.test("02" + "ab".repeat(32)), true);
 * equal(COMPRESSED_KEY.test("04" + "ab".repeat(32)), false);
 * ```
 */
export declare const COMPRESSED_KEY: RegExp;
/**
 * A compressed public key as a person may type it, in either case (an
 * allow list, a command line); lower-case it before use.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { COMPRESSED_KEY_ANY_CASE } from "./hex_patterns.ts";
 * equal(COMPRESSED_KEY_ANY_CASE.test("03" + "AB".repeat(32)), true);
 * ```
 */
export declare const COMPRESSED_KEY_ANY_CASE: RegExp;
/**
 * An Ethereum address: `0x` and 20 bytes of hex, in either case (EIP-55
 * checksummed or not).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ETHEREUM_ADDRESS } from "./hex_patterns.ts";
 * equal(ETHEREUM_ADDRESS.test("0x" + "aB".repeat(20)), true);
 * equal(ETHEREUM_ADDRESS.test("ab".repeat(20)), false);
 * ```
 */
export declare const ETHEREUM_ADDRESS: RegExp;
/**
 * A compact ECDSA signature, `r ‖ s`: 64 bytes as lowercase hex.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { COMPACT_SIGNATURE } from "./hex_patterns.ts";
 * equal(COMPACT_SIGNATURE.test("00".repeat(64)), true);
 * equal(COMPACT_SIGNATURE.test("00".repeat(65)), false);
 * ```
 */
export declare const COMPACT_SIGNATURE: RegExp;
/**
 * A recoverable signature, `r ‖ s ‖ v` (EIP-191 `personal_sign`): 65 bytes
 * as lowercase hex.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RECOVERABLE_SIGNATURE } from "./hex_patterns.ts";
 * equal(RECOVERABLE_SIGNATURE.test("00".repeat(65)), true);
 * ```
 */
export declare const RECOVERABLE_SIGNATURE: RegExp;
/**
 * Whole bytes as lowercase hex, at least one: the form of every signature
 * a client sends (`auth:authenticate`, §15.1), whatever its length.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WHOLE_BYTES } from "./hex_patterns.ts";
 * equal(WHOLE_BYTES.test("00".repeat(64)) && WHOLE_BYTES.test("00".repeat(200)), true);
 * equal(WHOLE_BYTES.test("000"), false);
 * ```
 */
export declare const WHOLE_BYTES: RegExp;
