/**
 * Archiving (hiding) an agreement by its parties (src/ledger/archive.ts): `POST …/archive` takes a
 * party's signed archive statement, `GET …/archive` says who has asked and who is awaited. Once
 * every party has asked, the agreement is left out of the default list (`?archived=1` shows it)
 * and `POST …/events` answers 409 `archived` (decided by the store inside the append's transaction,
 * so an event racing the last statement is either in the chain before it or refused); reading,
 * exporting and verifying stay as they were.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ArchiveBody, archiveState } from "../../ledger/index.ts";
import type { Store } from "../../store/index.ts";
import { HttpError } from "../errors.ts";
import { errorResponses, IdParams, jsonResponse } from "../schemas.ts";
import { checkStatement } from "./agreement-checks.ts";
import type { AgreementContext } from "./agreement-context.ts";

/** What the routes need from the agreements plugin. */
export interface ArchiveSource {
  context(id: string): Promise<AgreementContext>;
  store: Store;
  now(): Date;
}

export const PostedArchive = z.object({ body: ArchiveBody, signature: z.string() });

export const ArchiveDocument = z.object({
  state: z
    .enum(["none", "requested", "archived"])
    .describe("archived once every party has asked; requested while some have"),
  signedBy: z.array(z.string()).describe("Parties' participants who have asked to archive"),
  awaiting: z.array(z.string()).describe("Parties' participants who have not asked yet"),
  statements: z
    .array(z.object({ body: ArchiveBody, signature: z.string(), signedAt: z.string() }))
    .describe("The signed archive statements, as stored and exported"),
});
export type ArchiveDocument = z.infer<typeof ArchiveDocument>;

/** `?archived=1` on the list shows archived agreements too. */
export const ListQuery = z.object({
  archived: z
    .enum(["0", "1", "true", "false"])
    .optional()
    .describe("1: include archived agreements (hidden by default)"),
});

type Routes = Parameters<FastifyPluginAsyncZod>[0];

async function archiveDocument(source: ArchiveSource, ctx: AgreementContext): Promise<ArchiveDocument> {
  const statements = await source.store.archives.statements(ctx.record.id);
  return {
    ...archiveState(
      ctx.charter,
      statements.map((s) => s.body.by),
    ),
    statements,
  };
}

export function registerArchive(app: Routes, source: ArchiveSource): void {
  app.post(
    "/api/agreements/:id/archive",
    {
      bodyLimit: 64 * 1024,
      // documented as PostedArchive, checked step by step (agreement-checks.ts), on the body as signed
      validatorCompiler: () => (data) => ({ value: data }),
      schema: {
        summary: "Ask, as a party, to archive (hide) the agreement; archived once every party has",
        params: IdParams,
        body: PostedArchive,
        response: {
          200: jsonResponse("Who has asked and who is awaited", ArchiveDocument),
          ...errorResponses(400, 403, 404, 409, 413, 415),
        },
      },
    },
    async (request) => {
      const ctx = await source.context(request.params.id);
      const { body, signature } = await checkStatement(ctx, request.body, ArchiveBody);
      const role = ctx.charter.participants.find((p) => p.id === body.by)?.role;
      if (role !== "party") {
        throw new HttpError(
          403,
          "wrong-role",
          `${body.by} is a ${role}: only the parties' participants archive an agreement`,
        );
      }
      if (body.charterHash !== ctx.record.charterHash) {
        throw new HttpError(
          409,
          "wrong-charter",
          `the statement is for charter ${body.charterHash}; this agreement's charter is ${ctx.record.charterHash}`,
        );
      }
      const at =
        body.seq === 0
          ? ctx.record.charterHash
          : (await source.store.agreements.events(ctx.record.id, { afterSeq: body.seq - 1, limit: 1 }))[0]
              ?.hash;
      if (at !== body.hash) {
        throw new HttpError(
          409,
          "unknown-head",
          `this ledger has no event ${body.seq} with hash ${body.hash}: name a head the server has`,
        );
      }
      const signedAt = source.now().toISOString();
      await source.store.archives.add(ctx.record.id, { body, signature, signedAt });
      return archiveDocument(source, ctx);
    },
  );

  app.get(
    "/api/agreements/:id/archive",
    {
      schema: {
        summary: "Whether the agreement is archived, who has asked and who is awaited",
        params: IdParams,
        response: { 200: jsonResponse("The archive state", ArchiveDocument), ...errorResponses(404) },
      },
    },
    async (request) => archiveDocument(source, await source.context(request.params.id)),
  );
}
