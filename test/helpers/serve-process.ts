/** `lockstep serve` as a real process, for the tests that meet the server the way a user starts it. */
import { spawn } from "node:child_process";
import { BIN, ROOT } from "./cli.ts";

/** Starts `lockstep serve` and resolves with its URL (and the admin token in it) once it prints it. */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { DATABASE_URL: _unset, LOCKSTEP_DB: _unset2, ...inherited } = process.env;
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
  });
  let token = "";
  let out = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/Lockstep workbench: (http:\/\/127\.0\.0\.1:\d+)\/(?:#admin=(\S+))?\n/);
      if (match) {
        token = match[2] ?? "";
        resolve(match[1]);
      }
    });
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("exit", (code) =>
      reject(new Error(`serve exited with ${code} before printing its URL: ${out}${err}`)),
    );
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  return {
    url,
    stop,
    /** The admin token printed in the URL ("" with --open). */
    token: () => token,
    auth: () => ({ authorization: `Bearer ${token}` }),
    output: () => out,
  };
}
