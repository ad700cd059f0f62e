/**
 * The checks a posted agreement document goes through, each a named step with its own error code:
 * where an adoption's scenario comes from, a signed event's envelope, its signer and their right
 * to take the step, and a signed statement (charter signature, checkpoint). Each throws HttpError.
 */

import type { AdoptRequest } from "../../ledger/index.ts";
import {
  authorize,
  canonicalJson,
  describeIssues,
  EventBody,
  findParticipant,
  SignedEvent,
  SignedStatement,
  verifyStatement,
} from "../../ledger/index.ts";
import { HttpError } from "../errors.ts";
import type { ScenarioLibrary } from "../scenarios.ts";
import { verifyOffLoop } from "../signature-check.ts";
import type { AgreementContext } from "./agreement-context.ts";

/** The scenario text an adoption names: inline, or a saved or built-in scenario by id. */
export async function adoptedScenario(
  library: ScenarioLibrary,
  input: AdoptRequest,
): Promise<{ text: string; name: string }> {
  if (input.scenario !== undefined) return { text: input.scenario, name: input.scenarioName ?? "scenario" };
  if (!input.scenarioId)
    throw new HttpError(400, "bad-request", "give 'scenario' (its text) or 'scenarioId'");
  // the library knows built-ins by name only, never by path: the id comes from the client
  const found = await library.get(input.scenarioId).catch((error: unknown) => {
    if (error instanceof HttpError && error.statusCode === 404) return undefined;
    throw error;
  });
  if (!found) throw new HttpError(404, "not-found", `no saved or built-in scenario '${input.scenarioId}'`);
  return { text: found.source, name: input.scenarioName ?? (found.builtin ? `${found.id}.yaml` : found.id) };
}

export interface Signed {
  body: Record<string, unknown>;
  signature: string;
}

/** An event's envelope: signed, a body and a signature, for this agreement. */
export function checkEnvelope(raw: unknown, agreementId: string): Signed {
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    const fields = raw as Record<string, unknown>;
    if (fields.signature === undefined && fields.body)
      throw new HttpError(400, "unsigned", "the event has no signature: sign the canonical JSON of its body");
  }
  const signed = SignedEvent.safeParse(raw);
  if (!signed.success)
    throw new HttpError(400, "bad-request", `expected { body, signature }: ${describeIssues(signed.error)}`);
  if (signed.data.body.agreement !== agreementId) {
    throw new HttpError(
      400,
      "wrong-agreement",
      `the event was signed for agreement '${String(signed.data.body.agreement)}', not '${agreementId}'`,
    );
  }
  return signed.data;
}

/** An event's body, its signer and their key, and whether the charter lets them take this step. */
export async function checkSignedStep(ctx: AgreementContext, signed: Signed): Promise<EventBody> {
  const body = EventBody.safeParse(signed.body);
  if (!body.success) throw new HttpError(400, "malformed-event", describeIssues(body.error));
  const who = findParticipant(ctx.charter, body.data.by);
  const key = ctx.keys.get(body.data.by);
  if (!who || !key)
    throw new HttpError(
      403,
      "unknown-participant",
      `'${body.data.by}' is not a participant of this agreement`,
    );
  // The signature covers the body exactly as sent (re-encoded canonically), extra fields included.
  // on the thread pool: a burst of appends must not hold the event loop (signature-check.ts)
  if (!(await verifyOffLoop(key, canonicalJson(signed.body), signed.signature)))
    throw new HttpError(403, "bad-signature", `the signature does not match ${who.id}'s key`);
  const refusal = authorize(ctx.charter, ctx.compiled, body.data);
  if (refusal) throw new HttpError(refusal.status, refusal.error.replace(/_/g, "-"), refusal.message);
  return body.data;
}

interface StatementSchema<T> {
  safeParse(x: unknown): { success: true; data: T } | { success: false; error: import("zod").ZodError };
}

/** A signed statement's envelope and signature, checked against the agreement's participants. */
export async function checkStatement<T extends { agreement: string; by: string }>(
  ctx: AgreementContext,
  raw: unknown,
  schema: StatementSchema<T>,
): Promise<{ body: T; signature: string }> {
  const envelope = SignedStatement.safeParse(raw);
  if (!envelope.success)
    throw new HttpError(
      400,
      "bad-request",
      `expected { body, signature }: ${describeIssues(envelope.error)}`,
    );
  const body = schema.safeParse(envelope.data.body);
  if (!body.success) throw new HttpError(400, "malformed-statement", describeIssues(body.error));
  if (body.data.agreement !== ctx.record.id)
    throw new HttpError(400, "wrong-agreement", `signed for agreement '${body.data.agreement}'`);
  const key = ctx.keys.get(body.data.by);
  if (!key) throw new HttpError(403, "unknown-participant", `'${body.data.by}' is not a participant`);
  if (!(await verifyStatement(key, envelope.data.body, envelope.data.signature)))
    throw new HttpError(403, "bad-signature", `the signature does not match ${body.data.by}'s key`);
  return { body: body.data, signature: envelope.data.signature };
}
