/**
 * Errors a client can cause, as values the error handler turns into `{ error, message, issues? }`
 * with a 4xx status. Anything else becomes a plain 500 without a stack trace.
 */
import type { ScenarioIssue } from "../model/errors.ts";

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    /** Stable machine-readable code, e.g. `invalid-scenario`. */
    readonly code: string,
    message: string,
    readonly issues?: ScenarioIssue[],
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  issues?: ScenarioIssue[];
}

export const notFound = (what: string) => new HttpError(404, "not-found", `${what} not found`);
export const badRequest = (message: string) => new HttpError(400, "bad-request", message);
