// Each entry point's public API, pinned: every name a user can import is a promise kept across
// versions, so adding or removing one must be a deliberate edit of the lists below. The names
// come from `deno doc --json`, which sees types as well as values (JSR publishes both), run once
// for every entry point in deno.json.
import { deepStrictEqual, ok } from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** The client: the package's default entry (".") and "./client" export the same list. */
const CLIENT_API: readonly string[] = [
  "AuthDelegation",
  "BackoffOptions",
  "ClientBuilder",
  "ClientConfig",
  "ClientEvents",
  "ClientResumePoint",
  "ColumnInfo",
  "ColumnType",
  "ConnectionPhase",
  "Credentials",
  "DelegatedSignature",
  "Download",
  "DownloadComplete",
  "DownloadOptions",
  "DownloadPhase",
  "DownloadRequest",
  "DownloadStart",
  "DownloadStatus",
  "ErrorCode",
  "ErrorDetails",
  "ErrorResponse",
  "EthereumSigner",
  "Filter",
  "FilterOperator",
  "FilterScalar",
  "generateSecretKey",
  "Listener",
  "Logger",
  "OutputFormat",
  "parseSchemaDocument",
  "PeerErrorCode",
  "ProgressUpdate",
  "publicKeyOf",
  "Result",
  "ResumePoint",
  "SchemaColumn",
  "SchemaDocument",
  "SearchParams",
  "SessionState",
  "SignerOptions",
  "SluiceClient",
  "SluiceError",
  "SystemHealth",
  "UnknownErrorCode",
  "WalletDelegate",
];

/** The server library ("./server", server/mod.ts); server.ts adds only its default export. */
const SERVER_API: readonly string[] = [
  "Authorize",
  "AuthorizeDecision",
  "CatalogColumn",
  "CatalogOptions",
  "CatalogQuery",
  "ColumnSchema",
  "ColumnType",
  "createDemoDatabase",
  "createServer",
  "createWebApp",
  "DataSource",
  "DataSourceError",
  "DataSourceErrorKind",
  "DEMO_SCHEMA",
  "DownloadRequest",
  "Filter",
  "FilterLimits",
  "FilterOperator",
  "FilterScalar",
  "FilterValue",
  "Identity",
  "IdentityLimits",
  "Logger",
  "openDemoSource",
  "openPostgresTable",
  "openSqliteTable",
  "OutputFormat",
  "ParseLimits",
  "PostgresCatalogColumn",
  "PostgresPool",
  "PostgresPoolOptions",
  "postgresSchema",
  "PostgresSource",
  "PostgresSourceOptions",
  "PostgresTableOptions",
  "readPostgresColumns",
  "readSqliteColumns",
  "RequestLimits",
  "Result",
  "RowPage",
  "ScanQuery",
  "schemaFromCatalog",
  "SearchParams",
  "ServerOptions",
  "SluiceServer",
  "SnapshotTransaction",
  "SourceReader",
  "SourceSchema",
  "SourceSnapshot",
  "SqliteCatalogColumn",
  "SqliteCatalogOptions",
  "SqliteCatalogResult",
  "sqliteSchema",
  "SqliteSource",
  "SqliteSourceOptions",
  "SqliteStorage",
  "SqliteTableOptions",
  "ValidatedFilter",
  "WebApp",
  "WebAppOptions",
];

