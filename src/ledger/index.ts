/** The ledger: signed events, their hash chain, verification and the live status projection. */
export { type AmendedPlanText, amendedPlanProblems, parseAmendedPlan } from "./amended-plan.ts";
export {
  type CharterVersion,
  type CharterVersions,
  charterInForce,
  charterVersions,
  type PendingAmendment,
  type VersionEvent,
} from "./amendments.ts";
export {
  ArchiveBody,
  type ArchiveStateName,
  archiveFault,
  archiveState,
  signArchive,
} from "./archive.ts";
export { authorize, findParticipant, type Refusal } from "./authorize.ts";
export { canonicalJson } from "./canonical.ts";
export { charterHash, eventHash, eventHashText, type Link } from "./chain.ts";
export {
  AdoptRequest,
  buildCharter,
  Charter,
  compileCharter,
  MIN_PHASE_DAYS,
  Participant,
} from "./charter.ts";
export { type ContinuationPlan, continuationPlan } from "./continuation-plan.ts";
export * from "./crypto.ts";
export * from "./events.ts";
export { KeyFile, type KeyFileResult, keyFileText, parseKeyFile } from "./key-file.ts";
export { agreementHistory, ReplanError, replanAgreement } from "./replan.ts";
export * from "./replan-report.ts";
export { signEvent } from "./sign.ts";
export {
  CharterSignatureBody,
  CheckpointBody,
  countersignHead,
  READ_CHALLENGE_PREFIX,
  readChallengeText,
  type Signed,
  SignedStatement,
  signCharter,
  signCheckpoint,
  signReadChallenge,
  verifyReadChallenge,
  verifyStatement,
} from "./statements.ts";
export * from "./status.ts";
export { AgreementStatus } from "./status-report.ts";
export * from "./verify.ts";
export {
  type Alarm,
  type AlarmKind,
  ChainFollower,
  chainHashes,
  compareWithRecord,
  Head,
  WatchState,
} from "./watch.ts";
