import { Piscina } from "piscina";
for (let n = 0; n < 2; n++) {
  const t0 = performance.now();
  const pool = new Piscina({ filename: new URL("./w-probe.cjs", import.meta.url).href, execArgv: [], minThreads: 1, maxThreads: 1 });
  console.log(await pool.run(0), "total", (performance.now() - t0).toFixed(0));
  await pool.destroy();
}
