// @ts-self-types="./types/client/mod.d.ts"
// Generated from client/mod.ts by `deno task bundle`; do not edit (tests/web_bundle_test.ts checks it).
// npm:@noble/secp256k1/3.2.0/index.js
var freeze = Object.freeze;
var P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
var N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
var Gx = 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n;
var Gy = 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n;
var secp256k1_CURVE = freeze({
  p: P,
  n: N,
  h: 1n,
  a: 0n,
  b: 7n,
  Gx,
  Gy
});
var L = 32;
var isBytes = (a) => {
  return a instanceof Uint8Array || ArrayBuffer.isView(a) && a.constructor.name === "Uint8Array" && a.BYTES_PER_ELEMENT === 1;
};
var abytes = (value, length, title = "") => {
  if (isBytes(value) && (length === void 0 || value.length === length)) return value;
  const bytes = isBytes(value);
  const ofLen = length !== void 0 ? ` of length ${length}` : "";
  const got = bytes ? `length=${value.length}` : `type=${typeof value}`;
  const message = (title ? `"${title}" ` : "") + "expected Uint8Array" + ofLen + ", got " + got;
  if (!bytes) throw new TypeError(message);
  throw new RangeError(message);
};
var cloneBytes = (value) => Uint8Array.from(value);
var snapshotBytes = (value, title, length) => cloneBytes(abytes(value, length, title));
var padh = (n, pad) => n.toString(16).padStart(pad, "0");
var bytesToHex = (bytes) => {
  let hex = "";
  for (const byte of abytes(bytes)) hex += padh(byte, 2);
  return hex;
};
var hexToBytes = (hex) => {
  const e = "hex invalid";
  if (typeof hex !== "string") throw new TypeError(e);
  if (hex.length % 2 || !/^[\da-f]*$/i.test(hex)) throw new RangeError(e);
  const array = new Uint8Array(hex.length / 2);
  for (let ai = 0, hi = 0; ai < array.length; ai++, hi += 2) {
    const n1 = hex.charCodeAt(hi);
    const n2 = hex.charCodeAt(hi + 1);
    array[ai] = ((n1 & 15) + (n1 >> 6) * 9) * 16 + (n2 & 15) + (n2 >> 6) * 9;
  }
  return array;
};
var subtle = () => {
  const s = globalThis?.crypto?.subtle;
  if (s) return s;
  throw new Error("crypto.subtle must be defined, consider polyfill");
};
var concatBytes = (...arrays) => {
  let sum = 0;
  for (const a of arrays) sum += abytes(a).length;
  const res = new Uint8Array(sum);
  let pad = 0;
  for (const a of arrays) {
    res.set(a, pad);
    pad += a.length;
  }
  return res;
};
var randomBytes = (len = L) => {
  const c = globalThis?.crypto;
  if (typeof c?.getRandomValues !== "function") throw new Error("crypto.getRandomValues must be defined, consider polyfill");
  return c.getRandomValues(new Uint8Array(len));
};
var big = BigInt;
var arange = (n, min, max, msg = "bad number: out of range") => {
  if (typeof n !== "bigint") throw new TypeError(msg);
  if (min <= n && n < max) return n;
  throw new RangeError(msg);
};
var M = (a, b = P) => (a %= b) >= 0n ? a : b + a;
var modN = (a) => M(a, N);
var invert = (number, modulo) => {
  if (number === 0n) throw new Error("invert: expected non-zero number");
  if (modulo <= 1n) throw new Error("invert: expected modulus > 1, got " + modulo);
  let a = M(number, modulo);
  let b = modulo;
  let x = 0n, u = 1n;
  while (a !== 0n) {
    const q = b / a;
    const r = b - a * q;
    const m = x - u * q;
    b = a, a = r, x = u, u = m;
  }
  const gcd2 = b;
  if (gcd2 !== 1n) throw new Error("invert: does not exist");
  return M(x, modulo);
};
var _hash = (name) => {
  const fn = hashes[name];
  if (typeof fn !== "function") throw new Error("hashes." + name + " not set");
  return fn;
};
var callHash = (name, a, b) => abytes(_hash(name)(a, b), L, "digest");
var callHashAsync = async (name, a, b) => abytes(await _hash(name)(a, b), L, "digest");
var apoint = (p) => {
  if (p instanceof Point) return p;
  throw new TypeError("Point expected");
};
var E_BADPOINT = "bad point: not on curve";
var koblitz = (x) => M(M(x * x) * x + 7n);
var FpIsValid = (n) => arange(n, 0n, P);
var FpIsValidNot0 = (n) => arange(n, 1n, P);
var FnIsValidNot0 = (n) => arange(n, 1n, N);
var isEven = (y) => !(y & 1n);
var getPrefix = (y) => Uint8Array.of(isEven(y) ? 2 : 3);
var lift_x = (x) => {
  const c = koblitz(FpIsValidNot0(x));
  let r = 1n;
  for (let num2 = c, e = (P + 1n) / 4n; e > 0n; e >>= 1n) {
    if (e & 1n) r = r * num2 % P;
    num2 = num2 * num2 % P;
  }
  if (M(r * r) !== c) throw new Error("sqrt invalid");
  return new Point(x, isEven(r) ? r : M(-r), 1n);
};
var Point = class _Point {
  static BASE;
  static ZERO;
  X;
  Y;
  Z;
  constructor(X, Y, Z) {
    this.X = FpIsValid(X);
    this.Y = FpIsValidNot0(Y);
    this.Z = FpIsValid(Z);
    freeze(this);
  }
  /** Returns the shared curve metadata object by reference.
     * It is readonly only at type level, and mutating it won't retarget arithmetic,
     * which already uses module-load snapshots. */
  static CURVE() {
    return secp256k1_CURVE;
  }
  /** Create 3d xyz point from 2d xy. (0, 0) => (0, 1, 0), not (0, 0, 1) */
  static fromAffine(ap) {
    const { x, y } = ap;
    return x === 0n && y === 0n ? I : new _Point(x, y, 1n);
  }
  /** Convert Uint8Array or hex string to Point. */
  static fromBytes(bytes) {
    abytes(bytes);
    const length = bytes.length;
    const head = bytes[0];
    const x = sliceBytesNumBE(bytes, 1, 33);
    try {
      if (length === 33 && (head === 2 || head === 3)) {
        const p = lift_x(x);
        return head === 3 ? p.negate() : p;
      }
      if (length === 65 && head === 4) return new _Point(x, sliceBytesNumBE(bytes, 33, 65), 1n).assertValidity();
    } catch (error) {
      throw new Error(E_BADPOINT);
    }
    throw new Error(E_BADPOINT);
  }
  static fromHex(hex) {
    return _Point.fromBytes(hexToBytes(hex));
  }
  get x() {
    return this.toAffine().x;
  }
  get y() {
    return this.toAffine().y;
  }
  /** Equality check: compare points P&Q. */
  equals(other) {
    const { X: X1, Y: Y1, Z: Z1 } = this;
    const { X: X2, Y: Y2, Z: Z2 } = apoint(other);
    return M(X1 * Z2) === M(X2 * Z1) && M(Y1 * Z2) === M(Y2 * Z1);
  }
  is0() {
    return this.Z === 0n;
  }
  /** Flip point over y coordinate. */
  negate() {
    return new _Point(this.X, M(-this.Y), this.Z);
  }
  /** Point doubling: P+P, complete formula. */
  double() {
    return this.add(this);
  }
  /**
     * Point addition: P+Q, complete, exception-free formula
     * (Renes-Costello-Batina, algo 1 of [2015/1060](https://eprint.iacr.org/2015/1060)).
     * Cost: `12M + 0S + 3*a + 3*b3 + 23add`.
     */
  // prettier-ignore
  add(other) {
    const { X: X1, Y: Y1, Z: Z1 } = this;
    const { X: X2, Y: Y2, Z: Z2 } = apoint(other);
    const a = 0n;
    const b = 7n;
    let X3 = 0n, Y3 = 0n, Z3 = 0n;
    const b3 = M(b * 3n);
    let t0 = M(X1 * X2), t1 = M(Y1 * Y2), t2 = M(Z1 * Z2), t3 = M(X1 + Y1);
    let t4 = M(X2 + Y2);
    t3 = M(t3 * t4);
    t4 = M(t0 + t1);
    t3 = M(t3 - t4);
    t4 = M(X1 + Z1);
    let t5 = M(X2 + Z2);
    t4 = M(t4 * t5);
    t5 = M(t0 + t2);
    t4 = M(t4 - t5);
    t5 = M(Y1 + Z1);
    X3 = M(Y2 + Z2);
    t5 = M(t5 * X3);
    X3 = M(t1 + t2);
    t5 = M(t5 - X3);
    Z3 = M(a * t4);
    X3 = M(b3 * t2);
    Z3 = M(X3 + Z3);
    X3 = M(t1 - Z3);
    Z3 = M(t1 + Z3);
    Y3 = M(X3 * Z3);
    t1 = M(t0 + t0);
    t1 = M(t1 + t0);
    t2 = M(a * t2);
    t4 = M(b3 * t4);
    t1 = M(t1 + t2);
    t2 = M(t0 - t2);
    t2 = M(a * t2);
    t4 = M(t4 + t2);
    t0 = M(t1 * t4);
    Y3 = M(Y3 + t0);
    t0 = M(t5 * t4);
    X3 = M(t3 * X3);
    X3 = M(X3 - t0);
    t0 = M(t3 * t1);
    Z3 = M(t5 * Z3);
    Z3 = M(Z3 + t0);
    return new _Point(X3, Y3, Z3);
  }
  subtract(other) {
    return this.add(apoint(other).negate());
  }
  /**
     * Point-by-scalar multiplication. Scalar must be in range 1 <= n < CURVE.n.
     * Uses {@link wNAF} for base point.
     * Uses fake point to mitigate leakage shape in JS, not as a hard constant-time guarantee.
     * @param n scalar by which point is multiplied
     * @param safe safe mode guards against timing attacks; unsafe mode is faster
     */
  multiply(n, safe = true) {
    if (!safe && n === 0n) return I;
    FnIsValidNot0(n);
    if (n === 1n) return this;
    if (this.equals(G)) return wNAF(n).p;
    let p = I;
    let f = G;
    let d = this;
    for (let i = 0; safe ? i < 256 : n > 0n; i++) {
      if (n & 1n) p = p.add(d);
      else if (safe) f = f.add(d);
      d = d.double();
      n >>= 1n;
    }
    return p;
  }
  multiplyUnsafe(scalar) {
    return this.multiply(scalar, false);
  }
  /** Convert point to 2d xy affine point. (X, Y, Z) ∋ (x=X/Z, y=Y/Z) */
  toAffine() {
    const { X: x, Y: y, Z: z } = this;
    if (z === 0n) return {
      x: 0n,
      y: 0n
    };
    if (z === 1n) return {
      x,
      y
    };
    const iz = invert(z, P);
    if (M(z * iz) !== 1n) throw new Error("inverse invalid");
    return {
      x: M(x * iz),
      y: M(y * iz)
    };
  }
  /** Checks if the point is valid and on-curve. */
  assertValidity() {
    const { x, y } = this.toAffine();
    FpIsValidNot0(x);
    FpIsValidNot0(y);
    if (M(y * y) !== koblitz(x)) throw new Error(E_BADPOINT);
    return this;
  }
  /** Converts point to 33/65-byte Uint8Array. */
  toBytes(isCompressed = true) {
    const { x, y } = this.assertValidity().toAffine();
    const x32b = numTo32b(x);
    if (isCompressed) return concatBytes(getPrefix(y), x32b);
    return concatBytes(Uint8Array.of(4), x32b, numTo32b(y));
  }
  toHex(isCompressed) {
    return bytesToHex(this.toBytes(isCompressed));
  }
};
var G = new Point(Gx, Gy, 1n);
var I = new Point(0n, 1n, 0n);
Point.BASE = G;
Point.ZERO = I;
var doubleScalarMulUns = (R, u1, u2) => {
  return G.multiply(u1, false).add(R.multiply(u2, false)).assertValidity();
};
var bytesToNumBE = (b) => big("0x" + (bytesToHex(b) || "0"));
var sliceBytesNumBE = (b, from, to) => bytesToNumBE(b.subarray(from, to));
var numTo32b = (num2) => hexToBytes(padh(arange(num2, 0n, 2n ** 256n), L * 2));
var secretKeyToScalar = (secretKey) => {
  const num2 = bytesToNumBE(abytes(secretKey, L, "secret key"));
  return arange(num2, 1n, N, "invalid secret key: outside of range");
};
var highS = (n) => n > N >> 1n;
var getRecoveryBit = (x, y, r) => (x === r ? 0 : 2) | Number(y & 1n);
var getPublicKey = (privKey, isCompressed = true) => {
  return G.multiply(secretKeyToScalar(privKey)).toBytes(isCompressed);
};
var isValidSecretKey = (secretKey) => {
  try {
    return !!secretKeyToScalar(secretKey);
  } catch (error) {
    return false;
  }
};
var isValidPublicKey = (publicKey2, isCompressed) => {
  try {
    const l = publicKey2.length;
    if (isCompressed === true && l !== 33) return false;
    if (isCompressed === false && l !== 65) return false;
    return !!Point.fromBytes(publicKey2);
  } catch (error) {
    return false;
  }
};
var assertRecoveryBit = (recovery) => {
  if (recovery != null && [
    0,
    1,
    2,
    3
  ].includes(recovery)) return recovery;
  throw new Error("invalid recovery id");
};
var assertSigFormat = (format) => {
  if (format === "der") throw new Error('Signature format "der" is not supported: switch to noble-curves');
  if (format != null && format !== SIG_COMPACT && format !== SIG_RECOVERED) throw new Error("Signature format must be one of: compact, recovered, der");
};
var assertSigLength = (sig, format = SIG_COMPACT) => {
  assertSigFormat(format);
  const bytes = abytes(sig, void 0, "signature");
  const len = 64 + Number(format === SIG_RECOVERED);
  if (bytes.length !== len) throw new Error(`Signature format "${format}" expects Uint8Array with length ${len}`);
  return bytes;
};
var Signature = class _Signature {
  r;
  s;
  recovery;
  constructor(r, s, recovery) {
    this.r = FnIsValidNot0(r);
    this.s = FnIsValidNot0(s);
    if (recovery != null) this.recovery = assertRecoveryBit(recovery);
    freeze(this);
  }
  static fromBytes(b, format = SIG_COMPACT) {
    b = assertSigLength(b, format);
    let rec;
    if (format === SIG_RECOVERED) {
      rec = b[0];
      b = b.subarray(1);
    }
    const r = sliceBytesNumBE(b, 0, L);
    const s = sliceBytesNumBE(b, L, 64);
    return new _Signature(r, s, rec);
  }
  addRecoveryBit(bit) {
    return new _Signature(this.r, this.s, bit);
  }
  hasHighS() {
    return highS(this.s);
  }
  toBytes(format = SIG_COMPACT) {
    assertSigFormat(format);
    const { r, s, recovery } = this;
    const res = concatBytes(numTo32b(r), numTo32b(s));
    if (format === SIG_RECOVERED) {
      return concatBytes(Uint8Array.of(assertRecoveryBit(recovery)), res);
    }
    return res;
  }
};
var MAX_PREHASHED_BYTES = 8192;
var E_MSGBIG = "input is too large";
var oversizedMsg = (bytes, prehash) => !prehash && bytes.length > MAX_PREHASHED_BYTES;
var bits2int = (bytes) => {
  if (oversizedMsg(bytes)) throw new Error(E_MSGBIG);
  const delta = bytes.length * 8 - 256;
  const num2 = bytesToNumBE(bytes);
  return delta > 0 ? num2 >> big(delta) : num2;
};
var bits2int_modN = (bytes) => modN(bits2int(abytes(bytes)));
var SIG_COMPACT = "compact";
var SIG_RECOVERED = "recovered";
var _sha = "SHA-256";
var hashes = {
  hmacSha256Async: async (key, message) => {
    const s = subtle();
    const k = await s.importKey("raw", key, {
      name: "HMAC",
      hash: _sha
    }, false, [
      "sign"
    ]);
    return new Uint8Array(await s.sign("HMAC", k, message));
  },
  hmacSha256: void 0,
  sha256Async: async (msg) => new Uint8Array(await subtle().digest(_sha, msg)),
  sha256: void 0
};
var prepMsg = (msg, prehash, async_) => {
  const message = abytes(msg, void 0, "message");
  if (!prehash) return message;
  return async_ ? callHashAsync("sha256Async", message) : callHash("sha256", message);
};
var NULL = /* @__PURE__ */ new Uint8Array(0);
var byte0 = /* @__PURE__ */ Uint8Array.of(0);
var byte1 = /* @__PURE__ */ Uint8Array.of(1);
var _drbgErr = "drbg: tried max amount of iterations";
var hmacDrbg = (seed, pred) => {
  let v = new Uint8Array(L);
  let k = new Uint8Array(L);
  let i = 0;
  const reset = () => {
    v.fill(1);
    k.fill(0);
  };
  const h = (...b) => callHash("hmacSha256", k, concatBytes(v, ...b));
  const reseed = (seed2 = NULL) => {
    k = h(byte0, seed2);
    v = h();
    if (seed2.length === 0) return;
    k = h(byte1, seed2);
    v = h();
  };
  const gen = () => {
    if (i++ >= 1e3) throw new Error(_drbgErr);
    v = h();
    return v;
  };
  reset();
  reseed(seed);
  let res = void 0;
  while (!(res = pred(gen()))) reseed();
  reset();
  return res;
};
var _sign = (messageHash, secretKey, opts, drbg) => {
  const [lowS, , format, extraEntropy] = opts;
  const h1i = bits2int_modN(messageHash);
  const d = secretKeyToScalar(secretKey);
  const seedArgs = [
    numTo32b(d),
    numTo32b(h1i)
  ];
  if (extraEntropy != null && extraEntropy !== false) {
    seedArgs.push(abytes(extraEntropy === true ? randomBytes(L) : extraEntropy, void 0, "extraEntropy"));
  }
  const k2sig = (kBytes) => {
    const k = bits2int(kBytes);
    if (!(1n <= k && k < N)) return;
    const ik = invert(k, N);
    const q = G.multiply(k).toAffine();
    const r = modN(q.x);
    if (r === 0n) return;
    const s = modN(ik * (h1i + r * d));
    if (s === 0n) return;
    let recovery = getRecoveryBit(q.x, q.y, r);
    let normS = s;
    if (lowS && highS(s)) {
      normS = N - s;
      recovery ^= 1;
    }
    const sig = new Signature(r, normS, recovery);
    return sig.toBytes(format);
  };
  return drbg(concatBytes(...seedArgs), k2sig);
};
var _verify = (sig, messageHash, publicKey2, opts) => {
  const [lowS, , format] = opts;
  if (sig instanceof Signature) throw new Error("Signature must be in Uint8Array, use .toBytes()");
  assertSigLength(sig, format);
  abytes(publicKey2, void 0, "publicKey");
  try {
    const { r, s, recovery } = Signature.fromBytes(sig, format);
    const h = bits2int_modN(messageHash);
    const Q = Point.fromBytes(publicKey2);
    if (lowS && highS(s)) return false;
    const is = invert(s, N);
    const { x, y } = doubleScalarMulUns(Q, modN(h * is), modN(r * is)).toAffine();
    if (modN(x) !== r) return false;
    return format !== SIG_RECOVERED || recovery === getRecoveryBit(x, y, r);
  } catch (error) {
    return false;
  }
};
var setDefaults = (opts, own = false) => {
  const e = opts.extraEntropy;
  return [
    opts.lowS ?? true,
    opts.prehash ?? true,
    opts.format ?? SIG_COMPACT,
    own && e != null && typeof e !== "boolean" ? snapshotBytes(e, "extraEntropy") : e
  ];
};
var sign = (message, secretKey, opts = {}) => {
  const o = setDefaults(opts);
  assertSigFormat(o[2]);
  const msg = prepMsg(message, o[1], false);
  return _sign(msg, secretKey, o, hmacDrbg);
};
var verify = (signature, message, publicKey2, opts = {}) => {
  const o = setDefaults(opts);
  const msg = prepMsg(message, o[1], false);
  return _verify(signature, msg, publicKey2, o);
};
var getSharedSecret = (secretKeyA, publicKeyB, isCompressed = true) => {
  return Point.fromBytes(publicKeyB).multiply(secretKeyToScalar(secretKeyA)).toBytes(isCompressed);
};
var randomSecretKey = (seed) => {
  seed = seed === void 0 ? randomBytes(48) : seed;
  abytes(seed);
  if (seed.length < 48 || seed.length > 1024) throw new RangeError("expected 48-1024b");
  const num2 = M(bytesToNumBE(seed), N - 1n);
  return numTo32b(num2 + 1n);
};
var utils = /* @__PURE__ */ freeze({
  isValidSecretKey,
  isValidPublicKey,
  randomSecretKey
});
var precompute = () => {
  const points = [];
  let p = G;
  let b = p;
  for (let w = 0; w < 33; w++) {
    b = p;
    points.push(b);
    for (let i = 1; i < 128; i++) {
      b = b.add(p);
      points.push(b);
    }
    p = b.double();
  }
  return points;
};
var Gpows = void 0;
var ctneg = (cnd, p) => {
  const n = p.negate();
  return cnd ? n : p;
};
var wNAF = (n) => {
  const comp = Gpows || (Gpows = precompute());
  let p = I;
  let f = G;
  for (let w = 0; w < 33; w++) {
    let wbits = Number(n & 255n);
    n >>= 8n;
    if (wbits > 128) {
      wbits -= 256;
      n += 1n;
    }
    const off = w * 128;
    const offP = off + Math.abs(wbits) - 1;
    const isOddW = w % 2 !== 0;
    const isNeg = wbits < 0;
    if (wbits === 0) {
      f = f.add(ctneg(isOddW, comp[off]));
    } else {
      p = p.add(ctneg(isNeg, comp[offP]));
    }
  }
  if (n !== 0n) throw new Error("invalid wnaf");
  return {
    p,
    f
  };
};

