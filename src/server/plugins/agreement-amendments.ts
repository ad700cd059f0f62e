/**
 * Charter versions on the server (src/ledger/amendments.ts has the rules): which version is in
 * force, the pending amendment, the 409s that keep a stale proposal or a signature of the wrong
 * hash out of the chain, and `GET /api/agreements/:id/versions`.
 *
 * Amendments change only the plan, so an agreement's cached context (charter as adopted, compiled
 * scenario, participants' keys: agreement-context.ts) stays valid across versions. What changes is
 * read from the chain and memoised per head: a new head (an activation included) invalidates it.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  type Charter,
  type CharterVersion,
  type CharterVersions,
  charterVersions,
  type EventBody,
} from "../../ledger/index.ts";
import { Plan } from "../../model/index.ts";
import type { StoredEvent } from "../../store/index.ts";
import { HttpError } from "../errors.ts";
import { errorResponses, IdParams, jsonResponse } from "../schemas.ts";
import type { AgreementContext } from "./agreement-context.ts";

interface Memo {
  head: string;
  until?: string;
  versions: CharterVersions;
}
const memos = new WeakMap<AgreementContext, Memo>();

/** The versions after these events (the agreement's whole chain, in order), memoised per head. */
export function versionsOf(
  ctx: AgreementContext,
  events: readonly StoredEvent[],
  until?: string,
): CharterVersions {
  const head = events.at(-1)?.hash ?? ctx.record.charterHash;
  const memo = memos.get(ctx);
  if (memo && memo.head === head && memo.until === until) return memo.versions;
  const versions = charterVersions(ctx.charter, ctx.record.charterHash, events, until);
  memos.set(ctx, { head, until, versions });
  return versions;
}

/** The charter with the plan in force: what status and re-planning judge the ledger against. */
export function inForce(ctx: AgreementContext, versions: CharterVersions): Charter {
  return versions.current.version === 1 ? ctx.charter : { ...ctx.charter, plan: versions.current.plan };
}

/**
 * An amendment event that would have no effect on the chain as it stands is refused (409), so the
 * ledger holds no stale proposal or stray signature unless two writers race (the rules then say
 * what it means). Other events pass.
 */
export function refuseIneffectiveAmendment(
  versions: CharterVersions,
  body: EventBody,
  events: readonly StoredEvent[],
): void {
  const { current, pending } = versions;
  // a resend of an event already in the chain is the store's to answer (a duplicate, or a conflict)
  if (events.some((e) => e.eventId === body.id)) return;
  if (body.type === "amendment.proposed") {
    if (body.previous !== current.hash || body.version !== current.version + 1) {
      throw new HttpError(
        409,
        "stale-amendment",
        `version ${current.version} (${current.hash}) is in force: a proposal must be version ${current.version + 1} with previous ${current.hash}`,
      );
    }
  } else if (body.type === "amendment.signed") {
    if (!pending) throw new HttpError(409, "no-pending-amendment", "no amendment is waiting for signatures");
    if (body.amendment !== pending.hash) {
      throw new HttpError(
        409,
        "wrong-amendment",
        `the pending amendment (version ${pending.version}) has hash ${pending.hash}, not ${body.amendment}`,
      );
    }
    if (pending.signedBy.includes(body.by)) {
      throw new HttpError(409, "already-signed", `${body.by} has already signed version ${pending.version}`);
    }
  }
}

const VersionSchema = z.object({
  version: z.int().describe("1 is the charter as adopted"),
  hash: z.string().describe("The charter hash (version 1) or the chain hash of the proposal's event"),
  previous: z.string().optional().describe("The hash of the version it amends"),
  plan: z.object({ name: z.string(), phases: Plan }),
  text: z.string().optional(),
  proposedBy: z.string().optional(),
  proposedSeq: z.int().optional(),
  proposedAt: z.string().optional(),
  signedBy: z.array(z.string()).describe("Parties who signed its hash (version 1: every party)"),
  activatedSeq: z.int().optional().describe("The event from which this version governs"),
  activatedAt: z.string().optional(),
});

export const CharterVersionsDocument = z.object({
  agreement: z.string(),
  current: z.int().describe("The version in force"),
  versions: z.array(VersionSchema).describe("Every version that came into force, oldest first"),
  pending: VersionSchema.extend({
    awaiting: z.array(z.string()).describe("Parties whose signature is missing"),
  })
    .optional()
    .describe("The amendment waiting for signatures; the current version governs meanwhile"),
  ignored: z
    .array(z.object({ seq: z.int(), message: z.string() }))
    .describe("Amendment events that had no effect"),
});

/** The short form the status document carries. */
export const StatusVersions = {
  charterVersion: z
    .object({ version: z.int(), hash: z.string(), plan: z.string(), activatedSeq: z.int().optional() })
    .describe("The charter version in force (amendments: docs/ledger.md)"),
  amendment: z
    .object({
      version: z.int(),
      hash: z.string(),
      plan: z.string(),
      proposedBy: z.string(),
      signedBy: z.array(z.string()),
      awaiting: z.array(z.string()),
    })
    .optional()
    .describe("An amendment waiting for signatures"),
};

const short = (v: CharterVersion) => ({
  version: v.version,
  hash: v.hash,
  plan: v.plan.name,
  ...(v.activatedSeq !== undefined ? { activatedSeq: v.activatedSeq } : {}),
});

/** What the status document says about versions, and an alert while an amendment is pending. */
export function statusVersions(versions: CharterVersions) {
  const { current, pending } = versions;
  return {
    charterVersion: short(current),
    ...(pending
      ? {
          amendment: {
            version: pending.version,
            hash: pending.hash,
            plan: pending.plan.name,
            proposedBy: pending.proposedBy!,
            signedBy: pending.signedBy,
            awaiting: pending.awaiting,
          },
        }
      : {}),
    alert: pending
      ? {
          level: "info" as const,
          message: `amendment to version ${pending.version} (plan ${pending.plan.name}) proposed by ${pending.proposedBy}: waiting for the signatures of ${pending.awaiting.join(", ")}; version ${current.version} governs until then`,
        }
      : undefined,
  };
}

type Routes = Parameters<FastifyPluginAsyncZod>[0];

export interface VersionsSource {
  context(id: string): Promise<AgreementContext>;
  events(id: string): Promise<StoredEvent[]>;
}

export function registerVersions(app: Routes, source: VersionsSource): void {
  app.get(
    "/api/agreements/:id/versions",
    {
      schema: {
        summary: "The charter's versions: the one in force, every earlier one, a pending amendment",
        params: IdParams,
        response: {
          200: jsonResponse("The charter versions (docs/ledger.md, amendments)", CharterVersionsDocument),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const ctx = await source.context(request.params.id);
      const versions = versionsOf(ctx, await source.events(ctx.record.id));
      return {
        agreement: ctx.record.id,
        current: versions.current.version,
        versions: versions.versions,
        ...(versions.pending ? { pending: versions.pending } : {}),
        ignored: versions.ignored,
      };
    },
  );
}
