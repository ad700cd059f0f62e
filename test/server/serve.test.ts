/** `lockstep serve` as a user runs it: a real process that prints its URL and serves the API. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, lockstep, ROOT } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lockstep serve", () => {
  it("prints its URL, creates the database directory and serves the API", async () => {
    const db = join(dir, "nested", "lockstep.db");
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--db", db], { cwd: ROOT });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const match = out.match(/Lockstep workbench: (http:\/\/127\.0\.0\.1:\d+)\//);
          if (match) resolve(match[1]);
        });
        child.on("exit", (code) =>
          reject(new Error(`serve exited with ${code} before printing its URL: ${out}`)),
        );
      });
      const response = await fetch(`${url}/api/scenarios`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { scenarios: { id: string }[] };
      expect(body.scenarios.map((s) => s.id)).toContain("korea-2018");
      expect(existsSync(db)).toBe(true);
    } finally {
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("rejects a bad port with exit status 2 and a message", () => {
    const result = lockstep(["serve", "--port", "eighty"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--port: expected a whole number/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
