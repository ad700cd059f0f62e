/**
 * Access control as a user meets it: `lockstep serve` prints the workbench URL with its admin token,
 * and the CLI commands that talk to a server take --token (or LOCKSTEP_TOKEN) or, given a
 * participant's key file, sign the server's challenge for a read token by themselves. The server is
 * the real `lockstep serve` process, and so is the adoption with LOCKSTEP_TOKEN (`spawned`); the
 * other commands run through the binary's entry in this process (`run`): each command's real
 * process is tested in test/ledger/cli.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockstepAsync, lockstepInProcess } from "../helpers/cli.ts";
import { startServe } from "../helpers/serve-process.ts";
import { SCENARIO_FILE } from "../ledger/helpers.ts";

const ADMIN = "cli-admin-token-abcdefghijkl";

describe("lockstep serve with an admin token, and the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-access-"));
  const key = (who: string) => join(dir, `${who}.json`);
  const spawned = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    lockstepAsync(args, { LOCKSTEP_TOKEN: "", ...env });
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    lockstepInProcess(args, { LOCKSTEP_TOKEN: "", ...env });
  const served = startServe(["--db", join(dir, "data.db")], { LOCKSTEP_ADMIN_TOKEN: ADMIN });
  let server: string;

  beforeAll(async () => {
    server = await served.url;
    for (const who of ["north-gov", "south-gov", "outsider"]) {
      expect((await run(["keys", "new", "--out", key(who), "--as", who])).status).toBe(0);
    }
    writeFileSync(
      join(dir, "participants.yaml"),
      [
        `- { id: north-gov, role: party, party: north, keyFile: ${key("north-gov")} }`,
        `- { id: south-gov, role: party, party: south, keyFile: ${key("south-gov")} }`,
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the workbench URL with the admin token in its fragment", () => {
    expect(served.token()).toBe(ADMIN);
    expect(served.output()).toContain(`${server}/#admin=${ADMIN}`);
  });

  it("adopts only with the admin token, from --token or LOCKSTEP_TOKEN", async () => {
    const adopt = ["agreement", "adopt", SCENARIO_FILE, "--server", server, "--plan", "staged"];
    const args = [...adopt, "--participants", join(dir, "participants.yaml"), "--id", "cli-deal"];
    const refused = await run(args);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/refused \(401 unauthorized\).*--token, set LOCKSTEP_TOKEN, or --key/s);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const wrong = await run([...args, "--token", "wrong-token"]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/401 invalid-token/);
    const adopted = await spawned(args, { LOCKSTEP_TOKEN: ADMIN });
    expect(adopted.stderr).toBe("");
    expect(adopted.stdout).toMatch(/proposed agreement cli-deal/);
    const listed = await run(["agreement", "list", "--server", server, "--token", ADMIN]);
    expect(listed.stdout).toMatch(/cli-deal/);
  });

  it("signs the charter with a participant's key alone: the read token comes from the challenge", async () => {
    for (const who of ["north-gov", "south-gov"]) {
      const signed = await run([
        "agreement",
        "sign",
        "--server",
        server,
        "--agreement",
        "cli-deal",
        "--key",
        key(who),
      ]);
      expect(signed.stderr).toBe("");
      expect(signed.stdout).toMatch(new RegExp(`${who} signed charter`));
    }
  });

  it("reads status and the export with a participant's key, a token, or not at all", async () => {
    const bare = await run(["status", "--server", server, "--agreement", "cli-deal"]);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toMatch(/401/);
    const asParty = await run([
      "status",
      "--server",
      server,
      "--agreement",
      "cli-deal",
      "--key",
      key("south-gov"),
      "--format",
      "json",
    ]);
    expect(asParty.stderr).toBe("");
    expect(JSON.parse(asParty.stdout)).toMatchObject({ agreement: "cli-deal" });
    const asAdmin = await run(["status", "--server", server, "--agreement", "cli-deal", "--token", ADMIN]);
    expect(asAdmin.status).toBe(0);
    const exported = await run([
      "ledger",
      "export",
      "--server",
      server,
      "--agreement",
      "cli-deal",
      "--key",
      key("north-gov"),
    ]);
    expect(exported.status).toBe(0);
    expect(JSON.parse(exported.stdout).charter.id).toBe("cli-deal");
  });

  it("refuses a key that is not in the charter", async () => {
    const outsider = await run([
      "status",
      "--server",
      server,
      "--agreement",
      "cli-deal",
      "--key",
      key("outsider"),
    ]);
    expect(outsider.status).toBe(2);
    expect(outsider.stderr).toMatch(/403 not-a-participant/);
    const impostor = await run([
      "status",
      "--server",
      server,
      "--agreement",
      "cli-deal",
      "--key",
      key("outsider"),
      "--as",
      "north-gov",
    ]);
    expect(impostor.status).toBe(2);
    expect(impostor.stderr).toMatch(/401 bad-signature/);
  });

  it("submits events with the signature alone", async () => {
    const done = await run([
      "event",
      "done",
      "--server",
      server,
      "--agreement",
      "cli-deal",
      "--key",
      key("north-gov"),
      "--move",
      "freeze",
    ]);
    expect(done.stderr).toBe("");
    expect(done.stdout).toMatch(/recorded as event 1/);
  });
});

// The other ways to start it: `serve --open` (a URL without a token, nothing asked for one) is
// checked where open servers are started anyway, test/ledger/crash.test.ts, and `serve
// --public-read` (agreements readable without a token, scenarios not) in test/server/serve.test.ts.
