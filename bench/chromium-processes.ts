/**
 * Chromium's processes from /proc, for the browser benches (web-ops.ts, web-steps.ts): which part
 * of Chromium a process is, and each process's children, so a bench can sum CPU over the tree a
 * browser started (Linux only).
 */
import { readdirSync, readFileSync } from "node:fs";

/** A Chromium process's part: browser, renderer, gpu-process, a utility's service, or zygote. */
export function chromiumProcessKind(pid: number): string {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    const type = command.match(/--type=(\S+)/)?.[1];
    if (!type) return "browser";
    if (type === "utility") return command.match(/--utility-sub-type=\S*?(\w+)(\s|$)/)?.[1] ?? type;
    return type;
  } catch {
    return "gone";
  }
}

/** Every running process's children, by parent pid. */
export function processChildren(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const parent = Number(readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // gone between the listing and the read
    }
  }
  return children;
}
