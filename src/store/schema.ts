/**
 * The tables as Kysely sees them. One definition serves SQLite and PostgreSQL: every column is a
 * plain text or integer so both dialects store and return the same values (timestamps are ISO-8601
 * text, JSON documents are text).
 */
export interface ScenarioTable {
  id: string;
  name: string;
  yaml: string;
  created_at: string;
  updated_at: string;
}

export interface AgreementTable {
  id: string;
  title: string;
  /** The adopted charter (scenario text, plan, participants, keys) as canonical JSON. */
  charter: string;
  /** SHA-256 of the charter: the hash the first event chains from. */
  charter_hash: string;
  created_at: string;
}

export interface EventTable {
  agreement_id: string;
  /** 1, 2, 3, … with no gap; (agreement_id, seq) is the primary key, so two appends cannot fork. */
  seq: number;
  /** Client-chosen id; unique per agreement so a retried submission is recognised. */
  event_id: string;
  /** The signed body, exactly as canonical JSON, so the signature can be checked byte for byte. */
  body: string;
  signature: string;
  prev_hash: string;
  hash: string;
  received_at: string;
}

/** A participant's signature of an agreement's charter hash (src/ledger/statements.ts). */
export interface CharterSignatureTable {
  agreement_id: string;
  participant_id: string;
  signature: string;
  signed_at: string;
}

/** A participant's signed checkpoint of the chain's head; the body is canonical JSON as signed. */
export interface CheckpointTable {
  agreement_id: string;
  participant_id: string;
  seq: number;
  body: string;
  signature: string;
}

/** A party's signed request to archive (hide) an agreement; the body is canonical JSON as signed. */
export interface ArchiveStatementTable {
  agreement_id: string;
  participant_id: string;
  body: string;
  signature: string;
  signed_at: string;
}

export interface Database {
  scenarios: ScenarioTable;
  agreements: AgreementTable;
  ledger_events: EventTable;
  charter_signatures: CharterSignatureTable;
  checkpoints: CheckpointTable;
  archive_statements: ArchiveStatementTable;
}
