/** Unsaved editor text per scenario, kept for the session so the briefing page sees the edits. */
const key = (id: string) => `lockstep:draft:${id}`;

export const drafts = {
  get: (id: string): string | undefined => sessionStorage.getItem(key(id)) ?? undefined,
  set: (id: string, text: string) => sessionStorage.setItem(key(id), text),
  clear: (id: string) => sessionStorage.removeItem(key(id)),
};

export const NEW_SCENARIO = `# A new scenario: two parties, one move each. Edit freely; errors show at their line.
id: my-scenario
title: My scenario
description: Two parties trade reciprocal steps.
parties:
  - id: a
    tolerance: 1
  - id: b
    tolerance: 1
moves:
  - id: a-step
    actor: a
    value: { a: -2, b: 3 }
    verify: { lag: 1 }
  - id: b-step
    actor: b
    value: { a: 3, b: -2 }
    verify: { lag: 1 }
`;
