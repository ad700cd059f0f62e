/**
 * `lockstep ledger watch`: a participant's watchdog over a server. It verifies the whole export
 * once (every hash, signature and charter signature), compares it with its own record of the
 * agreement, then follows the event stream from its head (`Last-Event-ID`), checking each new
 * event as it arrives, and keeps the latest verified head (and, given a key, the checkpoints it
 * countersigns) in a small state file. A server whose chain is behind that record, or forks from
 * it, raises the alarm; so does one whose chain does not verify.
 */
import type { Command } from "commander";
import type { EventSourceMessage } from "eventsource-parser";
import {
  type Alarm,
  ChainFollower,
  chainHashes,
  compareWithRecord,
  EXPORT_FORMAT,
  type LedgerExport,
  normalisePublicKey,
  signCheckpoint,
  verifyLedger,
  type WatchState,
} from "../../ledger/index.ts";
import { agreementUrl, type KeyFile, readKeyFile, readToken, requestJson } from "../agreement-client.ts";
import { CliError, EXIT } from "../errors.ts";
import { readEventStream } from "../event-stream.ts";
import { cliIo, setExitCode } from "../io.ts";
import { defaultStateDir, readWatchState, statePath, writeWatchState } from "../watch-state.ts";

interface WatchOptions {
  server: string;
  agreement: string;
  key?: string;
  as?: string;
  token?: string;
  state?: string;
  once?: boolean;
  interval: string;
}

/** The alarm, as an error that stops the watcher with its own exit status. */
class AlarmError extends CliError {
  constructor(readonly alarm: Alarm) {
    super(alarm.message, alarm.kind === "rollback" ? EXIT.rollback : EXIT.tampered);
  }
}

/** Signed checkpoints kept in the state file; the newest head covers the older ones (hash chain). */
const KEPT_CHECKPOINTS = 20;

export function registerLedgerWatch(ledger: Command): void {
  ledger
    .command("watch")
    .description(
      "follow an agreement on a server, verify every new event, keep your own record of its head, " +
        `and raise the alarm on a rollback or fork (exit ${EXIT.rollback}) or a broken hash or signature (exit ${EXIT.tampered})`,
    )
    .requiredOption("--server <url>", "the Lockstep server, e.g. http://127.0.0.1:8080")
    .requiredOption("--agreement <id>", "agreement id")
    .option(
      "--key <file>",
      "your key file: reads as that participant (signed challenge) and countersigns every new head it verifies as a checkpoint (sent to the server and kept in the state file)",
    )
    .option("--as <participant>", "your participant id (default: the one in the key file)")
    .option("--token <token>", "the admin token or a read token (default: $LOCKSTEP_TOKEN); no checkpoints")
    .option("--state <dir>", `where the record of each agreement is kept (default: ${defaultStateDir()})`)
    .option("--once", "check once against the record, update it and exit (0: ok)")
    .option("--interval <seconds>", "while following, also compare the server's head every N seconds", "30")
    .action(async (options: WatchOptions) => {
      const interval = Number(options.interval);
      if (!(interval > 0)) throw new CliError(`--interval: expected seconds > 0, got '${options.interval}'`);
      const watcher = new Watcher(options, interval);
      try {
        await watcher.run();
      } catch (error) {
        if (!(error instanceof AlarmError)) throw error;
        cliIo().stderr.write(
          `ALARM (${error.alarm.kind}) on agreement ${options.agreement} at ${options.server}: ${error.message}\n` +
            `Your record ${watcher.path} is left as it was: keep it as evidence (ledger verify --head).\n`,
        );
        setExitCode(error.exitCode);
      } finally {
        watcher.stop();
      }
    });
}

