const t0 = performance.now();
const c0 = process.cpuUsage();
const { register } = await import("tsx/esm/api");
const t1 = performance.now();
register();
const t2 = performance.now();
await import("../src/io/simulation-task.ts");
const t3 = performance.now();
const c = process.cpuUsage(c0);
export default function probe() {
  return `import tsx ${(t1 - t0).toFixed(0)} register ${(t2 - t1).toFixed(0)} task ${(t3 - t2).toFixed(0)} ms; cpu ${((c.user + c.system) / 1000).toFixed(0)} ms`;
}
