"""Independent checks of docs/PROTOCOL.md's canonical forms, written from its text, not our code.

  python3 tests/_canonical_json.py canonical   stdin: a JSON array of JSON texts
      stdout: for each, {"canonical": §15.6's text, "dumps": what Python's json.dumps writes
      with sort_keys, or null when that cannot be encoded as UTF-8}
  python3 tests/_canonical_json.py rfc6979     stdin: a JSON array of {"secret", "text"} or
      {"secret", "digest"} (hex); stdout: for each, the RFC 6979 ECDSA signature {"r", "s"}
      (hex) of pyca/cryptography, over SHA-256 of the text or over the digest as it is
  python3 tests/_canonical_json.py probe       exits 0 when the rfc6979 mode can run here

Output is ASCII-only JSON, so that lone surrogates survive the pipe.
"""

import json
import sys


def number(x):
    """ECMAScript's Number::toString, from the shortest round-trip digits that repr() gives."""
    if x == 0:
        return "0"
    if x < 0:
        return "-" + number(-x)
    text = repr(x)
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or "0")
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    e = n - 1
    return digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def string(s):
    out = ['"']
    for c in s:
        code = ord(c)
        if c in ESCAPES:
            out.append(ESCAPES[c])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            # A control character, or a lone surrogate (json.loads keeps pairs as one character).
            out.append("\\u%04x" % code)
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def utf16_units(name):
    return name.encode("utf-16-be", "surrogatepass")


def canonical(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return number(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        names = sorted(value, key=utf16_units)
        return "{" + ",".join(string(k) + ":" + canonical(value[k]) for k in names) + "}"
    raise TypeError(type(value))


def as_double(text):
    # Every JSON number is a double once parsed (§15.6): integers too, rounded the same way.
    return float(text)


def canonical_mode(texts):
    out = []
    for text in texts:
        value = json.loads(text, parse_int=as_double, parse_float=as_double)
        try:
            dumps = json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            dumps.encode("utf-8")
        except UnicodeEncodeError:
            dumps = None
        out.append({"canonical": canonical(value), "dumps": dumps})
    return out


def rfc6979_mode(items):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, utils

    out = []
    for item in items:
        key = ec.derive_private_key(int(item["secret"], 16), ec.SECP256K1())
        if "text" in item:
            data, algorithm = item["text"].encode("utf-8"), hashes.SHA256()
        else:
            data, algorithm = bytes.fromhex(item["digest"]), utils.Prehashed(hashes.SHA256())
        der = key.sign(data, ec.ECDSA(algorithm, deterministic_signing=True))
        r, s = utils.decode_dss_signature(der)
        out.append({"r": "%064x" % r, "s": "%064x" % s})
    return out


def main():
    mode = sys.argv[1]
    if mode == "probe":
        rfc6979_mode([{"secret": "01" * 32, "text": "probe"}])
        return
    items = json.load(sys.stdin)
    result = canonical_mode(items) if mode == "canonical" else rfc6979_mode(items)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