// npm:@noble/hashes/2.4.0/utils.js
function isBytes2(a) {
  return a instanceof Uint8Array || ArrayBuffer.isView(a) && a.constructor.name === "Uint8Array" && "BYTES_PER_ELEMENT" in a && a.BYTES_PER_ELEMENT === 1;
}
var atitle = (title) => title ? `"${title}" ` : "";
function anumber(n, title = "") {
  if (typeof n !== "number") throw new TypeError(atitle(title) + "expected number, got " + typeof n);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(atitle(title) + "expected integer >= 0, got " + n);
  return n;
}
function abool(value, title = "") {
  if (typeof value !== "boolean") throw new TypeError(atitle(title) + "expected boolean, got type=" + typeof value);
  return value;
}
function abytes2(value, length, title = "") {
  if (isBytes2(value) && (length === void 0 || value.length === length)) return value;
  if (length !== void 0) anumber(length, "length");
  const bytes = isBytes2(value);
  const ofLen = length !== void 0 ? ` of length ${length}` : "";
  const got = bytes ? `length=${value.length}` : `type=${typeof value}`;
  const message = atitle(title) + "expected Uint8Array" + ofLen + ", got " + got;
  if (!bytes) throw new TypeError(message);
  throw new RangeError(message);
}
function ahash(h) {
  if (typeof h !== "function" || typeof h.create !== "function") throw new TypeError("expected hash wrapped by utils.createHasher");
  anumber(h.outputLen);
  anumber(h.blockLen);
  if (h.outputLen < 1 || h.blockLen < 1) throw new Error("hash blockLen / outputLen must be >= 1");
}
var aobject = (value, label) => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TypeError((label === "object" ? "" : `"${label}" `) + "expected object, got type=" + typeof value);
};
var aopts = (value, label) => {
  aobject(value, label);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`"${label}" expected plain object`);
  if (Object.hasOwn(value, "__proto__")) throw new TypeError(`"${label}.__proto__" is not allowed`);
};
function aexists(instance, checkFinished = true) {
  if (instance.destroyed) throw new Error("hash was destroyed");
  if (checkFinished && instance.finished) throw new Error("digest() was already called");
}
function aoutput(out, instance) {
  abytes2(out, void 0, "output");
  const min = instance.outputLen;
  if (!(out.length >= min)) {
    throw new RangeError('"output" expected length >= ' + min);
  }
}
function u32(arr) {
  return new Uint32Array(arr.buffer, arr.byteOffset, Math.floor(arr.byteLength / 4));
}
function clean(...arrays) {
  for (let i = 0; i < arrays.length; i++) {
    arrays[i].fill(0);
  }
}
function createView(arr) {
  return new DataView(arr.buffer, arr.byteOffset, arr.byteLength);
}
function rotr(word, shift) {
  return word << 32 - shift | word >>> shift;
}
var isLE = /* @__PURE__ */ (() => new Uint8Array(new Uint32Array([
  287454020
]).buffer)[0] === 68)();
function byteSwap(word) {
  return word << 24 & 4278190080 | word << 8 & 16711680 | word >>> 8 & 65280 | word >>> 24 & 255;
}
function byteSwap32(arr) {
  for (let i = 0; i < arr.length; i++) {
    arr[i] = byteSwap(arr[i]);
  }
  return arr;
}
var swap32IfBE = isLE ? (u) => u : byteSwap32;
var hasHexBuiltin = /* @__PURE__ */ (() => (
  // @ts-ignore
  typeof Uint8Array.from([]).toHex === "function" && typeof Uint8Array.fromHex === "function"
))();
var hexes = /* @__PURE__ */ Array.from({
  length: 256
}, (_, i) => i.toString(16).padStart(2, "0"));
function bytesToHex2(bytes) {
  abytes2(bytes);
  if (hasHexBuiltin) return bytes.toHex();
  let hex = "";
  for (let i = 0; i < bytes.length; i++) {
    hex += hexes[bytes[i]];
  }
  return hex;
}
function asciiToBase16(ch) {
  return ch >= 48 && ch <= 57 ? ch - 48 : ch >= 65 && ch <= 70 ? ch - (65 - 10) : ch >= 97 && ch <= 102 ? ch - (97 - 10) : void 0;
}
function hexToBytes2(hex) {
  if (typeof hex !== "string") throw new TypeError("hex string expected, got " + typeof hex);
  if (hasHexBuiltin) {
    try {
      return Uint8Array.fromHex(hex);
    } catch (error) {
      if (error instanceof SyntaxError) throw new RangeError(error.message);
      throw error;
    }
  }
  const hl = hex.length;
  const al = hl / 2;
  if (hl % 2) throw new RangeError("hex string expected, got unpadded hex of length " + hl);
  const array = new Uint8Array(al);
  for (let ai = 0, hi = 0; ai < al; ai++, hi += 2) {
    const n1 = asciiToBase16(hex.charCodeAt(hi));
    const n2 = asciiToBase16(hex.charCodeAt(hi + 1));
    if (n1 === void 0 || n2 === void 0) {
      const char = hex[hi] + hex[hi + 1];
      throw new RangeError('hex string expected, got non-hex character "' + char + '" at index ' + hi);
    }
    array[ai] = n1 * 16 + n2;
  }
  return array;
}
function concatBytes2(...arrays) {
  let sum = 0;
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i];
    abytes2(a);
    sum += a.length;
  }
  const res = new Uint8Array(sum);
  for (let i = 0, pad = 0; i < arrays.length; i++) {
    const a = arrays[i];
    res.set(a, pad);
    pad += a.length;
  }
  return res;
}
function checkOpts(defaults, opts, title = "opts") {
  aopts(defaults, "defaults");
  if (opts !== void 0) aopts(opts, title);
  const merged = Object.assign(/* @__PURE__ */ Object.create(null), defaults, opts);
  return merged;
}
function createHasher(hashCons, info = {}) {
  if (typeof hashCons !== "function") throw new TypeError('"hashCons" expected function, got type=' + typeof hashCons);
  info = checkOpts({}, info, "info");
  const hashC = (msg, opts) => hashCons(opts).update(msg).digest();
  const tmp = hashCons(void 0);
  hashC.outputLen = tmp.outputLen;
  hashC.blockLen = tmp.blockLen;
  hashC.canXOF = tmp.canXOF;
  hashC.create = (opts) => hashCons(opts);
  Object.assign(hashC, info);
  return Object.freeze(hashC);
}
var oidNist = (suffix) => ({
  // Current NIST hashAlgs suffixes used here fit in one DER subidentifier octet.
  // Larger suffix values would need base-128 OID encoding and a different length byte.
  oid: Uint8Array.from([
    6,
    9,
    96,
    134,
    72,
    1,
    101,
    3,
    4,
    2,
    suffix
  ])
});

// npm:@noble/hashes/2.4.0/_u64.js
var U32_MASK64 = /* @__PURE__ */ (() => BigInt(2 ** 32 - 1))();
var _32n = /* @__PURE__ */ BigInt(32);
function fromBig(n, le = false) {
  if (le) return {
    h: Number(n & U32_MASK64),
    l: Number(n >> _32n & U32_MASK64)
  };
  return {
    h: Number(n >> _32n & U32_MASK64) | 0,
    l: Number(n & U32_MASK64) | 0
  };
}
function split(lst, le = false) {
  const len = lst.length;
  let Ah = new Uint32Array(len);
  let Al = new Uint32Array(len);
  for (let i = 0; i < len; i++) {
    const { h, l } = fromBig(lst[i], le);
    [Ah[i], Al[i]] = [
      h,
      l
    ];
  }
  return [
    Ah,
    Al
  ];
}
var fromNumH = (n) => n / 2 ** 32 | 0;
var fromNumL = (n) => n >>> 0;
function setU64FromNum(view, byteOffset, n, isLE2) {
  const h = fromNumH(n);
  const l = fromNumL(n);
  view.setUint32(byteOffset, isLE2 ? l : h, isLE2);
  view.setUint32(byteOffset + 4, isLE2 ? h : l, isLE2);
}

// npm:@noble/hashes/2.4.0/_md.js
function Chi(a, b, c) {
  return a & b ^ ~a & c;
}
function Maj(a, b, c) {
  return a & b ^ a & c ^ b & c;
}
var HashMD = class {
  blockLen;
  outputLen;
  canXOF = false;
  padOffset;
  isLE;
  // For partial updates less than block size
  buffer;
  view;
  finished = false;
  length = 0;
  pos = 0;
  destroyed = false;
  constructor(blockLen, outputLen, padOffset, isLE2) {
    this.blockLen = blockLen;
    this.outputLen = outputLen;
    this.padOffset = padOffset;
    this.isLE = isLE2;
    this.buffer = new Uint8Array(blockLen);
    this.view = createView(this.buffer);
  }
  update(data) {
    aexists(this);
    abytes2(data);
    const { view, buffer, blockLen } = this;
    const len = data.length;
    let processed = false;
    for (let pos = 0; pos < len; ) {
      const take = Math.min(blockLen - this.pos, len - pos);
      if (take === blockLen) {
        const dataView = createView(data);
        for (; blockLen <= len - pos; pos += blockLen) this.process(dataView, pos);
        processed = true;
        continue;
      }
      buffer.set(pos === 0 && take === len ? data : data.subarray(pos, pos + take), this.pos);
      this.pos += take;
      pos += take;
      if (this.pos === blockLen) {
        this.process(view, 0);
        this.pos = 0;
        processed = true;
      }
    }
    this.length += data.length;
    if (processed) this.roundClean();
    return this;
  }
  digestInto(out) {
    aexists(this);
    aoutput(out, this);
    this.finished = true;
    const { buffer, view, blockLen, isLE: isLE2 } = this;
    let { pos } = this;
    buffer[pos++] = 128;
    buffer.fill(0, pos);
    if (this.padOffset > blockLen - pos) {
      this.process(view, 0);
      buffer.fill(0);
    }
    setU64FromNum(view, blockLen - 8, this.length * 8, isLE2);
    this.process(view, 0);
    this.roundClean();
    const oview = out === buffer ? view : createView(out);
    const len = this.outputLen;
    const outLen = len / 4;
    const state = this.get();
    if (len % 4 || outLen > state.length) throw new Error("invalid outputLen");
    for (let i = 0; i < outLen; i++) oview.setUint32(4 * i, state[i], isLE2);
  }
  digest() {
    const { buffer, outputLen } = this;
    this.digestInto(buffer);
    const res = buffer.slice(0, outputLen);
    this.destroy();
    return res;
  }
  _cloneIntoMeta(to) {
    const { buffer, length, finished, destroyed, pos } = this;
    to.destroyed = destroyed;
    to.finished = finished;
    to.length = length;
    to.pos = pos;
    if (pos) to.buffer.set(buffer);
    return to;
  }
  clone() {
    return this._cloneInto();
  }
};
var SHA256_IV = /* @__PURE__ */ Uint32Array.from([
  1779033703,
  3144134277,
  1013904242,
  2773480762,
  1359893119,
  2600822924,
  528734635,
  1541459225
]);

// npm:@noble/hashes/2.4.0/sha2.js
var SHA256_K = /* @__PURE__ */ Uint32Array.from([
  1116352408,
  1899447441,
  3049323471,
  3921009573,
  961987163,
  1508970993,
  2453635748,
  2870763221,
  3624381080,
  310598401,
  607225278,
  1426881987,
  1925078388,
  2162078206,
  2614888103,
  3248222580,
  3835390401,
  4022224774,
  264347078,
  604807628,
  770255983,
  1249150122,
  1555081692,
  1996064986,
  2554220882,
  2821834349,
  2952996808,
  3210313671,
  3336571891,
  3584528711,
  113926993,
  338241895,
  666307205,
  773529912,
  1294757372,
  1396182291,
  1695183700,
  1986661051,
  2177026350,
  2456956037,
  2730485921,
  2820302411,
  3259730800,
  3345764771,
  3516065817,
  3600352804,
  4094571909,
  275423344,
  430227734,
  506948616,
  659060556,
  883997877,
  958139571,
  1322822218,
  1537002063,
  1747873779,
  1955562222,
  2024104815,
  2227730452,
  2361852424,
  2428436474,
  2756734187,
  3204031479,
  3329325298
]);
var SHA256_W = /* @__PURE__ */ new Uint32Array(64);
var SHA2_32B = class extends HashMD {
  // We cannot use array here since array allows indexing by variable
  // which means optimizer/compiler cannot use registers.
  // Numeric initializers matter: starting the fields as `undefined` changes
  // V8's field representation and makes sha256 3x slower (measured).
  A = 0;
  B = 0;
  C = 0;
  D = 0;
  E = 0;
  F = 0;
  G = 0;
  H = 0;
  constructor(outputLen, IV) {
    super(64, outputLen, 8, false);
    this.A = IV[0] | 0;
    this.B = IV[1] | 0;
    this.C = IV[2] | 0;
    this.D = IV[3] | 0;
    this.E = IV[4] | 0;
    this.F = IV[5] | 0;
    this.G = IV[6] | 0;
    this.H = IV[7] | 0;
  }
  get() {
    const { A, B: B2, C, D, E, F, G: G2, H } = this;
    return [
      A,
      B2,
      C,
      D,
      E,
      F,
      G2,
      H
    ];
  }
  // prettier-ignore
  set(A, B2, C, D, E, F, G2, H) {
    this.A = A | 0;
    this.B = B2 | 0;
    this.C = C | 0;
    this.D = D | 0;
    this.E = E | 0;
    this.F = F | 0;
    this.G = G2 | 0;
    this.H = H | 0;
  }
  _cloneInto(to) {
    (to ||= new this.constructor()).set(...this.get());
    return this._cloneIntoMeta(to);
  }
  process(view, offset) {
    for (let i = 0; i < 16; i++, offset += 4) SHA256_W[i] = view.getUint32(offset, false);
    for (let i = 16; i < 64; i++) {
      const W15 = SHA256_W[i - 15];
      const W2 = SHA256_W[i - 2];
      const s0 = rotr(W15, 7) ^ rotr(W15, 18) ^ W15 >>> 3;
      const s1 = rotr(W2, 17) ^ rotr(W2, 19) ^ W2 >>> 10;
      SHA256_W[i] = s1 + SHA256_W[i - 7] + s0 + SHA256_W[i - 16] | 0;
    }
    let { A, B: B2, C, D, E, F, G: G2, H } = this;
    for (let i = 0; i < 64; i++) {
      const sigma1 = rotr(E, 6) ^ rotr(E, 11) ^ rotr(E, 25);
      const T1 = H + sigma1 + Chi(E, F, G2) + SHA256_K[i] + SHA256_W[i] | 0;
      const sigma0 = rotr(A, 2) ^ rotr(A, 13) ^ rotr(A, 22);
      const T2 = sigma0 + Maj(A, B2, C) | 0;
      H = G2;
      G2 = F;
      F = E;
      E = D + T1 | 0;
      D = C;
      C = B2;
      B2 = A;
      A = T1 + T2 | 0;
    }
    A = A + this.A | 0;
    B2 = B2 + this.B | 0;
    C = C + this.C | 0;
    D = D + this.D | 0;
    E = E + this.E | 0;
    F = F + this.F | 0;
    G2 = G2 + this.G | 0;
    H = H + this.H | 0;
    this.set(A, B2, C, D, E, F, G2, H);
  }
  roundClean() {
    clean(SHA256_W);
  }
  destroy() {
    this.destroyed = true;
    this.set(0, 0, 0, 0, 0, 0, 0, 0);
    clean(this.buffer);
  }
};
var _SHA256 = class extends SHA2_32B {
  constructor() {
    super(32, SHA256_IV);
  }
};
var sha256 = /* @__PURE__ */ createHasher(() => new _SHA256(), /* @__PURE__ */ oidNist(1));

// npm:@noble/hashes/2.4.0/sha3.js
var _0n = BigInt(0);
var _1n = BigInt(1);
var _2n = BigInt(2);
var _7n = BigInt(7);
var _256n = BigInt(256);
var _0x71n = BigInt(113);
var SHA3_PI = [];
var SHA3_ROTL = [];
var _SHA3_IOTA = [];
for (let round = 0, R = _1n, x = 1, y = 0; round < 24; round++) {
  [x, y] = [
    y,
    (2 * x + 3 * y) % 5
  ];
  SHA3_PI.push(2 * (5 * y + x));
  SHA3_ROTL.push((round + 1) * (round + 2) / 2 % 64);
  let t = _0n;
  for (let j = 0; j < 7; j++) {
    R = (R << _1n ^ (R >> _7n) * _0x71n) % _256n;
    if (R & _2n) t ^= _1n << (_1n << BigInt(j)) - _1n;
  }
  _SHA3_IOTA.push(t);
}
var IOTAS = split(_SHA3_IOTA, true);
var SHA3_IOTA_H = IOTAS[0];
var SHA3_IOTA_L = IOTAS[1];
var rotlSH = (h, l, s) => h << s | l >>> 32 - s;
var rotlSL = (h, l, s) => l << s | h >>> 32 - s;
var rotlBH = (h, l, s) => l << s - 32 | h >>> 64 - s;
var rotlBL = (h, l, s) => h << s - 32 | l >>> 64 - s;
var rotlH = (h, l, s) => s > 32 ? rotlBH(h, l, s) : rotlSH(h, l, s);
var rotlL = (h, l, s) => s > 32 ? rotlBL(h, l, s) : rotlSL(h, l, s);
var B = new Uint32Array(5 * 2);
function keccakP(s, rounds = 24) {
  if (!(s instanceof Uint32Array)) throw new TypeError('"s" expected Uint32Array(50), got type=' + typeof s);
  if (s.length !== 50) throw new RangeError('"s" expected Uint32Array(50), got length=' + s.length);
  anumber(rounds, "rounds");
  if (rounds < 1 || rounds > 24) throw new Error('"rounds" expected integer 1..24');
  for (let round = 24 - rounds; round < 24; round++) {
    for (let x = 0; x < 10; x++) B[x] = s[x] ^ s[x + 10] ^ s[x + 20] ^ s[x + 30] ^ s[x + 40];
    for (let x = 0; x < 10; x += 2) {
      const idx1 = (x + 8) % 10;
      const idx0 = (x + 2) % 10;
      const B0 = B[idx0];
      const B1 = B[idx0 + 1];
      const Th = rotlH(B0, B1, 1) ^ B[idx1];
      const Tl = rotlL(B0, B1, 1) ^ B[idx1 + 1];
      for (let y = 0; y < 50; y += 10) {
        s[x + y] ^= Th;
        s[x + y + 1] ^= Tl;
      }
    }
    let curH = s[2];
    let curL = s[3];
    for (let t = 0; t < 24; t++) {
      const shift = SHA3_ROTL[t];
      const Th = rotlH(curH, curL, shift);
      const Tl = rotlL(curH, curL, shift);
      const PI = SHA3_PI[t];
      curH = s[PI];
      curL = s[PI + 1];
      s[PI] = Th;
      s[PI + 1] = Tl;
    }
    for (let y = 0; y < 50; y += 10) {
      const b0 = s[y], b1 = s[y + 1], b2 = s[y + 2], b3 = s[y + 3];
      s[y] ^= ~s[y + 2] & s[y + 4];
      s[y + 1] ^= ~s[y + 3] & s[y + 5];
      s[y + 2] ^= ~s[y + 4] & s[y + 6];
      s[y + 3] ^= ~s[y + 5] & s[y + 7];
      s[y + 4] ^= ~s[y + 6] & s[y + 8];
      s[y + 5] ^= ~s[y + 7] & s[y + 9];
      s[y + 6] ^= ~s[y + 8] & b0;
      s[y + 7] ^= ~s[y + 9] & b1;
      s[y + 8] ^= ~b0 & b2;
      s[y + 9] ^= ~b1 & b3;
    }
    s[0] ^= SHA3_IOTA_H[round];
    s[1] ^= SHA3_IOTA_L[round];
  }
  clean(B);
}
var Keccak = class _Keccak {
  state;
  pos = 0;
  posOut = 0;
  finished = false;
  state32;
  destroyed = false;
  blockLen;
  suffix;
  outputLen;
  canXOF;
  enableXOF = false;
  rounds;
  // NOTE: we accept arguments in bytes instead of bits here.
  constructor(blockLen, suffix, outputLen, enableXOF = false, rounds = 24) {
    anumber(blockLen, "blockLen");
    anumber(suffix, "suffix");
    anumber(rounds, "rounds");
    abool(enableXOF, "enableXOF");
    this.blockLen = blockLen;
    this.suffix = suffix;
    this.outputLen = outputLen;
    this.enableXOF = enableXOF;
    this.canXOF = enableXOF;
    this.rounds = rounds;
    anumber(outputLen, "outputLen");
    if (!(0 < blockLen && blockLen < 200)) throw new Error('"blockLen" must be 1..199');
    this.state = new Uint8Array(200);
    this.state32 = u32(this.state);
  }
  clone() {
    return this._cloneInto();
  }
  keccak() {
    swap32IfBE(this.state32);
    keccakP(this.state32, this.rounds);
    swap32IfBE(this.state32);
    this.posOut = 0;
    this.pos = 0;
  }
  update(data) {
    aexists(this);
    abytes2(data);
    const { blockLen, state, state32 } = this;
    const len = data.length;
    const canUseU32 = blockLen % 4 === 0 && data.byteOffset % 4 === 0;
    const blockLen32 = blockLen / 4;
    const data32 = canUseU32 && len >= blockLen ? u32(data) : void 0;
    for (let pos = 0; pos < len; ) {
      if (data32 !== void 0 && this.pos === 0 && pos % 4 === 0 && len - pos >= blockLen) {
        for (let i = 0, o = pos / 4; i < blockLen32; i++) state32[i] ^= data32[o + i];
        pos += blockLen;
        this.pos = blockLen;
        this.keccak();
        continue;
      }
      const take = Math.min(blockLen - this.pos, len - pos);
      for (let i = 0; i < take; i++) state[this.pos++] ^= data[pos++];
      if (this.pos === blockLen) this.keccak();
    }
    return this;
  }
  finish() {
    if (this.finished) return;
    this.finished = true;
    const { state, suffix, pos, blockLen } = this;
    state[pos] ^= suffix;
    if ((suffix & 128) !== 0 && pos === blockLen - 1) this.keccak();
    state[blockLen - 1] ^= 128;
    this.keccak();
  }
  writeInto(out) {
    aexists(this, false);
    abytes2(out);
    this.finish();
    const bufferOut = this.state;
    const { blockLen } = this;
    for (let pos = 0, len = out.length; pos < len; ) {
      if (this.posOut >= blockLen) this.keccak();
      const take = Math.min(blockLen - this.posOut, len - pos);
      out.set(bufferOut.subarray(this.posOut, this.posOut + take), pos);
      this.posOut += take;
      pos += take;
    }
    return out;
  }
  xofInto(out) {
    if (!this.enableXOF) throw new Error("XOF is not enabled");
    return this.writeInto(out);
  }
  xof(bytes) {
    anumber(bytes);
    return this.xofInto(new Uint8Array(bytes));
  }
  digestInto(out) {
    aoutput(out, this);
    if (this.finished) throw new Error("digest() was already called");
    this.writeInto(out.length === this.outputLen ? out : out.subarray(0, this.outputLen));
    this.destroy();
  }
  digest() {
    const out = new Uint8Array(this.outputLen);
    this.digestInto(out);
    return out;
  }
  destroy() {
    this.destroyed = true;
    clean(this.state);
  }
  _cloneInto(to) {
    const { blockLen, suffix, outputLen, rounds, enableXOF } = this;
    to ||= new _Keccak(blockLen, suffix, outputLen, enableXOF, rounds);
    to.blockLen = blockLen;
    to.state32.set(this.state32);
    to.pos = this.pos;
    to.posOut = this.posOut;
    to.finished = this.finished;
    to.rounds = rounds;
    to.suffix = suffix;
    to.outputLen = outputLen;
    to.enableXOF = enableXOF;
    to.canXOF = this.canXOF;
    to.destroyed = this.destroyed;
    return to;
  }
};
var genKeccak = (suffix, blockLen, outputLen, info = {}) => createHasher(() => new Keccak(blockLen, suffix, outputLen), info);
var keccak_256 = /* @__PURE__ */ genKeccak(1, 136, 32);

// npm:@noble/hashes/2.4.0/hmac.js
var _HMAC = class {
  oHash;
  iHash;
  blockLen;
  outputLen;
  canXOF = false;
  finished = false;
  destroyed = false;
  constructor(hash, key) {
    ahash(hash);
    abytes2(key, void 0, "key");
    this.iHash = hash.create();
    if (typeof this.iHash.update !== "function") throw new Error("expected Hash instance");
    this.blockLen = this.iHash.blockLen;
    this.outputLen = this.iHash.outputLen;
    const blockLen = this.blockLen;
    const pad = new Uint8Array(blockLen);
    pad.set(key.length > blockLen ? hash.create().update(key).digest() : key);
    for (let i = 0; i < pad.length; i++) pad[i] ^= 54;
    this.iHash.update(pad);
    this.oHash = hash.create();
    for (let i = 0; i < pad.length; i++) pad[i] ^= 54 ^ 92;
    this.oHash.update(pad);
    clean(pad);
  }
  update(buf) {
    aexists(this);
    this.iHash.update(buf);
    return this;
  }
  digestInto(out) {
    aexists(this);
    aoutput(out, this);
    this.finished = true;
    const buf = out.subarray(0, this.outputLen);
    this.iHash.digestInto(buf);
    this.oHash.update(buf);
    this.oHash.digestInto(buf);
    this.destroy();
  }
  digest() {
    const out = new Uint8Array(this.oHash.outputLen);
    this.digestInto(out);
    return out;
  }
  _cloneInto(to) {
    to ||= Object.create(Object.getPrototypeOf(this), {});
    const { oHash, iHash, finished, destroyed, blockLen, outputLen, canXOF } = this;
    to = to;
    to.finished = finished;
    to.destroyed = destroyed;
    to.blockLen = blockLen;
    to.outputLen = outputLen;
    to.canXOF = canXOF;
    to.oHash = oHash._cloneInto(to.oHash);
    to.iHash = iHash._cloneInto(to.iHash);
    return to;
  }
  clone() {
    return this._cloneInto();
  }
  destroy() {
    this.destroyed = true;
    this.oHash.destroy();
    this.iHash.destroy();
  }
};
var hmac = /* @__PURE__ */ (() => {
  const hmac_ = (hash, key, message) => new _HMAC(hash, key).update(message).digest();
  hmac_.create = (hash, key) => new _HMAC(hash, key);
  return hmac_;
})();

