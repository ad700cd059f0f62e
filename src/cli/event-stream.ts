/**
 * A server-sent-events reader for the CLI (Node 20 has no EventSource): one HTTP request whose
 * body is parsed by eventsource-parser, each message handed on in order. The caller reconnects
 * with `Last-Event-ID` itself, so it decides what to verify first.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { CliError } from "./errors.ts";

export interface StreamOptions {
  token?: string;
  lastEventId?: number;
  signal: AbortSignal;
  /** Called for each message, one at a time: the next waits until the promise settles. */
  onMessage(message: EventSourceMessage): Promise<void>;
}

/** Reads the stream until the server ends it or `signal` aborts; a handler's error ends it too. */
export async function readEventStream(url: string, options: StreamOptions): Promise<void> {
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.lastEventId !== undefined) headers["last-event-id"] = String(options.lastEventId);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: options.signal });
  } catch (error) {
    if (options.signal.aborted) return;
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new CliError(`cannot reach ${new URL(url).origin}: ${cause}`);
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => "");
    throw new CliError(`the server refused the event stream (${response.status}): ${text}`);
  }
  const reader = response.body.getReader();
  let chain = Promise.resolve();
  let failure: unknown;
  const parser = createParser({
    onEvent(message) {
      chain = chain.then(() => (failure === undefined ? options.onMessage(message) : undefined));
      chain = chain.catch((error: unknown) => {
        failure ??= error;
        // stop waiting for the next chunk: the handler has given up on this stream
        void reader.cancel().catch(() => undefined);
      });
    },
  });
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      if (failure !== undefined) break;
    }
    await reader.cancel();
  } catch {
    // an abort or a dropped connection ends the stream: the caller reconnects or stops
  }
  await chain;
  if (failure !== undefined) throw failure;
}
