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
 */
export const EXIT = { ok: 0, infeasible: 1, badInput: 2, undecided: 3, internal: 70 } as const;
