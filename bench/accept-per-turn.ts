/**
 * Node's accept, outside the project: how a plain `node:http` server takes a burst of new
 * connections when each turn of its event loop is held for a while (as a batch written to 500
 * streams or a SQLite commit's fsync held lockstep's server; docs/benchmarks.md, "Why a burst was
 * slow"). Side by side in one run: the same burst with the loop free. Since libuv 1.45 (Node 20)
 * a listening socket accepts one connection per turn, so the held server's accepts come about
 * one hold apart; the free one takes them all at once.
 *
 *   npx tsx bench/accept-per-turn.ts [--clients 50] [--hold-ms 20]
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { clients: { type: "string", default: "50" }, "hold-ms": { type: "string", default: "20" } },
});
const CLIENTS = Number(values.clients);
const HOLD_MS = Number(values["hold-ms"]);

/** Milliseconds from the burst's start to each accepted connection, with the loop held `holdMs` per turn. */
async function acceptTimes(holdMs: number): Promise<number[]> {
  const server = http.createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const accepted: number[] = [];
  let start = 0;
  server.on("connection", () => accepted.push(performance.now() - start));
  // Hold every turn of the loop: a busy wait, then yield, until the burst is in.
  let holding = holdMs > 0;
  const hold = () => {
    if (!holding) return;
    const until = performance.now() + holdMs;
    while (performance.now() < until) {}
    setImmediate(hold);
  };
  start = performance.now();
  const sockets = Array.from({ length: CLIENTS }, () => net.connect(port, "127.0.0.1"));
  hold();
  while (accepted.length < CLIENTS) await new Promise((resolve) => setTimeout(resolve, 1));
  holding = false;
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  return accepted;
}

const summary = (times: number[]) =>
  `first ${times[0].toFixed(1)} ms, last ${times.at(-1)!.toFixed(1)} ms, ` +
  `median gap ${median(times.slice(1).map((t, i) => t - times[i])).toFixed(1)} ms`;
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

console.log(`${CLIENTS} connections at once to a node:http server, Node ${process.version}`);
console.log(`loop free:            ${summary(await acceptTimes(0))}`);
console.log(`loop held ${HOLD_MS} ms/turn: ${summary(await acceptTimes(HOLD_MS))}`);
