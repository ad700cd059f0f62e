/**
 * Worker threads (planner, simulation) run at a lower CPU priority than the server's event loop:
 * on a machine with few cores, a solve or a simulation chunk then yields to the loop, and a GET
 * waits for a core for microseconds rather than a scheduler slice.
 */
import { setPriority } from "node:os";
import { isMainThread } from "node:worker_threads";

/** The nice value worker threads take: lower priority, well short of the lowest (19). */
export const WORKER_NICE = 10;

/**
 * Lowers the calling worker thread's priority. On Linux the nice value belongs to each thread, and
 * `os.setPriority()` without a pid sets the calling thread's; on the main thread this does nothing
 * (the CLI's in-process runs keep their priority), and where it is not permitted nothing changes.
 */
export function lowerThreadPriority(): void {
  if (isMainThread) return;
  try {
    setPriority(WORKER_NICE);
  } catch {
    // not permitted here: run at the normal priority
  }
}
