/** `lockstep serve` as a real process, for the tests that meet the server the way a user starts it. */
import { spawn } from "node:child_process";
import { BIN, ROOT } from "./cli.ts";

/**
 * Starts `lockstep serve` (or, with `viaNpm`, `npm start -- …` as the README has a user do) and
 * resolves with its URL (and the admin token in it) once it prints it.
 */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}, viaNpm = false) {
  const { DATABASE_URL: _unset, LOCKSTEP_DB: _unset2, ...inherited } = process.env;
  const [command, ...rest] = viaNpm
    ? ["npm", "start", "--silent", "--", "--port", "0", ...args]
    : [process.execPath, BIN, "serve", "--port", "0", ...args];
  // npm runs the server in a shell below it: its own process group, so stop() reaches all of them
  const child = spawn(command, rest, { cwd: ROOT, env: { ...inherited, ...env }, detached: viaNpm });
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
    if (viaNpm) process.kill(-child.pid!, "SIGTERM");
    else child.kill("SIGTERM");
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
