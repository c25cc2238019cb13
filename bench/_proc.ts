// What the benchmarks read of processes from /proc: the fields of a process's stat line, and the
// CPU time of a PostgreSQL cluster's processes.

/**
 * The fields of /proc/<pid>/stat after the parenthesised name (the 3rd
 * field on); `undefined` once the process is gone.
 */
export function statFields(pid: number | "self"): string[] | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * CPU seconds so far of the cluster: its live processes' own, and their
 * reaped children's (the postmaster's `cutime` and `cstime`), so that a
 * backend or a parallel worker that ends between two readings still
 * counts (a worker of the count before `download:start` lives a few
 * hundred milliseconds).
 */
export function postgresCpu(): number {
  let total = 0;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let comm: string;
    try {
      comm = Deno.readTextFileSync(`/proc/${entry.name}/comm`).trim();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue; // ended meanwhile
      throw error;
    }
    if (comm !== "postgres") continue;
    const f = statFields(Number(entry.name));
    if (f === undefined) continue;
    total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  }
  return total;
}
