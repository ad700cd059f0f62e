/** Errors the CLI reports as a message and an exit status, never as a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export const EXIT = { ok: 0, infeasible: 1, badInput: 2 } as const;
