// Python as an independent implementation in the tests (PyJWT, pyca/cryptography): a program run
// with JSON on its stdin, its stdout read back as JSON; a failure throws with its stderr.

/**
 * Runs `python` (e.g. `/usr/bin/python3`, whose Debian packages include PyJWT) with `args`,
 * writing `input` to its stdin as JSON, and returns its stdout parsed as JSON (as `T`, unchecked).
 */
export async function pythonJson<T = unknown>(
  python: string,
  args: string[],
  input: unknown,
): Promise<T> {
  const child = new Deno.Command(python, {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  const out = await child.output();
  if (out.code !== 0) {
    throw new Error(`${python} exited ${out.code}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
}
