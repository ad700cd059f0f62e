/** Checks a request body against its zod schema, or answers 400 with each problem as an issue. */
import type { z } from "zod";
import { HttpError } from "./errors.ts";

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null) throw new HttpError(400, "bad-request", "expected a JSON body");
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    code: issue.code.replace(/_/g, "-"),
    message: issue.message,
  }));
  const first = issues[0];
  throw new HttpError(
    400,
    "bad-request",
    `invalid request body: ${first.path ? `${first.path}: ` : ""}${first.message}`,
    issues,
  );
}