class Watcher {
  readonly path: string;
  private state: WatchState | undefined;
  private follower: ChainFollower | undefined;
  private token: string | undefined;
  private readonly key: KeyFile | undefined;
  private readonly by: string | undefined;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** The charter hash of the last verified export (the record's, once there is one). */
  private charterHash: string | undefined;
  /** An alarm raised between stream messages (by the head check), ending the stream. */
  private failure: AlarmError | undefined;
  /** Stream messages and head checks run one at a time: both may sync and rewrite the record. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: WatchOptions,
    private readonly intervalSeconds: number,
  ) {
    this.path = statePath(options.state ?? defaultStateDir(), options.agreement);
    this.key = options.key === undefined ? undefined : readKeyFile(options.key);
    this.by = options.as ?? this.key?.participant;
    if (this.key && !this.by) {
      throw new CliError("--as: say which participant you are (the key file does not name one)");
    }
  }

  private url(path = ""): string {
    return agreementUrl(this.options.server, this.options.agreement, path);
  }

  private async newToken(): Promise<void> {
    this.token = await readToken(this.options.server, this.options.agreement, {
      token: this.options.token,
      key: this.key,
      as: this.options.as,
    });
  }

  /** A GET with the read token; a key holder's expired token (15 min) is renewed once. */
  private async get<T>(path: string): Promise<T> {
    try {
      return (await requestJson<T>(this.url(path), { token: this.token })).body;
    } catch (error) {
      const expired =
        error instanceof CliError && /\(401 (token-expired|invalid-token)\)/.test(error.message);
      if (!expired || !this.key) throw error;
      await this.newToken();
      return (await requestJson<T>(this.url(path), { token: this.token })).body;
    }
  }

  async run(): Promise<void> {
    this.state = readWatchState(this.path);
    if (this.state) {
      cliIo().stderr.write(
        `resuming from your record ${this.path}: event ${this.state.head.seq}, head ${this.state.head.hash}\n`,
      );
    }
    await this.newToken();
    // a proposed agreement has nothing to watch yet: --once says so, following waits for it
    while (!(await this.sync())) {
      if (this.options.once) throw new CliError(this.waiting!, EXIT.badInput);
      await new Promise((resolve) => setTimeout(resolve, this.intervalSeconds * 1000));
    }
    if (this.options.once) return;
    this.timer = setInterval(() => void this.serial(() => this.checkHead()), this.intervalSeconds * 1000);
    await this.follow();
  }

  stop(): void {
    clearInterval(this.timer);
    this.abort.abort();
  }

  /**
   * The whole export, checked: first against the record (a chain behind it or beside it is a
   * rollback, whatever else it holds), then every hash and signature, with the record's
   * checkpoints. The record then moves to the verified head.
   */
  private async sync(): Promise<boolean> {
    const doc = await this.get<LedgerExport>("/export");
    if ((doc as { format?: unknown }).format !== EXPORT_FORMAT || !Array.isArray(doc.events)) {
      throw new AlarmError({ kind: "tampered", message: "the server's export is not a ledger export" });
    }
    if (!this.state && !(await this.active(doc))) return false;
    const hashes = chainHashes(doc);
    const behind = this.state && compareWithRecord(this.state, doc.charterHash, hashes);
    if (behind) throw new AlarmError(behind);
    const verified = await verifyLedger(doc, undefined, this.state?.checkpoints ?? []);
    if (!verified.ok) {
      // the server's own checkpoints may show it cut its chain: that is a rollback, not mere damage
      const origin = { seq: 0, hash: doc.charterHash, verifiedAt: new Date().toISOString() };
      const checkpoints = Array.isArray(doc.checkpoints) ? doc.checkpoints : [];
      const own = compareWithRecord(
        { charterHash: doc.charterHash, head: origin, checkpoints: checkpoints as WatchState["checkpoints"] },
        doc.charterHash,
        hashes,
      );
      throw new AlarmError(own ?? { kind: "tampered", message: verified.message });
    }
    this.checkOwnKey(doc);
    const before = this.state?.head.seq;
    this.charterHash = doc.charterHash;
    this.follower = await ChainFollower.from(doc);
    await this.record();
    const news = before === undefined ? "first record" : `${verified.events - before} new since your record`;
    cliIo().stdout.write(
      `${this.options.agreement}: ok — ${verified.events} events verified (${news}); head ${verified.head}\n`,
    );
    return true;
  }

  /** Message while the agreement is proposed (some party has not signed the charter). */
  private waiting: string | undefined;

  /**
   * Whether every party has signed the charter (an agreement the watcher has no record of yet may
   * still be proposed: that is not damage). Once recorded, a missing signature is for verifyLedger.
   */
  private async active(doc: LedgerExport): Promise<boolean> {
    const signed = new Set(
      (Array.isArray(doc.charterSignatures) ? doc.charterSignatures : []).map((s) => s.by),
    );
    const participants = Array.isArray(doc.charter?.participants) ? doc.charter.participants : [];
    const awaiting = participants.filter((p) => p.role === "party" && !signed.has(p.id)).map((p) => p.id);
    if (awaiting.length === 0) return true;
    const message = `agreement ${this.options.agreement} is proposed, not yet active: waiting for the charter signatures of ${awaiting.join(", ")}`;
    if (this.waiting !== message && !this.options.once) cliIo().stderr.write(`${message}; waiting\n`);
    this.waiting = message;
    return false;
  }

  /** With --key, the charter must list that key for the participant: else its checkpoints would not verify. */
  private checkOwnKey(doc: LedgerExport): void {
    if (!this.key) return;
    const me = doc.charter.participants.find((p) => p.id === this.by);
    if (!me) throw new CliError(`${this.by} is not a participant of ${this.options.agreement}`);
    if (normalisePublicKey(me.publicKey)?.x !== normalisePublicKey(this.key.publicKey)?.x) {
      throw new CliError(
        `the charter lists another public key for ${this.by} than the one in ${this.options.key}: not countersigning with it`,
      );
    }
  }

  /** Writes the follower's head to the record, countersigning it first when given a key. */
  private async record(): Promise<void> {
    const head = this.follower!.head;
    const previous = this.state;
    const checkpoints = [...(previous?.checkpoints ?? [])];
    const known = previous && previous.head.seq === head.seq && previous.head.hash === head.hash;
    if (this.key && this.by && !(known && checkpoints.length > 0)) {
      const checkpoint = await signCheckpoint(
        { agreement: this.options.agreement, ...head, at: new Date().toISOString(), by: this.by },
        this.key.privateKey,
      );
      try {
        await requestJson(this.url("/checkpoints"), { method: "POST", body: checkpoint, token: this.token });
      } catch (error) {
        // the local copy is what protects the participant; say why the server did not take it
        cliIo().stderr.write(
          `warning: the server did not store the checkpoint: ${(error as Error).message}\n`,
        );
      }
      checkpoints.push(checkpoint);
    }
    this.state = {
      format: "lockstep-watch",
      v: 1,
      agreement: this.options.agreement,
      server: this.options.server,
      charterHash: previous?.charterHash ?? this.charterHash!,
      head: { ...head, verifiedAt: new Date().toISOString() },
      checkpoints: checkpoints.slice(-KEPT_CHECKPOINTS),
    };
    writeWatchState(this.path, this.state);
  }

  /** Follows the stream from the verified head; after a dropped connection, syncs again and resumes. */
  private async follow(): Promise<void> {
    let wait = 500;
    for (;;) {
      try {
        await readEventStream(this.url("/events/stream"), {
          token: this.token,
          lastEventId: this.follower!.head.seq,
          signal: this.abort.signal,
          onMessage: (message) => this.serial(() => this.onMessage(message)),
        });
        wait = 500;
      } catch (error) {
        if (error instanceof AlarmError) throw error;
        cliIo().stderr.write(`${(error as Error).message}; retrying\n`);
      }
      if (this.failure) throw this.failure;
      if (this.abort.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 10_000);
      try {
        await this.newToken();
        await this.sync();
      } catch (error) {
        if (error instanceof AlarmError) throw error;
        cliIo().stderr.write(`${(error as Error).message}; retrying\n`);
      }
    }
  }

  private async onMessage(message: EventSourceMessage): Promise<void> {
    if (message.event === "ledger") {
      const event = JSON.parse(message.data) as { seq: number; hash: string; body?: { type?: string } };
      const head = this.follower!.head;
      // already verified (a full sync ran ahead of the stream): nothing to do, unless it contradicts
      if (event.seq < head.seq || (event.seq === head.seq && event.hash === head.hash)) return;
      const fault = await this.follower!.next(event);
      // the whole export decides: it names a rollback as such, and accepts what the one-event
      // check cannot judge alone (a charter that changed since, say)
      if (fault) await this.sync();
      else cliIo().stdout.write(`event ${event.seq} (${event.body?.type}) verified; head ${event.hash}\n`);
    } else if (message.event === "status") {
      if (this.follower!.head.seq !== this.state?.head.seq) await this.record();
    } else if (message.event === "error") {
      // the server says its ledger ends before the head we sent: check, and raise the alarm
      await this.sync();
    }
  }

  /** Between events, the server's head must not fall behind or away from the verified one. */
  private async checkHead(): Promise<void> {
    try {
      const { events, head } = await this.get<{ events: number; head: string }>("");
      const ours = this.follower!.head;
      if (events < ours.seq || (events === ours.seq && head !== ours.hash)) await this.sync();
    } catch (error) {
      if (error instanceof AlarmError) {
        this.fail(error);
        return;
      }
      cliIo().stderr.write(`${(error as Error).message}; retrying\n`);
    }
  }

  private fail(error: AlarmError): void {
    this.failure ??= error;
    this.abort.abort();
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
