/**
 * Opening a scenario should put its two main charts on screen as soon as it can ("charts within
 * 1 s of navigation", docs/benchmarks.md). What the page shows below them (the tornado of breaking
 * points, what each side believes, with its analysis of every perspective) can come one frame
 * later: those parts ask this hook, which says "not yet" while the page's first frame is being
 * built and "go" once it has been painted. After that first frame, everything renders at once.
 */
import { useEffect, useState } from "preact/hooks";

let painted = false;

export function useAfterFirstFrame(): boolean {
  const [ready, setReady] = useState(painted);
  useEffect(() => {
    // Preact runs effects after the frame they belong to has been painted.
    if (ready) return;
    painted = true;
    setReady(true);
  }, []);
  return ready;
}