// protocol/hex_patterns.ts
var HEX_32_BYTES = /^[0-9a-f]{64}$/;
var LOWERCASE_HEX = /^[0-9a-f]+$/;
var COMPRESSED_KEY = /^0[23][0-9a-f]{64}$/;
var ETHEREUM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
var COMPACT_SIGNATURE = /^[0-9a-f]{128}$/;
var WHOLE_BYTES = /^(?:[0-9a-f]{2})+$/;

// protocol/siwe_message.ts
var SIWE_NONCE = /^[A-Za-z0-9]{8,}$/;
var ONE_LINE = /^[\x20-\x7e]+$/;
function checksumAddress(address) {
  if (!ETHEREUM_ADDRESS.test(address)) {
    throw new TypeError("an Ethereum address is 0x and 40 hex characters");
  }
  const lower = address.slice(2).toLowerCase();
  const hash = bytesToHex2(keccak_256(new TextEncoder().encode(lower)));
  let out = "0x";
  for (let i = 0; i < lower.length; i++) {
    out += parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i];
  }
  return out;
}
function isoTime(ms) {
  return new Date(ms).toISOString();
}
function siweMessage(fields) {
  const lines = [
    fields.domain,
    fields.statement,
    fields.uri,
    ...fields.resources
  ];
  if (!lines.every((line) => ONE_LINE.test(line))) {
    throw new TypeError("SIWE fields are single lines of printable ASCII");
  }
  if (!SIWE_NONCE.test(fields.nonce)) throw new TypeError("a SIWE nonce is 8+ letters or digits");
  if (!Number.isSafeInteger(fields.chainId) || fields.chainId < 1) {
    throw new TypeError("a chain id is a positive whole number");
  }
  const out = [
    `${fields.domain} wants you to sign in with your Ethereum account:`,
    checksumAddress(fields.address),
    "",
    fields.statement,
    "",
    `URI: ${fields.uri}`,
    "Version: 1",
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${isoTime(fields.issuedAt)}`,
    `Expiration Time: ${isoTime(fields.expirationTime)}`
  ];
  if (fields.resources.length > 0) {
    out.push("Resources:", ...fields.resources.map((resource) => `- ${resource}`));
  }
  return out.join("\n");
}

// protocol/wallet_texts.ts
var SIGN_IN_STATEMENT = "Sign in to export data as this account, on one connection only: the one whose session keys and encryption setting are in the resource below.";
var DELEGATION_STATEMENT = "Let the delegate key in the resource below sign in to this site as this account until the expiration time, without asking this wallet again.";
function domainOf(origin) {
  const at = origin.indexOf("//");
  return at < 0 ? origin : origin.slice(at + 2);
}
function sessionResource(clientSessionKey, serverSessionKey, encryption) {
  const sealed2 = encryption ? "on" : "off";
  return `urn:sluice:session:${clientSessionKey}:${serverSessionKey}:encryption-${sealed2}`;
}
function walletSignInText(facts) {
  const { identity: identity2 } = facts;
  if (identity2.kind !== "ethereum") throw new TypeError("only an Ethereum account signs SIWE");
  return siweMessage({
    domain: domainOf(facts.origin),
    address: identity2.address,
    statement: SIGN_IN_STATEMENT,
    uri: facts.origin,
    chainId: facts.chainId,
    nonce: facts.nonce,
    issuedAt: facts.issuedAt,
    expirationTime: facts.expiresAt,
    resources: [
      sessionResource(facts.clientSessionKey, facts.serverSessionKey, facts.encryption)
    ]
  });
}
function delegationText(facts) {
  return siweMessage({
    domain: domainOf(facts.origin),
    address: facts.address,
    statement: DELEGATION_STATEMENT,
    uri: facts.origin,
    chainId: facts.chainId,
    // A fresh key per delegation: as unique as a random nonce, and the server has no other.
    nonce: facts.delegateKey,
    issuedAt: facts.issuedAt,
    expirationTime: facts.expiresAt,
    resources: [
      `urn:sluice:delegate:${facts.delegateKey}`
    ]
  });
}

// protocol/auth.ts
hashes.sha256 ??= sha256;
hashes.hmacSha256 ??= (key, message) => hmac(sha256, key, message);
var encoder = new TextEncoder();
function identityLabel(identity2) {
  switch (identity2.kind) {
    case "secp256k1":
      return identity2.publicKey;
    case "ethereum":
      return identity2.address.toLowerCase();
    case "token":
      return "subject" in identity2 ? `token:${identity2.subject}` : "token";
  }
}
function factLines(facts) {
  return [
    `Origin: ${facts.origin}`,
    `Identity: ${identityLabel(facts.identity)}`,
    `Nonce: ${facts.nonce}`,
    `Client session key: ${facts.clientSessionKey}`,
    `Server session key: ${facts.serverSessionKey}`,
    `Expires: ${new Date(facts.expiresAt).toISOString()}`,
    `Encryption: ${facts.encryption ? "on" : "off"}`
  ].join("\n");
}
function challengeText(facts) {
  if (facts.identity.kind === "ethereum") return walletSignInText(facts);
  return `sluice sign-in v1
${factLines(facts)}`;
}
function serverProofText(facts) {
  return `sluice server v1
${factLines(facts)}`;
}
function signText(secretKey, text) {
  const digest = sha256(encoder.encode(text));
  return bytesToHex2(sign(digest, secretKey, {
    prehash: false
  }));
}
function verifyText(publicKeyHex, text, signatureHex) {
  if (!COMPRESSED_KEY.test(publicKeyHex) || !COMPACT_SIGNATURE.test(signatureHex)) {
    return false;
  }
  try {
    const digest = sha256(encoder.encode(text));
    return verify(hexToBytes2(signatureHex), digest, hexToBytes2(publicKeyHex), {
      prehash: false,
      // Both halves of s: the signer's tool decides, and a nonce is single-use anyway.
      lowS: false
    });
  } catch (_notAPointOrScalar) {
    return false;
  }
}

// protocol/error_table.ts
var badMessage = (message) => ({
  message,
  recoverable: false,
  scope: "message",
  fault: "sender"
});
var request = (message) => ({
  message,
  recoverable: false,
  scope: "download",
  fault: "sender"
});
var signIn = (message, recoverable = false) => ({
  message,
  recoverable,
  scope: "connection",
  fault: "sender"
});
var command = (message) => ({
  message,
  recoverable: false,
  scope: "message",
  fault: "sender"
});
var sealed = (message) => ({
  message,
  recoverable: true,
  scope: "connection",
  fault: "sender"
});
var frame = (message) => ({
  message,
  recoverable: true,
  scope: "connection",
  fault: "sender"
});
var ERROR_TABLE = {
  MALFORMED_JSON: badMessage("The message is not valid UTF-8 JSON."),
  MESSAGE_TOO_LARGE: badMessage("The message exceeds the size limit."),
  TOO_MANY_MESSAGES: {
    message: "The connection sent messages faster than the server handles them.",
    recoverable: true,
    scope: "connection",
    fault: "sender"
  },
  NESTING_TOO_DEEP: badMessage("The message nests objects or arrays too deeply."),
  FORBIDDEN_KEY: badMessage("The message contains a forbidden key such as `__proto__`."),
  UNKNOWN_EVENT: badMessage("The event name is not part of the protocol."),
  UNEXPECTED_EVENT: badMessage("This side of the connection may not send that event."),
  MISSING_FIELD: badMessage("A required field is missing."),
  UNKNOWN_FIELD: badMessage("The message contains a field the protocol does not define."),
  INVALID_TYPE: badMessage("A field has the wrong type."),
  INVALID_VALUE: badMessage("A field's value is outside what the protocol allows."),
  NON_FINITE_NUMBER: badMessage("A number is not finite."),
  STRING_TOO_LONG: badMessage("A string exceeds its length limit."),
  ARRAY_TOO_LONG: badMessage("An array exceeds its length limit."),
  INVALID_DATE: badMessage("A date is not an ISO 8601 UTC timestamp or does not exist."),
  INVALID_RANGE: request("The time range is empty, inverted or out of bounds."),
  UNSUPPORTED_FORMAT: request("The output format is not csv, json or ndjson."),
  UNKNOWN_DATASET: request("The request names a dataset the server does not have."),
  UNKNOWN_COLUMN: request("A filter or the column list names a column the data source does not have."),
  INVALID_OPERATOR: request("The filter operator does not apply to that column."),
  INVALID_FILTER_VALUE: request("A filter value does not fit its column or operator."),
  TOO_MANY_FILTERS: request("The request has more filters than allowed."),
  UNKNOWN_REQUEST: badMessage("No download with that requestId exists on this connection."),
  DUPLICATE_REQUEST: badMessage("A download with that requestId is already active."),
  TOO_MANY_DOWNLOADS: {
    message: "Too many concurrent downloads on this connection.",
    recoverable: true,
    retryAfter: 1e3,
    scope: "download",
    fault: "sender"
  },
  CANCELLED: {
    message: "The download was cancelled.",
    recoverable: false,
    scope: "download",
    fault: "none"
  },
  ILLEGAL_TRANSITION: {
    message: "The event is not allowed in the current state.",
    recoverable: true,
    scope: "connection",
    fault: "sender"
  },
  SEQUENCE_GAP: {
    message: "A data frame does not continue where the previous one ended.",
    recoverable: true,
    scope: "connection",
    fault: "sender"
  },
  INTEGRITY_MISMATCH: {
    message: "The received rows, bytes or digest differ from what the server sent.",
    recoverable: false,
    scope: "download",
    fault: "sender"
  },
  // Recoverable: the frame was never delivered and the resume point stays before it, so
  // resuming (say, on a connection that does not alter bytes) can finish the download.
  DIGEST_MISMATCH: {
    message: "A data frame's payload does not match its digest; it was discarded.",
    recoverable: true,
    scope: "download",
    fault: "sender"
  },
  RESUME_MISMATCH: {
    message: "The server cannot resume this download as it was started.",
    recoverable: false,
    scope: "download",
    fault: "none"
  },
  INTERNAL_ERROR: {
    message: "The server failed while serving the request.",
    recoverable: true,
    retryAfter: 1e3,
    scope: "download",
    fault: "server"
  },
  // The server's database, not the server: gone or too slow now, so resuming later can finish.
  SOURCE_UNAVAILABLE: {
    message: "The server's database is unavailable or too slow just now; resume later.",
    recoverable: true,
    retryAfter: 5e3,
    scope: "download",
    fault: "server"
  },
  // The database refuses this download's query every time (a changed table, a value it cannot
  // read): a resume would meet the same refusal, until the operator fixes the table.
  SOURCE_FAILED: {
    message: "The server's database refused to read this download's rows.",
    recoverable: false,
    scope: "download",
    fault: "server"
  },
  // A value stored in the table that its column's type cannot carry: every resume reaches the
  // same row, until the operator fixes the value (details name the column and the row's key).
  UNEXPORTABLE_VALUE: {
    message: "A value stored in the server's table does not fit its column's type.",
    recoverable: false,
    scope: "download",
    fault: "server"
  },
  SERVER_SHUTTING_DOWN: {
    message: "The server is shutting down; resume on another connection.",
    recoverable: true,
    retryAfter: 1e3,
    scope: "connection",
    fault: "none"
  },
  FRAME_TRUNCATED: frame("The data frame is shorter than its header says."),
  FRAME_TOO_LARGE: frame("The data frame exceeds the size limit."),
  FRAME_VERSION: frame("The data frame has an unsupported version."),
  FRAME_TYPE: frame("The data frame has an unknown type."),
  FRAME_FLAGS: frame("The data frame sets reserved flags."),
  FRAME_FIELD: frame("A data frame field is out of range or badly encoded."),
  FRAME_TRAILING_BYTES: frame("The data frame has bytes after its payload."),
  IDLE_TIMEOUT: {
    message: "The connection sent nothing for longer than the server's idle timeout.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  SEND_QUEUE_FULL: {
    message: "The connection left more unread than the server holds for one connection.",
    recoverable: true,
    scope: "connection",
    fault: "sender"
  },
  READER_STALLED: {
    message: "The connection read nothing of what the server sent for longer than it waits.",
    recoverable: true,
    scope: "connection",
    fault: "sender"
  },
  HANDSHAKE_TIMEOUT: {
    message: "The server did not complete the connection in time.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  SIGNING_TIMEOUT: {
    message: "The signer (a wallet waiting for its user) did not sign in time: the challenge expired.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  HEARTBEAT_TIMEOUT: {
    message: "The server stopped answering heartbeats.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  CONNECTION_LOST: {
    message: "The connection closed unexpectedly.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  CONNECTION_FAILED: {
    message: "Could not reconnect after the configured number of attempts.",
    recoverable: false,
    scope: "connection",
    fault: "client"
  },
  CONNECTION_CLOSED: {
    message: "The connection was closed by the client.",
    recoverable: false,
    scope: "connection",
    fault: "none"
  },
  AUTH_REQUIRED: command("Sign in first: this server does not serve anonymous clients."),
  SIGN_IN_TIMEOUT: {
    message: "The connection did not sign in in time; connect and sign in again.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  AUTH_IN_PROGRESS: command("This connection already asked for its one challenge."),
  AUTH_IDENTITY_MISMATCH: signIn("The identity differs from the one the nonce was issued to."),
  AUTH_NONCE_UNKNOWN: signIn("The nonce is not the one this connection was given."),
  AUTH_NONCE_EXPIRED: signIn("The nonce expired; ask for a new one.", true),
  AUTH_NONCE_USED: signIn("The nonce was already used."),
  AUTH_BAD_SIGNATURE: signIn("The signature is not the identity's over this server's challenge text."),
  AUTH_DELEGATION_EXPIRED: signIn("The delegation has expired; the account must sign a new one.", true),
  AUTH_DELEGATION_TOO_LONG: signIn("The delegation ends later than this server allows; a new one must end sooner.", true),
  AUTH_UNKNOWN_IDENTITY: signIn("The key or address is not allowed to sign in here."),
  SIGN_IN_RATE_LIMITED: {
    message: "Too many failed sign-ins from this address or for this identity; wait and retry.",
    recoverable: true,
    retryAfter: 1e3,
    scope: "connection",
    fault: "sender"
  },
  AUTH_CONTRACT_WALLET_UNSUPPORTED: signIn("The signature is a contract wallet's (EIP-1271); this server takes only account keys' signatures."),
  AUTH_TOKEN_UNSUPPORTED: signIn("This server does not take tokens; sign in with a key."),
  AUTH_TOKEN_SEAL: signIn("The sealed token does not open with this connection's keys and challenge."),
  AUTH_TOKEN_MALFORMED: signIn("The token is not one this server can read."),
  AUTH_TOKEN_ALGORITHM: signIn("The token's algorithm is not one this server's keys allow."),
  AUTH_TOKEN_SIGNATURE: signIn("The token's signature does not verify with this server's keys."),
  AUTH_TOKEN_EXPIRED: signIn("The token has expired; sign in with a fresh one."),
  AUTH_TOKEN_NOT_YET_VALID: signIn("The token is not valid yet (its nbf is ahead)."),
  AUTH_TOKEN_ISSUER: signIn("The token was issued by someone this server does not trust."),
  AUTH_TOKEN_AUDIENCE: signIn("The token is meant for another audience than this server."),
  AUTH_TOKEN_REFUSED: signIn("The server's token check refused this token."),
  AUTH_TOKEN_KEYS_DOWN: {
    message: "The server could not fetch the keys to check the token; try again later.",
    recoverable: true,
    retryAfter: 5e3,
    scope: "connection",
    fault: "server"
  },
  ORIGIN_MISMATCH: {
    message: "The server names another origin than the one the client dialled.",
    recoverable: false,
    scope: "connection",
    fault: "server"
  },
  SERVER_KEY_MISMATCH: {
    message: "The server could not prove it holds the identity key the client expects.",
    recoverable: false,
    scope: "connection",
    fault: "server"
  },
  FORBIDDEN: request("The server does not allow this identity that download."),
  ROW_FILTER_CLAIM_MISSING: request("The dataset shows each identity its own rows, and this identity has no usable value for its rule."),
  RATE_LIMITED: {
    message: "Too many requests from this identity; wait and retry.",
    recoverable: true,
    retryAfter: 1e3,
    scope: "download",
    fault: "sender"
  },
  ROW_LIMIT_EXCEEDED: request("The download has more rows than this identity may take at once."),
  COMMAND_UNSIGNED: command("A command of a signed-in session lacks its `auth`."),
  TOKEN_INVALID: command("The command's token is not this session's."),
  COMMAND_SIGNATURE_INVALID: command("The command's signature does not match its content."),
  COMMAND_STALE: command("The command's timestamp is outside the accepted window."),
  COMMAND_REPLAYED: command("The command's timestamp is not after the previous command's."),
  SESSION_EXPIRED: {
    message: "The signed-in session expired; connect and sign in again.",
    recoverable: true,
    scope: "connection",
    fault: "none"
  },
  UNSEALED_MESSAGE: sealed("A message of an encrypted session arrived unencrypted."),
  REPLAYED_FRAME: sealed("A sealed frame repeats a counter already received."),
  REORDERED_FRAME: sealed("A sealed frame skips ahead of the next expected counter."),
  DECRYPTION_FAILED: sealed("A sealed frame failed its authentication tag.")
};
var ERROR_CODES = Object.keys(ERROR_TABLE);

// protocol/errors.ts
function errorResponse(code, details, overrides = {}) {
  const info = ERROR_TABLE[code];
  const retryAfter = overrides.retryAfter ?? info.retryAfter;
  return {
    code,
    message: overrides.message ?? info.message,
    ...details === void 0 ? {} : {
      details
    },
    recoverable: info.recoverable,
    ...retryAfter === void 0 ? {} : {
      retryAfter
    }
  };
}
function isErrorCode(value) {
  return Object.hasOwn(ERROR_TABLE, value);
}

// protocol/canonical_json.ts
function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value;
    const keys = Object.keys(record).filter((k) => record[k] !== void 0).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

// protocol/session_crypto.ts
var HKDF_INFO = {
  clientToServer: "sluice v1 client-to-server",
  serverToClient: "sluice v1 server-to-client",
  commands: "sluice v1 commands"
};
function sharedSecret(secretKey, peerPublicKeyHex) {
  if (!COMPRESSED_KEY.test(peerPublicKeyHex)) return void 0;
  try {
    return getSharedSecret(secretKey, hexToBytes2(peerPublicKeyHex)).subarray(1);
  } catch (_notOnCurve) {
    return void 0;
  }
}
function commandSigningInput(command2) {
  return canonicalJson({
    event: command2.event,
    data: command2.data,
    timestamp: command2.timestamp,
    requestId: command2.requestId,
    auth: {
      token: command2.auth.token,
      timestamp: command2.auth.timestamp
    }
  });
}

// protocol/sign_in.ts
function sameText(a, b) {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  }
  return diff === 0;
}

// transport/command_signer.ts
var encoder2 = new TextEncoder();
var CommandSigner = class _CommandSigner {
  #secret;
  constructor(secret) {
    this.#secret = secret;
  }
  /** A signer for the 32-byte command secret of a session. */
  static create(secret) {
    if (secret.length !== 32) {
      return Promise.reject(new RangeError(`a command secret is 32 bytes, got ${secret.length}`));
    }
    return Promise.resolve(new _CommandSigner(secret.slice()));
  }
  /** The signature of a command: 64 lowercase hex characters. */
  sign(command2) {
    return Promise.resolve().then(() => this.#mac(command2));
  }
  /** Whether `signatureHex` is this session's signature of the command. */
  verify(command2, signatureHex) {
    return Promise.resolve().then(() => HEX_32_BYTES.test(signatureHex) && sameText(this.#mac(command2), signatureHex));
  }
  #mac(command2) {
    return bytesToHex2(hmac(sha256, this.#secret, encoder2.encode(commandSigningInput(command2))));
  }
};

// protocol/utf8_length.ts
function utf8Length(text, limit = Infinity) {
  if (limit !== Infinity) {
    if (text.length > limit || text.length * 3 <= limit) return text.length;
  }
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 128) bytes += 1;
    else if (unit < 2048) bytes += 2;
    else if (unit >= 55296 && unit <= 56319 && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
function isLowSurrogate(unit) {
  return unit >= 56320 && unit <= 57343;
}

// protocol/request_payloads.ts
var OUTPUT_FORMATS = [
  "csv",
  "json",
  "ndjson"
];
var FILTER_OPERATORS = [
  "eq",
  "neq",
  "lt",
  "lte",
  "gt",
  "gte",
  "in",
  "between",
  "prefix"
];
var DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

// protocol/auth_payloads.ts
var MAX_DELEGATION_MS = 365 * 864e5;

// protocol/messages.ts
var REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
function encodeMessage(message) {
  return JSON.stringify(message);
}

// protocol/frame.ts
var FRAME_VERSION = 1;
var FRAME_TYPE_DATA = 1;
var FLAG_FINAL = 1;
var FRAME_HEADER_BYTES = 66;
var DIGEST_AT = 32;
var DIGEST_LENGTH = 32;
var ID_LENGTH_AT = DIGEST_AT + DIGEST_LENGTH;
var CURSOR_LENGTH_AT = ID_LENGTH_AT + 1;
var MAX_PAYLOAD_BYTES = 1048576;
var MAX_REQUEST_ID_BYTES = 64;
var KNOWN_FLAGS = FLAG_FINAL;
var TWO_POW_32 = 4294967296;
var MAX_SAFE_HIGH_WORD = 2097151;
var utf8Decoder = new TextDecoder("utf-8", {
  fatal: true,
  ignoreBOM: true
});
var utf8Encoder = new TextEncoder();
function isRequestIdByte(b) {
  return b >= 65 && b <= 90 || // A-Z
  b >= 97 && b <= 122 || // a-z
  b >= 48 && b <= 58 || // 0-9 and ":"
  b === 45 || b === 46 || b === 95;
}
function resolveMaxPayload(limits) {
  const max = limits.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  if (!Number.isSafeInteger(max) || max < 0) {
    throw new RangeError(`maxPayloadBytes must be a non-negative safe integer, got ${max}`);
  }
  return max;
}
function fail(code, reason) {
  return {
    ok: false,
    error: errorResponse(code, {
      reason
    })
  };
}
function decodeDataFrame(bytes, limits = {}) {
  const maxPayload = resolveMaxPayload(limits);
  const length = bytes.length;
  if (length === 0) return fail("FRAME_TRUNCATED", "the frame is empty");
  if (bytes[0] !== FRAME_VERSION) {
    return fail("FRAME_VERSION", `version ${bytes[0]} is not ${FRAME_VERSION}`);
  }
  if (length < FRAME_HEADER_BYTES) {
    return fail("FRAME_TRUNCATED", `${length} bytes is shorter than the ${FRAME_HEADER_BYTES}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const type = view.getUint8(1);
  if (type !== FRAME_TYPE_DATA) return fail("FRAME_TYPE", `type ${type} is reserved`);
  const flags = view.getUint16(2);
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    return fail("FRAME_FLAGS", `reserved flag bits 0x${(flags & ~KNOWN_FLAGS).toString(16)} are set`);
  }
  const payloadLength = view.getUint32(28);
  if (payloadLength > maxPayload) {
    return fail("FRAME_TOO_LARGE", `payload of ${payloadLength} bytes exceeds ${maxPayload}`);
  }
  const idLength = view.getUint8(ID_LENGTH_AT);
  if (idLength === 0 || idLength > MAX_REQUEST_ID_BYTES) {
    return fail("FRAME_FIELD", `requestId length ${idLength} is outside 1..${MAX_REQUEST_ID_BYTES}`);
  }
  const rowOffsetHigh = view.getUint32(8);
  if (rowOffsetHigh > MAX_SAFE_HIGH_WORD) {
    return fail("FRAME_FIELD", "rowOffset exceeds Number.MAX_SAFE_INTEGER");
  }
  const byteOffsetHigh = view.getUint32(20);
  if (byteOffsetHigh > MAX_SAFE_HIGH_WORD) {
    return fail("FRAME_FIELD", "byteOffset exceeds Number.MAX_SAFE_INTEGER");
  }
  const cursorLength = view.getUint8(CURSOR_LENGTH_AT);
  const cursorStart = FRAME_HEADER_BYTES + idLength;
  const payloadStart = cursorStart + cursorLength;
  const end = payloadStart + payloadLength;
  if (end > length) {
    return fail("FRAME_TRUNCATED", `the header declares ${end} bytes but the frame has ${length}`);
  }
  if (end < length) {
    return fail("FRAME_TRAILING_BYTES", `${length - end} bytes follow the payload`);
  }
  let requestId2 = "";
  for (let i = FRAME_HEADER_BYTES; i < cursorStart; i++) {
    const b = bytes[i];
    if (!isRequestIdByte(b)) {
      return fail("FRAME_FIELD", `requestId byte 0x${b.toString(16)} at offset ${i} is not allowed`);
    }
    requestId2 += String.fromCharCode(b);
  }
  let cursor;
  try {
    cursor = utf8Decoder.decode(bytes.subarray(cursorStart, payloadStart));
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return fail("FRAME_FIELD", "cursor is not valid UTF-8");
  }
  return {
    ok: true,
    value: {
      requestId: requestId2,
      sequence: view.getUint32(4),
      final: (flags & FLAG_FINAL) !== 0,
      rowOffset: rowOffsetHigh * TWO_POW_32 + view.getUint32(12),
      rowCount: view.getUint32(16),
      byteOffset: byteOffsetHigh * TWO_POW_32 + view.getUint32(24),
      digest: bytes.subarray(DIGEST_AT, DIGEST_AT + DIGEST_LENGTH),
      cursor,
      payload: bytes.subarray(payloadStart, end)
    }
  };
}

