/** An agreement's live status as text: where the deal stands, move by move and party by party. */
import type { AgreementStatus } from "../../ledger/index.ts";
import { num, renderTable } from "./table.ts";

const MARK = { info: " ", warning: "!", critical: "!!" } as const;

/** What the server's status document says about charter versions (agreement-amendments.ts). */
interface Versions {
  charterVersion?: { version: number; hash: string; plan: string; activatedSeq?: number };
  amendment?: {
    version: number;
    hash: string;
    plan: string;
    proposedBy: string;
    signedBy: string[];
    awaiting: string[];
  };
}

function versionLines(s: Versions): string[] {
  const lines: string[] = [];
  const v = s.charterVersion;
  if (v && v.version > 1) {
    lines.push(
      `charter version ${v.version} (plan '${v.plan}', hash ${v.hash}), in force since event ${v.activatedSeq}`,
    );
  }
  const a = s.amendment;
  if (a) {
    lines.push(
      `pending amendment: version ${a.version} (plan '${a.plan}', hash ${a.hash}) proposed by ${a.proposedBy}; ` +
        `signed by ${a.signedBy.join(", ") || "nobody yet"}; waiting for ${a.awaiting.join(", ")}`,
    );
  }
  return lines;
}

export function renderStatus(s: AgreementStatus & Versions & { head?: string }): string {
  const phase = s.phase === 0 ? "not started (phase 0)" : `phase ${s.phase} of ${s.plannedPhases} planned`;
  const lines = [
    `${s.agreement} — ${s.title} (plan '${s.plan}'): ${phase}, ${s.events} event${s.events === 1 ? "" : "s"}${s.complete ? ", COMPLETE" : ""}`,
    `as of ${s.asOf}${s.head ? `; ledger head ${s.head}` : ""}`,
    ...versionLines(s),
    "",
  ];
  const moveRows = s.moves.map((m) => {
    const notes = [
      m.overdueBy > 0 ? `overdue ${m.overdueBy} phase${m.overdueBy === 1 ? "" : "s"}` : "",
      m.dueNow ? "due now" : "",
      m.unlocked && m.state !== "verified" ? "unlocked" : "",
    ].filter(Boolean);
    return [
      m.id,
      m.actor,
      m.plannedPhase === undefined ? "-" : String(m.plannedPhase),
      num(m.planned),
      num(m.done),
      num(m.verified),
      m.state,
      notes.join(", "),
    ];
  });
  lines.push(
    renderTable(
      ["move", "actor", "plan phase", "planned now", "done", "verified", "state", "notes"],
      moveRows,
      2,
    )
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n"),
  );
  lines.push("");
  const partyRows = s.parties.map((p) => [
    p.id,
    num(p.exposure),
    num(p.tolerance),
    num(p.slack),
    p.margin === undefined ? "-" : num(p.margin),
    num(p.utility),
  ]);
  lines.push(renderTable(["party", "exposure", "tolerance", "slack", "margin now", "flow now"], partyRows));
  lines.push("");
  if (s.alerts.length === 0) lines.push("No alerts.");
  else {
    lines.push("Alerts:");
    for (const a of s.alerts) lines.push(` ${MARK[a.level].padEnd(2)} ${a.message}`);
  }
  return `${lines.join("\n")}\n`;
}
