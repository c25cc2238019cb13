import { equal, notEqual } from "node:assert/strict";
import { canonicalJson } from "../protocol/canonical_json.ts";
import { REQUEST } from "./_messages.ts";

Deno.test("canonical JSON sorts keys at every depth, drops undefined members and has no whitespace", () => {
  equal(
    canonicalJson({ b: 1, a: [{ y: null, x: "\u2028" }], c: undefined }),
    '{"a":[{"x":"\u2028","y":null}],"b":1}',
  );
  // Sorted by UTF-16 code units: upper case before lower, "é" after both.
  equal(canonicalJson({ é: 1, b: 2, B: 3 }), '{"B":3,"b":2,"é":1}');
});

Deno.test("two requests that differ only in key order have one canonical text; any other change shows", () => {
  const reordered = {
    compression: REQUEST.compression,
    outputFormat: REQUEST.outputFormat,
    searchParams: {
      filters: REQUEST.searchParams.filters,
      timeTo: REQUEST.searchParams.timeTo,
      timeFrom: REQUEST.searchParams.timeFrom,
    },
  };
  equal(canonicalJson(reordered), canonicalJson(REQUEST));
  equal(canonicalJson(REQUEST), JSON.stringify(JSON.parse(canonicalJson(REQUEST))));
  notEqual(
    canonicalJson({ ...REQUEST, compression: !REQUEST.compression }),
    canonicalJson(REQUEST),
  );
});
