/**
 * The server bench/streams.ts measures, as its own process (so its event loop and CPU profile are
 * its own, not shared with the 500 clients): `buildServer` on a SQLite file, open, no rate limit,
 * event streams in the mode given. Prints `listening URL` when it accepts connections; SIGTERM
 * closes it (and, under `node --cpu-prof`, writes the profile).
 *
 *   node --import tsx bench/streams-server.ts --db FILE --mode shared|per-subscriber
 */
import { parseArgs } from "node:util";
import { buildServer } from "../src/server/app.ts";
import type { StreamMode } from "../src/server/plugins/agreement-stream.ts";

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    "database-url": { type: "string" },
    mode: { type: "string", default: "shared" },
  },
});
if (values.mode !== "shared" && values.mode !== "per-subscriber") {
  throw new Error(`--mode: expected shared or per-subscriber, got '${values.mode}'`);
}

const app = await buildServer({
  dbPath: values.db,
  databaseUrl: values["database-url"],
  access: { open: true },
  streams: { mode: values.mode as StreamMode, max: 2000, perAddress: 2000 },
});
const url = await app.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`listening ${url}\n`);

let closing = false;
process.on("SIGTERM", () => {
  if (closing) return;
  closing = true;
  void app.close().finally(() => process.exit(0));
});