// protocol/sealed_frame.ts
var FRAME_TYPE_CONTROL = 2;
var FRAME_TYPE_SEALED = 3;
var FLAG_DEFLATED = 1;
var CONTROL_HEADER_BYTES = 4;
var SEALED_HEADER_BYTES = 12;
var GCM_TAG_BYTES = 16;
var COMPRESS_THRESHOLD_BYTES = 1024;
var MAX_COUNTER = Number.MAX_SAFE_INTEGER;
function header(type, flags, size) {
  const bytes = new Uint8Array(size);
  bytes[0] = FRAME_VERSION;
  bytes[1] = type;
  new DataView(bytes.buffer).setUint16(2, flags);
  return bytes;
}
function encodeControlFrame(payload, deflated) {
  const bytes = header(FRAME_TYPE_CONTROL, deflated ? FLAG_DEFLATED : 0, CONTROL_HEADER_BYTES + payload.length);
  bytes.set(payload, CONTROL_HEADER_BYTES);
  return bytes;
}
function checkHeader(bytes, type, size) {
  if (bytes.length < size) return errorResponse("FRAME_TRUNCATED", {
    length: bytes.length
  });
  if (bytes[0] !== FRAME_VERSION) return errorResponse("FRAME_VERSION", {
    version: bytes[0]
  });
  if (bytes[1] !== type) return errorResponse("FRAME_TYPE", {
    type: bytes[1]
  });
  return void 0;
}
function decodeControlFrame(bytes) {
  const bad = checkHeader(bytes, FRAME_TYPE_CONTROL, CONTROL_HEADER_BYTES);
  if (bad) return {
    ok: false,
    error: bad
  };
  const flags = new DataView(bytes.buffer, bytes.byteOffset).getUint16(2);
  if ((flags & ~FLAG_DEFLATED) !== 0) {
    return {
      ok: false,
      error: errorResponse("FRAME_FLAGS", {
        flags
      })
    };
  }
  return {
    ok: true,
    value: {
      deflated: (flags & FLAG_DEFLATED) !== 0,
      payload: bytes.subarray(CONTROL_HEADER_BYTES)
    }
  };
}
function sealedHeader(counter) {
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new RangeError(`sealed frame counter ${counter} is not a safe non-negative integer`);
  }
  const bytes = header(FRAME_TYPE_SEALED, 0, SEALED_HEADER_BYTES);
  new DataView(bytes.buffer).setBigUint64(4, BigInt(counter));
  return bytes;
}
function sealedIv(counter) {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setBigUint64(4, BigInt(counter));
  return iv;
}
function decodeSealedFrame(bytes) {
  const bad = checkHeader(bytes, FRAME_TYPE_SEALED, SEALED_HEADER_BYTES + GCM_TAG_BYTES);
  if (bad) return {
    ok: false,
    error: bad
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const flags = view.getUint16(2);
  if (flags !== 0) return {
    ok: false,
    error: errorResponse("FRAME_FLAGS", {
      flags
    })
  };
  const counter = view.getBigUint64(4);
  if (counter > BigInt(MAX_COUNTER)) {
    return {
      ok: false,
      error: errorResponse("FRAME_FIELD", {
        field: "counter"
      })
    };
  }
  return {
    ok: true,
    value: {
      counter: Number(counter),
      header: bytes.subarray(0, SEALED_HEADER_BYTES),
      ciphertext: bytes.subarray(SEALED_HEADER_BYTES)
    }
  };
}
function binaryKind(bytes) {
  if (bytes.length === 0) return {
    ok: false,
    error: errorResponse("FRAME_TRUNCATED")
  };
  if (bytes[0] !== FRAME_VERSION) {
    return {
      ok: false,
      error: errorResponse("FRAME_VERSION", {
        version: bytes[0]
      })
    };
  }
  if (bytes.length < 2) return {
    ok: false,
    error: errorResponse("FRAME_TRUNCATED")
  };
  switch (bytes[1]) {
    case FRAME_TYPE_DATA:
      return {
        ok: true,
        value: "data"
      };
    case FRAME_TYPE_CONTROL:
      return {
        ok: true,
        value: "control"
      };
    case FRAME_TYPE_SEALED:
      return {
        ok: true,
        value: "sealed"
      };
    default:
      return {
        ok: false,
        error: errorResponse("FRAME_TYPE", {
          type: bytes[1]
        })
      };
  }
}

// protocol/sealed_counter.ts
function initialSealingState() {
  return {
    next: 0
  };
}
function planSeal(state) {
  const counter = state.next;
  if (counter > MAX_COUNTER) throw new RangeError("sealed frame counter exhausted");
  return {
    state: {
      next: counter + 1
    },
    plan: {
      counter,
      header: sealedHeader(counter),
      iv: sealedIv(counter)
    }
  };
}
function initialOpeningState() {
  return {
    expected: 0,
    failure: void 0
  };
}
function fail2(state, error) {
  const failure2 = state.failure ?? error;
  return {
    state: failure2 === state.failure ? state : {
      ...state,
      failure: failure2
    },
    error: failure2
  };
}
function planOpen(state, bytes) {
  if (state.failure !== void 0) return {
    state,
    result: {
      ok: false,
      error: state.failure
    }
  };
  const decoded = decodeSealedFrame(bytes);
  if (!decoded.ok) {
    const failed = fail2(state, decoded.error);
    return {
      state: failed.state,
      result: {
        ok: false,
        error: failed.error
      }
    };
  }
  const { counter, header: header2, ciphertext } = decoded.value;
  if (counter !== state.expected) {
    const code = counter < state.expected ? "REPLAYED_FRAME" : "REORDERED_FRAME";
    const failed = fail2(state, errorResponse(code, {
      counter,
      expected: state.expected
    }));
    return {
      state: failed.state,
      result: {
        ok: false,
        error: failed.error
      }
    };
  }
  return {
    state: {
      expected: counter + 1,
      failure: void 0
    },
    result: {
      ok: true,
      value: {
        counter,
        header: header2,
        iv: sealedIv(counter),
        ciphertext
      }
    }
  };
}
function tagFailed(state, counter) {
  return fail2(state, errorResponse("DECRYPTION_FAILED", {
    counter
  }));
}

// transport/frame_sealing.ts
function aesKey(secret, usage) {
  return crypto.subtle.importKey("raw", secret, "AES-GCM", false, [
    usage
  ]);
}
var FrameSealer = class _FrameSealer {
  #key;
  #state = initialSealingState();
  constructor(key) {
    this.#key = key;
  }
  /** A sealer for the direction whose 32-byte AES key is `secret`. */
  static async create(secret) {
    return new _FrameSealer(await aesKey(secret, "encrypt"));
  }
  /** The counter the next sealed frame will carry. */
  get nextCounter() {
    return this.#state.next;
  }
  /**
   * Encrypts one complete inner frame into a sealed frame. Rejects with a
   * `RangeError` once the counters are exhausted.
   */
  async seal(inner) {
    const { state, plan } = planSeal(this.#state);
    this.#state = state;
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({
      name: "AES-GCM",
      iv: plan.iv,
      additionalData: plan.header
    }, this.#key, inner));
    const out = new Uint8Array(SEALED_HEADER_BYTES + ciphertext.length);
    out.set(plan.header);
    out.set(ciphertext, SEALED_HEADER_BYTES);
    return out;
  }
};
var FrameOpener = class _FrameOpener {
  #key;
  #state = initialOpeningState();
  constructor(key) {
    this.#key = key;
  }
  /** An opener for the direction whose 32-byte AES key is `secret`. */
  static async create(secret) {
    return new _FrameOpener(await aesKey(secret, "decrypt"));
  }
  /** Decrypts the next sealed frame into the inner frame's bytes. */
  async open(bytes) {
    const { state, result } = planOpen(this.#state, bytes);
    this.#state = state;
    if (!result.ok) return result;
    const { counter, iv, header: header2, ciphertext } = result.value;
    try {
      const plain = await crypto.subtle.decrypt({
        name: "AES-GCM",
        iv,
        additionalData: header2
      }, this.#key, ciphertext);
      return {
        ok: true,
        value: new Uint8Array(plain)
      };
    } catch (_tagMismatch) {
      const failed = tagFailed(this.#state, counter);
      this.#state = failed.state;
      return {
        ok: false,
        error: failed.error
      };
    }
  }
};

// transport/session_secrets.ts
var encoder3 = new TextEncoder();
var SECRET_BITS = 256;
async function deriveSessionSecrets(shared, nonceHex) {
  const ikm = await crypto.subtle.importKey("raw", shared, "HKDF", false, [
    "deriveBits"
  ]);
  const salt = hexToBytes2(nonceHex);
  const expand = async (info) => new Uint8Array(await crypto.subtle.deriveBits({
    name: "HKDF",
    hash: "SHA-256",
    salt,
    info: encoder3.encode(info)
  }, ikm, SECRET_BITS));
  return {
    clientToServer: await expand(HKDF_INFO.clientToServer),
    serverToClient: await expand(HKDF_INFO.serverToClient),
    commands: await expand(HKDF_INFO.commands)
  };
}

// npm:@scure/base/1.2.6/lib/esm/index.js
function isBytes3(a) {
  return a instanceof Uint8Array || ArrayBuffer.isView(a) && a.constructor.name === "Uint8Array";
}
function isArrayOf(isString, arr) {
  if (!Array.isArray(arr)) return false;
  if (arr.length === 0) return true;
  if (isString) {
    return arr.every((item) => typeof item === "string");
  } else {
    return arr.every((item) => Number.isSafeInteger(item));
  }
}
function astr(label, input) {
  if (typeof input !== "string") throw new Error(`${label}: string expected`);
  return true;
}
function anumber2(n) {
  if (!Number.isSafeInteger(n)) throw new Error(`invalid integer: ${n}`);
}
function aArr(input) {
  if (!Array.isArray(input)) throw new Error("array expected");
}
function astrArr(label, input) {
  if (!isArrayOf(true, input)) throw new Error(`${label}: array of strings expected`);
}
function anumArr(label, input) {
  if (!isArrayOf(false, input)) throw new Error(`${label}: array of numbers expected`);
}
// @__NO_SIDE_EFFECTS__
function chain(...args) {
  const id = (a) => a;
  const wrap = (a, b) => (c) => a(b(c));
  const encode = args.map((x) => x.encode).reduceRight(wrap, id);
  const decode = args.map((x) => x.decode).reduce(wrap, id);
  return {
    encode,
    decode
  };
}
// @__NO_SIDE_EFFECTS__
function alphabet(letters) {
  const lettersA = typeof letters === "string" ? letters.split("") : letters;
  const len = lettersA.length;
  astrArr("alphabet", lettersA);
  const indexes = new Map(lettersA.map((l, i) => [
    l,
    i
  ]));
  return {
    encode: (digits) => {
      aArr(digits);
      return digits.map((i) => {
        if (!Number.isSafeInteger(i) || i < 0 || i >= len) throw new Error(`alphabet.encode: digit index outside alphabet "${i}". Allowed: ${letters}`);
        return lettersA[i];
      });
    },
    decode: (input) => {
      aArr(input);
      return input.map((letter) => {
        astr("alphabet.decode", letter);
        const i = indexes.get(letter);
        if (i === void 0) throw new Error(`Unknown letter: "${letter}". Allowed: ${letters}`);
        return i;
      });
    }
  };
}
// @__NO_SIDE_EFFECTS__
function join(separator = "") {
  astr("join", separator);
  return {
    encode: (from) => {
      astrArr("join.decode", from);
      return from.join(separator);
    },
    decode: (to) => {
      astr("join.decode", to);
      return to.split(separator);
    }
  };
}
var gcd = (a, b) => b === 0 ? a : gcd(b, a % b);
var radix2carry = /* @__NO_SIDE_EFFECTS__ */ (from, to) => from + (to - gcd(from, to));
var powers = /* @__PURE__ */ (() => {
  let res = [];
  for (let i = 0; i < 40; i++) res.push(2 ** i);
  return res;
})();
function convertRadix2(data, from, to, padding) {
  aArr(data);
  if (from <= 0 || from > 32) throw new Error(`convertRadix2: wrong from=${from}`);
  if (to <= 0 || to > 32) throw new Error(`convertRadix2: wrong to=${to}`);
  if (/* @__PURE__ */ radix2carry(from, to) > 32) {
    throw new Error(`convertRadix2: carry overflow from=${from} to=${to} carryBits=${/* @__PURE__ */ radix2carry(from, to)}`);
  }
  let carry = 0;
  let pos = 0;
  const max = powers[from];
  const mask = powers[to] - 1;
  const res = [];
  for (const n of data) {
    anumber2(n);
    if (n >= max) throw new Error(`convertRadix2: invalid data word=${n} from=${from}`);
    carry = carry << from | n;
    if (pos + from > 32) throw new Error(`convertRadix2: carry overflow pos=${pos} from=${from}`);
    pos += from;
    for (; pos >= to; pos -= to) res.push((carry >> pos - to & mask) >>> 0);
    const pow = powers[pos];
    if (pow === void 0) throw new Error("invalid carry");
    carry &= pow - 1;
  }
  carry = carry << to - pos & mask;
  if (!padding && pos >= from) throw new Error("Excess padding");
  if (!padding && carry > 0) throw new Error(`Non-zero padding: ${carry}`);
  if (padding && pos > 0) res.push(carry >>> 0);
  return res;
}
// @__NO_SIDE_EFFECTS__
function radix2(bits, revPadding = false) {
  anumber2(bits);
  if (bits <= 0 || bits > 32) throw new Error("radix2: bits should be in (0..32]");
  if (/* @__PURE__ */ radix2carry(8, bits) > 32 || /* @__PURE__ */ radix2carry(bits, 8) > 32) throw new Error("radix2: carry overflow");
  return {
    encode: (bytes) => {
      if (!isBytes3(bytes)) throw new Error("radix2.encode input should be Uint8Array");
      return convertRadix2(Array.from(bytes), 8, bits, !revPadding);
    },
    decode: (digits) => {
      anumArr("radix2.decode", digits);
      return Uint8Array.from(convertRadix2(digits, bits, 8, revPadding));
    }
  };
}
var base64urlnopad = /* @__PURE__ */ chain(/* @__PURE__ */ radix2(6), /* @__PURE__ */ alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), /* @__PURE__ */ join(""));

// protocol/token_seal.ts
var TOKEN_SEAL_INFO = "sluice v1 token";
var TOKEN_SEAL_IV = new Uint8Array(12);
var MAX_TOKEN_BYTES = 3e3;
var MAX_SEALED_TOKEN_LENGTH = Math.ceil((MAX_TOKEN_BYTES + 16) * 4 / 3);
var SEALED_TOKEN = /^[A-Za-z0-9_-]+$/;

// transport/token_sealing.ts
var encoder4 = new TextEncoder();
async function tokenKey(shared, nonceHex) {
  const ikm = await crypto.subtle.importKey("raw", shared, "HKDF", false, [
    "deriveKey"
  ]);
  return crypto.subtle.deriveKey({
    name: "HKDF",
    hash: "SHA-256",
    salt: hexToBytes2(nonceHex),
    info: encoder4.encode(TOKEN_SEAL_INFO)
  }, ikm, {
    name: "AES-GCM",
    length: 256
  }, false, [
    "encrypt",
    "decrypt"
  ]);
}
function gcm(challenge) {
  return {
    name: "AES-GCM",
    iv: TOKEN_SEAL_IV,
    additionalData: encoder4.encode(challenge)
  };
}
async function sealToken(shared, nonceHex, challenge, token) {
  const bytes = encoder4.encode(token);
  if (bytes.length === 0 || bytes.length > MAX_TOKEN_BYTES) {
    throw new RangeError(`a token is 1 to ${MAX_TOKEN_BYTES} bytes of UTF-8`);
  }
  const key = await tokenKey(shared, nonceHex);
  const sealed2 = await crypto.subtle.encrypt(gcm(challenge), key, bytes);
  return base64urlnopad.encode(new Uint8Array(sealed2));
}

// protocol/backoff.ts
var DEFAULT_BACKOFF = Object.freeze({
  baseMs: 1e3,
  factor: 2,
  maxMs: 3e4,
  jitter: 0.5,
  maxAttempts: 5
});
function resolveBackoff(options = {}) {
  const resolved = {
    baseMs: options.baseMs ?? DEFAULT_BACKOFF.baseMs,
    factor: options.factor ?? DEFAULT_BACKOFF.factor,
    maxMs: options.maxMs ?? DEFAULT_BACKOFF.maxMs,
    jitter: options.jitter ?? DEFAULT_BACKOFF.jitter,
    maxAttempts: options.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts
  };
  const { baseMs, factor, maxMs, jitter, maxAttempts } = resolved;
  if (!(Number.isFinite(baseMs) && baseMs > 0)) {
    throw new RangeError(`backoff baseMs must be a finite number > 0, got ${baseMs}`);
  }
  if (!(Number.isFinite(factor) && factor >= 1)) {
    throw new RangeError(`backoff factor must be a finite number >= 1, got ${factor}`);
  }
  if (!(Number.isFinite(maxMs) && maxMs >= baseMs)) {
    throw new RangeError(`backoff maxMs must be finite and >= baseMs (${baseMs}), got ${maxMs}`);
  }
  if (!(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(`backoff jitter must lie in [0, 1], got ${jitter}`);
  }
  if (!(Number.isSafeInteger(maxAttempts) && maxAttempts >= 0)) {
    throw new RangeError(`backoff maxAttempts must be an integer >= 0, got ${maxAttempts}`);
  }
  return resolved;
}
function backoffDelay(attempt2, random, options) {
  if (!(random >= 0 && random < 1)) {
    throw new RangeError(`backoff random must lie in [0, 1), got ${random}`);
  }
  const { min, max } = boundsOf(attempt2, resolveBackoff(options));
  const span = max - min;
  return max - Math.min(span, Math.floor(random * (span + 1)));
}
function ceilingOf(attempt2, options) {
  if (!(Number.isSafeInteger(attempt2) && attempt2 >= 1)) {
    throw new RangeError(`backoff attempt must be an integer >= 1, got ${attempt2}`);
  }
  const { baseMs, factor, maxMs } = options;
  return Math.min(maxMs, baseMs * factor ** (attempt2 - 1));
}
function boundsOf(attempt2, options) {
  const max = Math.floor(ceilingOf(attempt2, options));
  return {
    min: max - Math.floor(max * options.jitter),
    max
  };
}

// protocol/connection_state.ts
var MAX_SIGNING_WAIT_MS = 3e5;
function initialConnectionState(config) {
  const heartbeatIntervalMs = config.heartbeatIntervalMs ?? 15e3;
  const heartbeatTimeoutMs = config.heartbeatTimeoutMs ?? 1e4;
  const handshakeTimeoutMs = config.handshakeTimeoutMs ?? 1e4;
  for (const ms of [
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    handshakeTimeoutMs
  ]) {
    if (!(Number.isFinite(ms) && ms > 0)) throw new RangeError(`timeout ms must be > 0: ${ms}`);
  }
  return {
    phase: "idle",
    config: {
      authenticate: config.authenticate,
      backoff: resolveBackoff(config.backoff),
      heartbeatIntervalMs,
      heartbeatTimeoutMs,
      handshakeTimeoutMs,
      failFast: config.failFast ?? false
    },
    attempt: 0,
    everConnected: false,
    nextId: 1
  };
}
function isConnected(state) {
  return state.phase === "open";
}

// client/delegation.ts
async function walletSignature(signer, text) {
  return (await signer.signMessage(text)).replace(/^0x/i, "").toLowerCase();
}
var MIN_DELEGATION_MS = 3e5;
var WalletDelegate = class {
  #signer;
  #lifetimeMs;
  /** The delegation in use, once the wallet signed one. */
  #current;
  /** The wallet's prompt, while one is open: sign-ins in the meantime wait for it. */
  #asking;
  /** When that prompt opened. */
  #askedAt = 0;
  /** Delegations the server refused the moment the wallet signed them: the clocks disagree. */
  #clockSuspects = /* @__PURE__ */ new WeakSet();
  /**
   * `lifetimeMs` is how long each delegation lasts, from
   * {@linkcode MIN_DELEGATION_MS} to a year; a server that allows less gets
   * what it allows.
   */
  constructor(signer, lifetimeMs) {
    if (!Number.isSafeInteger(lifetimeMs) || lifetimeMs < MIN_DELEGATION_MS || lifetimeMs > MAX_DELEGATION_MS) {
      throw new RangeError(`a delegation lasts a whole number of ms from ${MIN_DELEGATION_MS} to ${MAX_DELEGATION_MS}, got ${lifetimeMs}`);
    }
    this.#signer = signer;
    this.#lifetimeMs = lifetimeMs;
  }
  /**
   * Signs a challenge text with the delegate key, first asking the wallet
   * for a delegation when there is no usable one. `maxMs` is the server's
   * limit (`auth:challenge`'s `maxDelegationMs`, at least
   * {@linkcode MIN_DELEGATION_MS}); a new delegation lasts the lifetime or
   * the limit less {@linkcode delegationRoom}, whichever is shorter. A
   * sign-in that comes while the wallet's prompt is open waits for it and
   * shares its refusal, unless the prompt has been open longer than
   * `MAX_SIGNING_WAIT_MS` (a wallet that never answers): then it asks
   * again. Rejects when the wallet refuses.
   */
  async sign(site, text, maxMs, now = Date.now()) {
    for (; ; ) {
      const current = this.#current;
      if (current !== void 0 && this.#usable(current, site, maxMs, now)) {
        const signature = signText(current.secretKey, text);
        return {
          signature,
          delegation: current.delegation,
          fresh: false
        };
      }
      if (this.#asking !== void 0 && now - this.#askedAt < MAX_SIGNING_WAIT_MS) {
        await this.#asking;
        continue;
      }
      const lifetime = Math.min(this.#lifetimeMs, maxMs - delegationRoom(maxMs));
      const asking = this.#delegate(site, now, lifetime);
      this.#asking = asking;
      this.#askedAt = now;
      try {
        const made = await asking;
        if (this.#asking === asking || this.#current === void 0) this.#current = made;
        return {
          signature: signText(made.secretKey, text),
          delegation: made.delegation,
          fresh: true
        };
      } finally {
        if (this.#asking === asking) this.#asking = void 0;
      }
    }
  }
  /**
   * The server refused `delegation` as expired or too long. One it had
   * taken before is dropped, and the next sign-in asks the wallet. One it
   * refused the moment the wallet signed it (`fresh`) is kept: the clocks
   * disagree by more than its room, a new one would fare no better, and
   * asking on every attempt would only train the person to approve prompts
   * unread.
   */
  refused(delegation, fresh) {
    if (fresh) return void this.#clockSuspects.add(delegation);
    const current = this.#current;
    if (current?.delegation === delegation && !this.#clockSuspects.has(delegation)) {
      this.#current = void 0;
    }
  }
  /** Whether a delegation can still vouch for a sign-in a moment from now, at this server. */
  #usable(current, site, maxMs, now) {
    const margin = Math.min(6e4, current.lifetimeMs / 4);
    const left = current.delegation.expiresAt - now;
    const same2 = current.site.origin === site.origin && current.site.chainId === site.chainId;
    return same2 && left > margin && left <= maxMs - delegationRoom(maxMs);
  }
  async #delegate(site, now, lifetimeMs) {
    const expiresAt = now + lifetimeMs;
    const secretKey = utils.randomSecretKey();
    const key = bytesToHex2(getPublicKey(secretKey));
    const address = this.#signer.address;
    const { origin, chainId } = site;
    const text = delegationText({
      origin,
      address,
      delegateKey: key,
      issuedAt: now,
      expiresAt,
      chainId
    });
    const signature = await walletSignature(this.#signer, text);
    const delegation = {
      key,
      issuedAt: now,
      expiresAt,
      signature
    };
    return {
      site,
      secretKey,
      delegation,
      lifetimeMs
    };
  }
};
function delegationRoom(maxMs) {
  return Math.max(Math.floor(maxMs / 10), 6e4);
}

// client/sign_in.ts
function credentialsIdentity(credentials) {
  switch (credentials.kind) {
    case "keypair":
      return {
        kind: "secp256k1",
        publicKey: bytesToHex2(getPublicKey(credentials.secretKey))
      };
    case "signer":
      return {
        kind: "ethereum",
        address: credentials.signer.address
      };
    case "token":
      return {
        kind: "token"
      };
  }
}
function generateSecretKey() {
  return utils.randomSecretKey();
}
function publicKeyOf(secretKey) {
  return bytesToHex2(getPublicKey(secretKeyFrom(secretKey)));
}
function secretKeyFrom(key) {
  const bytes = typeof key === "string" ? hexToBytes2(key.trim().replace(/^0x/i, "")) : key;
  if (!utils.isValidSecretKey(bytes)) {
    throw new TypeError("not a secp256k1 secret key: 32 bytes, 64 hex characters");
  }
  return bytes;
}
function dialledOrigin(url) {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}
var ConnectionSignIn = class {
  #credentials;
  #origin;
  #serverKey;
  #sessionSecret = utils.randomSecretKey();
  #identity;
  #facts;
  #encryption = false;
  /** What the delegate signed, when it signed. */
  #delegated;
  constructor(credentials, url, serverKey) {
    this.#credentials = credentials;
    this.#origin = dialledOrigin(url);
    this.#serverKey = serverKey;
    this.#identity = credentialsIdentity(credentials);
  }
  /** The payload of `auth:nonce`. */
  nonce() {
    return {
      identity: this.#identity,
      sessionKey: bytesToHex2(getPublicKey(this.#sessionSecret))
    };
  }
  /**
   * Checks the challenge (the origin the client dialled; the server's
   * identity key and its proof when the client pins one) and signs it.
   */
  async sign(challenge) {
    if (challenge.origin !== this.#origin) {
      return {
        ok: false,
        error: errorResponse("ORIGIN_MISMATCH", {
          dialled: this.#origin,
          named: challenge.origin.slice(0, 256)
        })
      };
    }
    const facts = {
      origin: this.#origin,
      identity: this.#identity,
      nonce: challenge.nonce,
      clientSessionKey: this.nonce().sessionKey,
      serverSessionKey: challenge.sessionKey,
      issuedAt: challenge.issuedAt,
      expiresAt: challenge.expiresAt,
      encryption: challenge.encryption,
      chainId: challenge.chainId
    };
    const pinned = this.#serverKey;
    const credentials = this.#credentials;
    const proven = pinned ?? (credentials.kind === "token" ? challenge.serverKey : void 0);
    if (proven !== void 0 && (challenge.serverKey !== proven || !verifyText(proven, serverProofText(facts), challenge.serverSignature))) {
      return {
        ok: false,
        error: errorResponse("SERVER_KEY_MISMATCH")
      };
    }
    this.#facts = facts;
    this.#encryption = challenge.encryption;
    const text = challengeText(facts);
    if (credentials.kind === "token") return await this.#sealToken(credentials.token, facts);
    if (credentials.kind === "keypair") {
      return {
        ok: true,
        value: {
          identity: this.#identity,
          signature: signText(credentials.secretKey, text)
        }
      };
    }
    const maxMs = challenge.maxDelegationMs ?? 0;
    if (credentials.delegate === void 0 || maxMs < MIN_DELEGATION_MS) {
      const signature2 = await walletSignature(credentials.signer, text);
      return {
        ok: true,
        value: {
          identity: this.#identity,
          signature: signature2
        }
      };
    }
    const site = {
      origin: this.#origin,
      chainId: challenge.chainId
    };
    const delegated = this.#delegated = await credentials.delegate.sign(site, text, maxMs);
    const { signature, delegation } = delegated;
    return {
      ok: true,
      value: {
        identity: this.#identity,
        signature,
        delegation
      }
    };
  }
  /** Asks for the token and seals it to this connection's secret and challenge. */
  async #sealToken(source, facts) {
    const shared = sharedSecret(this.#sessionSecret, facts.serverSessionKey);
    if (shared === void 0) {
      const reason = "not a curve point";
      return {
        ok: false,
        error: errorResponse("INVALID_VALUE", {
          path: "data.sessionKey",
          reason
        })
      };
    }
    let sealedToken;
    try {
      const token = typeof source === "string" ? source : await source();
      sealedToken = await sealToken(shared, facts.nonce, challengeText(facts), token.trim());
    } catch (error) {
      const reason = `no token to send: ${error instanceof Error ? error.message : String(error)}`;
      return {
        ok: false,
        error: errorResponse("AUTH_TOKEN_MALFORMED", {
          reason
        })
      };
    }
    return {
      ok: true,
      value: {
        identity: this.#identity,
        sealedToken
      }
    };
  }
  /** Learns why the server refused the sign-in: a delegation it refused is told so. */
  refused(error) {
    const credentials = this.#credentials;
    const delegated = this.#delegated;
    if (credentials.kind !== "signer" || delegated === void 0) return;
    if (error.code === "AUTH_DELEGATION_EXPIRED" || error.code === "AUTH_DELEGATION_TOO_LONG") {
      credentials.delegate?.refused(delegated.delegation, delegated.fresh);
    }
  }
  /**
   * The keys of the signed-in session, from the challenge that was signed
   * and the server's `auth:result` token.
   */
  async establish(token) {
    const facts = this.#facts;
    const shared = facts && sharedSecret(this.#sessionSecret, facts.serverSessionKey);
    if (facts === void 0 || shared === void 0) {
      return {
        ok: false,
        error: errorResponse("INVALID_VALUE", {
          path: "data.sessionKey",
          reason: "unusable"
        })
      };
    }
    const secrets = await deriveSessionSecrets(shared, facts.nonce);
    const signer = await CommandSigner.create(secrets.commands);
    let last = 0;
    const authorize = async (message) => {
      const timestamp = last = Math.max(Date.now(), last + 1);
      const auth = {
        token,
        timestamp
      };
      const signature = await signer.sign({
        ...message,
        auth
      });
      return {
        ...message,
        auth: {
          ...auth,
          signature
        }
      };
    };
    const seal = this.#encryption ? {
      sealer: await FrameSealer.create(secrets.clientToServer),
      opener: await FrameOpener.create(secrets.serverToClient)
    } : void 0;
    return {
      ok: true,
      value: {
        seal,
        authorize
      }
    };
  }
};

// protocol/_connection_outage.ts
var UNREACHABLE = "Could not reach the server for the first connection.";
function outage(state, cause, clock2, close, retryAfter) {
  const closing = close ? [
    {
      type: "closeSocket",
      ...close
    }
  ] : [];
  const base = {
    ...state,
    authStep: void 0,
    challenge: void 0,
    pendingPing: void 0
  };
  const attempt2 = state.attempt + 1;
  const { backoff, failFast } = state.config;
  const fail4 = (error) => ({
    state: {
      ...base,
      phase: "failed",
      lastError: error
    },
    effects: [
      ...closing,
      {
        type: "failed",
        error
      }
    ]
  });
  const neverOpened = !state.everConnected && state.phase === "connecting";
  const unreachable = (attempts) => fail4(errorResponse("CONNECTION_FAILED", {
    cause: cause.code,
    attempts,
    unreachable: true
  }, {
    message: UNREACHABLE
  }));
  if (neverOpened && failFast) return unreachable(state.attempt);
  if (attempt2 > backoff.maxAttempts) {
    if (neverOpened) return unreachable(backoff.maxAttempts);
    return fail4(errorResponse("CONNECTION_FAILED", {
      cause: cause.code,
      attempts: backoff.maxAttempts
    }));
  }
  const asked = Math.max(retryAfter ?? 0, state.retryAfter ?? 0);
  const ms = Math.max(backoffDelay(attempt2, clock2.random, backoff), asked);
  return {
    state: {
      ...base,
      phase: "reconnecting",
      attempt: attempt2,
      lastError: cause
    },
    effects: [
      ...closing,
      {
        type: "startTimer",
        name: "reconnect",
        ms
      }
    ]
  };
}

// protocol/close_codes.ts
var CLOSE_CODES = {
  end: {
    NORMAL_CLOSURE: {
      code: 1e3,
      sentBy: "client",
      when: "The client closed the connection for good (`close()`); it does not reconnect."
    }
  },
  reconnect: {
    GOING_AWAY: {
      code: 1001,
      sentBy: "server",
      when: "The server shuts down, after `system:error` `SERVER_SHUTTING_DOWN` (\xA79.6); the client waits at least its `retryAfter`."
    },
    SERVER_ERROR: {
      code: 1011,
      sentBy: "server",
      when: "The server failed in a way its session rules do not cover (a bug, logged on the server); only that connection ends, and the client reconnects and resumes."
    },
    CLIENT_ABORT: {
      code: 4e3,
      sentBy: "client",
      when: "The client drops the connection: the server broke the protocol (\xA712), a handshake, signing or heartbeat timed out, or the sign-in was refused (then it reconnects only if the refusal is recoverable)."
    },
    PROTOCOL_VIOLATION: {
      code: 4400,
      sentBy: "server",
      when: "A frame broke the session (tampered, replayed, reordered, unsealed, \xA716) or the client flooded it (`TOO_MANY_MESSAGES`, \xA710); sent after `system:error`."
    },
    SIGN_IN_FAILED: {
      code: 4401,
      sentBy: "server",
      when: "The sign-in was refused (after `auth:result`), was not completed in time (`SIGN_IN_TIMEOUT`) or the session expired (`SESSION_EXPIRED`), \xA715.1."
    },
    IDLE_TIMEOUT: {
      code: 4408,
      sentBy: "server",
      when: "The client sent nothing for the server's idle timeout, after `system:error` `IDLE_TIMEOUT` (\xA712.1)."
    },
    SLOW_READER: {
      code: 4429,
      sentBy: "server",
      when: "The client did not read what the server sent: more was queued than the server holds for a connection (`SEND_QUEUE_FULL`) or nothing left for its stall timeout (`READER_STALLED`), \xA719. The server stops at once; a peer that does not read may never see this close."
    }
  }
};
var MAX_CLOSE_REASON_BYTES = 123;
function closeWith(info, reason) {
  let bytes = 0;
  let end = 0;
  for (const char of reason) {
    const point = char.codePointAt(0);
    bytes += point < 128 ? 1 : point < 2048 ? 2 : point < 65536 ? 3 : 4;
    if (bytes > MAX_CLOSE_REASON_BYTES) break;
    end += char.length;
  }
  return {
    code: info.code,
    reason: reason.slice(0, end)
  };
}

// protocol/connection_table.ts
var CONNECTION_EVENT_SOURCES = {
  connect: "local",
  close: "local",
  opened: "shell",
  closed: "shell",
  violation: "shell",
  challenge: "peer",
  signed: "shell",
  authResult: "peer",
  pong: "peer",
  serverError: "peer",
  "timer.reconnect": "shell",
  "timer.handshake": "shell",
  "timer.heartbeat": "shell",
  "timer.heartbeatTimeout": "shell"
};
var CONNECTION_TRANSITIONS = {
  idle: {
    connect: [
      "connecting"
    ],
    close: [
      "closed"
    ]
  },
  // `failed` after an outage: the attempts are used up, or (fail-fast) the first connection's
  // server cannot be reached.
  connecting: {
    close: [
      "closed"
    ],
    opened: [
      "authenticating",
      "open"
    ],
    closed: [
      "reconnecting",
      "failed"
    ],
    violation: [
      "reconnecting",
      "failed"
    ],
    "timer.handshake": [
      "reconnecting",
      "failed"
    ]
  },
  authenticating: {
    close: [
      "closed"
    ],
    closed: [
      "reconnecting",
      "failed"
    ],
    violation: [
      "reconnecting",
      "failed"
    ],
    // A second challenge is a violation.
    challenge: [
      "authenticating",
      "reconnecting",
      "failed"
    ],
    // A signature arriving when none is awaited is stale and ignored.
    signed: [
      "authenticating"
    ],
    authResult: [
      "open",
      "reconnecting",
      "failed"
    ],
    // A refused auth:nonce, a sign-in timeout: kept for its retryAfter, if any.
    serverError: [
      "authenticating"
    ],
    // The handshake timer runs on from `connecting`: the attempt is not open until signed in.
    "timer.handshake": [
      "reconnecting",
      "failed"
    ]
  },
  open: {
    close: [
      "closed"
    ],
    closed: [
      "reconnecting",
      "failed"
    ],
    violation: [
      "reconnecting",
      "failed"
    ],
    // A pong that answers no pending ping is ignored.
    pong: [
      "open"
    ],
    serverError: [
      "open"
    ],
    "timer.heartbeat": [
      "open"
    ],
    // Ignored (stays open) when no ping is pending.
    "timer.heartbeatTimeout": [
      "open",
      "reconnecting",
      "failed"
    ]
  },
  reconnecting: {
    close: [
      "closed"
    ],
    "timer.reconnect": [
      "connecting"
    ]
  },
  failed: {
    connect: [
      "connecting"
    ],
    close: [
      "closed"
    ]
  },
  closed: {
    close: [
      "closed"
    ]
  }
};
var CONNECTION_PHASES = Object.keys(CONNECTION_TRANSITIONS);
var CONNECTION_EVENT_KEYS = Object.keys(CONNECTION_EVENT_SOURCES);
var CONNECTION_LIVE_PHASES = /* @__PURE__ */ new Set([
  "connecting",
  "authenticating",
  "open"
]);
function connectionEventKey(event) {
  return event.type === "timer" ? `timer.${event.name}` : event.type;
}

// protocol/connection_machine.ts
var CLIENT_CLOSED = closeWith(CLOSE_CODES.end.NORMAL_CLOSURE, "client closed");
var abort = (error) => closeWith(CLOSE_CODES.reconnect.CLIENT_ABORT, error.code);
function step(state, event, clock2) {
  const key = connectionEventKey(event);
  const allowed = CONNECTION_TRANSITIONS[state.phase][key];
  const next = allowed === void 0 ? unlisted(state, key, clock2) : listed(state, event, key, clock2);
  if (allowed !== void 0 && !allowed.includes(next.state.phase)) {
    throw new Error(`connection ${state.phase} --${key}--> ${next.state.phase} is not in the table`);
  }
  if (next.state.phase === state.phase) return next;
  const fired = event.type === "timer" ? event.name : void 0;
  const kept = armedTimers(next.state);
  const cancels = armedTimers(state).filter((name) => name !== fired && !kept.includes(name)).map((name) => ({
    type: "cancelTimer",
    name
  }));
  return {
    state: next.state,
    effects: [
      ...cancels,
      {
        type: "stateChanged",
        from: state.phase,
        to: next.state.phase
      },
      ...next.effects
    ]
  };
}
var same = (state) => ({
  state,
  effects: []
});
function armedTimers(state) {
  switch (state.phase) {
    case "open":
      return [
        state.pendingPing ? "heartbeatTimeout" : "heartbeat"
      ];
    case "reconnecting":
      return [
        "reconnect"
      ];
    case "connecting":
    case "authenticating":
      return [
        "handshake"
      ];
    default:
      return [];
  }
}
function signingWaitMs(state, challenge, clock2) {
  const untilExpiry = challenge.expiresAt - clock2.now;
  const { handshakeTimeoutMs } = state.config;
  return Math.max(handshakeTimeoutMs, Math.min(untilExpiry, MAX_SIGNING_WAIT_MS));
}
function attempt(state, fields) {
  return {
    state: {
      ...state,
      ...fields,
      phase: "connecting"
    },
    effects: [
      {
        type: "openSocket"
      },
      {
        type: "startTimer",
        name: "handshake",
        ms: state.config.handshakeTimeoutMs
      }
    ]
  };
}
function illegal(state, key) {
  return errorResponse("ILLEGAL_TRANSITION", {
    phase: state.phase,
    event: key
  });
}
function unlisted(state, key, clock2) {
  const source = CONNECTION_EVENT_SOURCES[key];
  switch (source) {
    case "local":
      return {
        state,
        effects: [
          {
            type: "rejected",
            error: illegal(state, key)
          }
        ]
      };
    case "shell":
      return same(state);
    case "peer":
      return CONNECTION_LIVE_PHASES.has(state.phase) ? violation(state, key, clock2) : same(state);
    default: {
      const never = source;
      throw new Error(`unknown event source ${never}`);
    }
  }
}
function violation(state, key, clock2) {
  const error = illegal(state, key);
  return outage(state, error, clock2, abort(error));
}
function enterOpen(state) {
  return {
    state: {
      ...state,
      phase: "open",
      attempt: 0,
      everConnected: true,
      authStep: void 0,
      challenge: void 0,
      pendingPing: void 0,
      retryAfter: void 0
    },
    effects: [
      {
        type: "ready",
        reconnected: state.everConnected
      },
      {
        type: "startTimer",
        name: "heartbeat",
        ms: state.config.heartbeatIntervalMs
      }
    ]
  };
}
function listed(state, event, key, clock2) {
  switch (event.type) {
    case "connect":
      return attempt(state, {
        attempt: 0
      });
    case "close": {
      const effects = CONNECTION_LIVE_PHASES.has(state.phase) ? [
        {
          type: "closeSocket",
          ...CLIENT_CLOSED
        }
      ] : [];
      const cleared = {
        authStep: void 0,
        challenge: void 0,
        pendingPing: void 0
      };
      return {
        state: {
          ...state,
          ...cleared,
          phase: "closed"
        },
        effects
      };
    }
    case "opened":
      if (!state.config.authenticate) return enterOpen(state);
      return {
        state: {
          ...state,
          phase: "authenticating",
          authStep: "challenge"
        },
        effects: [
          {
            type: "beginAuth"
          }
        ]
      };
    case "closed": {
      const details = {
        code: event.code,
        reason: event.reason
      };
      return outage(state, errorResponse("CONNECTION_LOST", details), clock2);
    }
    case "violation": {
      const close = closeWith(CLOSE_CODES.reconnect.CLIENT_ABORT, event.code);
      return outage(state, errorResponse("CONNECTION_LOST", {
        ...close
      }), clock2, close);
    }
    case "challenge":
      if (state.authStep !== "challenge") return violation(state, key, clock2);
      return {
        state: {
          ...state,
          authStep: "signing",
          challenge: event.challenge
        },
        effects: [
          // A wallet may wait for its user: the signature is worth waiting for until it expires.
          {
            type: "startTimer",
            name: "handshake",
            ms: signingWaitMs(state, event.challenge, clock2)
          },
          {
            type: "sign",
            challenge: event.challenge
          }
        ]
      };
    case "signed": {
      if (state.authStep !== "signing" || state.challenge === void 0) return same(state);
      const message = {
        event: "auth:authenticate",
        data: {
          identity: event.identity,
          nonce: state.challenge.nonce,
          ...event.signature === void 0 ? {} : {
            signature: event.signature
          },
          ...event.delegation === void 0 ? {} : {
            delegation: event.delegation
          },
          ...event.sealedToken === void 0 ? {} : {
            sealedToken: event.sealedToken
          }
        },
        timestamp: clock2.now,
        requestId: `auth-${state.nextId}`
      };
      return {
        state: {
          ...state,
          authStep: "result",
          challenge: void 0,
          nextId: state.nextId + 1
        },
        effects: [
          {
            type: "startTimer",
            name: "handshake",
            ms: state.config.handshakeTimeoutMs
          },
          {
            type: "send",
            message
          }
        ]
      };
    }
    case "authResult": {
      const { result } = event;
      if (result.authenticated) return enterOpen(state);
      const close = abort(result.error);
      if (result.error.recoverable) {
        return outage(state, result.error, clock2, close, result.error.retryAfter);
      }
      return {
        state: {
          ...state,
          phase: "failed",
          authStep: void 0,
          challenge: void 0,
          lastError: result.error
        },
        effects: [
          {
            type: "closeSocket",
            ...close
          },
          {
            type: "failed",
            error: result.error
          }
        ]
      };
    }
    case "pong": {
      const ping = state.pendingPing;
      if (ping === void 0 || ping.requestId !== event.requestId) return same(state);
      const rttMs = clock2.now - ping.sentAt;
      return {
        state: {
          ...state,
          pendingPing: void 0,
          lastHeartbeat: clock2.now,
          rttMs
        },
        effects: [
          {
            type: "cancelTimer",
            name: "heartbeatTimeout"
          },
          {
            type: "startTimer",
            name: "heartbeat",
            ms: state.config.heartbeatIntervalMs
          },
          {
            type: "health",
            rttMs,
            health: event.health
          }
        ]
      };
    }
    case "serverError": {
      const { code, retryAfter } = event.error;
      const endsConnection = isErrorCode(code) && ERROR_TABLE[code].scope === "connection";
      return retryAfter === void 0 || !endsConnection ? same(state) : {
        state: {
          ...state,
          retryAfter
        },
        effects: []
      };
    }
    case "timer":
      return timer(state, event.name, clock2);
    default: {
      const never = event;
      throw new Error(`unknown connection event ${JSON.stringify(never)}`);
    }
  }
}
function timer(state, name, clock2) {
  switch (name) {
    case "reconnect":
      return attempt(state, {});
    case "handshake": {
      const error = state.authStep === "signing" ? errorResponse("SIGNING_TIMEOUT") : errorResponse("HANDSHAKE_TIMEOUT", {
        ms: state.config.handshakeTimeoutMs
      });
      return outage(state, error, clock2, abort(error));
    }
    case "heartbeat": {
      if (state.pendingPing !== void 0) return same(state);
      const requestId2 = `ping-${state.nextId}`;
      return {
        state: {
          ...state,
          nextId: state.nextId + 1,
          pendingPing: {
            requestId: requestId2,
            sentAt: clock2.now
          }
        },
        effects: [
          {
            type: "send",
            message: {
              event: "connection:health",
              data: {},
              timestamp: clock2.now,
              requestId: requestId2
            }
          },
          {
            type: "startTimer",
            name: "heartbeatTimeout",
            ms: state.config.heartbeatTimeoutMs
          }
        ]
      };
    }
    case "heartbeatTimeout": {
      if (state.pendingPing === void 0) return same(state);
      const error = errorResponse("HEARTBEAT_TIMEOUT");
      return outage(state, error, clock2, abort(error));
    }
    default: {
      const never = name;
      throw new Error(`unknown timer ${never}`);
    }
  }
}

// protocol/digest_chain.ts
var DIGEST_BYTES = 32;
var INITIAL_DIGEST = "0".repeat(2 * DIGEST_BYTES);
function nobleSha256(...parts) {
  const hash = sha256.create();
  for (const part of parts) hash.update(part);
  return hash.digest();
}
function chainParts(previous, payload) {
  if (!HEX_32_BYTES.test(previous)) {
    throw new RangeError(`a chain value is 64 lowercase hex characters, got "${previous}"`);
  }
  return [
    hexToBytes2(previous),
    payload
  ];
}
function chainInput(previous, payload) {
  return concatBytes2(...chainParts(previous, payload));
}
function chainValue(digest) {
  if (digest.length !== DIGEST_BYTES) {
    throw new RangeError(`a SHA-256 digest is ${DIGEST_BYTES} bytes, got ${digest.length}`);
  }
  return bytesToHex2(digest);
}
function chainDigest(previous, payload, sha2562) {
  return chainValue(sha2562(...chainParts(previous, payload)));
}

// protocol/download_table.ts
var DOWNLOAD_EVENT_SOURCES = {
  send: "local",
  start: "server",
  frame: "server",
  progress: "server",
  complete: "server",
  error: "server",
  cancel: "local",
  cancelled: "server",
  consumed: "local",
  resume: "local",
  disconnected: "local",
  retry: "local"
};
var DOWNLOAD_TRANSITIONS = {
  // `send` sends the request, or waits for `resume` when not connected; twice, it is rejected
  // (stays requested). `resume` re-sends the request. From a saved point after the FINAL frame,
  // both complete at once instead: there is nothing to ask for. In every phase before the end, a
  // server error the client retries (recoverable, with retryAfter, attempts left) comes back
  // here to wait for `retry`, which re-sends unless a `resume` did already.
  requested: {
    send: [
      "requested",
      "complete"
    ],
    start: [
      "started",
      "error"
    ],
    error: [
      "error",
      "requested"
    ],
    cancel: [
      "cancelled"
    ],
    consumed: [
      "requested"
    ],
    resume: [
      "requested",
      "complete"
    ],
    disconnected: [
      "requested",
      "complete"
    ],
    retry: [
      "requested"
    ]
  },
  started: {
    frame: [
      "streaming",
      "error"
    ],
    progress: [
      "started"
    ],
    // No frame on this connection yet, so no FINAL one: complete here is early (SEQUENCE_GAP).
    complete: [
      "error"
    ],
    error: [
      "error",
      "requested"
    ],
    cancel: [
      "cancelled"
    ],
    consumed: [
      "started"
    ],
    resume: [
      "requested"
    ],
    disconnected: [
      "started"
    ],
    retry: [
      "started"
    ]
  },
  streaming: {
    frame: [
      "streaming",
      "error"
    ],
    progress: [
      "streaming"
    ],
    complete: [
      "complete",
      "error"
    ],
    error: [
      "error",
      "requested"
    ],
    cancel: [
      "cancelled"
    ],
    consumed: [
      "streaming"
    ],
    // After the FINAL frame a lost connection completes the download: never resumed past it.
    resume: [
      "requested",
      "complete"
    ],
    disconnected: [
      "streaming",
      "complete"
    ],
    retry: [
      "streaming"
    ]
  },
  // Ended: local calls are harmless no-ops; server messages are ignored as late.
  complete: {
    cancel: [
      "complete"
    ],
    consumed: [
      "complete"
    ],
    resume: [
      "complete"
    ],
    disconnected: [
      "complete"
    ],
    retry: [
      "complete"
    ]
  },
  error: {
    cancel: [
      "error"
    ],
    consumed: [
      "error"
    ],
    resume: [
      "error"
    ],
    disconnected: [
      "error"
    ],
    retry: [
      "error"
    ]
  },
  cancelled: {
    cancelled: [
      "cancelled"
    ],
    cancel: [
      "cancelled"
    ],
    consumed: [
      "cancelled"
    ],
    resume: [
      "cancelled"
    ],
    disconnected: [
      "cancelled"
    ],
    retry: [
      "cancelled"
    ]
  }
};
var DOWNLOAD_PHASES = Object.keys(DOWNLOAD_TRANSITIONS);
var DOWNLOAD_EVENT_KEYS = Object.keys(DOWNLOAD_EVENT_SOURCES);
var DOWNLOAD_TERMINAL_PHASES = /* @__PURE__ */ new Set([
  "complete",
  "error",
  "cancelled"
]);

// protocol/download_state.ts
function initialDownloadState(requestId2, request2, resume, retry) {
  const state = {
    phase: "requested",
    requestId: requestId2,
    request: request2,
    submitted: false,
    requestSent: false,
    sequence: 0,
    rows: 0,
    bytes: 0,
    cursor: "",
    digest: INITIAL_DIGEST,
    final: false,
    retry: retry === void 0 ? void 0 : resolveBackoff(retry),
    attempt: 0
  };
  if (resume === void 0) return state;
  const { highWaterMark, cursor, sequence, rows, bytes, digest } = resume;
  const final = resume.final === true;
  return {
    ...state,
    highWaterMark,
    cursor,
    sequence,
    rows,
    bytes,
    digest,
    final
  };
}
function resumePoint(state) {
  const point = wireResumePoint(state);
  return point === void 0 ? void 0 : {
    ...point,
    final: state.final
  };
}
function wireResumePoint(state) {
  const { highWaterMark, sequence, rows, bytes, cursor, digest } = state;
  if (highWaterMark === void 0) return void 0;
  return {
    highWaterMark,
    cursor,
    sequence,
    rows,
    bytes,
    digest
  };
}
function downloadStatus(state) {
  return {
    requestId: state.requestId,
    phase: state.phase,
    processedRows: state.rows,
    totalRows: state.start?.totalRows ?? 0,
    processedBytes: state.bytes
  };
}

// protocol/download_machine.ts
function step2(state, event, clock2) {
  const allowed = DOWNLOAD_TRANSITIONS[state.phase][event.type];
  if (allowed === void 0) {
    if (DOWNLOAD_EVENT_SOURCES[event.type] === "local") return reject(state, event.type);
    if (DOWNLOAD_TERMINAL_PHASES.has(state.phase)) return {
      state,
      effects: []
    };
    return fail3(state, clock2, "ILLEGAL_TRANSITION", {
      phase: state.phase,
      event: event.type
    }, true);
  }
  const next = listed2(state, event, clock2);
  if (!allowed.includes(next.state.phase)) {
    throw new Error(`download ${state.phase} --${event.type}--> ${next.state.phase} is not in the table`);
  }
  return next;
}
function reject(state, key) {
  const error = errorResponse("ILLEGAL_TRANSITION", {
    phase: state.phase,
    event: key
  });
  return {
    state,
    effects: [
      {
        type: "rejected",
        error
      }
    ]
  };
}
function stamp(state, clock2) {
  return {
    timestamp: clock2.now,
    requestId: state.requestId
  };
}
function cancelMessage(state, clock2) {
  return {
    type: "send",
    message: {
      event: "download:cancel",
      data: {},
      ...stamp(state, clock2)
    }
  };
}
function fail3(state, clock2, code, details, stopServer) {
  const error = errorResponse(code, details);
  const cancel = stopServer && state.requestSent ? [
    cancelMessage(state, clock2)
  ] : [];
  return {
    state: {
      ...state,
      phase: "error",
      error
    },
    effects: [
      ...cancel,
      {
        type: "failed",
        error
      }
    ]
  };
}
function resend(state, clock2) {
  const resume = wireResumePoint(state);
  const message = resume === void 0 ? {
    event: "download:request",
    data: state.request,
    ...stamp(state, clock2)
  } : {
    event: "download:resume",
    data: {
      request: state.request,
      resume
    },
    ...stamp(state, clock2)
  };
  return {
    state: {
      ...state,
      phase: "requested",
      requestSent: true,
      sentAt: clock2.now
    },
    effects: [
      {
        type: "send",
        message
      }
    ]
  };
}
function completeHere(state, clock2) {
  const summary = {
    rows: state.rows,
    bytes: state.bytes,
    digest: state.digest,
    durationMs: state.sentAt === void 0 ? 0 : Math.max(0, clock2.now - state.sentAt)
  };
  return {
    state: {
      ...state,
      phase: "complete",
      summary
    },
    effects: [
      {
        type: "completed",
        summary
      }
    ]
  };
}
function retried(state, error, clock2) {
  const { retry } = state;
  const attempt2 = state.attempt + 1;
  if (retry === void 0 || attempt2 > retry.maxAttempts || !error.recoverable || error.retryAfter === void 0 || state.final) return void 0;
  const delayMs = Math.max(backoffDelay(attempt2, clock2.random, retry), error.retryAfter);
  return {
    state: {
      ...state,
      phase: "requested",
      requestSent: false,
      attempt: attempt2
    },
    effects: [
      {
        type: "retrying",
        error,
        attempt: attempt2,
        attempts: retry.maxAttempts,
        delayMs
      }
    ]
  };
}
function listed2(state, event, clock2) {
  const ended = DOWNLOAD_TERMINAL_PHASES.has(state.phase);
  switch (event.type) {
    case "send": {
      if (state.submitted || state.requestSent) return reject(state, event.type);
      const submitted = {
        ...state,
        submitted: true
      };
      if (state.final) return completeHere(submitted, clock2);
      return event.connected ? resend(submitted, clock2) : {
        state: submitted,
        effects: []
      };
    }
    case "start": {
      const { data } = event;
      if (!state.requestSent) {
        return fail3(state, clock2, "ILLEGAL_TRANSITION", {
          phase: state.phase,
          event: "start"
        }, false);
      }
      const pinned = state.highWaterMark;
      const ok = pinned === void 0 ? !data.resumed : data.resumed && data.highWaterMark === pinned;
      if (!ok) {
        const details = {
          resumed: data.resumed,
          highWaterMark: data.highWaterMark
        };
        return fail3(state, clock2, "RESUME_MISMATCH", details, true);
      }
      return {
        state: {
          ...state,
          phase: "started",
          start: data,
          highWaterMark: data.highWaterMark
        },
        effects: [
          {
            type: "started",
            data
          }
        ]
      };
    }
    case "frame": {
      const { header: header2, payload } = event;
      const continues = !state.final && header2.sequence === state.sequence && header2.rowOffset === state.rows && header2.byteOffset === state.bytes;
      if (!continues) {
        const details = {
          sequence: header2.sequence,
          expected: state.sequence,
          final: state.final
        };
        return fail3(state, clock2, "SEQUENCE_GAP", details, true);
      }
      const digest = event.digest ?? chainDigest(state.digest, payload, nobleSha256);
      const claimed = bytesToHex2(header2.digest);
      if (claimed !== digest) {
        const details = {
          sequence: header2.sequence,
          digest: claimed,
          expected: digest
        };
        return fail3(state, clock2, "DIGEST_MISMATCH", details, true);
      }
      return {
        state: {
          ...state,
          phase: "streaming",
          sequence: state.sequence + 1,
          rows: state.rows + header2.rowCount,
          bytes: state.bytes + payload.length,
          cursor: header2.cursor,
          digest,
          final: header2.final,
          attempt: 0
        },
        effects: [
          {
            type: "deliver",
            payload
          }
        ]
      };
    }
    case "progress":
      return {
        state,
        effects: [
          {
            type: "progress",
            update: event.update
          }
        ]
      };
    case "complete": {
      const { summary } = event;
      if (!state.final) {
        return fail3(state, clock2, "SEQUENCE_GAP", {
          sequence: state.sequence,
          final: false
        }, false);
      }
      if (summary.rows !== state.rows || summary.bytes !== state.bytes || summary.digest !== state.digest) {
        const details = {
          rows: state.rows,
          bytes: state.bytes,
          digest: state.digest
        };
        return fail3(state, clock2, "INTEGRITY_MISMATCH", details, false);
      }
      return {
        state: {
          ...state,
          phase: "complete",
          summary
        },
        effects: [
          {
            type: "completed",
            summary
          }
        ]
      };
    }
    case "error":
      return retried(state, event.error, clock2) ?? {
        state: {
          ...state,
          phase: "error",
          error: event.error
        },
        effects: [
          {
            type: "failed",
            error: event.error
          }
        ]
      };
    case "retry":
      return state.phase === "requested" && state.submitted && !state.requestSent ? resend(state, clock2) : {
        state,
        effects: []
      };
    case "cancel": {
      if (ended) return {
        state,
        effects: []
      };
      const error = errorResponse("CANCELLED");
      const stop = state.requestSent ? [
        cancelMessage(state, clock2)
      ] : [];
      return {
        state: {
          ...state,
          phase: "cancelled",
          error
        },
        effects: [
          ...stop,
          {
            type: "failed",
            error
          }
        ]
      };
    }
    case "cancelled":
      return {
        state,
        effects: []
      };
    case "consumed": {
      const { sequence } = event;
      if (!(Number.isSafeInteger(sequence) && sequence >= 0 && sequence < state.sequence)) {
        return reject(state, event.type);
      }
      if (state.phase !== "started" && state.phase !== "streaming") return {
        state,
        effects: []
      };
      return {
        state,
        effects: [
          {
            type: "send",
            message: {
              event: "download:ack",
              data: {
                sequence
              },
              ...stamp(state, clock2)
            }
          }
        ]
      };
    }
    case "resume":
      if (ended) return {
        state,
        effects: []
      };
      return state.final ? completeHere(state, clock2) : resend(state, clock2);
    case "disconnected":
      return !ended && state.final ? completeHere(state, clock2) : {
        state,
        effects: []
      };
    default: {
      const never = event;
      throw new Error(`unknown download event ${JSON.stringify(never)}`);
    }
  }
}

// transport/chain_digest_async.ts
async function chainDigestAsync(previous, payload) {
  const input = chainInput(previous, payload);
  return chainValue(new Uint8Array(await crypto.subtle.digest("SHA-256", input)));
}

// client/sluice_error.ts
var SluiceError = class extends Error {
  /** The stable code; one this version does not know is kept as it came. */
  code;
  /** Whether retrying may succeed. */
  recoverable;
  /** Milliseconds to wait before a retry, if the peer said. */
  retryAfter;
  /** Machine-readable context. */
  details;
  /** The response as it came, its message as the server (or the client) wrote it. */
  response;
  /** Wraps a response; the `Error` message reads `CODE: message`. */
  constructor(response) {
    super(`${response.code}: ${response.message}`);
    this.name = "SluiceError";
    this.code = response.code;
    this.recoverable = response.recoverable;
    this.response = response;
    if (response.retryAfter !== void 0) this.retryAfter = response.retryAfter;
    if (response.details !== void 0) this.details = response.details;
  }
  /** The plain response, e.g. to log or send: the one it was made from. */
  toJSON() {
    const { code, message, details, recoverable, retryAfter } = this.response;
    return {
      code,
      message,
      ...details === void 0 ? {} : {
        details
      },
      recoverable,
      ...retryAfter === void 0 ? {} : {
        retryAfter
      }
    };
  }
};

// client/download.ts
var PROGRESS_KEPT = 256;
var UNREAD = "progress waits for download.readable to be read: call download.pipeTo(\u2026) (or read download.readable) before iterating the progress";
var clock = () => ({
  now: Date.now(),
  random: Math.random()
});
var DownloadDriver = class {
  requestId;
  request;
  readable;
  done;
  started;
  #port;
  #decompress;
  #hash;
  #delivered = 0;
  #state;
  /** Delivered frames not yet taken by the reader. */
  #queue = [];
  #wakeReader;
  #listeners = /* @__PURE__ */ new Set();
  #retryListeners = /* @__PURE__ */ new Set();
  #retryTimer;
  #progress = [];
  #wakeIterator;
  #resolve;
  #reject;
  #resolveStart;
  #ended = false;
  #controller;
  constructor(requestId2, request2, port, options = {}) {
    this.requestId = requestId2;
    this.request = request2;
    this.#port = port;
    this.#decompress = options.decompress === true && request2.compression;
    this.#hash = options.sha256 === true ? sha256.create() : void 0;
    this.#state = initialDownloadState(requestId2, request2, options.resume, port.retry);
    this.done = new Promise((resolve, reject2) => {
      this.#resolve = resolve;
      this.#reject = reject2;
    });
    this.started = new Promise((resolve) => this.#resolveStart = resolve);
    this.done.catch(() => {
    });
    this.readable = new ReadableStream({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: (controller) => this.#pull(controller),
      cancel: () => this.cancel()
    }, {
      highWaterMark: 0
    });
    const signal = options.signal;
    if (signal !== void 0) {
      if (signal.aborted) queueMicrotask(() => this.cancel());
      else signal.addEventListener("abort", () => this.cancel(), {
        once: true
      });
    }
  }
  /**
   * Feeds a data frame, its chain value computed with Web Crypto first.
   * Frames of one download must be fed one at a time, each once the
   * previous one's promise settled (the connection's channel does so).
   */
  async frame(header2, payload) {
    const digest = await chainDigestAsync(this.#state.digest, payload);
    this.handle({
      type: "frame",
      header: header2,
      payload,
      digest
    });
  }
  /** Feeds one event (a server message, a frame, or a local call) to the machine. */
  handle(event) {
    const result = step2(this.#state, event, clock());
    this.#state = result.state;
    for (const effect of result.effects) this.#apply(effect);
  }
  status() {
    return downloadStatus(this.#state);
  }
  resumePoint() {
    return resumePoint(this.#state);
  }
  get active() {
    return !this.#ended;
  }
  cancel() {
    this.handle({
      type: "cancel"
    });
  }
  onProgress(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  onRetry(listener) {
    this.#retryListeners.add(listener);
    return () => this.#retryListeners.delete(listener);
  }
  async pipeTo(destination, options) {
    await this.readable.pipeTo(destination, options);
    const summary = await this.done;
    const sha = this.#hash === void 0 ? {} : {
      sha256: bytesToHex2(this.#hash.digest())
    };
    return {
      ...summary,
      deliveredBytes: this.#delivered,
      ...sha
    };
  }
  async *[Symbol.asyncIterator]() {
    for (; ; ) {
      const next = this.#progress.shift();
      if (next !== void 0) {
        yield next;
        continue;
      }
      if (this.#ended) return;
      if (this.#queue.length > 0 && !this.readable.locked) throw new TypeError(UNREAD);
      await new Promise((resolve) => this.#wakeIterator = resolve);
    }
  }
  #apply(effect) {
    switch (effect.type) {
      case "send":
        this.#port.send(effect.message);
        return;
      case "deliver":
        this.#queue.push({
          sequence: this.#state.sequence - 1,
          payload: effect.payload
        });
        this.#wake();
        return;
      case "started":
        this.#resolveStart(effect.data);
        return;
      case "progress":
        this.#progress.push(effect.update);
        if (this.#progress.length > PROGRESS_KEPT) this.#progress.shift();
        for (const listener of this.#listeners) listener(effect.update);
        this.#wake();
        return;
      case "completed":
        this.#resolve(effect.summary);
        this.#end();
        return;
      case "failed": {
        const error = new SluiceError(effect.error);
        this.#reject(error);
        this.#queue.length = 0;
        this.#controller.error(error);
        this.#end();
        return;
      }
      case "retrying": {
        const { attempt: attempt2, attempts, delayMs } = effect;
        clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => this.handle({
          type: "retry"
        }), delayMs);
        const retry = {
          error: new SluiceError(effect.error),
          attempt: attempt2,
          attempts,
          delayMs
        };
        for (const listener of this.#retryListeners) listener(retry);
        return;
      }
      case "rejected":
        throw new SluiceError(effect.error);
      default: {
        const unreachable = effect;
        throw new Error(`unknown effect ${JSON.stringify(unreachable)}`);
      }
    }
  }
  #end() {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#retryTimer);
    this.#wake();
    this.#port.ended(this.requestId);
  }
  #wake() {
    const reader = this.#wakeReader, iterator = this.#wakeIterator;
    this.#wakeReader = this.#wakeIterator = void 0;
    reader?.();
    iterator?.();
  }
  async #pull(controller) {
    for (; ; ) {
      const frame2 = this.#queue.shift();
      if (frame2 !== void 0) {
        const bytes = this.#decompress ? await gunzipMember(frame2.payload) : frame2.payload;
        this.#delivered += bytes.length;
        this.#hash?.update(bytes);
        if (bytes.length > 0) controller.enqueue(bytes);
        this.handle({
          type: "consumed",
          sequence: frame2.sequence
        });
        if (bytes.length > 0) return;
        continue;
      }
      const { phase, error } = this.#state;
      if (phase === "complete") return controller.close();
      if (phase === "error" || phase === "cancelled") {
        return controller.error(new SluiceError(error ?? errorResponse("CANCELLED")));
      }
      await new Promise((resolve) => this.#wakeReader = resolve);
    }
  }
};
async function gunzipMember(member) {
  const stream = new Blob([
    member
  ]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// protocol/channel_framing.ts
var decoder = new TextDecoder("utf-8", {
  fatal: true
});
function textForm(utf8Bytes, sealed2, thresholdBytes = COMPRESS_THRESHOLD_BYTES) {
  if (utf8Bytes > thresholdBytes) return "deflated";
  return sealed2 ? "control" : "text";
}
function readPayload(payload, options) {
  if (payload.length > (options.maxPayloadBytes ?? Infinity)) {
    return {
      ok: false,
      error: errorResponse("MESSAGE_TOO_LARGE", {
        bytes: payload.length
      })
    };
  }
  if (typeof payload === "string") {
    if (options.sealed) return {
      ok: false,
      error: errorResponse("UNSEALED_MESSAGE")
    };
    return {
      ok: true,
      value: {
        type: "incoming",
        incoming: {
          type: "text",
          text: payload
        }
      }
    };
  }
  const kind = binaryKind(payload);
  if (!kind.ok) return kind;
  if (kind.value === "sealed") {
    if (!options.sealed) {
      return {
        ok: false,
        error: errorResponse("FRAME_TYPE", {
          reason: "not signed in"
        })
      };
    }
    return {
      ok: true,
      value: {
        type: "open",
        sealed: payload
      }
    };
  }
  if (options.sealed) return {
    ok: false,
    error: errorResponse("UNSEALED_MESSAGE")
  };
  return readInner(payload);
}
function readInner(bytes) {
  const kind = binaryKind(bytes);
  if (!kind.ok) return kind;
  if (kind.value === "data") {
    return {
      ok: true,
      value: {
        type: "incoming",
        incoming: {
          type: "data",
          frame: bytes
        }
      }
    };
  }
  if (kind.value === "sealed") {
    return {
      ok: false,
      error: errorResponse("FRAME_TYPE", {
        reason: "sealed inside sealed"
      })
    };
  }
  const control = decodeControlFrame(bytes);
  if (!control.ok) return control;
  const { deflated, payload } = control.value;
  if (deflated) return {
    ok: true,
    value: {
      type: "inflate",
      deflated: payload
    }
  };
  const text = utf8(payload);
  return text.ok ? {
    ok: true,
    value: {
      type: "incoming",
      incoming: text.value
    }
  } : text;
}
function readInflated(inflated) {
  switch (inflated.type) {
    case "inflated":
      return utf8(inflated.json);
    case "tooLarge":
      return {
        ok: false,
        error: errorResponse("MESSAGE_TOO_LARGE", {
          reason: "inflated"
        })
      };
    case "malformed":
      return {
        ok: false,
        error: errorResponse("MALFORMED_JSON", {
          reason: "not zlib data"
        })
      };
    default: {
      const unknown = inflated;
      throw new TypeError(`unknown inflate outcome ${JSON.stringify(unknown)}`);
    }
  }
}
function utf8(json) {
  try {
    return {
      ok: true,
      value: {
        type: "text",
        text: decoder.decode(json)
      }
    };
  } catch (_notUtf8) {
    return {
      ok: false,
      error: errorResponse("MALFORMED_JSON", {
        reason: "not UTF-8"
      })
    };
  }
}

// transport/compression.ts
async function transform(bytes, stream, limit) {
  const writer = stream.writable.getWriter();
  writer.write(bytes).catch(() => {
  });
  writer.close().catch(() => {
  });
  const chunks = [];
  let size = 0;
  const reader = stream.readable.getReader();
  for (; ; ) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return void 0;
    }
    chunks.push(value);
  }
  return concatBytes2(...chunks);
}
async function deflate(bytes) {
  return await transform(bytes, new CompressionStream("deflate"), Infinity);
}
function inflate(bytes, limit) {
  return transform(bytes, new DecompressionStream("deflate"), limit);
}

// transport/session_channel.ts
var encoder5 = new TextEncoder();
var SessionChannel = class {
  #options;
  #maxMessageBytes;
  #threshold;
  #sealer;
  #opener;
  #outbox = Promise.resolve();
  #inbox = Promise.resolve();
  #pendingBytes = 0;
  #queued = 0;
  /** Payloads received and not yet delivered. */
  #waiting = 0;
  #failed = false;
  /** A plain channel; see {@linkcode ChannelOptions}. */
  constructor(options) {
    this.#options = options;
    this.#maxMessageBytes = options.maxMessageBytes ?? 65536;
    this.#threshold = options.compressThresholdBytes ?? COMPRESS_THRESHOLD_BYTES;
  }
  /** Whether incoming frames must be sealed (from the moment {@linkcode seal} is called). */
  get sealed() {
    return this.#opener !== void 0;
  }
  /**
   * Whether the channel gave up: a broken frame of a sealed session, too many
   * payloads waiting, or a failure to send. Nothing more is delivered; the
   * owner should end the connection.
   */
  get failed() {
    return this.#failed;
  }
  /** Bytes given to send() and not yet handed to the socket. */
  get pendingBytes() {
    return this.#pendingBytes;
  }
  /**
   * Seals every frame from now on, both ways. Call it between the last
   * plain message and the first sealed one of each direction (for the
   * server: right after queueing `auth:result`).
   */
  seal(sealer, opener) {
    if (this.#opener !== void 0) throw new Error("the channel is already sealed");
    this.#opener = opener;
    this.#queued++;
    this.#outbox = this.#outbox.then(() => {
      this.#sealer = sealer;
      this.#queued--;
    });
  }
  /**
   * Sends a control message's JSON, or the JSON a function makes when its
   * turn comes (e.g. a command signed with a timestamp in send order).
   */
  sendText(json) {
    if (typeof json === "string" && this.#queued === 0 && this.#sealer === void 0 && json.length * 3 <= this.#threshold) {
      return this.#options.send(json);
    }
    this.#enqueue(typeof json === "string" ? json.length : 0, async () => {
      const text = typeof json === "string" ? json : await json();
      const sealer = this.#sealer;
      const bytes = encoder5.encode(text);
      const form = textForm(bytes.length, sealer !== void 0, this.#threshold);
      if (form === "text") return text;
      const frame2 = form === "deflated" ? encodeControlFrame(await deflate(bytes), true) : encodeControlFrame(bytes, false);
      return sealer === void 0 ? frame2 : await sealer.seal(frame2);
    });
  }
  /** Sends a data frame's bytes. */
  sendData(frame2) {
    if (this.#queued === 0 && this.#sealer === void 0) return this.#options.send(frame2);
    this.#enqueue(frame2.length, async () => {
      const sealer = this.#sealer;
      return sealer === void 0 ? frame2 : await sealer.seal(frame2);
    });
  }
  /** Resolves once every payload received so far was delivered (or dropped after a failure). */
  drained() {
    return this.#inbox;
  }
  /** Resolves once everything sent so far was handed to the socket. */
  flushed() {
    return this.#outbox;
  }
  #enqueue(size, encode) {
    this.#pendingBytes += size;
    this.#queued++;
    this.#outbox = this.#outbox.then(async () => {
      const payload = await encode();
      this.#pendingBytes -= size;
      this.#queued--;
      this.#options.send(payload);
    }).catch((error) => {
      this.#failed = true;
      const reason = error instanceof Error ? error.message : String(error);
      const failure2 = {
        ok: false,
        error: errorResponse("INTERNAL_ERROR", {
          reason
        })
      };
      this.#inbox = this.#inbox.then(() => this.#options.deliver(failure2)).catch(() => {
      });
    });
  }
  /** Decodes one WebSocket payload; the result reaches `deliver` in order. */
  receive(payload) {
    if (this.#failed) return;
    if (this.#waiting >= (this.#options.maxQueuedPayloads ?? Infinity)) {
      this.#failed = true;
      const error = errorResponse("TOO_MANY_MESSAGES", {
        queued: this.#waiting
      });
      Promise.resolve(this.#options.deliver({
        ok: false,
        error
      })).catch((e) => this.#report(e));
      return;
    }
    this.#waiting++;
    this.#inbox = this.#inbox.then(async () => {
      this.#waiting--;
      if (this.#failed) return;
      const result = await this.#decode(payload);
      if (!result.ok && this.sealed) this.#failed = true;
      try {
        await this.#options.deliver(result);
      } catch (error) {
        this.#report(error);
      }
    });
  }
  #report(error) {
    if (this.#options.handlerFailed !== void 0) return this.#options.handlerFailed(error);
    queueMicrotask(() => {
      throw error;
    });
  }
  async #decode(payload) {
    const opener = this.#opener;
    const read = readPayload(payload, {
      sealed: opener !== void 0,
      maxPayloadBytes: this.#options.maxPayloadBytes
    });
    if (!read.ok) return read;
    let step3 = read.value;
    if (step3.type === "open") {
      const opened = await opener.open(step3.sealed);
      if (!opened.ok) return opened;
      const inner = readInner(opened.value);
      if (!inner.ok) return inner;
      step3 = inner.value;
    }
    if (step3.type === "incoming") return {
      ok: true,
      value: step3.incoming
    };
    let inflated;
    try {
      const json = await inflate(step3.deflated, this.#maxMessageBytes);
      inflated = json === void 0 ? {
        type: "tooLarge"
      } : {
        type: "inflated",
        json
      };
    } catch (_malformed) {
      inflated = {
        type: "malformed"
      };
    }
    return readInflated(inflated);
  }
};

// protocol/peer_error_code.ts
function peerErrorCode(code) {
  return isErrorCode(code) ? code : code;
}

// protocol/time.ts
var ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2}))?$/;
var MS_PER_DAY = 864e5;
var MAX_DATE_MS = 864e13;
function parseTimestamp(text) {
  const m = ISO.exec(text);
  if (m === null) return {
    ok: false,
    error: "INVALID_DATE"
  };
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return {
      ok: false,
      error: "INVALID_DATE"
    };
  }
  if (hour > 23 || minute > 59 || second > 59) return {
    ok: false,
    error: "INVALID_DATE"
  };
  let offset = 0;
  if (zone !== "Z") {
    const oh = Number(zone.slice(1, 3)), om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return {
      ok: false,
      error: "INVALID_DATE"
    };
    offset = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om) * 6e4;
  }
  const ms = daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1e3 + Number(frac.padEnd(3, "0")) - offset;
  return {
    ok: true,
    value: ms
  };
}
function isLeap(year) {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}
function daysInMonth(year, month) {
  return month === 2 ? isLeap(year) ? 29 : 28 : [
    31,
    0,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31
  ][month - 1];
}
function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// protocol/_schema.ts
var Invalid = class {
  code;
  path;
  reason;
  /** @param code the error code; @param path where, e.g. `data.filters[0]`; @param reason a short why */
  constructor(code, path, reason) {
    this.code = code;
    this.path = path;
    this.reason = reason;
  }
};
var describe = (value) => value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
var isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
function str(rule) {
  return (value, path) => {
    if (typeof value !== "string") {
      throw new Invalid("INVALID_TYPE", path, `expected string, got ${describe(value)}`);
    }
    if (value.length > rule.max) {
      throw new Invalid("STRING_TOO_LONG", path, `longer than ${rule.max}`);
    }
    if (rule.pattern !== void 0 && !rule.pattern.test(value)) {
      throw new Invalid(rule.code ?? "INVALID_VALUE", path, `does not match ${rule.pattern}`);
    }
    return value;
  };
}
function oneOf(values, code = "INVALID_VALUE") {
  return (value, path) => {
    if (typeof value !== "string") {
      throw new Invalid("INVALID_TYPE", path, `expected string, got ${describe(value)}`);
    }
    if (!values.includes(value)) {
      throw new Invalid(code, path, `expected one of ${values.join(", ")}`);
    }
    return value;
  };
}
function num(rule = {}) {
  return (value, path) => {
    if (typeof value !== "number") {
      throw new Invalid("INVALID_TYPE", path, `expected number, got ${describe(value)}`);
    }
    if (!Number.isFinite(value)) throw new Invalid("NON_FINITE_NUMBER", path, "not finite");
    if (rule.integer === true && !Number.isSafeInteger(value)) {
      throw new Invalid("INVALID_VALUE", path, "not a safe integer");
    }
    if (rule.min !== void 0 && value < rule.min || rule.max !== void 0 && value > rule.max) {
      throw new Invalid("INVALID_VALUE", path, `outside [${rule.min}, ${rule.max}]`);
    }
    return value;
  };
}
var count = num({
  min: 0,
  integer: true
});
var bool = (value, path) => {
  if (typeof value !== "boolean") {
    throw new Invalid("INVALID_TYPE", path, `expected boolean, got ${describe(value)}`);
  }
  return value;
};
function literal(expected) {
  return (value, path) => {
    if (value !== expected) {
      throw new Invalid("INVALID_VALUE", path, `expected ${JSON.stringify(expected)}`);
    }
    return expected;
  };
}
function isoDate(max = 64) {
  const text = str({
    max
  });
  return (value, path) => {
    const s = text(value, path);
    if (!parseTimestamp(s).ok) throw new Invalid("INVALID_DATE", path, "not an ISO 8601 instant");
    return s;
  };
}
function list(item, max) {
  return (value, path) => {
    if (!Array.isArray(value)) {
      throw new Invalid("INVALID_TYPE", path, `expected array, got ${describe(value)}`);
    }
    if (value.length > max) throw new Invalid("ARRAY_TOO_LONG", path, `more than ${max} items`);
    return value.map((v, i) => item(v, `${path}[${i}]`));
  };
}
function scalarOrList(one, many) {
  return (value, path) => Array.isArray(value) ? many(value, path) : one(value, path);
}
function object(required, optional) {
  const opt = optional ?? {};
  return (value, path) => {
    if (!isRecord(value)) {
      throw new Invalid("INVALID_TYPE", path, `expected object, got ${describe(value)}`);
    }
    const out = {};
    for (const key of Object.keys(required)) {
      if (!Object.hasOwn(value, key)) {
        throw new Invalid("MISSING_FIELD", join2(path, key), "required");
      }
      out[key] = required[key](value[key], join2(path, key));
    }
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(required, key)) continue;
      if (!Object.hasOwn(opt, key)) {
        throw new Invalid("UNKNOWN_FIELD", join2(path, key), "not defined");
      }
      out[key] = opt[key](value[key], join2(path, key));
    }
    return out;
  };
}
function tagged(tag, cases) {
  return (value, path) => {
    if (!isRecord(value)) {
      throw new Invalid("INVALID_TYPE", path, `expected object, got ${describe(value)}`);
    }
    if (!Object.hasOwn(value, tag)) throw new Invalid("MISSING_FIELD", join2(path, tag), "required");
    const key = value[tag];
    if (typeof key !== "string" && typeof key !== "boolean") {
      throw new Invalid("INVALID_TYPE", join2(path, tag), `got ${describe(key)}`);
    }
    const check = Object.hasOwn(cases, String(key)) ? cases[String(key)] : void 0;
    if (check === void 0) {
      throw new Invalid("INVALID_VALUE", join2(path, tag), `expected one of ${Object.keys(cases)}`);
    }
    return check(value, path);
  };
}
function flatRecord(maxKeys, maxString) {
  return (value, path) => {
    if (!isRecord(value)) {
      throw new Invalid("INVALID_TYPE", path, `expected object, got ${describe(value)}`);
    }
    const keys = Object.keys(value);
    if (keys.length > maxKeys) {
      throw new Invalid("ARRAY_TOO_LONG", path, `more than ${maxKeys} keys`);
    }
    const out = {};
    for (const key of keys) {
      const v = value[key];
      if (typeof v === "string") out[key] = str({
        max: maxString
      })(v, join2(path, key));
      else if (typeof v === "number") out[key] = num()(v, join2(path, key));
      else if (typeof v === "boolean") out[key] = v;
      else throw new Invalid("INVALID_TYPE", join2(path, key), `got ${describe(v)}`);
    }
    return out;
  };
}
function join2(path, key) {
  return path === "" ? key : `${path}.${key}`;
}

