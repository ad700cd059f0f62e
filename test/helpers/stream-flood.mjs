/**
 * An attacker that opens event streams to one URL, 50 at a time, until the server refuses one,
 * and keeps them open (reading and dropping what arrives) until its stdin closes. It runs as its
 * own process (plain JavaScript: no loader to start), so that the test measuring the server's
 * latency does not also carry hundreds of sockets on its own event loop.
 *
 *   node test/helpers/stream-flood.mjs URL
 *
 * Prints `open N refused STATUS` once the server has refused a stream (or `failed MESSAGE`).
 */
import http from "node:http";

const url = process.argv[2];
const open = [];

function openStream() {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers: { accept: "text/event-stream" } }, (res) => {
      res.on("error", () => {});
      res.resume();
      resolve({ status: res.statusCode ?? 0, request });
    });
    request.on("error", reject);
  });
}

try {
  let refused = 0;
  while (refused === 0) {
    for (const { status, request } of await Promise.all(Array.from({ length: 50 }, openStream))) {
      if (status === 200) open.push(request);
      else {
        refused = status;
        request.destroy();
      }
    }
  }
  process.stdout.write(`open ${open.length} refused ${refused}\n`);
} catch (error) {
  process.stdout.write(`failed ${error.message}\n`);
}
process.stdin.resume();
process.stdin.on("end", () => {
  for (const request of open) request.destroy();
  process.exit(0);
});