/** The protocol core ("./protocol"), for writing another client or server. */
const PROTOCOL_API: readonly string[] = [
  "AdmitVerdict",
  "AuthAuthenticate",
  "AuthChallenge",
  "AuthDelegation",
  "AuthNonce",
  "AuthorizeAnswer",
  "AuthResult",
  "AuthStep",
  "backoffDelay",
  "BackoffOptions",
  "BatcherOptions",
  "binaryKind",
  "chainDigest",
  "challengeText",
  "checkAuthenticate",
  "checkCommandAuth",
  "ClientMessage",
  "ClientResumePoint",
  "CLOSE_CODES",
  "CloseCodeInfo",
  "CloseCodes",
  "CloseOutcome",
  "CloseSide",
  "closeWith",
  "ColumnInfo",
  "ColumnSchema",
  "ColumnType",
  "commandSigningInput",
  "CommandState",
  "COMPRESS_THRESHOLD_BYTES",
  "ConnectionConfig",
  "ConnectionEffect",
  "ConnectionEvent",
  "ConnectionPhase",
  "ConnectionState",
  "ConnectionStep",
  "ControlFrame",
  "DataFrame",
  "decodeControlFrame",
  "decodeDataFrame",
  "decodeSealedFrame",
  "DEFAULT_BACKOFF",
  "DEFAULT_FILTER_LIMITS",
  "DEFAULT_PARSE_LIMITS",
  "DelegationFacts",
  "delegationText",
  "Direction",
  "DownloadAck",
  "DownloadCancelled",
  "DownloadComplete",
  "DownloadEffect",
  "DownloadEvent",
  "DownloadPhase",
  "DownloadRequest",
  "DownloadResume",
  "DownloadStart",
  "DownloadState",
  "DownloadStatus",
  "downloadStatus",
  "DownloadStep",
  "encodeControlFrame",
  "encodeDataFrame",
  "encodeMessage",
  "EncoderOptions",
  "EndCloseCodes",
  "Envelope",
  "ERROR_CODES",
  "ERROR_TABLE",
  "ErrorCode",
  "ErrorDetails",
  "ErrorFault",
  "ErrorInfo",
  "ErrorOverrides",
  "errorResponse",
  "ErrorResponse",
  "ErrorScope",
  "ethereumAddress",
  "EVENT_TABLE",
  "EventInfo",
  "EventName",
  "EVENTS",
  "ExportEffect",
  "ExportEvent",
  "ExportLimits",
  "ExportPorts",
  "ExportQuery",
  "ExportSourceEvent",
  "ExportStage",
  "ExportState",
  "Filter",
  "FILTER_OPERATORS",
  "FilterLimits",
  "FilterOperator",
  "FilterScalar",
  "FilterValue",
  "formatTimestamp",
  "FrameHeader",
  "FrameLimits",
  "HealthPing",
  "Identity",
  "identityLabel",
  "Incoming",
  "Inflated",
  "INITIAL_DIGEST",
  "initialConnectionState",
  "initialDownloadState",
  "initialOpeningState",
  "initialSealingState",
  "initialSessionState",
  "InnerStep",
  "isConnected",
  "isErrorCode",
  "isEventName",
  "IssuedChallenge",
  "MachineClock",
  "MAX_CLOSE_REASON_BYTES",
  "MAX_DELEGATION_MS",
  "MAX_PAYLOAD_BYTES",
  "Message",
  "MessageAuth",
  "nextDeadline",
  "nobleSha256",
  "OpeningState",
  "OpenPlan",
  "operatorsFor",
  "OUTPUT_FORMATS",
  "OutputFormat",
  "parseAllowEntry",
  "parseClientMessage",
  "ParseFailure",
  "ParseLimits",
  "parseSchemaDocument",
  "parseServerMessage",
  "parseTimestamp",
  "PeerErrorCode",
  "peerErrorCode",
  "PendingDownload",
  "PendingProgress",
  "planOpen",
  "planSeal",
  "ProgressBatch",
  "ProgressBatcher",
  "ProgressUpdate",
  "progressUpdate",
  "RateMeter",
  "RateSample",
  "RateSamples",
  "RateWindowOptions",
  "readInflated",
  "readInner",
  "ReadOptions",
  "readPayload",
  "readsInput",
  "ReadStep",
  "ReconnectCloseCodes",
  "recoverPersonalSigner",
  "REQUEST_ID_PATTERN",
  "RequestLimits",
  "ResolvedConnectionConfig",
  "Result",
  "ResumePoint",
  "resumePoint",
  "Row",
  "RowEncoderPort",
  "SchemaColumn",
  "schemaDocument",
  "SchemaDocument",
  "SealedFrame",
  "SealingState",
  "SealPlan",
  "SearchParams",
  "ServerMessage",
  "serverProofText",
  "SESSION_ANSWERS",
  "SESSION_CLOSES",
  "SESSION_EVENT_KEYS",
  "SESSION_EVENT_SOURCES",
  "SESSION_PHASES",
  "SESSION_TRANSITIONS",
  "SessionConfig",
  "SessionEffect",
  "SessionEntropy",
  "SessionEvent",
  "SessionEventKey",
  "SessionEventSource",
  "SessionPhase",
  "SessionRow",
  "SessionSchema",
  "SessionSignIn",
  "SessionState",
  "SessionStep",
  "SessionWait",
  "Sha256",
  "SignedCommand",
  "SignInFacts",
  "signPersonalMessage",
  "signText",
  "SocketClose",
  "StatusCheck",
  "StatusUpdate",
  "stepConnection",
  "stepDownload",
  "stepSession",
  "SystemHealth",
  "tagFailed",
  "TextForm",
  "textForm",
  "TimerName",
  "UnackedFrame",
  "UnknownErrorCode",
  "ValidatedFilter",
  "validateDownloadRequest",
  "ValidatedRequest",
  "validateFilters",
  "verifyIdentitySignature",
  "verifyText",
];