// protocol/resume_bounds.ts
var MAX_RESUME_SEQUENCE = 2 ** 31 - 1;
var MAX_RESUME_COUNT = 2 ** 52;

// protocol/_payload_checks.ts
var U32_MAX = 4294967295;
var requestId = str({
  max: 64,
  pattern: REQUEST_ID_PATTERN
});
var empty = object({});
var publicKey = str({
  max: 66,
  pattern: COMPRESSED_KEY
});
var epochMs = num({
  min: 0,
  max: MAX_DATE_MS,
  integer: true
});
var anySignature = str({
  max: 4096,
  pattern: WHOLE_BYTES
});
var identity = tagged("kind", {
  secp256k1: object({
    kind: literal("secp256k1"),
    publicKey
  }),
  ethereum: object({
    kind: literal("ethereum"),
    address: str({
      max: 42,
      pattern: ETHEREUM_ADDRESS
    })
  }),
  token: object({
    kind: literal("token")
  })
});
var errorCodeText = str({
  max: 64,
  pattern: /^[A-Z][A-Z0-9_]{0,63}$/
});
var errorCode = (value, path) => peerErrorCode(errorCodeText(value, path));
var errorPayload = object({
  code: errorCode,
  message: str({
    max: 1024
  }),
  recoverable: bool
}, {
  details: flatRecord(32, 1024),
  retryAfter: count
});
function downloadRequest(bounds) {
  const scalar = (value, path) => typeof value === "boolean" ? value : typeof value === "number" ? num()(value, path) : str({
    max: 4096
  })(value, path);
  const filter = object({
    field: str({
      max: 128
    }),
    operator: oneOf(FILTER_OPERATORS, "INVALID_OPERATOR"),
    value: scalarOrList(scalar, list(scalar, bounds.maxArrayLength))
  });
  return object({
    searchParams: object({
      timeFrom: isoDate(),
      timeTo: isoDate(),
      filters: list(filter, bounds.maxArrayLength)
    }, {
      dataset: str({
        max: 64,
        pattern: DATASET_NAME
      }),
      columns: list(str({
        max: 128
      }), bounds.maxArrayLength)
    }),
    outputFormat: oneOf(OUTPUT_FORMATS, "UNSUPPORTED_FORMAT"),
    compression: bool
  }, {
    neutralizeFormulas: bool
  });
}
var MAX_PREVIEW_ROWS = 20;
var MAX_COLUMN_VALUES = 16;
function isPlain(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function previewRow(maxKeys) {
  const text = str({
    max: 4096
  });
  return (value, path) => {
    if (!isPlain(value)) throw new Invalid("INVALID_TYPE", path, "expected object");
    const entries = Object.entries(value);
    if (entries.length > maxKeys) throw new Invalid("ARRAY_TOO_LONG", path, "too many cells");
    const out = {};
    for (const [key, cell] of entries) {
      const at = `${path}.${key}`;
      out[key] = cell === null || typeof cell === "boolean" ? cell : typeof cell === "number" ? num()(cell, at) : text(cell, at);
    }
    return out;
  };
}
function valueLists(maxKeys) {
  const values = list(str({
    max: 256
  }), MAX_COLUMN_VALUES);
  return (value, path) => {
    if (!isPlain(value)) throw new Invalid("INVALID_TYPE", path, "expected object");
    const entries = Object.entries(value);
    if (entries.length > maxKeys) throw new Invalid("ARRAY_TOO_LONG", path, "too many columns");
    return Object.fromEntries(entries.map(([key, item]) => [
      key,
      values(item, `${path}.${key}`)
    ]));
  };
}
function clientChecks(bounds) {
  const request2 = downloadRequest(bounds);
  return {
    "download:request": request2,
    "download:estimate": request2,
    "download:cancel": empty,
    "download:ack": object({
      sequence: num({
        min: 0,
        max: U32_MAX,
        integer: true
      })
    }),
    "download:resume": object({
      request: request2,
      resume: object({
        highWaterMark: str({
          max: 64
        }),
        cursor: str({
          max: 255
        }),
        // Room for the frames still to come (resume_bounds.ts).
        sequence: num({
          min: 0,
          max: MAX_RESUME_SEQUENCE,
          integer: true
        }),
        rows: num({
          min: 0,
          max: MAX_RESUME_COUNT,
          integer: true
        }),
        bytes: num({
          min: 0,
          max: MAX_RESUME_COUNT,
          integer: true
        }),
        digest: str({
          max: 64,
          pattern: HEX_32_BYTES
        })
      })
    }),
    "status:check": object({}, {
      requestId
    }),
    "connection:health": empty,
    "auth:nonce": object({
      identity,
      sessionKey: publicKey
    }),
    "auth:authenticate": object({
      identity,
      nonce: str({
        max: 64,
        pattern: HEX_32_BYTES
      })
    }, {
      // Which of the two an identity kind needs is sign_in.ts's rule (PROTOCOL.md §15.8).
      signature: anySignature,
      sealedToken: str({
        max: MAX_SEALED_TOKEN_LENGTH,
        pattern: SEALED_TOKEN
      }),
      delegation: object({
        key: publicKey,
        issuedAt: epochMs,
        expiresAt: count,
        signature: anySignature
      })
    })
  };
}
function serverChecks(bounds) {
  return {
    "download:start": object({
      totalRows: count,
      columns: list(object({
        name: str({
          max: 128
        }),
        type: oneOf([
          "integer",
          "decimal",
          "text",
          "timestamp",
          "boolean"
        ])
      }), bounds.maxArrayLength),
      highWaterMark: str({
        max: 64
      }),
      outputFormat: oneOf(OUTPUT_FORMATS, "UNSUPPORTED_FORMAT"),
      compression: bool,
      resumed: bool
    }),
    "download:progress": object({
      requestId,
      progress: num({
        min: 0,
        max: 100
      }),
      processedRows: count,
      totalRows: count,
      speed: num({
        min: 0
      }),
      estimatedTimeRemaining: num({
        min: -1
      }),
      processedBytes: count
    }),
    "download:complete": object({
      rows: count,
      bytes: count,
      digest: str({
        max: 64,
        pattern: HEX_32_BYTES
      }),
      durationMs: count
    }),
    "download:error": errorPayload,
    "download:cancelled": object({
      rows: count,
      bytes: count
    }),
    "status:update": object({
      downloads: list(object({
        requestId,
        phase: oneOf([
          "requested",
          "started",
          "streaming",
          "complete",
          "error",
          "cancelled"
        ]),
        processedRows: count,
        totalRows: count,
        processedBytes: count
      }), bounds.maxArrayLength)
    }),
    "system:error": errorPayload,
    "connection:health": object({
      status: oneOf([
        "ok",
        "degraded"
      ]),
      serverTime: count,
      uptimeMs: count,
      connections: count,
      activeDownloads: count,
      load: num({
        min: 0
      })
    }),
    "auth:challenge": object({
      nonce: str({
        max: 64,
        pattern: HEX_32_BYTES
      }),
      issuedAt: epochMs,
      expiresAt: epochMs,
      origin: str({
        max: 256
      }),
      sessionKey: publicKey,
      serverKey: publicKey,
      serverSignature: str({
        max: 128,
        pattern: COMPACT_SIGNATURE
      }),
      encryption: bool,
      chainId: num({
        min: 1,
        integer: true
      })
    }, {
      maxDelegationMs: num({
        min: 1,
        max: MAX_DELEGATION_MS,
        integer: true
      })
    }),
    "download:estimate": object({
      rows: count,
      exact: bool,
      bytes: count,
      preview: list(previewRow(bounds.maxArrayLength), MAX_PREVIEW_ROWS),
      values: valueLists(bounds.maxArrayLength)
    }, {
      maxRows: count
    }),
    "auth:result": tagged("authenticated", {
      true: object({
        authenticated: literal(true),
        token: str({
          max: 256
        }),
        expiresAt: count
      }),
      false: object({
        authenticated: literal(false),
        error: errorPayload
      })
    })
  };
}

// protocol/events.ts
var EVENTS = {
  // The original nine.
  DOWNLOAD_REQUEST: "download:request",
  DOWNLOAD_START: "download:start",
  DOWNLOAD_PROGRESS: "download:progress",
  DOWNLOAD_COMPLETE: "download:complete",
  DOWNLOAD_ERROR: "download:error",
  STATUS_UPDATE: "status:update",
  STATUS_CHECK: "status:check",
  SYSTEM_ERROR: "system:error",
  CONNECTION_HEALTH: "connection:health",
  // Added by sluice.
  DOWNLOAD_CANCEL: "download:cancel",
  DOWNLOAD_CANCELLED: "download:cancelled",
  DOWNLOAD_ACK: "download:ack",
  DOWNLOAD_RESUME: "download:resume",
  AUTH_NONCE: "auth:nonce",
  AUTH_CHALLENGE: "auth:challenge",
  AUTH_AUTHENTICATE: "auth:authenticate",
  AUTH_RESULT: "auth:result",
  DOWNLOAD_ESTIMATE: "download:estimate"
};
var EVENT_TABLE = {
  "download:request": {
    direction: "client",
    summary: "ask for the rows of a time range that pass filters"
  },
  "download:start": {
    direction: "server",
    summary: "the export is accepted: total rows, columns, pinned high-water mark"
  },
  "download:progress": {
    direction: "server",
    summary: "batched progress: percent, rows, speed, time remaining"
  },
  "download:complete": {
    direction: "server",
    summary: "all bytes sent: rows, bytes, digest of the whole payload, duration"
  },
  "download:error": {
    direction: "server",
    summary: "the download (or a command about it) failed: an ErrorResponse"
  },
  "status:update": {
    direction: "server",
    summary: "answer to status:check: the state of one or all downloads"
  },
  "status:check": {
    direction: "client",
    summary: "ask for the state of one download, or of all"
  },
  "system:error": {
    direction: "server",
    summary: "an error not tied to a download, e.g. an unparsable message"
  },
  "connection:health": {
    direction: "both",
    summary: "client ping; server pong with its time and load"
  },
  "download:cancel": {
    direction: "client",
    summary: "stop a download at once"
  },
  "download:cancelled": {
    direction: "server",
    summary: "a cancelled download has stopped: rows and bytes sent"
  },
  "download:ack": {
    direction: "client",
    summary: "flow control: data frames up to a sequence number are consumed"
  },
  "download:resume": {
    direction: "client",
    summary: "continue a download from the cursor of its last complete frame"
  },
  "auth:nonce": {
    direction: "client",
    summary: "present an identity, ask for a challenge"
  },
  "auth:challenge": {
    direction: "server",
    summary: "a single-use nonce with its expiry"
  },
  "auth:authenticate": {
    direction: "client",
    summary: "identity and signature over the challenge"
  },
  "auth:result": {
    direction: "server",
    summary: "authenticated or not, with a session token or an ErrorResponse"
  },
  "download:estimate": {
    direction: "both",
    summary: "client: how big would this download be; server: rows, bytes, first rows, values"
  }
};
var NAMES = new Set(Object.values(EVENTS));
function isEventName(value) {
  return NAMES.has(value);
}

// protocol/parse.ts
var DEFAULT_PARSE_LIMITS = {
  maxMessageBytes: 65536,
  maxDepth: 8,
  maxStringLength: 4096,
  maxArrayLength: 1e3
};
var FORBIDDEN_KEYS = /* @__PURE__ */ new Set([
  "__proto__",
  "constructor",
  "prototype"
]);
var utf82 = new TextDecoder("utf-8", {
  fatal: true
});
var messageAuth = object({
  token: str({
    max: 256
  }),
  timestamp: count,
  signature: str({
    max: 256,
    pattern: LOWERCASE_HEX
  })
});
var requestIdCheck = str({
  max: 64,
  pattern: REQUEST_ID_PATTERN
});
var parsers = /* @__PURE__ */ new Map();
function parserFor(side, limits) {
  const resolved = {
    ...DEFAULT_PARSE_LIMITS,
    ...limits
  };
  const key = `${side}:${JSON.stringify(resolved)}`;
  let parser = parsers.get(key);
  if (parser === void 0) {
    const bounds = {
      maxArrayLength: resolved.maxArrayLength
    };
    parser = {
      limits: resolved,
      checks: side === "client" ? clientChecks(bounds) : serverChecks(bounds)
    };
    parsers.set(key, parser);
  }
  return parser;
}
function parseServerMessage(input, limits = {}) {
  return parse(input, "server", parserFor("server", limits));
}
function parse(input, from, parser) {
  const { limits } = parser;
  let text;
  if (typeof input === "string") {
    if (utf8Length(input, limits.maxMessageBytes) > limits.maxMessageBytes) {
      return failure("MESSAGE_TOO_LARGE", "", `over ${limits.maxMessageBytes} bytes`);
    }
    text = input;
  } else {
    if (input.length > limits.maxMessageBytes) {
      return failure("MESSAGE_TOO_LARGE", "", `over ${limits.maxMessageBytes} bytes`);
    }
    try {
      text = utf82.decode(input);
    } catch {
      return failure("MALFORMED_JSON", "", "not valid UTF-8");
    }
  }
  if (nestingDepth(text, limits.maxDepth) > limits.maxDepth) {
    return failure("NESTING_TOO_DEEP", "", `deeper than ${limits.maxDepth}`);
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return failure("MALFORMED_JSON", "", "not JSON");
  }
  const context = readableContext(value);
  try {
    sweep(value, "", limits);
    return {
      ok: true,
      value: envelope(value, from, parser)
    };
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    return failure(e.code, e.path, e.reason, context);
  }
}
function envelope(value, from, parser) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Invalid("INVALID_TYPE", "", "a message is a JSON object");
  }
  const record = value;
  if (!Object.hasOwn(record, "event")) throw new Invalid("MISSING_FIELD", "event", "required");
  const event = str({
    max: 64
  })(record.event, "event");
  if (!isEventName(event)) throw new Invalid("UNKNOWN_EVENT", "event", event);
  const direction = EVENT_TABLE[event].direction;
  if (direction !== "both" && direction !== from) {
    throw new Invalid("UNEXPECTED_EVENT", "event", `${event} is sent by the ${direction}`);
  }
  const check = parser.checks[event];
  return object({
    event: (v) => v,
    data: check,
    timestamp: count,
    requestId: requestIdCheck
  }, from === "client" ? {
    auth: messageAuth
  } : {})(record, "");
}
function sweep(value, path, limits) {
  if (typeof value === "string") {
    if (value.length > limits.maxStringLength) {
      throw new Invalid("STRING_TOO_LONG", path, `longer than ${limits.maxStringLength}`);
    }
  } else if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Invalid("NON_FINITE_NUMBER", path, "not finite");
  } else if (Array.isArray(value)) {
    if (value.length > limits.maxArrayLength) {
      throw new Invalid("ARRAY_TOO_LONG", path, `more than ${limits.maxArrayLength} items`);
    }
    value.forEach((item, i) => sweep(item, `${path}[${i}]`, limits));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const at = path === "" ? key : `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) throw new Invalid("FORBIDDEN_KEY", at, "forbidden key");
      sweep(item, at, limits);
    }
  }
}
function nestingDepth(text, limit) {
  let depth = 0, deepest = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}
function readableContext(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const record = value;
  const out = {};
  if (typeof record.event === "string" && isEventName(record.event)) out.event = record.event;
  if (typeof record.requestId === "string" && REQUEST_ID_PATTERN.test(record.requestId)) {
    out.requestId = record.requestId;
  }
  return out;
}
function failure(code, path, reason, context = {}) {
  return {
    ok: false,
    error: {
      error: errorResponse(code, {
        path,
        reason
      }),
      ...context
    }
  };
}

// client/connection.ts
var ClientConnection = class {
  #socket;
  #channel;
  #handlers;
  #signIn;
  #established;
  #detached = false;
  /** Resolves once the socket has closed. */
  closed;
  /** Opens a WebSocket to `url`. */
  constructor(url, handlers) {
    this.#handlers = handlers;
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    this.#socket = socket;
    this.#channel = new SessionChannel({
      send: (payload) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(payload);
      },
      deliver: (incoming) => this.#detached ? void 0 : this.#receive(incoming),
      // A handler that throws is a bug in this client; the connection cannot be trusted after it.
      handlerFailed: (error) => {
        handlers.logger.error("sluice: a message handler failed:", error);
        if (!this.#detached) handlers.violation("INTERNAL_ERROR");
      }
    });
    let closed;
    this.closed = new Promise((resolve) => closed = resolve);
    socket.onopen = () => {
      if (!this.#detached) handlers.opened();
    };
    socket.onmessage = (event) => {
      const data = event.data;
      this.#channel.receive(typeof data === "string" ? data : new Uint8Array(data));
    };
    socket.onerror = () => {
    };
    socket.onclose = (event) => void this.#channel.drained().then(() => {
      closed();
      if (!this.#detached) {
        this.#detached = true;
        handlers.closed(event);
      }
    });
  }
  /** Whether the socket is open. */
  get open() {
    return this.#socket.readyState === WebSocket.OPEN;
  }
  /** Starts the sign-in: a fresh ephemeral key, and `auth:nonce` with the identity. */
  beginSignIn(credentials, url, serverKey, requestId2) {
    const signIn2 = new ConnectionSignIn(credentials, url, serverKey);
    this.#signIn = signIn2;
    this.#channel.sendText(encodeMessage({
      event: "auth:nonce",
      data: signIn2.nonce(),
      timestamp: Date.now(),
      requestId: requestId2
    }));
  }
  /**
   * Checks and signs a challenge. A failing signer (a wallet that refuses)
   * gives `AUTH_BAD_SIGNATURE`: not something a reconnect fixes.
   */
  async sign(challenge) {
    const signIn2 = this.#signIn;
    if (signIn2 === void 0) {
      return {
        ok: false,
        error: errorResponse("UNEXPECTED_EVENT", {
          reason: "no sign-in"
        })
      };
    }
    try {
      return await signIn2.sign(challenge);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        error: errorResponse("AUTH_BAD_SIGNATURE", {
          reason
        })
      };
    }
  }
  /** Sends a command: as it is before sign-in, with its signed `auth` after. */
  send(message) {
    if (!this.open) return;
    const established = this.#established;
    if (established === void 0) return this.#channel.sendText(encodeMessage(message));
    this.#channel.sendText(async () => encodeMessage(await established.authorize(message)));
  }
  /** Closes the socket; nothing of it reaches the handlers any more. */
  close(code, reason) {
    this.#detached = true;
    this.#socket.close(code, reason);
  }
  async #receive(incoming) {
    if (!incoming.ok) return this.#handlers.violation(incoming.error.code);
    if (incoming.value.type === "data") {
      const decoded = decodeDataFrame(incoming.value.frame);
      if (!decoded.ok) return this.#handlers.violation(decoded.error.code);
      return await this.#handlers.frame(decoded.value);
    }
    const parsed = parseServerMessage(incoming.value.text);
    if (!parsed.ok) return this.#handlers.violation(parsed.error.error.code);
    const message = parsed.value;
    const result = message.event === "auth:result" ? message.data : void 0;
    if (result?.authenticated === false) this.#signIn?.refused(result.error);
    if (result?.authenticated) {
      const established = await this.#signIn?.establish(result.token);
      if (established === void 0) return this.#handlers.violation("UNEXPECTED_EVENT");
      if (!established.ok) return this.#handlers.violation(established.error.code);
      const { seal } = established.value;
      if (seal !== void 0) this.#channel.seal(seal.sealer, seal.opener);
      this.#established = established.value;
    }
    if (!this.#detached) this.#handlers.message(message);
  }
};

// client/_questions.ts
var Questions = class {
  #waiting = /* @__PURE__ */ new Map();
  /** Waits for the answer to the question of `requestId` that `pick` takes. */
  ask(requestId2, pick) {
    return new Promise((resolve, reject2) => {
      this.#waiting.set(requestId2, {
        answer: (message) => {
          const value = pick(message);
          if (value !== void 0) resolve(value);
        },
        reject: reject2
      });
    });
  }
  /** An answer for the question its request id names, if there is one. */
  answer(message) {
    const waiter = this.#waiting.get(message.requestId);
    this.#waiting.delete(message.requestId);
    waiter?.answer(message);
  }
  /** Rejects the question of `requestId` with `error`; whether there was one. */
  refuse(requestId2, error) {
    const waiter = this.#waiting.get(requestId2);
    if (waiter === void 0) return false;
    this.#waiting.delete(requestId2);
    waiter.reject(new SluiceError(error));
    return true;
  }
  /** Rejects every question (the connection is gone). */
  failAll(error) {
    for (const waiter of this.#waiting.values()) waiter.reject(error);
    this.#waiting.clear();
  }
};

// client/sluice_client.ts
var GOODBYE_WAIT_MS = 1e3;
var SluiceClient = class {
  #config;
  #state;
  #connection;
  #timers = /* @__PURE__ */ new Map();
  #downloads = /* @__PURE__ */ new Map();
  #questions = new Questions();
  #listeners = /* @__PURE__ */ new Map();
  #connectWaiters = [];
  #systemHealth;
  #closedSocket = Promise.resolve();
  #nextId = 1;
  /** Use `ClientBuilder(url).build()`. */
  constructor(config) {
    this.#config = config;
    this.#state = initialConnectionState({
      authenticate: true,
      backoff: config.backoff,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      heartbeatTimeoutMs: config.heartbeatTimeoutMs,
      handshakeTimeoutMs: config.handshakeTimeoutMs,
      failFast: config.failFast
    });
  }
  /** The server URL. */
  get url() {
    return this.#config.url;
  }
  /** Whether the connection is open now. */
  isConnected() {
    return isConnected(this.#state);
  }
  /** The session state: connected, phase, heartbeat, downloads, server health. */
  session() {
    const activeDownloads = /* @__PURE__ */ new Map();
    for (const [id, d] of this.#downloads) activeDownloads.set(id, d.status());
    return {
      connected: this.isConnected(),
      phase: this.#state.phase,
      ...this.#state.lastHeartbeat === void 0 ? {} : {
        lastHeartbeat: this.#state.lastHeartbeat
      },
      ...this.#state.rttMs === void 0 ? {} : {
        rttMs: this.#state.rttMs
      },
      activeDownloads,
      ...this.#systemHealth === void 0 ? {} : {
        systemHealth: this.#systemHealth
      }
    };
  }
  /** Subscribes to an event; returns the unsubscribe function. */
  on(name, listener) {
    let set = this.#listeners.get(name);
    if (set === void 0) this.#listeners.set(name, set = /* @__PURE__ */ new Set());
    set.add(listener);
    return () => set.delete(listener);
  }
  /**
   * Opens the connection; resolves once it is usable, rejects with
   * `CONNECTION_FAILED` after the last reconnect attempt, or with
   * `CONNECTION_CLOSED` if `close()` comes first.
   */
  connect() {
    if (this.isConnected()) return Promise.resolve();
    const ready = new Promise((resolve, reject2) => {
      this.#connectWaiters.push({
        resolve,
        reject: reject2
      });
    });
    if (this.#state.phase === "idle" || this.#state.phase === "failed") {
      this.#step({
        type: "connect"
      });
    } else if (this.#state.phase === "closed") {
      this.#rejectConnect(new SluiceError(errorResponse("CONNECTION_CLOSED")));
    }
    return ready;
  }
  /** Starts a download; it is sent now if connected, else as soon as the connection is up. */
  download(request2, options = {}) {
    if (this.#state.phase === "closed") throw new SluiceError(errorResponse("CONNECTION_CLOSED"));
    const requestId2 = options.requestId ?? `dl-${crypto.randomUUID()}`;
    if (this.#downloads.has(requestId2)) {
      throw new SluiceError(errorResponse("DUPLICATE_REQUEST", {
        requestId: requestId2
      }));
    }
    const driver = new DownloadDriver(requestId2, request2, {
      send: (message) => this.#send(message),
      ended: (id) => this.#downloads.delete(id),
      retry: this.#config.backoff ?? {}
    }, options);
    this.#downloads.set(requestId2, driver);
    driver.handle({
      type: "send",
      connected: this.isConnected()
    });
    return driver;
  }
  /** Asks the server where one download, or every download of this connection, stands. */
  status(requestId2) {
    return this.#ask("status:check", requestId2 === void 0 ? {} : {
      requestId: requestId2
    }, (m) => m.event === "status:update" ? [
      ...m.data.downloads
    ] : void 0);
  }
  /**
   * Asks the server how big a download of `request` would be, before
   * starting it (PROTOCOL.md §5.12): its rows, about how many bytes, its
   * first rows and values of its text columns. It is checked as the
   * download would be, and refused with the same codes; a server older
   * than the event refuses it with `UNKNOWN_EVENT`.
   *
   * @example
   * ```ts ignore
   * const { rows, bytes } = await client.estimate(request);
   * ```
   */
  estimate(request2) {
    return this.#ask("download:estimate", request2, (m) => m.event === "download:estimate" ? m.data : void 0);
  }
  /** Sends a question and waits for its answer (`pick`), or the error that names its id. */
  #ask(event, data, pick) {
    if (!this.isConnected()) {
      return Promise.reject(new SluiceError(errorResponse("CONNECTION_LOST")));
    }
    const requestId2 = `${event === "status:check" ? "st" : "es"}-${this.#nextId++}`;
    const answered = this.#questions.ask(requestId2, pick);
    this.#send({
      event,
      data,
      timestamp: Date.now(),
      requestId: requestId2
    });
    return answered;
  }
  /** Closes for good: no reconnect; pending downloads reject with `CONNECTION_CLOSED`. */
  async close() {
    this.#step({
      type: "close"
    });
    const error = new SluiceError(errorResponse("CONNECTION_CLOSED"));
    this.#failPending(error);
    for (const driver of [
      ...this.#downloads.values()
    ]) {
      driver.handle({
        type: "error",
        error: errorResponse("CONNECTION_CLOSED")
      });
    }
    await new Promise((resolve) => {
      const timer2 = setTimeout(resolve, GOODBYE_WAIT_MS);
      void this.#closedSocket.then(() => {
        clearTimeout(timer2);
        resolve();
      });
    });
  }
  #step(event) {
    const result = step(this.#state, event, {
      now: Date.now(),
      random: Math.random()
    });
    this.#state = result.state;
    for (const effect of result.effects) this.#apply(effect);
  }
  #apply(effect) {
    switch (effect.type) {
      case "openSocket":
        return this.#open();
      case "closeSocket":
        return this.#closeSocket(effect.code, effect.reason);
      case "send":
        return this.#send(effect.message);
      case "startTimer": {
        clearTimeout(this.#timers.get(effect.name));
        const name = effect.name;
        this.#timers.set(name, setTimeout(() => {
          this.#timers.delete(name);
          this.#step({
            type: "timer",
            name
          });
        }, effect.ms));
        return;
      }
      case "cancelTimer":
        clearTimeout(this.#timers.get(effect.name));
        this.#timers.delete(effect.name);
        return;
      case "beginAuth":
        return this.#connection?.beginSignIn(this.#config.credentials, this.#config.url, this.#config.serverKey, `auth-${this.#nextId++}`);
      case "sign":
        return void this.#sign(effect.challenge);
      case "ready": {
        for (const waiter of this.#connectWaiters.splice(0)) waiter.resolve();
        for (const driver of this.#downloads.values()) driver.handle({
          type: "resume"
        });
        return;
      }
      case "health":
        this.#systemHealth = effect.health;
        return this.#emit("health", {
          rttMs: effect.rttMs,
          health: effect.health
        });
      case "failed": {
        const error = new SluiceError(effect.error);
        this.#failPending(error);
        for (const driver of [
          ...this.#downloads.values()
        ]) {
          driver.handle({
            type: "error",
            error: effect.error
          });
        }
        return this.#emit("connection:failed", effect.error);
      }
      case "stateChanged":
        if (effect.from === "open") {
          for (const driver of [
            ...this.#downloads.values()
          ]) {
            driver.handle({
              type: "disconnected"
            });
          }
        }
        return this.#emit("state", {
          from: effect.from,
          to: effect.to
        });
      case "rejected":
        throw new SluiceError(effect.error);
      default: {
        const unreachable = effect;
        throw new Error(`unknown effect ${JSON.stringify(unreachable)}`);
      }
    }
  }
  /** Signs a challenge; a signature that outlives its connection is dropped by the machine. */
  async #sign(challenge) {
    const connection = this.#connection;
    if (connection === void 0) return;
    const signed = await connection.sign(challenge);
    if (this.#connection !== connection) return;
    if (signed.ok) return this.#step({
      type: "signed",
      ...signed.value
    });
    this.#step({
      type: "authResult",
      result: {
        authenticated: false,
        error: signed.error
      }
    });
  }
  #open() {
    const current = () => this.#connection === connection;
    const connection = new ClientConnection(this.#config.url, {
      opened: () => void (current() && this.#step({
        type: "opened"
      })),
      message: (message) => void (current() && this.#dispatch(message)),
      frame: ({ payload, ...header2 }) => current() ? this.#downloads.get(header2.requestId)?.frame(header2, payload) : void 0,
      violation: (code) => void (current() && this.#step({
        type: "violation",
        code
      })),
      logger: this.#config.logger ?? console,
      closed: (event) => {
        if (!current()) return;
        this.#connection = void 0;
        this.#failStatus(new SluiceError(errorResponse("CONNECTION_LOST")));
        this.#step({
          type: "closed",
          code: event.code,
          reason: event.reason
        });
      }
    });
    this.#connection = connection;
    this.#closedSocket = connection.closed;
  }
  #closeSocket(code, reason) {
    const connection = this.#connection;
    if (connection === void 0) return;
    this.#connection = void 0;
    this.#failStatus(new SluiceError(errorResponse("CONNECTION_LOST")));
    connection.close(code, reason);
  }
  #send(message) {
    this.#connection?.send(message);
  }
  #dispatch(message) {
    const driver = this.#downloads.get(message.requestId);
    switch (message.event) {
      case "download:start":
        return driver?.handle({
          type: "start",
          data: message.data
        });
      case "download:progress":
        return driver?.handle({
          type: "progress",
          update: message.data
        });
      case "download:complete":
        return driver?.handle({
          type: "complete",
          summary: message.data
        });
      case "download:cancelled":
        return driver?.handle({
          type: "cancelled",
          data: message.data
        });
      case "download:error":
        if (this.#questions.refuse(message.requestId, message.data)) return;
        return driver?.handle({
          type: "error",
          error: message.data
        });
      case "status:update":
      case "download:estimate":
        return this.#questions.answer(message);
      case "system:error":
        if (this.#questions.refuse(message.requestId, message.data)) return;
        this.#step({
          type: "serverError",
          error: message.data
        });
        return this.#emit("error", message.data);
      case "connection:health":
        return this.#step({
          type: "pong",
          requestId: message.requestId,
          health: message.data
        });
      case "auth:challenge":
        return this.#step({
          type: "challenge",
          challenge: message.data
        });
      case "auth:result":
        return this.#step({
          type: "authResult",
          result: message.data
        });
      default: {
        const unreachable = message;
        throw new Error(`unknown message ${JSON.stringify(unreachable)}`);
      }
    }
  }
  #failPending(error) {
    this.#rejectConnect(error);
    this.#failStatus(error);
  }
  #rejectConnect(error) {
    for (const waiter of this.#connectWaiters.splice(0)) waiter.reject(error);
  }
  #failStatus(error) {
    this.#questions.failAll(error);
  }
  #emit(name, event) {
    for (const listener of this.#listeners.get(name) ?? []) listener(event);
  }
};

