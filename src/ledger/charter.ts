/**
 * The charter: what an agreement was adopted as — the scenario text, the plan, the calendar of
 * phases and the participants with their roles and public keys. Its hash is the root of the event
 * chain, so swapping a key or a plan after the fact is as detectable as editing an event.
 */
import { z } from "zod";
import { type CompiledScenario, compileScenario, resolvePlan } from "../analysis/index.ts";
import { formatIssue, Plan, parseScenario } from "../model/index.ts";
import { normalisePublicKey } from "./crypto.ts";
import { PARTICIPANT_ID } from "./events.ts";

export const MIN_PHASE_DAYS = 1 / 24;

export const AGREEMENT_ID = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;

const PublicKeyJwk = z.strictObject({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string() });

export const Participant = z.strictObject({
  id: z.string().regex(PARTICIPANT_ID, "a participant id: lowercase letters, digits, '-' or '_'"),
  name: z.string().min(1).max(200),
  role: z.enum(["party", "verifier", "observer"]),
  /** For role party: the scenario party this participant acts for. */
  party: z.string().optional(),
  /** For role verifier: the moves it may verify, or "all". */
  moves: z.union([z.literal("all"), z.array(z.string()).min(1)]).optional(),
  publicKey: PublicKeyJwk,
});
export type Participant = z.output<typeof Participant>;

export const Charter = z.strictObject({
  v: z.literal(1),
  id: z.string().regex(AGREEMENT_ID),
  title: z.string().min(1).max(300),
  scenario: z.strictObject({ name: z.string(), text: z.string() }),
  plan: z.strictObject({ name: z.string(), phases: Plan }),
  /** Phase k runs from start + (k−1)·phaseDays to start + k·phaseDays. */
  calendar: z.strictObject({ start: z.iso.datetime({ offset: true }), phaseDays: z.number().gt(0) }),
  participants: z.array(Participant).min(1),
  adoptedAt: z.iso.datetime({ offset: true }),
});
export type Charter = z.output<typeof Charter>;

/** What a user asks for when adopting a plan as an agreement. */
export const AdoptRequest = z.strictObject({
  id: z.string().regex(AGREEMENT_ID, "a slug: lowercase letters, digits and '-'").optional(),
  title: z.string().min(1).max(300).optional(),
  /** Scenario text (YAML or JSON). The server also accepts `scenarioId` for a saved scenario. */
  scenario: z.string().min(1).max(1_000_000).optional(),
  scenarioId: z.string().max(100).optional(),
  scenarioName: z.string().max(200).optional(),
  plan: z.string().min(1).max(200),
  start: z.iso.datetime({ offset: true }).optional(),
  /** At least an hour: a shorter phase is a mistake, and a calendar that counts millions of phases. */
  phaseDays: z
    .number()
    .min(MIN_PHASE_DAYS, "phaseDays must be at least one hour (1/24 day)")
    .max(3650)
    .optional(),
  participants: z
    .array(
      z.strictObject({
        id: z.string(),
        name: z.string().min(1).max(200).optional(),
        role: z.enum(["party", "verifier", "observer"]),
        party: z.string().optional(),
        moves: z.union([z.literal("all"), z.array(z.string()).min(1)]).optional(),
        publicKey: z.unknown(),
      }),
    )
    .min(1)
    .max(200),
});
export type AdoptRequest = z.output<typeof AdoptRequest>;

export type CharterResult = { ok: true; charter: Charter } | { ok: false; message: string };

/**
 * Checks an adoption request against its scenario and builds the charter. Every scenario party
 * needs exactly one participant acting for it; verifiers name existing moves; keys are Ed25519.
 */
export function buildCharter(
  request: AdoptRequest & { id: string; scenario: string },
  now: string,
): CharterResult {
  const scenarioName = request.scenarioName ?? "scenario";
  const parsed = parseScenario(request.scenario, scenarioName);
  if (!parsed.ok) {
    const lines = parsed.issues.slice(0, 10).map((issue) => formatIssue(scenarioName, issue));
    return { ok: false, message: `the scenario has problems:\n${lines.join("\n")}` };
  }
  const compiled = compileScenario(parsed.scenario);
  const plan = resolvePlan(compiled, request.plan);
  if (!plan.ok) return { ok: false, message: plan.message };

  const participants: Participant[] = [];
  const seen = new Set<string>();
  const partyOwners = new Map<string, string>();
  for (const [i, p] of request.participants.entries()) {
    const where = `participants[${i}] (${p.id})`;
    if (!PARTICIPANT_ID.test(p.id)) return { ok: false, message: `${where}: id must be a lowercase slug` };
    if (seen.has(p.id)) return { ok: false, message: `${where}: duplicate participant id` };
    seen.add(p.id);
    const publicKey = normalisePublicKey(p.publicKey);
    if (!publicKey) {
      return { ok: false, message: `${where}: publicKey must be an Ed25519 JWK or 32 raw bytes in base64` };
    }
    const base = {
      id: p.id,
      name: p.name ?? p.id,
      role: p.role,
      publicKey: publicKey as Participant["publicKey"],
    };
    if (p.role === "party") {
      if (!p.party || !compiled.partyIndex.has(p.party)) {
        return {
          ok: false,
          message: `${where}: role party needs 'party', one of: ${compiled.partyIds.join(", ")}`,
        };
      }
      if (partyOwners.has(p.party)) {
        return {
          ok: false,
          message: `${where}: party ${p.party} already has participant ${partyOwners.get(p.party)}`,
        };
      }
      partyOwners.set(p.party, p.id);
      participants.push({ ...base, party: p.party });
    } else if (p.role === "verifier") {
      const moves = p.moves ?? "all";
      if (moves !== "all") {
        const unknown = moves.find((m) => !compiled.moveIndex.has(m));
        if (unknown) return { ok: false, message: `${where}: unknown move '${unknown}'` };
      }
      participants.push({ ...base, moves });
    } else {
      participants.push(base);
    }
  }
  const missing = compiled.partyIds.filter((id) => !partyOwners.has(id));
  if (missing.length > 0) {
    return { ok: false, message: `every party needs a participant; missing: ${missing.join(", ")}` };
  }
  return {
    ok: true,
    charter: {
      v: 1,
      id: request.id,
      title: request.title ?? parsed.scenario.title ?? parsed.scenario.id ?? request.id,
      scenario: { name: scenarioName, text: request.scenario },
      plan: { name: request.plan, phases: plan.plan },
      calendar: { start: request.start ?? now, phaseDays: request.phaseDays ?? 30 },
      participants,
      adoptedAt: now,
    },
  };
}

/** The scenario of a stored charter, compiled (a stored charter was checked when adopted). */
export function compileCharter(charter: Charter): CompiledScenario {
  const parsed = parseScenario(charter.scenario.text, charter.scenario.name);
  if (!parsed.ok) throw new Error(`charter ${charter.id}: its scenario no longer parses`);
  return compileScenario(parsed.scenario);
}