/** Each entry point of deno.json, and the names it exports. */
const PINNED: Readonly<Record<string, readonly string[]>> = {
  ".": CLIENT_API,
  "./client": CLIENT_API,
  "./server": SERVER_API,
  "./protocol": PROTOCOL_API,
};

/** The issue that chose the default entry's list set its ceiling (issue 12, item 5). */
const MAX_DEFAULT_ENTRY_NAMES = 60;

const ENTRIES: Readonly<Record<string, string>> = JSON.parse(
  await Deno.readTextFile(new URL("deno.json", ROOT)),
).exports;

/** The program file beside the entry points: the server library again, plus `deno serve`'s default. */
const SERVER_PROGRAM = "./server.ts";

let documented: Promise<ReadonlyMap<string, readonly string[]>> | undefined;

/** The names each file exports, sorted, from one `deno doc --json` over all of them. */
function exportedNames(): Promise<ReadonlyMap<string, readonly string[]>> {
  documented ??= (async () => {
    const files = [...Object.values(ENTRIES), SERVER_PROGRAM];
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["doc", "--json", ...files],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    ok(out.success, new TextDecoder().decode(out.stderr));
    const doc: { nodes: Record<string, { symbols?: { name: string }[] }> } = JSON.parse(
      new TextDecoder().decode(out.stdout),
    );
    const names = new Map<string, string[]>();
    for (const file of files) {
      const node = doc.nodes[new URL(file, ROOT).href];
      ok(node !== undefined, `deno doc --json said nothing about ${file}`);
      names.set(file, (node.symbols ?? []).map((s) => s.name).sort());
    }
    return names;
  })();
  return documented;
}

/** What `names` adds to `pinned` and what it lacks, both empty when they agree. */
function difference(names: readonly string[], pinned: readonly string[]) {
  return {
    added: names.filter((n) => !pinned.includes(n)),
    removed: pinned.filter((n) => !names.includes(n)),
  };
}

Deno.test("deno.json has exactly the pinned entry points", () => {
  deepStrictEqual(Object.keys(ENTRIES).sort(), Object.keys(PINNED).sort());
});

for (const [entry, pinned] of Object.entries(PINNED)) {
  Deno.test(`the "${entry}" entry point exports exactly its pinned names`, async () => {
    const names = (await exportedNames()).get(ENTRIES[entry]);
    ok(names !== undefined, `deno.json has no "${entry}" entry`);
    deepStrictEqual(
      difference(names, pinned),
      { added: [], removed: [] },
      `"${entry}" (${
        ENTRIES[entry]
      }) changed its API: if that is meant, update tests/exports_test.ts`,
    );
  });
}

Deno.test(`the default entry point exports at most ${MAX_DEFAULT_ENTRY_NAMES} names`, async () => {
  const names = (await exportedNames()).get(ENTRIES["."]) ?? [];
  ok(names.length <= MAX_DEFAULT_ENTRY_NAMES, `mod.ts exports ${names.length} names`);
});

Deno.test("server.ts exports the server library and the default export deno serve serves", async () => {
  const names = (await exportedNames()).get(SERVER_PROGRAM) ?? [];
  deepStrictEqual(difference(names, [...SERVER_API, "default"]), { added: [], removed: [] });
});

Deno.test("every value an entry point exports at run time is in its documented list", async () => {
  // A guard on the method: deno doc must see what the module really exports.
  for (const file of [...Object.values(ENTRIES), SERVER_PROGRAM]) {
    const values = Object.keys(await import(new URL(file, ROOT).href));
    const names = (await exportedNames()).get(file) ?? [];
    deepStrictEqual(values.filter((v) => !names.includes(v)), [], file);
  }
});
