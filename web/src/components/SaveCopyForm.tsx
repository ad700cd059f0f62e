/**
 * "Save a copy" as an inline form instead of prompt(): focus lands in the id field, Enter saves,
 * Escape (or Cancel) closes, and a refused id is announced through a live region that is always
 * in the page, so screen readers hear the message when it appears.
 */
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { useFormAction } from "../lib/form-action.ts";

export const SAVE_COPY_FORM_ID = "save-copy-form";
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

interface Props {
  suggestedId: string;
  /** Saves under the id; a rejection's message is shown and announced. */
  onSave(id: string): Promise<void>;
  onClose(): void;
}

export function SaveCopyForm({ suggestedId, onSave, onClose }: Props) {
  const [value, setValue] = useState(suggestedId);
  const action = useFormAction();
  const input = useRef<HTMLInputElement>(null);
  // A layout effect, so focus is in the field before the next key press can land elsewhere.
  useLayoutEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const submit = async (event: Event) => {
    event.preventDefault();
    const id = value.trim();
    // The server checks the same rule; checking here first saves a round trip and says why at once.
    if (!ID_PATTERN.test(id)) {
      action.say({
        ok: false,
        text: "The id must start with a lower-case letter or digit and use only a-z, 0-9, '-' or '_'.",
      });
      input.current?.focus();
      return;
    }
    const saved = await action.run(() => onSave(id));
    // refused: back to the field, to mend the id
    if (!saved) input.current?.focus();
  };
  return (
    <form
      id={SAVE_COPY_FORM_ID}
      class="save-copy"
      aria-label="Save a copy"
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          onClose();
        }
      }}
    >
      <label for="save-copy-id">Save as</label>
      <input
        id="save-copy-id"
        ref={input}
        value={value}
        onInput={(event) => setValue(event.currentTarget.value)}
        aria-describedby="save-copy-hint save-copy-error"
        aria-invalid={action.error ? true : undefined}
        autocomplete="off"
        spellcheck={false}
        data-testid="save-copy-id"
      />
      <button type="submit" class="primary" disabled={action.busy}>
        {action.busy ? "Saving…" : "Save"}
      </button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <p id="save-copy-hint" class="muted hint">
        Lower-case letters, digits, '-' or '_'. Escape cancels.
      </p>
      <p id="save-copy-error" class="error" role="alert" aria-live="assertive" data-testid="save-copy-error">
        {action.error ?? ""}
      </p>
    </form>
  );
}
