// The command line read without running it: options and their values, suggestions for misspelt
// ones, the help (fits 80 columns, and every example in it is a command line the client
// accepts), the request checks made before connecting (which agree with the server's own), and
// error texts that carry the server's details and name the flag at fault.
import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { closestOption, helpText, readArgs, UsageError } from "../client/cli_args.ts";
import { errorText } from "../client/cli_error_text.ts";
import { checkRequest, invocation, parseFilter, RequestUsageError } from "../client/cli_request.ts";
import type { DownloadRequest } from "../protocol/messages.ts";
import { parseClientMessage } from "../protocol/parse.ts";
import { peerErrorCode } from "../protocol/peer_error_code.ts";
import { validateDownloadRequest } from "../protocol/request.ts";
import { DEMO_SCHEMA } from "../server/demo_data.ts";

const URL = "ws://127.0.0.1:9/";

/** The invocation of a command line, or the UsageError it throws. */
function run(args: string[]) {
  const { values, positionals } = readArgs(args);
  return invocation(values, positionals);
}

Deno.test("an option's value is taken as it is, even when it starts with a dash", () => {
  deepStrictEqual(readArgs([URL, "--retries", "-3"]).values.retries, "-3");
  deepStrictEqual(readArgs([URL, "--filter", "-x=1"]).values.filter, ["-x=1"]);
  deepStrictEqual(readArgs([URL, "-o", "-"]).values.output, "-");
  deepStrictEqual({ ...readArgs([URL, "-oout.csv", "--format=json"]).values }, {
    output: "out.csv",
    format: "json",
  });
  throws(() => run([URL, "--from", "2024-01-01", "--to", "2024-01-02", "--retries", "-3"]), {
    name: "Error",
    message: /--retries must be a whole number/,
  });
});

Deno.test("-o - is stdout, as for curl: no output file and nothing to --continue; ./- is a file", () => {
  const range = ["--from", "2024-01-01", "--to", "2024-01-02"];
  equal(run([URL, ...range, "-o", "-"]).output, undefined);
  equal(run([URL, ...range, "-o", "./-"]).output, "./-");
  throws(() => run([URL, ...range, "-o", "-", "--continue"]), {
    name: "Error",
    message: /--continue needs -o FILE/,
  });
});

Deno.test("an unknown option is refused with the closest known one", () => {
  const refused = (args: string[]) => {
    try {
      readArgs(args);
    } catch (error) {
      ok(error instanceof UsageError);
      return error.message;
    }
    throw new Error(`${args.join(" ")} was accepted`);
  };
  ok(refused(["--formt", "csv"]).endsWith("did you mean --format?"));
  ok(refused(["-format", "csv"]).endsWith("did you mean --format?"));
  ok(refused(["--colour"]).startsWith("unknown option --colour"));
  ok(!refused(["--colour"]).includes("did you mean"));
  // parseArgs's own text is never shown: its quotes were unbalanced.
  ok(!refused(["--formt"]).includes("'"));
  equal(closestOption("retrys"), "retries");
  equal(closestOption("retry-dely"), "retry-delay");
  equal(closestOption("server_key"), "server-key");
  equal(closestOption("keyfile"), "key-file");
  equal(closestOption("out"), "output");
  equal(closestOption("gzpi"), "gzip");
  equal(closestOption("zzzzzz"), undefined);
  throws(() => readArgs(["--from"]), UsageError);
  throws(() => readArgs(["--gzip=yes"]), UsageError);
});

Deno.test("the help fits 80 columns and tells the filter forms, examples and exit codes", () => {
  const help = helpText();
  for (const line of help.split("\n")) ok(line.length < 80, `${line.length}: ${line}`);
  for (const section of ["TIME", "FILTERS", "EXAMPLES", "EXIT CODES"]) {
    ok(new RegExp(`^${section}\\b`, "m").test(help), section);
  }
  for (const code of ["0", "1", "2", "130"]) ok(new RegExp(`^  ${code} `, "m").test(help), code);
});

