/**
 * The command-line client:
 *
 * ```sh
 * deno run -A client.ts URL --from T --to T [--filter EXPR …] [--format csv|json|ndjson]
 *   [--gzip] [-o FILE [--continue]] [--retries N] [--retry-delay MS]
 *   [--key-file FILE | --key HEX | --token T | --token-file F] [--server-key HEX]
 * ```
 *
 * writes the export to FILE or stdout, with a progress bar on stderr when it
 * is a terminal (fitted to its width) and a plain line per progress update
 * when it is not; during an outage, each reconnect attempt and the resume
 * are shown there too. Exits 0 on success (also when a reader of stdout such
 * as `head` closes it early), 1 with the error code and its details on
 * failure, 2 on bad usage (including a request the protocol refuses
 * whatever the server, checked before connecting), 130 on Ctrl-C. FILE is
 * written only once the server has accepted the request, so a refused one
 * leaves it as it was. A server that cannot be reached at all fails at once,
 * whatever `--retries` says, as curl does (one that accepts the connection
 * and never answers, after 10 s), saying where it tried and what to check;
 * once connected, a lost connection is retried and the download resumed
 * (`--retries` attempts, the first after about `--retry-delay` ms, doubling).
 *
 * With `-o FILE` the client keeps a state file `FILE.sluice` beside the
 * output (state_file.ts): the request, the download's resume point and the
 * length of FILE that point corresponds to, written when the server accepts
 * the download, then replaced atomically at most every 250 ms, always after
 * the bytes it describes were written to FILE and synced, and removed once
 * the download completed. A run killed or interrupted part way
 * leaves both; running it again with the same request and `--continue`
 * truncates FILE to the saved length and resumes the download from the saved
 * point (the URL may differ), so the finished FILE is byte-identical to an
 * uninterrupted export. If the saved point is after the FINAL frame, every
 * byte was in already: `--continue` only truncates FILE and finishes, without
 * contacting a server. `--continue` refuses (exit 2) without `-o`, without a
 * readable state file, or when the request on the command line differs from
 * the saved one. Interrupted with Ctrl-C, it saves the state, says how to
 * continue, and exits 130.
 *
 * The words of the command line (options, help, suggestions) are in
 * cli_args.ts, the request and its checks in cli_request.ts, error texts in
 * cli_error_text.ts, the writing of the export in cli_output.ts, the outage
 * notes in cli_outage.ts and the progress display in progress_view.ts.
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };
import { helpText, readArgs, USAGE_LINE, UsageError } from "./cli_args.ts";
import { errorText, unreachableText } from "./cli_error_text.ts";
import { followOutages } from "./cli_outage.ts";
import {
  copy,
  create,
  hashPrefix,
  isStream,
  openStream,
  OutputError,
  outputHash,
  ReaderGone,
} from "./cli_output.ts";
import { type Invocation, invocation, RequestUsageError } from "./cli_request.ts";
import type { Download } from "./download.ts";
import { ProgressView } from "./progress_view.ts";
import { SluiceError } from "./sluice_error.ts";
import {
  ContinueError,
  loadState,
  removeState,
  reopen,
  type SavedState,
  StateKeeper,
  StateWriteError,
} from "./state_file.ts";

/** The exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
const INTERRUPTED = 130;

/** Runs the command line; resolves with the process exit code. */
export async function main(args: string[]): Promise<number> {
  let run: Invocation;
  try {
    const { values, positionals } = readArgs(args);
    if (values.help) return print(`${helpText()}\n`);
    if (values.version) return print(`sluice ${denoJson.version}\n`);
    run = invocation(values, positionals);
  } catch (error) {
    // A TypeError is the parser's own refusal, should the reading before it miss one.
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    const text = error instanceof RequestUsageError
      ? errorText(error.error, error.flags)
      : error.message;
    console.error(`sluice: ${text}`);
    console.error(USAGE_LINE);
    console.error("Run client.ts --help for the options, the forms of --filter, and examples.");
    return 2;
  }
  let saved: SavedState | undefined;
  let file: Deno.FsFile | undefined;
  let stream: boolean;
  try {
    stream = run.output !== undefined && await isStream(run.output);
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    console.error(`sluice: ${error.message}`);
    return 1;
  }
  if (stream && run.resume) {
    console.error(`sluice: cannot continue: ${run.output} is not a regular file`);
    return 2;
  }
  if (run.resume) {
    try {
      saved = await loadState(run.output!, run.request);
      file = await reopen(run.output!, saved.fileBytes);
    } catch (error) {
      if (!(error instanceof ContinueError)) throw error;
      console.error(`sluice: cannot continue: ${error.message}`);
      return 2;
    }
  }
  const client = run.server.build();
  const view = new ProgressView(Deno.stderr);
  let download: Download | undefined;
  let keeper: StateKeeper | undefined;
  let interrupted = false;
  // Rejects on Ctrl-C, for a wait that the client's closing does not end (a pipe's open).
  const { promise: stopped, reject: stop } = Promise.withResolvers<never>();
  stopped.catch(() => {});
  const interrupt = () => {
    // A second Ctrl-C does not wait for the first to be handled.
    if (interrupted) Deno.exit(INTERRUPTED);
    interrupted = true;
    stop(new Error("interrupted"));
    // Every wait below then ends with CONNECTION_CLOSED, and the state is saved as for any error.
    void client.close();
  };
  Deno.addSignalListener("SIGINT", interrupt);
  const stopNotes = followOutages(
    client,
    run.backoff,
    () => download?.resumePoint()?.rows,
    (note) => view.note(note),
  );
  try {
    // After the FINAL frame every byte is in: the download completes without a server (§9.5).
    if (saved?.resumePoint.final !== true) await client.connect();
    const askedAt = performance.now();
    download = client.download(
      run.request,
      saved === undefined ? {} : { resume: saved.resumePoint },
    );
    if (run.output !== undefined && !stream) {
      keeper = new StateKeeper(run.output, client.url, run.request, download, saved);
    }
    // The server's database away, its limits full: the download waits and asks again by
    // itself, and its next progress says where it went on from.
    const current = download;
    let waitedAt: number | undefined;
    current.onRetry(({ error, attempt, attempts, delayMs }) => {
      waitedAt = current.status().processedRows;
      view.note({ type: "retrying", code: error.code, attempt, maxAttempts: attempts, delayMs });
    });
    current.onProgress((update) => {
      if (waitedAt !== undefined) view.note({ type: "resumed", rows: waitedAt });
      waitedAt = undefined;
      view.update(update);
    });
    // A refused request rejects done before any start: the file is left untouched.
    await Promise.race([download.started, download.done]);
    // A pipe opens once something reads it: until then the download waits, as for a slow reader.
    if (stream) file = await Promise.race([openStream(run.output!), stopped]);
    if (keeper !== undefined) {
      if (file === undefined) {
        // A new run: the state of an earlier one no longer describes FILE once it is truncated.
        await removeState(keeper.path);
        file = await create(keeper.path);
      }
      // Saved at once, so even a run killed before the first frame can --continue.
      await keeper.attach(file);
    }
    const hash = outputHash();
    // After --continue, FILE's SHA-256 covers what the earlier runs wrote too.
    if (saved !== undefined) await hashPrefix(run.output!, saved.fileBytes, hash);
    await copy(download.readable, file ?? Deno.stdout, hash, keeper);
    const summary = await download.done;
    if (keeper !== undefined) await keeper.finished();
    view.finish(summary, hash.hex(), performance.now() - askedAt, saved?.resumePoint.rows);
    return 0;
  } catch (error) {
    view.clear();
    // Whatever went wrong, FILE.sluice describes bytes that are in FILE: --continue can go on.
    await keeper?.flush().catch(() => {});
    const resumable = keeper?.saved === true;
    if (interrupted) {
      console.error(
        resumable
          ? `sluice: interrupted; run again with --continue to resume into ${run.output}`
          : "sluice: interrupted",
      );
      return INTERRUPTED;
    }
    // The reader of stdout has what it wanted (`| head`): a quiet end, as for curl -o -.
    if (error instanceof ReaderGone) return 0;
    if (unreachable(error)) {
      console.error(
        `sluice: ${unreachableText(client.url, (error as SluiceError).details?.cause)}`,
      );
    } else if (error instanceof OutputError || error instanceof StateWriteError) {
      console.error(`sluice: ${error.message}`);
    } else if (error instanceof SluiceError) {
      console.error(`sluice: download failed: ${errorText(error.response, run.flags)}`);
    } else throw error;
    if (resumable) console.error(`sluice: run again with --continue to resume into ${run.output}`);
    return 1;
  } finally {
    stopNotes();
    Deno.removeSignalListener("SIGINT", interrupt);
    file?.close();
    await client.close();
  }
}

/** Writes `text` to stdout (help, version); a reader that closed it early is no failure. */
function print(text: string): number {
  const bytes = new TextEncoder().encode(text);
  try {
    for (let at = 0; at < bytes.length;) at += Deno.stdout.writeSync(bytes.subarray(at));
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
  return 0;
}

/** Whether the first connection never opened (at once with `withFailFast`, or with `--retries 0`). */
function unreachable(error: unknown): boolean {
  return error instanceof SluiceError && error.code === "CONNECTION_FAILED" &&
    error.details?.unreachable === true;
}
