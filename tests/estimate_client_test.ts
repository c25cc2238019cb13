// `client.estimate()` over a real socket: against this server (the answer agrees with the
// download that follows), against a server older than the event (it refuses with UNKNOWN_EVENT
// on system:error, and the client takes that as the estimate's answer), and the parser's bounds
// on both directions of `download:estimate`.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { ClientBuilder, SluiceError } from "../client.ts";
import type { DownloadRequest } from "../protocol/messages.ts";
import { parseClientMessage, parseServerMessage } from "../protocol/parse.ts";
import { startServer } from "./_harness.ts";

const REQUEST: DownloadRequest = {
  searchParams: {
    timeFrom: "2024-01-01",
    timeTo: "2030-01-01",
    filters: [{ field: "symbol", operator: "eq", value: "ETH-USD" }],
    columns: ["ts", "price", "id"],
  },
  outputFormat: "csv",
  compression: false,
};

Deno.test("an estimate agrees with the download of the chosen columns that follows it", async () => {
  const server = startServer(3000);
  const client = new ClientBuilder(server.url).build();
  await client.connect();
  try {
    const estimate = await client.estimate(REQUEST);
    deepStrictEqual(Object.keys(estimate.preview[0]), ["ts", "price", "id"]);
    const download = client.download(REQUEST);
    const text = await new Response(download.readable).text();
    const summary = await download.done;
    equal(estimate.rows, summary.rows);
    ok(Math.abs(estimate.bytes - text.length) < text.length / 10);
    const lines = text.split("\r\n");
    equal(lines[0], "ts,price,id");
    equal(
      lines[1],
      `${estimate.preview[0].ts},${estimate.preview[0].price},${estimate.preview[0].id}`,
    );
    const bad = await client.estimate({
      ...REQUEST,
      searchParams: { ...REQUEST.searchParams, columns: ["colour"] },
    }).then(() => undefined, (e) => e);
    ok(bad instanceof SluiceError);
    equal(bad.code, "UNKNOWN_COLUMN");
    equal(bad.details?.column, "colour");
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("a server older than download:estimate refuses it with UNKNOWN_EVENT, and the client goes on", async () => {
  // A server that does not know the event: this one, hearing it under a name it does not know
  // answers as an older one does (PROTOCOL.md §10: system:error with the message's request id).
  const upgrade = Deno.upgradeWebSocket;
  Deno.upgradeWebSocket = (request, options) => {
    const upgraded = upgrade(request, options);
    const { socket } = upgraded;
    const listen = socket.addEventListener.bind(socket);
    socket.addEventListener = ((type: string, listener: (event: MessageEvent) => void) => {
      if (type !== "message") return listen(type, listener as never);
      listen("message", (event: MessageEvent) => {
        const data = typeof event.data === "string"
          ? event.data.replace('"download:estimate"', '"download:guess"')
          : event.data;
        listener(new MessageEvent("message", { data }));
      });
    }) as never;
    return upgraded;
  };
  // Unsealed, so that the wrapped socket sees the text; on Deno.serve, whose upgrade is wrapped.
  const server = startServer(100, { encryption: false, denoServe: true });
  const client = new ClientBuilder(server.url).build();
  const errors: string[] = [];
  client.on("error", (error) => errors.push(error.code));
  try {
    await client.connect();
    const refused = await client.estimate(REQUEST).then(() => undefined, (e) => e);
    ok(refused instanceof SluiceError);
    equal(refused.code, "UNKNOWN_EVENT");
    equal(client.isConnected(), true);
    deepStrictEqual(errors, []);
    equal((await client.status()).length, 0);
  } finally {
    Deno.upgradeWebSocket = upgrade;
    await client.close();
    await server.close();
  }
});

const envelope = (event: string, data: unknown) =>
  JSON.stringify({ event, data, timestamp: 0, requestId: "e-1" });

Deno.test("the parser refuses an estimate's request with a bad column list", () => {
  const withColumns = (columns: unknown) =>
    envelope("download:estimate", {
      ...REQUEST,
      searchParams: { ...REQUEST.searchParams, columns },
    });
  const code = (text: string) => {
    const r = parseClientMessage(text);
    return r.ok ? "ok" : r.error.error.code;
  };
  equal(code(withColumns(["id"])), "ok");
  equal(code(withColumns("id")), "INVALID_TYPE");
  equal(code(withColumns([1])), "INVALID_TYPE");
  equal(code(withColumns(["x".repeat(129)])), "STRING_TOO_LONG");
  equal(code(withColumns(Array(1001).fill("id"))), "ARRAY_TOO_LONG");
  equal(code(envelope("download:estimate", { ...REQUEST, preview: 5 })), "UNKNOWN_FIELD");
  const r = parseClientMessage(withColumns([1]));
  equal(!r.ok && r.error.event, "download:estimate");
});

Deno.test("the parser bounds a server's estimate: rows, cells and values", () => {
  const answer = { rows: 1, exact: true, bytes: 10, preview: [{ id: 1 }], values: {} };
  const code = (data: unknown) => {
    const r = parseServerMessage(envelope("download:estimate", data));
    return r.ok ? "ok" : r.error.error.code;
  };
  equal(code(answer), "ok");
  equal(code({ ...answer, maxRows: 10 }), "ok");
  equal(code({ ...answer, preview: Array(21).fill({ id: 1 }) }), "ARRAY_TOO_LONG");
  equal(code({ ...answer, preview: [{ id: { nested: 1 } }] }), "INVALID_TYPE");
  equal(code({ ...answer, preview: [{ id: [1] }] }), "INVALID_TYPE");
  equal(code({ ...answer, values: { symbol: Array(17).fill("a") } }), "ARRAY_TOO_LONG");
  equal(code({ ...answer, values: { symbol: ["x".repeat(257)] } }), "STRING_TOO_LONG");
  equal(code({ ...answer, values: { symbol: "a" } }), "INVALID_TYPE");
  equal(code({ ...answer, rows: -1 }), "INVALID_VALUE");
  equal(code({ ...answer, extra: 1 }), "UNKNOWN_FIELD");
});
