// utf8Length against TextEncoder, over strings of every width and of lone surrogates (seeded).
import { equal } from "node:assert/strict";
import { utf8Length } from "../protocol/utf8_length.ts";
import { mulberry32 } from "../server/demo_data.ts";

const SEED = 12;
const UNITS = ["a", "é", "€", "😀", "\uD800", "\uDC00", "\uDBFF\uDFFF", "\u0000", "\u07FF"];

Deno.test("utf8Length is TextEncoder's byte count, lone surrogates included (seeded)", () => {
  const random = mulberry32(SEED);
  const encoder = new TextEncoder();
  for (let n = 0; n < 2000; n++) {
    let text = "";
    const length = Math.floor(random() * 12);
    for (let i = 0; i < length; i++) text += UNITS[Math.floor(random() * UNITS.length)];
    const bytes = encoder.encode(text).length;
    equal(utf8Length(text), bytes, `seed ${SEED}, case ${n}: ${JSON.stringify(text)}`);
    // With a limit it answers "more than limit?" rightly, whatever the limit.
    for (const limit of [0, 1, bytes - 1, bytes, bytes + 1, 3 * text.length]) {
      if (limit < 0) continue;
      equal(utf8Length(text, limit) > limit, bytes > limit, `seed ${SEED}, case ${n}, ${limit}`);
    }
  }
});
