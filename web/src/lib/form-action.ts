/**
 * How every form here sends: while its work runs the form is busy (its button says so and cannot
 * be pressed twice), the last answer is cleared, and what the work answers, or why it failed, is
 * the form's answer (shown by components/FormMessage.tsx or the form's own alert line).
 */
import { useState } from "preact/hooks";

/** A form's answer: whether it worked, in words. */
export interface FormAnswer {
  ok: boolean;
  text: string;
}

export interface FormAction {
  /** True while the work runs. */
  busy: boolean;
  answer: FormAnswer | undefined;
  /** The answer's text when the work failed (for forms that show only failures). */
  error: string | undefined;
  /** Sets the answer directly: a check before sending, or a finding that is not a failure. */
  say(answer: FormAnswer | undefined): void;
  /**
   * Runs `work`: the text it returns becomes the answer (none when it returns nothing); a thrown
   * error's message, through `failure` when given, becomes a failed answer. Resolves to whether
   * the work succeeded.
   */
  run(
    work: () => Promise<string | undefined> | Promise<void>,
    failure?: (message: string) => string,
  ): Promise<boolean>;
}

export function useFormAction(): FormAction {
  const [busy, setBusy] = useState(false);
  const [answer, say] = useState<FormAnswer | undefined>();
  const run = async (
    work: () => Promise<string | undefined> | Promise<void>,
    failure = (message: string) => message,
  ): Promise<boolean> => {
    setBusy(true);
    say(undefined);
    try {
      const text = await work();
      if (typeof text === "string") say({ ok: true, text });
      return true;
    } catch (e) {
      say({ ok: false, text: failure((e as Error).message) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, answer, error: answer && !answer.ok ? answer.text : undefined, say, run };
}
