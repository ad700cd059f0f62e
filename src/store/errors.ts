/** Errors a caller can cause; the server maps them to 4xx responses. */
export class StoreError extends Error {
  constructor(
    readonly code: "archived" | "conflict" | "invalid" | "not_found",
    message: string,
  ) {
    super(message);
  }
}

/** True when a database error is a unique/primary-key violation, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code === "23505") return true; // PostgreSQL unique_violation
  return typeof e.code === "string" && e.code.startsWith("SQLITE_CONSTRAINT");
}

/** True when a transaction lost a race it may retry: SQLite busy/locked, PostgreSQL serialization failure or deadlock. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  if (code?.startsWith("SQLITE_BUSY") || code?.startsWith("SQLITE_LOCKED")) return true;
  return code === "40001" || code === "40P01";
}
