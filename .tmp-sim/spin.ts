import { Piscina } from "piscina";
for (const workers of [1, 2]) {
  const pool = new Piscina({ filename: new URL("./spin.mjs", import.meta.url).href, execArgv: [], minThreads: workers, maxThreads: workers });
  await Promise.all(Array.from({ length: workers }, () => pool.run(1000)));
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 40 }, () => pool.run(20_000_000)));
  console.log(workers, (performance.now() - t0).toFixed(0), "ms");
  await pool.destroy();
}