// client/client_builder.ts
var ClientBuilder = class {
  #config;
  /** Starts a builder for the server at `url` (`ws:` or `wss:`). */
  constructor(url) {
    const parsed = new URL(url);
    if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
      throw new TypeError(`a sluice URL is ws:// or wss://, got ${parsed.protocol}//`);
    }
    this.#config = {
      url: parsed.href,
      credentials: {
        kind: "keypair",
        secretKey: utils.randomSecretKey()
      }
    };
  }
  /**
   * Signs in with a raw secp256k1 key (32 bytes, or 64 hex characters): the
   * identity is its compressed public key.
   */
  withKeypair(privateKey) {
    this.#config.credentials = {
      kind: "keypair",
      secretKey: secretKeyFrom(privateKey)
    };
    return this;
  }
  /**
   * Signs in with an Ethereum account: anything with `address` and
   * `signMessage(text)`, see {@linkcode EthereumSigner}. By default it
   * is asked to sign each connection's challenge (so after each reconnect
   * too). With `delegateForMs` it is asked once to let a key of the
   * client's own sign in for it for that long (docs/PROTOCOL.md §15.5), and
   * again only when that ends: a person is not asked on every reconnect.
   * Clients built from this builder share the delegation. Either text is a
   * Sign-In with Ethereum message for the host dialled (§15.7), which a
   * wallet such as MetaMask shows as a sign-in.
   */
  withSigner(signer, options = {}) {
    if (!ETHEREUM_ADDRESS.test(signer.address)) {
      throw new TypeError(`not an Ethereum address: ${signer.address}`);
    }
    const { delegateForMs } = options;
    this.#config.credentials = delegateForMs === void 0 ? {
      kind: "signer",
      signer
    } : {
      kind: "signer",
      signer,
      delegate: new WalletDelegate(signer, delegateForMs)
    };
    return this;
  }
  /**
   * Signs in with a bearer token of your own login (a JWT, an opaque
   * session id; docs/PROTOCOL.md §15.8): the token itself, or a function
   * that gives one, asked again before every sign-in, so that a reconnect
   * an hour later sends a fresh token. The token travels only sealed to the
   * connection, to a server that proved the identity key it names; pin that
   * key too ({@linkcode ClientBuilder.withServerKey}) so that nobody else
   * can play the server and receive it. A session lasts no longer than its
   * token: when the token expires the server ends the session at the next
   * command, and the client reconnects, asks for a fresh token and resumes
   * its downloads; a fixed token that has expired is then refused with
   * `AUTH_TOKEN_EXPIRED`, which fails the downloads with that code.
   * (For example `.withToken(() => myLogin.exportToken())`.)
   */
  withToken(token) {
    if (typeof token === "string" && token.trim() === "") {
      throw new TypeError("a token is not empty");
    }
    this.#config.credentials = {
      kind: "token",
      token
    };
    return this;
  }
  /**
   * Pins the server's identity key (compressed, 66 hex, as the server prints
   * at start): a man in the middle cannot then pass for the server.
   */
  withServerKey(publicKey2) {
    const key = publicKey2.trim().toLowerCase();
    if (!COMPRESSED_KEY.test(key)) {
      throw new TypeError("a server key is a compressed secp256k1 public key, 66 hex characters");
    }
    this.#config.serverKey = key;
    return this;
  }
  /** Sets reconnection: number of attempts and the backoff's delays. */
  withReconnect(options) {
    this.#config.backoff = {
      ...this.#config.backoff,
      ...options
    };
    return this;
  }
  /** Sets the keep-alive interval and how long an unanswered ping may take. */
  withHeartbeat(options) {
    if (options.intervalMs !== void 0) this.#config.heartbeatIntervalMs = options.intervalMs;
    if (options.timeoutMs !== void 0) this.#config.heartbeatTimeoutMs = options.timeoutMs;
    return this;
  }
  /**
   * Sets how long a connect attempt may take to open before it counts as
   * failed: a server that accepts the TCP connection and never answers costs
   * one attempt, not a hang.
   */
  withHandshakeTimeout(ms) {
    this.#config.handshakeTimeoutMs = ms;
    return this;
  }
  /**
   * Makes the first connection give up at once when the server cannot be
   * reached, rather than retry with backoff: for a program that should say
   * at once that no server is there. Reconnecting after a connection was
   * open is unchanged.
   */
  withFailFast(failFast = true) {
    this.#config.failFast = failFast;
    return this;
  }
  /** Reports the client's own failures to `logger` instead of the console. */
  withLogger(logger) {
    this.#config.logger = logger;
    return this;
  }
  /** The client; it does not connect until `connect()` (or a download) asks. */
  build() {
    return new SluiceClient({
      ...this.#config
    });
  }
};