Deno.test("every example of the help is a command line the client accepts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice-cli-args-" });
  try {
    await Deno.writeTextFile(`${dir}/me.key`, "11".repeat(32));
    const examples = helpText().split("\nEXAMPLES")[1].split("\n\n")[0]
      .replaceAll("\\\n", " ").split("\n").slice(1)
      .filter((line) => line.trim().startsWith("client.ts"));
    ok(examples.length >= 4, examples.join("\n"));
    for (const example of examples) {
      const args = example.split("|")[0].trim().split(/\s+/).slice(1)
        .map((arg) => arg === "me.key" ? `${dir}/me.key` : arg);
      const { request } = run(args);
      equal(checkRequest(request), undefined, example);
      ok(validateDownloadRequest(request, DEMO_SCHEMA.columns).ok, example);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** What the server answers to `request` over the demo table: the code and path, or "ok". */
function serverVerdict(request: DownloadRequest): string {
  const parsed = parseClientMessage(
    JSON.stringify({ event: "download:request", data: request, timestamp: 1, requestId: "r" }),
  );
  if (!parsed.ok) return `${parsed.error.error.code} ${parsed.error.error.details?.path}`;
  if (parsed.value.event !== "download:request") throw new Error("not a request");
  const checked = validateDownloadRequest(parsed.value.data, DEMO_SCHEMA.columns);
  return checked.ok ? "ok" : `${checked.error.code} ${checked.error.details?.path}`;
}

Deno.test("what the client refuses before connecting, the server refuses with the same code", () => {
  const cases: [string, string, string[]][] = [
    ["2024-02-30", "2024-03-01", []],
    ["2024-01-01", "2024-13-01", []],
    ["2024-01-01T24:00Z", "2024-02-01", []],
    ["yesterday", "2024-02-01", []],
    ["2024-01-01T00:00:00.1234Z", "2024-02-01", []],
    ["2024-02-01", "2024-01-01", []],
    ["2024-01-01", "2024-01-01", []],
    ["2024-01-01", "2024-02-01", [`note=${"x".repeat(5000)}`]],
    ["2024-01-01", "2024-02-01", [`${"f".repeat(200)}=1`]],
    ["2024-01-01", "2024-02-01", ["symbol=BTC-USD"]],
    ["2024-01-01T00:00:00+02:00", "2024-02-01", ["price:between=1,2"]],
  ];
  for (const [from, to, filters] of cases) {
    const request: DownloadRequest = {
      searchParams: { timeFrom: from, timeTo: to, filters: filters.map(parseFilter) },
      outputFormat: "csv",
      compression: false,
    };
    const client = checkRequest(request);
    const verdict = client === undefined ? "ok" : `${client.code} ${client.details?.path}`;
    equal(verdict, serverVerdict(request), `${from} ${to} ${filters}`);
  }
});

Deno.test("a request refused before connecting is a usage error naming the flag", () => {
  const refusal = (args: string[]) => {
    try {
      run([URL, ...args]);
    } catch (error) {
      if (error instanceof RequestUsageError) return errorText(error.error, error.flags);
      throw error;
    }
    throw new Error(`${args.join(" ")} was accepted`);
  };
  ok(refusal(["--from", "2024-02-30", "--to", "2024-03-01"]).startsWith("INVALID_DATE: "));
  ok(refusal(["--from", "2024-02-30", "--to", "2024-03-01"]).includes("(--from 2024-02-30; "));
  ok(refusal(["--from", "2024-01-01", "--to", "soon"]).includes("(--to soon; "));
  const range = refusal(["--from", "2024-02-01", "--to", "2024-01-01"]);
  ok(range.startsWith("INVALID_RANGE: ") && range.includes("--from 2024-02-01 --to 2024-01-01"));
  throws(() => run([URL, "--from", "2024-01-01", "--to", "2024-01-02", "--filter", "a:like=b"]), {
    message: /unknown operator "like"/,
  });
});

Deno.test("a server's refusal is printed with what its details carry, at the flag that set it", () => {
  const flags = {
    from: "2024-01-01",
    to: "2024-02-01",
    filters: ["symbol=BTC-USD", "price>abc"],
    format: "csv",
  };
  equal(
    errorText({
      code: "INVALID_FILTER_VALUE",
      message: "A filter value does not fit its column or operator.",
      details: { path: "data.searchParams.filters[1].value", reason: "not a decimal number" },
      recoverable: false,
    }, flags),
    "INVALID_FILTER_VALUE: A filter value does not fit its column or operator. " +
      "(--filter price>abc; not a decimal number)",
  );
  equal(
    errorText({
      code: "INVALID_OPERATOR",
      message: "No.",
      details: { path: "data.searchParams.filters[0].operator", operator: "gt", type: "boolean" },
      recoverable: false,
    }, flags),
    "INVALID_OPERATOR: No. (--filter symbol=BTC-USD; operator: gt; type: boolean)",
  );
  equal(
    errorText({ code: "RATE_LIMITED", message: "Later.", recoverable: true, retryAfter: 5 }),
    "RATE_LIMITED: Later.",
  );
  // A code newer than this client, with details it cannot place: printed as they came.
  equal(
    errorText({
      code: peerErrorCode("TEAPOT"),
      message: "Short and stout.",
      details: { path: "data.elsewhere", spout: 1 },
      recoverable: false,
    }, flags),
    "TEAPOT: Short and stout. (spout: 1)",
  );
});

Deno.test("--dataset names the request's dataset, and a name no server could have is refused, naming the flag", () => {
  const range = ["--from", "2024-01-01", "--to", "2024-01-02"];
  equal(run([URL, "--dataset", "deposits", ...range]).request.searchParams.dataset, "deposits");
  equal(run([URL, ...range]).request.searchParams.dataset, undefined);
  try {
    run([URL, "--dataset", "two words", ...range]);
    throw new Error("accepted");
  } catch (error) {
    ok(error instanceof RequestUsageError, String(error));
    equal(error.error.code, "INVALID_VALUE");
    ok(errorText(error.error, error.flags).includes("(--dataset two words;"));
  }
});
