/**
 * The appending client of bench/streams.ts. Run as its own process (the default), its requests and
 * their acknowledgements are not held up by the benchmark's event loop, which also reads 500 event
 * streams: in a burst that fanned out many batches, that loop took the acks up to 1.3 s after the
 * server had sent them (docs/benchmarks.md). bench/streams.ts can also call `post` in its own
 * process (`--post-from bench`), to show that difference.
 *
 * As a process it reads the events (a JSON file: `{ bursts: string[][], run: string[] }`, request
 * bodies), runs its own request code once against a server of its own (warmUp), says `ready`, and
 * then reads commands on stdin, one a line, answering each with `done JSON`:
 *   connect        opens one idle keep-alive connection per event of the first burst (for --connect ahead)
 *   burst K        posts the events of burst K all at once → { times, cpuMs } (its CPU time meanwhile);
 *                  the first burst on the connections `connect` opened, each later one on new ones
 *   run C MS       posts run events with C in flight for MS milliseconds → { acked, start, end }
 *
 *   node --import tsx bench/streams-post.ts EVENTS-URL EVENTS-FILE
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

/** Epoch milliseconds, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

/** When a request was sent, its connection open, its bytes taken by the socket, and its answer read (epoch ms). */
export interface PostTimes {
  sent: number;
  connected: number;
  written: number;
  acked: number;
}

export function request(
  agent: http.Agent,
  url: string,
  method = "GET",
  body?: string,
  onWritten?: () => void,
  onConnected?: () => void,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body === undefined ? {} : { "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (onWritten) req.on("finish", onWritten);
    if (onConnected)
      req.on("socket", (socket) => (socket.connecting ? socket.once("connect", onConnected) : onConnected()));
    req.end(body);
  });
}

/**
 * Posts events to `url` with `limit` in flight until they run out or `deadline` (performance.now())
 * passes; returns how many were acknowledged (201), and each one's times.
 */
export async function post(
  url: string,
  events: string[],
  limit: number,
  deadline = Number.POSITIVE_INFINITY,
  agent = new http.Agent({ keepAlive: true, maxSockets: limit }),
) {
  let next = 0;
  const times: PostTimes[] = [];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < events.length && performance.now() < deadline) {
        const sent = now();
        let written = Number.NaN;
        let connected = Number.NaN;
        const answer = await request(
          agent,
          url,
          "POST",
          events[next++],
          () => {
            written = now();
          },
          () => {
            connected = now();
          },
        );
        if (answer.status !== 201) throw new Error(`append: ${answer.status} ${answer.text}`);
        times.push({ sent, connected, written, acked: now() });
      }
    }),
  );
  agent.destroy();
  return { acked: times.length, times };
}

/** Opens `n` keep-alive connections in `agent`, left idle in its pool (one GET of `url` each). */
export async function connectAhead(agent: http.Agent, url: string, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => request(agent, url)));
}

/**
 * Runs the client's own code once before it is timed, against a throw-away server in this process
 * (each request answered at once with a small 201): the first burst of a fresh process otherwise
 * spends its first tens of milliseconds compiling node:http's client, which is the instrument's
 * cost, not the server's. The lockstep server sees none of it.
 */
async function warmUp(bodies: string[]): Promise<void> {
  const local = http.createServer((req, res) => {
    req.resume();
    req.on("end", () =>
      res.writeHead(201, { "content-type": "application/json" }).end('{"duplicate":false}'),
    );
  });
  await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
  const { port } = local.address() as { port: number };
  for (let round = 0; round < 3; round++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: bodies.length });
    await post(`http://127.0.0.1:${port}/warm`, bodies, bodies.length, undefined, agent);
  }
  await new Promise((resolve) => local.close(resolve));
}

async function main(): Promise<void> {
  const [url, file] = process.argv.slice(2);
  if (!url || !file) throw new Error("usage: streams-post.ts EVENTS-URL EVENTS-FILE");
  const events = JSON.parse(readFileSync(file, "utf8")) as { bursts: string[][]; run: string[] };
  const burstAgent = new http.Agent({ keepAlive: true, maxSockets: events.bursts[0].length });
  const answer = (value: unknown) => process.stdout.write(`done ${JSON.stringify(value)}\n`);
  const commands = createInterface({ input: process.stdin });
  await warmUp(events.bursts[0]);
  process.stdout.write("ready\n");
  for await (const line of commands) {
    const [command, ...args] = line.split(" ");
    if (command === "connect") {
      await connectAhead(burstAgent, new URL("/api/capabilities", url).href, events.bursts[0].length);
      answer({});
    } else if (command === "burst") {
      const cpu = process.cpuUsage();
      const burst = events.bursts[Number(args[0] ?? 0)];
      const agent =
        args[0] === undefined || args[0] === "0"
          ? burstAgent
          : new http.Agent({ keepAlive: true, maxSockets: burst.length });
      const { times } = await post(url, burst, burst.length, undefined, agent);
      const used = process.cpuUsage(cpu);
      answer({ times, cpuMs: (used.user + used.system) / 1000 });
    } else if (command === "run") {
      const [limit, ms] = args.map(Number);
      const start = now();
      const { acked } = await post(url, events.run, limit, performance.now() + ms);
      answer({ acked, start, end: now() });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
