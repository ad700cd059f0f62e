/** Record ids are URL-safe slugs ("korea-2027") or UUIDs, so they can sit in a path unescaped. */
import { StoreError } from "./errors.ts";

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isValidId(id: string): boolean {
  return SLUG.test(id) || UUID.test(id);
}

export function checkId(id: string): string {
  if (!isValidId(id)) {
    throw new StoreError(
      "invalid",
      `invalid id "${id}": expected a slug (lowercase letters, digits, dashes) or a UUID`,
    );
  }
  return id;
}

export function newId(): string {
  return crypto.randomUUID();
}
