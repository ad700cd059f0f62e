/**
 * Named moments of a page load (`lockstep:NAME` in the browser's performance timeline), so the
 * benchmark can say where the time from navigation to the first chart goes
 * (bench/workbench-profile.ts). A mark costs microseconds; nothing in the app reads them.
 */
export function mark(name: string): void {
  performance.mark(`lockstep:${name}`);
}
