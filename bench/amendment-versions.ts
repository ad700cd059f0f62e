/**
 * Benchmark: what amendments cost a status view. The server reads the plan in force from the chain
 * (charterVersions, src/ledger/amendments.ts: one pass over the events) and memoises it per head
 * (versionsOf, src/server/plugins/agreement-amendments.ts), then projects the status against that
 * plan. Side by side in one run, per chain length, with the simplest implementation of a status
 * view: the full status computation (projectStatus) against the adopted charter, no versions.
 *
 *   status          projectStatus over the whole chain (what every status view does anyway)
 *   versions, new   charterVersions over the whole chain: the extra work on a new head
 *   status, new     versionsOf on a head not seen yet + projectStatus against the plan in force
 *   versions, memo  versionsOf on the head it has memoised (every later view of that head)
 *
 * The chain: the ledger tests' arms-swap agreement, its moves done and verified, `--amendments`
 * amendments (a proposal and both parties' signatures each, spread over the chain) and notes.
 * Times are the mean of as many calls as fit in `--ms` per figure; each round repeats every figure.
 *
 * Usage: npx tsx bench/amendment-versions.ts [--events 100,1000,10000] [--amendments 4] [--rounds 5] [--ms 300]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { buildCharter, compileCharter } from "../src/ledger/charter.ts";
import { generateKeyPair } from "../src/ledger/crypto.ts";
import { type Charter, charterVersions, type EventBody } from "../src/ledger/index.ts";
import { projectStatus } from "../src/ledger/status.ts";
import { inForce, versionsOf } from "../src/server/plugins/agreement-amendments.ts";
import type { AgreementContext } from "../src/server/plugins/agreement-context.ts";
import type { StoredEvent } from "../src/store/index.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "100,1000,10000" },
    amendments: { type: "string", default: "4" },
    rounds: { type: "string", default: "5" },
    ms: { type: "string", default: "300" },
  },
});
const SIZES = values.events.split(",").map(Number);
const AMENDMENTS = Number(values.amendments);
const ROUNDS = Number(values.rounds);
const BUDGET_MS = Number(values.ms);

const SCENARIO = readFileSync(new URL("../test/ledger/fixtures/arms-swap.yaml", import.meta.url), "utf8");
const START = "2027-01-01T00:00:00.000Z";
const DAY = 86_400_000;
const key = (await generateKeyPair()).publicKey;
const built = buildCharter(
  {
    id: "bench-deal",
    title: "Freeze for relief",
    scenario: SCENARIO,
    scenarioName: "arms-swap.yaml",
    plan: "staged",
    start: START,
    phaseDays: 30,
    participants: [
      { id: "north-gov", role: "party", party: "north", publicKey: key },
      { id: "south-gov", role: "party", party: "south", publicKey: key },
      { id: "inspector", role: "verifier", moves: "all", publicKey: key },
    ],
  } as never,
  START,
);
if (!built.ok) throw new Error(built.message);
const charter: Charter = built.charter;
const compiled = compileCharter(charter);
const CHARTER_HASH = "c".repeat(64);
/** Two plans the amendments alternate between: relief and the handover a phase later, and back. */
const PLANS = [
  { name: "delayed-relief", phases: { freeze: 1, relief: 3, handover: { "4": 0.5, "5": 0.5 } } },
  { name: "staged-again", phases: { freeze: 1, relief: 2, handover: { "3": 0.5, "4": 0.5 } } },
];

