// prefixSuccessor, the upper bound that turns a `prefix` filter into an index range: a few known
// answers, then random words checked against code point order (seeded).
import { equal } from "node:assert/strict";
import { prefixSuccessor } from "../server/prefix_successor.ts";
import { mulberry32 } from "../server/demo_data.ts";
import { SEED } from "./_sqlite_table.ts";
import { compareCodePoints } from "./_filter_reference.ts";

Deno.test("prefixSuccessor gives the least string above every extension of the prefix", () => {
  equal(prefixSuccessor("BTC-"), "BTC.");
  equal(prefixSuccessor("a\u{10ffff}"), "b");
  equal(prefixSuccessor("\u{10ffff}\u{10ffff}"), undefined);
  equal(prefixSuccessor(""), undefined);
  equal(prefixSuccessor("\ud7ff"), "\ue000");
  equal(prefixSuccessor("😀"), "😁");
  const random = mulberry32(SEED + 4);
  const alphabet = ["a", "b", "\u00ff", "\ud7ff", "\ue000", "\uffff", "😀", "\u{10ffff}"];
  for (let i = 0; i < 2000; i++) {
    const word = () =>
      Array.from({ length: Math.floor(random() * 4) }, () => alphabet[Math.floor(random() * 8)])
        .join("");
    const prefix = word(), s = word();
    const upper = prefixSuccessor(prefix);
    const inRange = compareCodePoints(s, prefix) >= 0 &&
      (upper === undefined || compareCodePoints(s, upper) < 0);
    equal(inRange, s.startsWith(prefix), `seed ${SEED + 4}: ${JSON.stringify({ prefix, s })}`);
  }
});
