/** Errors the CLI reports as a message and an exit status, never as a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * Exit statuses shared by every command. `undecided`: the solver stopped (time limit, failure)
 * without a plan and without a proof that none exists — never reported as 'infeasible'.
 * `tampered` (a hash or signature fails, as for `ledger verify`) and `rollback` (the server's
 * ledger is behind or forks from the head a participant recorded) are `ledger watch`'s alarms.
 */
export const EXIT = {
  ok: 0,
  infeasible: 1,
  tampered: 1,
  badInput: 2,
  undecided: 3,
  rollback: 4,
  internal: 70,
} as const;
