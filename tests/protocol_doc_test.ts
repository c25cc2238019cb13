// docs/PROTOCOL.md is normative: its generated tables, examples and vectors must match the code.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { generatedSections } from "../docs/generate.ts";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { decodeDataFrame, encodeDataFrame } from "../protocol/frame.ts";
import { parseClientMessage, parseServerMessage } from "../protocol/parse.ts";
import { digestChain } from "./_harness.ts";

const doc = await Deno.readTextFile(new URL("../docs/PROTOCOL.md", import.meta.url));

/** Lines with table cells trimmed, so that `deno fmt`'s column padding does not matter. */
function cells(markdown: string): string[][] {
  return markdown.split("\n").map((line) => line.trim()).filter((line) => line !== "").map((
    line,
  ) =>
    line.startsWith("|")
      ? line.slice(1, -1).split("|").map((cell) => cell.trim().replace(/^-+$/, "---"))
      : [line]
  );
}

/** The fenced blocks that follow a `<!-- kind: tag -->` marker. */
function marked(kind: string): { tag: string; body: string }[] {
  const pattern = new RegExp(`<!-- ${kind}: ([\\w-]+) -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``, "g");
  return [...doc.matchAll(pattern)].map((m) => ({ tag: m[1], body: m[2] }));
}

Deno.test("the generated tables of PROTOCOL.md match the code", () => {
  for (const [name, body] of Object.entries(generatedSections())) {
    const m = new RegExp(`<!-- BEGIN ${name} -->([\\s\\S]*?)<!-- END ${name} -->`).exec(doc);
    ok(m, `section ${name} is missing`);
    deepStrictEqual(cells(m[1]), cells(body), `section ${name} is stale: run deno task docs`);
  }
});

Deno.test("every example message in PROTOCOL.md parses and round-trips", () => {
  const examples = marked("example");
  ok(examples.length >= 12, `only ${examples.length} examples found`);
  for (const { tag, body } of examples) {
    const parse = tag === "client" ? parseClientMessage : parseServerMessage;
    const r = parse(body);
    ok(r.ok, `${tag} example failed: ${JSON.stringify(!r.ok && r.error)}\n${body}`);
    deepStrictEqual(r.value, JSON.parse(body));
  }
});

Deno.test("every frame vector in PROTOCOL.md encodes to its bytes and decodes to its fields", () => {
  const vectors = marked("vector").filter((v) => v.tag === "frame");
  ok(vectors.length >= 2);
  for (const { body } of vectors) {
    const { hex, payload, digest, ...fields } = JSON.parse(body);
    const frame = {
      ...fields,
      digest: hexToBytes(digest),
      payload: new TextEncoder().encode(payload),
    };
    equal(bytesToHex(encodeDataFrame(frame)), hex);
    const decoded = decodeDataFrame(hexToBytes(hex));
    ok(decoded.ok);
    deepStrictEqual(
      {
        ...decoded.value,
        digest: bytesToHex(decoded.value.digest),
        payload: new TextDecoder().decode(decoded.value.payload),
      },
      { ...fields, digest, payload },
    );
  }
});

Deno.test("the frame vectors form one download whose digest chain ends in §5.4's complete example", () => {
  const frames = marked("vector").filter((v) => v.tag === "frame").map((v) => JSON.parse(v.body));
  // Recomputed with node:crypto, not with the protocol's own digest_chain.ts.
  frames.forEach((frame, i) => {
    const payloads = frames.slice(0, i + 1).map((f) => new TextEncoder().encode(f.payload));
    equal(frame.digest, digestChain(payloads), `vector ${i}`);
  });
  const complete = marked("example").map((e) => JSON.parse(e.body)).find((m) =>
    m.event === "download:complete"
  );
  const last = frames.at(-1);
  ok(last.final);
  deepStrictEqual(
    { rows: complete.data.rows, bytes: complete.data.bytes, digest: complete.data.digest },
    {
      rows: last.rowOffset + last.rowCount,
      bytes: last.byteOffset + new TextEncoder().encode(last.payload).length,
      digest: last.digest,
    },
  );
});