/** A chain of `n` events over the agreement's five phases, hashes unique (only equality matters). */
function chain(n: number): StoredEvent[] {
  const span = 5 * 30 * DAY;
  const events: StoredEvent[] = [];
  let previous = CHARTER_HASH;
  let amendment = 0;
  const every = Math.floor(n / (AMENDMENTS + 1));
  const push = (fields: Record<string, unknown>, by: string) => {
    const seq = events.length + 1;
    const at = new Date(Date.parse(START) + Math.floor((seq / (n + 1)) * span)).toISOString();
    const body = { v: 1, agreement: "bench-deal", id: `e${seq}`, by, at, ...fields } as EventBody;
    const hash = seq.toString(16).padStart(64, "0");
    events.push({ seq, eventId: body.id, body, signature: "", prevHash: "", hash, receivedAt: at });
    return hash;
  };
  const moves: Array<[Record<string, unknown>, string]> = [
    [{ type: "move.done", move: "freeze" }, "north-gov"],
    [{ type: "move.verified", move: "freeze" }, "inspector"],
    [{ type: "move.done", move: "relief" }, "south-gov"],
    [{ type: "move.done", move: "handover", fraction: 0.5 }, "north-gov"],
    [{ type: "move.verified", move: "handover" }, "inspector"],
  ];
  while (events.length < n) {
    const seq = events.length + 1;
    if (amendment < AMENDMENTS && every >= 3 && seq % every === 0 && n - seq >= 3) {
      amendment += 1;
      const proposal = push(
        { type: "amendment.proposed", version: amendment + 1, previous, plan: PLANS[amendment % 2] },
        "north-gov",
      );
      for (const by of ["north-gov", "south-gov"])
        push({ type: "amendment.signed", amendment: proposal }, by);
      previous = proposal;
    } else if (seq <= moves.length) {
      push(...moves[seq - 1]);
    } else {
      push({ type: "note", text: `progress report ${seq}` }, seq % 2 ? "north-gov" : "south-gov");
    }
  }
  return events;
}

/** Mean milliseconds per call of `task`, calling it for about BUDGET_MS (at least 3 times). */
function timed(task: () => unknown): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (calls < 3 || elapsed < BUDGET_MS) {
    task();
    calls += 1;
    elapsed = performance.now() - start;
  }
  return elapsed / calls;
}

const context = () =>
  ({ charter, record: { id: "bench-deal", charterHash: CHARTER_HASH } }) as unknown as AgreementContext;

const NOW = new Date(Date.parse(START) + 4.5 * 30 * DAY).toISOString();
type Row = { status: number[]; versions: number[]; statusNew: number[]; memo: number[] };
const rows = new Map<number, Row>();
const chains = new Map(SIZES.map((n) => [n, chain(n)]));
for (const [n, events] of chains) {
  const versions = charterVersions(charter, CHARTER_HASH, events);
  // the chain must really carry the amendments, or the figures say nothing about them
  if (versions.versions.length - 1 !== AMENDMENTS || versions.ignored.length > 0) {
    throw new Error(`chain of ${n}: ${versions.versions.length - 1} of ${AMENDMENTS} amendments in force`);
  }
  rows.set(n, { status: [], versions: [], statusNew: [], memo: [] });
}

console.log(
  `amendment versions vs a status view; ${AMENDMENTS} amendments per chain; ${ROUNDS} rounds; node ${process.version}`,
);
for (let round = 1; round <= ROUNDS; round++) {
  for (const [n, events] of chains) {
    const row = rows.get(n)!;
    row.status.push(timed(() => projectStatus(charter, compiled, events, NOW)));
    row.versions.push(timed(() => charterVersions(charter, CHARTER_HASH, events)));
    // a fresh context has no memo: versionsOf reads the chain, as on a new head
    row.statusNew.push(
      timed(() => {
        const ctx = context();
        projectStatus(inForce(ctx, versionsOf(ctx, events)), compiled, events, NOW);
      }),
    );
    const ctx = context();
    versionsOf(ctx, events);
    row.memo.push(timed(() => versionsOf(ctx, events)));
  }
  console.log(`round ${round} done`);
}

const ms = (x: number) => (x < 0.01 ? x.toExponential(1) : x < 10 ? x.toFixed(3) : x.toFixed(1));
const range = (xs: number[]) => `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  "\nevents  status ms (simplest)  versions, new head ms  status on a new head ms  versions, memo ms  new-head versions ÷ status",
);
for (const [n, row] of rows) {
  const ratios = row.versions.map((v, i) => v / row.status[i]);
  console.log(
    [
      String(n).padStart(6),
      range(row.status).padStart(20),
      range(row.versions).padStart(22),
      range(row.statusNew).padStart(24),
      range(row.memo).padStart(18),
      `${(Math.min(...ratios) * 100).toFixed(1)}–${(Math.max(...ratios) * 100).toFixed(1)}% (median ${(median(ratios) * 100).toFixed(1)}%)`.padStart(
        28,
      ),
    ].join("  "),
  );
}
