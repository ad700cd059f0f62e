/** The ledger: signed events, their hash chain, verification and the live status projection. */
export { authorize, findParticipant, type Refusal } from "./authorize.ts";
export { canonicalJson } from "./canonical.ts";
export { charterHash, eventHash } from "./chain.ts";
export { AdoptRequest, buildCharter, Charter, compileCharter, Participant } from "./charter.ts";
export * from "./crypto.ts";
export * from "./events.ts";
export { signEvent } from "./sign.ts";
export * from "./status.ts";
export * from "./verify.ts";
