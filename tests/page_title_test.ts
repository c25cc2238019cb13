// The tab's title tells a person looking at another tab that downloads ended.
import { equal } from "node:assert/strict";
import { pageTitle } from "../web/page_title.ts";

Deno.test("the title counts running downloads and those that ended unseen, failures first", () => {
  const base = "sluice · data exports";
  equal(pageTitle(base, { running: 0, doneUnseen: 0, failedUnseen: 0 }), base);
  equal(pageTitle(base, { running: 2, doneUnseen: 0, failedUnseen: 0 }), `2 running · ${base}`);
  equal(
    pageTitle(base, { running: 0, doneUnseen: 1, failedUnseen: 1 }),
    `✗ 1 failed · ✓ 1 done · ${base}`,
  );
});
