/**
 * A participant's read session: ask for a challenge, sign it with the key the charter names, and
 * exchange the signature for a short-lived read token for that agreement (src/server/access.ts).
 * Both routes are open to anyone; only a participant's key gets past the second.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { verifyReadChallenge } from "../../ledger/index.ts";
import type { AccessControl } from "../access.ts";
import * as schemas from "../agreement-schemas.ts";
import { HttpError } from "../errors.ts";
import { errorResponses, IdParams, jsonResponse } from "../schemas.ts";
import type { AgreementContext } from "./agreement-context.ts";

type Routes = Parameters<FastifyPluginAsyncZod>[0];

export function registerReadSessions(
  app: Routes,
  deps: { access: AccessControl; context(id: string): Promise<AgreementContext> },
): void {
  const { access } = deps;
  app.post(
    "/api/agreements/:id/challenge",
    {
      schema: {
        summary: "A challenge for a participant to sign, to obtain a read token",
        params: IdParams,
        response: { 200: jsonResponse("The challenge", schemas.ReadChallenge), ...errorResponses(404) },
      },
    },
    async (request) => {
      const { record } = await deps.context(request.params.id);
      return access.issueChallenge(record.id);
    },
  );

  app.post(
    "/api/agreements/:id/session",
    {
      bodyLimit: 4096,
      schema: {
        summary: "Exchange a signed challenge for a short-lived read token for this agreement",
        params: IdParams,
        body: schemas.ReadSessionRequest,
        response: {
          200: jsonResponse("The read token", schemas.ReadSession),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const ctx = await deps.context(request.params.id);
      const { participant, challenge, signature } = request.body;
      access.checkChallenge(ctx.record.id, challenge);
      const key = ctx.keys.get(participant);
      if (!key) {
        throw new HttpError(
          403,
          "not-a-participant",
          `'${participant}' is not a participant of agreement '${ctx.record.id}'`,
        );
      }
      if (!(await verifyReadChallenge(key, ctx.record.id, challenge, signature))) {
        throw new HttpError(
          401,
          "bad-signature",
          `the signature does not verify with ${participant}'s key in the charter`,
        );
      }
      access.spendChallenge(challenge);
      return { ...access.issueReadToken(ctx.record.id, participant), agreement: ctx.record.id, participant };
    },
  );
}
