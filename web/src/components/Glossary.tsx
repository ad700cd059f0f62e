/**
 * The glossary: one sentence per symbol the figures use. Every chart's label carries a "?" that
 * opens the entries it uses in place; the whole list is a page of its own (#/glossary).
 */
import { useEffect, useId, useState } from "preact/hooks";

export const GLOSSARY: Record<string, { term: string; text: string }> = {
  E: {
    term: "E — exposure",
    text: "What a party would be left short of the status quo if the deal collapsed right after a phase, counting only what it has verified.",
  },
  tau: {
    term: "τ — tolerance",
    text: "The most exposure a party can bear; a plan is exposure-safe when E stays at or below τ in every phase.",
  },
  M: {
    term: "M — incentive margin",
    text: "How much more a party gains by keeping to the plan than by walking away in a phase where it acts; below 0 the step is not self-enforcing.",
  },
  theta: {
    term: "θ* — safety factor",
    text: "How many times the stated uncertainty of the values the plan survives: at θ* ≥ 1 it holds across every range.",
  },
  frontier: {
    term: "frontier — safety frontier",
    text: "For each number of phases from the fewest feasible to the horizon, the largest θ* a plan can reach: how much safety each extra phase buys.",
  },
  progress: {
    term: "progress — of an interim deal",
    text: "The share of the goal's weight a plan does; an interim deal does what can be sequenced now and defers the rest, each deferred item with why.",
  },
  lag: {
    term: "lag — verification lag",
    text: "How many phases pass before the other parties can verify a move, and so credit it.",
  },
  slack: {
    term: "slack",
    text: "The room left in the tightest constraint (tolerance minus exposure, or the margin); negative means a constraint is broken.",
  },
  sigma: {
    term: "σ — extra tolerance (planner) or decision noise (simulation)",
    text: "In 'what it would take', the tolerance a party would need on top of its own; in a simulation, the spread of random noise added to a party's margin when it decides.",
  },
  mu: {
    term: "μ — inducement",
    text: "A payment or side benefit per phase added to a party's incentive margin so that complying pays.",
  },
  delta: {
    term: "δ — discount",
    text: "How much a party values the next phase relative to this one (1: patient).",
  },
  rho: {
    term: "ρ — reservation",
    text: "The final value a party needs at the end of the deal to prefer it over no deal.",
  },
  worst: {
    term: "worst case",
    text: "Every value range taken at the end that is worst for the figure shown (the grey band on exposure charts).",
  },
  hazard: { term: "hazard", text: "The chance per phase that the deal collapses for reasons outside it." },
  response: {
    term: "response",
    text: "What the others do when they detect a deviation: grim (collapse), tit-for-tat (hold one phase) or generous (tit-for-tat, sometimes forgiving).",
  },
  forgive: {
    term: "forgiveness",
    text: "With the generous response, the probability that a detected deviation is forgiven.",
  },
};

export type Term = keyof typeof GLOSSARY;

/** A "?" beside a figure's label that shows, in place, what its symbols mean. */
export function HelpLink({ terms }: { terms: string[] }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const known = terms.filter((t) => GLOSSARY[t]);
  if (known.length === 0) return null;
  return (
    <span class="help">
      <button
        type="button"
        class="help-toggle"
        aria-expanded={open}
        aria-controls={id}
        aria-label={`Help: what ${known.map((t) => GLOSSARY[t]?.term.split(" — ")[0]).join(", ")} mean`}
        onClick={() => setOpen(!open)}
      >
        ?
      </button>
      {open && (
        <span class="help-body" id={id} role="note" data-testid="help">
          {known.map((t) => (
            <span key={t} class="help-entry">
              <strong>{GLOSSARY[t]?.term}</strong>: {GLOSSARY[t]?.text}
            </span>
          ))}
          <a href="#/glossary">The whole glossary</a>
        </span>
      )}
    </span>
  );
}

export function GlossaryPage() {
  useEffect(() => {
    document.title = "Glossary — Lockstep workbench";
  }, []);
  return (
    <main class="glossary" id="main" tabIndex={-1}>
      <h1>Glossary</h1>
      <dl>
        {Object.entries(GLOSSARY).map(([key, entry]) => (
          <div key={key} id={`glossary-${key}`}>
            <dt>{entry.term}</dt>
            <dd>{entry.text}</dd>
          </div>
        ))}
      </dl>
    </main>
  );
}
