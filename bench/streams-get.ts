/**
 * The GET client of bench/streams.ts, as its own process: it GETs one URL one request after another
 * on one keep-alive socket and, when its stdin closes, prints every request's start (epoch ms) and
 * latency as JSON. Its own process, so its latencies are the server's (and the machine's), not
 * those of the benchmark's event loop busy with 500 streams.
 *
 *   node --import tsx bench/streams-get.ts URL
 */
import http from "node:http";

const url = process.argv[2];
if (!url) throw new Error("usage: streams-get.ts URL");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const samples: Array<[number, number]> = [];
let running = true;
let failure: string | undefined;

function get(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

process.stdin.resume();
process.stdin.on("end", () => {
  running = false;
});

process.stdout.write("ready\n");
while (running) {
  const start = performance.now();
  try {
    const status = await get();
    if (status !== 200) failure ??= `GET ${url}: ${status}`;
  } catch (error) {
    failure ??= `GET ${url}: ${(error as Error).message}`;
  }
  samples.push([performance.timeOrigin + start, performance.now() - start]);
}
agent.destroy();
process.stdout.write(`${JSON.stringify({ samples, failure })}\n`);
