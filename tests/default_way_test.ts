import { deepStrictEqual } from "node:assert/strict";
import { defaultWay } from "../web/default_way.ts";

Deno.test("a first visit waits for a click: the wallet's button when there is a wallet, else the key's", () => {
  deepStrictEqual(defaultWay({ handedToken: false, remembered: undefined, wallet: true }), {
    way: "wallet",
    now: false,
  });
  deepStrictEqual(defaultWay({ handedToken: false, remembered: undefined, wallet: false }), {
    way: "key",
    now: false,
  });
});

Deno.test("a returning visit signs in at once the way it did last time", () => {
  deepStrictEqual(defaultWay({ handedToken: false, remembered: "key", wallet: true }), {
    way: "key",
    now: true,
  });
  deepStrictEqual(defaultWay({ handedToken: false, remembered: "wallet", wallet: true }), {
    way: "wallet",
    now: true,
  });
});

Deno.test("a remembered wallet the browser no longer has waits for the key's button", () => {
  deepStrictEqual(defaultWay({ handedToken: false, remembered: "wallet", wallet: false }), {
    way: "key",
    now: false,
  });
});

Deno.test("a handed token comes before everything and is used at once", () => {
  for (const remembered of [undefined, "key", "wallet"] as const) {
    deepStrictEqual(defaultWay({ handedToken: true, remembered, wallet: true }), {
      way: "token",
      now: true,
    });
  }
});