// protocol/filter.ts
var INT64_MIN = -(2n ** 63n);
var INT64_MAX = 2n ** 63n - 1n;

// protocol/schema_document.ts
var MAX_COLUMNS = 256;
var MAX_DATASETS = 64;
var COLUMN_TYPES = [
  "integer",
  "decimal",
  "text",
  "timestamp",
  "boolean"
];
var column = object({
  name: str({
    max: 256
  }),
  type: oneOf(COLUMN_TYPES),
  filterable: bool,
  operators: list(oneOf(FILTER_OPERATORS), FILTER_OPERATORS.length)
}, {
  scale: num({
    min: 0,
    max: 30,
    integer: true
  })
});
var version = (value, path) => {
  if (value !== 1) throw new Invalid("INVALID_VALUE", path, "expected 1");
  return 1;
};
var dataset = object({
  name: str({
    max: 64,
    pattern: DATASET_NAME
  }),
  timeColumn: str({
    max: 256
  }),
  columns: list(column, MAX_COLUMNS)
});
var yes = (value, path) => {
  if (value !== true) throw new Invalid("INVALID_VALUE", path, "expected true");
  return true;
};
var document = object({
  version,
  timeColumn: str({
    max: 256
  }),
  columns: list(column, MAX_COLUMNS)
}, {
  datasets: list(dataset, MAX_DATASETS),
  tokens: yes
});
function parseSchemaDocument(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return {
      ok: false,
      error: errorResponse("MALFORMED_JSON")
    };
  }
  try {
    return {
      ok: true,
      value: document(value, "")
    };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return {
      ok: false,
      error: errorResponse(error.code, {
        path: error.path
      })
    };
  }
}
export {
  ClientBuilder,
  SluiceClient,
  SluiceError,
  generateSecretKey,
  parseSchemaDocument,
  publicKeyOf
};
/*! noble-secp256k1 - MIT License (c) 2019 Paul Miller (paulmillr.com) */
/*! scure-base - MIT License (c) 2022 Paul Miller (paulmillr.com) */
