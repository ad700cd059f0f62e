/** How the tests and benchmarks start headless Chromium (/usr/bin/chromium, or CHROMIUM_PATH). */
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const CHROMIUM_OPTIONS = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: CHROMIUM_ARGS,
};

/**
 * One Chromium for a whole vitest run, started by the global setup (test/global-setup.ts) and
 * closed by it, so it is a child of the main vitest process and its CPU time is counted with the
 * run's (bench/test-time.ts). Each test file connects to it over its WebSocket.
 */
export const launchTestChromium = () => chromium.launchServer(CHROMIUM_OPTIONS);

declare module "vitest" {
  export interface ProvidedContext {
    /** The shared Chromium's WebSocket endpoint ("" when the global setup started none). */
    chromiumEndpoint: string;
  }
}
