import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { CliError } from "../errors.ts";
import { cliIo } from "../io.ts";

interface ServeOptions {
  port: string;
  host: string;
  db?: string;
  databaseUrl?: string;
  buildWeb?: boolean;
  expose?: boolean;
  allowHost: string[];
  open?: boolean;
  publicRead?: boolean;
  /** commander sets false for --no-compress. */
  compress: boolean;
  rateLimit: string;
}

const DEFAULT_DB = "./data/lockstep.db";
/** Ten requests a second on average per token or address, with room for bursts (not imported from the server, which loads fastify). */
const DEFAULT_RATE_PER_MINUTE = 600;

/**
 * Where the server keeps its data: --database-url, else --db, else DATABASE_URL (PostgreSQL),
 * else LOCKSTEP_DB, else ./data/lockstep.db (SQLite). Flags win over the environment.
 */
export function storageChoice(
  options: Pick<ServeOptions, "db" | "databaseUrl">,
  env: NodeJS.ProcessEnv,
): { databaseUrl?: string; dbPath?: string } {
  const url = options.databaseUrl ?? (options.db === undefined ? env.DATABASE_URL : undefined);
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      const source = options.databaseUrl ? "--database-url" : "DATABASE_URL";
      throw new CliError(
        `${source}: expected a PostgreSQL URL (postgres://user:password@host/db), got '${url}'`,
      );
    }
    return { databaseUrl: url };
  }
  return { dbPath: resolve(options.db ?? env.LOCKSTEP_DB ?? DEFAULT_DB) };
}

/** The admin token is LOCKSTEP_ADMIN_TOKEN when set (tests, scripts), else a random one per start. */
export function accessChoice(
  options: Pick<ServeOptions, "open" | "publicRead">,
  env: NodeJS.ProcessEnv,
): { open: boolean; publicRead: boolean; adminToken?: string } {
  const token = env.LOCKSTEP_ADMIN_TOKEN;
  if (token !== undefined && !/^[\w.~+/=-]{16,200}$/.test(token)) {
    throw new CliError(
      "LOCKSTEP_ADMIN_TOKEN: expected 16 to 200 characters without spaces (letters, digits, -._~+/=)",
    );
  }
  return {
    open: options.open ?? false,
    publicRead: options.publicRead ?? false,
    adminToken: token || undefined,
  };
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the workbench (web app and HTTP API) on localhost")
    .option("--port <port>", "port to listen on (0 picks a free one)", "8080")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--expose", "allow --host to be an interface reachable from other machines (serves plain HTTP)")
    .option(
      "--allow-host <name>",
      "a host name clients may use besides localhost (repeatable); others are answered 421",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option("--db <file>", `SQLite file for saved scenarios and agreements (default: ${DEFAULT_DB})`)
    .option("--database-url <url>", "PostgreSQL URL, instead of --db (default: $DATABASE_URL when set)")
    .option(
      "--open",
      "no admin token: anyone who reaches the server may do everything (a workbench for yourself)",
    )
    .option("--public-read", "anyone may read agreements (their charter, ledger and status) without a token")
    .option(
      "--rate-limit <n>",
      "API requests a minute per token, or per address without one (0: no limit)",
      String(DEFAULT_RATE_PER_MINUTE),
    )
    .option("--build-web", "build the web app first if it is missing or stale (needs the dev dependencies)")
    .option("--no-compress", "send responses uncompressed (by default brotli or gzip, as the client accepts)")
    .action(async (options: ServeOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new CliError(`--port: expected a whole number from 0 to 65535, got '${options.port}'`);
      }
      const { isLoopback, hostName } = await import("../../server/host-check.ts");
      const loopback = isLoopback(
        hostName(
          options.host.includes(":") && !options.host.startsWith("[") ? `[${options.host}]` : options.host,
        ),
      );
      if (!loopback && !options.expose) {
        throw new CliError(
          `--host ${options.host} makes the server reachable from other machines: add --expose if you mean it`,
        );
      }
      if (!loopback) {
        cliIo().stderr.write(
          "warning: serving plain HTTP beyond this machine: keys never leave the clients, but put a TLS proxy in front so requests cannot be read or altered on the way\n",
        );
      }
      const rate = Number(options.rateLimit);
      if (!Number.isInteger(rate) || rate < 0) {
        throw new CliError(
          `--rate-limit: expected a whole number of requests a minute (0: none), got '${options.rateLimit}'`,
        );
      }
      const storage = storageChoice(options, cliIo().env);
      // Loaded here so other commands do not pay for fastify's start-up.
      const { buildServer, WEB_DIST } = await import("../../server/app.ts");
      if (options.buildWeb) {
        const { ensureWebBuilt } = await import("../../server/web-build.ts");
        await ensureWebBuilt((line) => cliIo().stdout.write(`${line}\n`));
      }
      if (storage.dbPath) mkdirSync(dirname(storage.dbPath), { recursive: true });
      let app: Awaited<ReturnType<typeof buildServer>>;
      try {
        const wildcard = ["0.0.0.0", "::", "[::]"].includes(options.host);
        const allowedHosts = [...options.allowHost, ...(loopback || wildcard ? [] : [options.host])];
        app = await buildServer({
          ...storage,
          allowedHosts,
          access: accessChoice(options, cliIo().env),
          compress: options.compress,
          rateLimit: rate === 0 ? undefined : { max: rate, windowMs: 60_000 },
          // the planner threads and their solvers start now, not in the first request that plans
          // (LOCKSTEP_WARM_PLANNER=0 leaves them to it: a test server that never plans saves the
          // half CPU-second of compiling the solver twice)
          planner: { warm: cliIo().env.LOCKSTEP_WARM_PLANNER !== "0" },
        });
      } catch (error) {
        const where = storage.databaseUrl ? "the PostgreSQL database" : storage.dbPath;
        throw new CliError(`cannot open ${where}: ${(error as Error).message}`);
      }
      let url: string;
      try {
        url = await app.listen({ port, host: options.host });
      } catch (error) {
        await app.close();
        throw new CliError(`cannot listen on ${options.host}:${port}: ${(error as Error).message}`);
      }
      const base = `${url.replace("[::1]", "localhost")}/`;
      if (options.open) {
        cliIo().stdout.write(`Lockstep workbench: ${base}\n`);
        cliIo().stdout.write("Access: open (--open): anyone who reaches this server may do everything\n");
        if (!loopback)
          cliIo().stderr.write(
            "warning: --open beyond this machine lets anyone change scenarios and adopt agreements\n",
          );
      } else {
        // the token travels in the fragment, which the browser never sends; the web app keeps it for the tab
        cliIo().stdout.write(`Lockstep workbench: ${base}#admin=${app.access.adminToken}\n`);
        cliIo().stdout.write(
          `Admin token: ${app.access.adminToken} (for the CLI: --token or LOCKSTEP_TOKEN; fix it with LOCKSTEP_ADMIN_TOKEN)\n`,
        );
      }
      if (options.publicRead)
        cliIo().stdout.write("Agreements are readable without a token (--public-read)\n");
      cliIo().stdout.write(`Data: ${storage.databaseUrl ? "PostgreSQL" : storage.dbPath}\n`);
      if (!existsSync(WEB_DIST)) {
        cliIo().stdout.write(
          "(the web app is not built: run `npm run build:web`; the API works without it)\n",
        );
      }
      const stop = () => {
        void app.close().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
