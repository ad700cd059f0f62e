/**
 * CPU time from /proc, for the test-time census (Linux only; every function returns undefined
 * elsewhere):
 *
 * - the whole machine's busy time (/proc/stat), which counts everything on the cores, the other
 *   users' work included, so a run near idle can be checked against it;
 * - a process tree's time, sampled: `getrusage`'s children figure (what `/usr/bin/time` prints)
 *   counts a process only once its parent has waited for it, so it misses a process that outlives
 *   its parent (re-parented to init) or one still running. The sampler reads every process under
 *   the root, by parent, a few times a second; what a process and its reaped children used is in
 *   its /proc/PID/stat (utime, stime, cutime, cstime) until it is reaped, then in its parent's.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Linux's USER_HZ: the unit of /proc's CPU fields on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** Busy CPU-seconds of the whole machine since boot: every field of /proc/stat's "cpu" line but idle and iowait. */
export function machineBusySeconds(): number | undefined {
  try {
    const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/);
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = fields.map(Number);
    return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

interface ProcStat {
  pid: number;
  ppid: number;
  /** Start time since boot (ticks): with the pid, names the process even if the pid is reused. */
  start: string;
  /** utime + stime, seconds: the process's own threads. */
  own: number;
  /** cutime + cstime, seconds: its children it has waited for. */
  reaped: number;
}

function readStat(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) is in parentheses and may hold spaces: split after its last ")"
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime 14–17, starttime 22
    return {
      pid: Number(pid),
      ppid: Number(fields[1]),
      start: fields[19]!,
      own: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      reaped: (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined; // gone between the directory listing and the read
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(readStat)
    .filter((stat): stat is ProcStat => stat !== undefined);
}

/**
 * Samples the CPU of the tree under `rootPid` every `intervalMs`. Each sample of `series` is the
 * sum, over the processes in the tree, of their own time and their reaped children's: each counted
 * once, since a reaped process is no longer listed. A process that left the tree (its parent died
 * first and it went to init) keeps counting, through its last sample, since nobody in the tree
 * will reap it: `orphanSeconds()` is what to add to the root's exact figure once it is reaped.
 * Only processes that both start and end between two samples, and are reaped outside the tree,
 * escape it.
 */
export class TreeSampler {
  private readonly members = new Map<string, ProcStat>();
  /** Processes that left the tree, by pid:start: their last figures. */
  private readonly orphans = new Map<string, ProcStat>();
  private readonly timer: NodeJS.Timeout;
  /** [ms since the epoch, tree CPU-seconds] at each sample. */
  readonly series: [number, number][] = [];
  private lastTotal = 0;

  constructor(
    private readonly rootPid: number,
    intervalMs = 250,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const all = allProcesses();
    const key = (stat: ProcStat) => `${stat.pid}:${stat.start}`;
    const alive = new Set(all.map(key));
    const children = new Map<number, ProcStat[]>();
    for (const stat of all) {
      const list = children.get(stat.ppid);
      if (list) list.push(stat);
      else children.set(stat.ppid, [stat]);
    }
    const inTree = new Map<string, ProcStat>();
    const visit = (stat: ProcStat) => {
      if (inTree.has(key(stat))) return;
      inTree.set(key(stat), stat);
      for (const child of children.get(stat.pid) ?? []) visit(child);
    };
    const root = all.find((stat) => stat.pid === this.rootPid);
    if (root) visit(root);
    // a process that was in the tree and is alive outside it has lost its parent: an orphan
    for (const stat of all) {
      const name = key(stat);
      if (this.members.has(name) && !inTree.has(name)) this.orphans.set(name, stat);
    }
    // orphans, and what they start, stay counted through their own subtrees
    for (const stat of all) if (this.orphans.has(key(stat))) visit(stat);
    for (const [name, stat] of inTree) {
      this.members.set(name, stat);
      if (this.orphans.has(name)) this.orphans.set(name, stat);
    }
    let total = 0;
    // each live member's own time and its reaped children's (a reaped process is no longer listed)
    for (const stat of inTree.values()) total += stat.own + stat.reaped;
    // orphans that are gone: reaped by init, outside the tree, so their last sample stands
    for (const [name, stat] of this.orphans) if (!alive.has(name)) total += stat.own + stat.reaped;
    if (root) this.lastTotal = total;
    this.series.push([Date.now(), this.lastTotal]);
  }

  /**
   * The CPU of orphans (processes that outlived their parent in the tree and so are counted in
   * nobody's reaped time up to the root) at their last sample: add it to the root's exact figure.
   */
  orphanSeconds(): number {
    let total = 0;
    for (const stat of this.orphans.values()) total += stat.own + stat.reaped;
    return total;
  }

  /** Orphans still running: processes the run left behind. */
  leftRunning(): number[] {
    const alive = new Set(allProcesses().map((stat) => `${stat.pid}:${stat.start}`));
    return [...this.orphans].filter(([name]) => alive.has(name)).map(([, stat]) => stat.pid);
  }

  /** Tree CPU-seconds at the time `at` (ms since the epoch), from the samples on either side. */
  at(at: number): number {
    const s = this.series;
    if (s.length === 0) return 0;
    if (at <= s[0]![0]) return s[0]![1];
    for (let i = 1; i < s.length; i++) {
      const [t1, v1] = s[i]!;
      if (t1 >= at) {
        const [t0, v0] = s[i - 1]!;
        return t1 === t0 ? v1 : v0 + ((v1 - v0) * (at - t0)) / (t1 - t0);
      }
    }
    return s.at(-1)![1];
  }

  /** Stops sampling (one last sample first). */
  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}
