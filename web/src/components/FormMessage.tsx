/**
 * What a signing form says after it is sent: a status line when it worked, an alert (read out at
 * once) when it did not. One component, so every form on the agreement pages says it alike.
 */
import type { FormAnswer } from "../lib/form-action.ts";

export function FormMessage({ answer, testId }: { answer: FormAnswer | undefined; testId: string }) {
  if (!answer) return null;
  return (
    <p class={answer.ok ? "ok" : "error"} role={answer.ok ? "status" : "alert"} data-testid={testId}>
      {answer.text}
    </p>
  );
}
