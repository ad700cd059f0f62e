/**
 * The hand-worked two-party examples of docs/model.md §9. A pays 1, B delivers, A pays 2 more;
 * δ = 0.5 for both; B's delivery is fully reversible (κ = 0), so a collapse takes it back.
 *
 * B's margin in phase 2 (its delivery), with c = B's cost of delivering:
 *   comply  Wᶜ = (1−δ)·u_B(x_2) + δ·u_B(x_3) = 0.5·(1 − c) + 0.5·(3 − c) = 2 − c
 *   defect  Wᵈ = (1−δ)·u_B(y_2) + δ·u_B(κ⊙y_2) = 0.5·1 + 0.5·1 = 1    (y_2: only the first payment)
 *   M_B(2) = 1 − c.
 * A's exposure after phase 3: both payments are sunk and the delivery would be taken back: 3.
 */
const base = (cost: number, views: string) => `
parties:
  - { id: a, discount: 0.5, tolerance: 3 }
  - { id: b, discount: 0.5, tolerance: 0 }
moves:
  - { id: pay1, actor: a, value: { a: -1, b: 1 } }
  - { id: deliver, actor: b, value: { b: ${-cost}, a: 5 }, reversible: 1 }
  - { id: pay2, actor: a, value: { a: -2, b: 2 } }
plans:
  staged: { pay1: 1, deliver: 2, pay2: 3 }
views:
${views}
`;

/** Surprise: c = 2, so M_B(2) = −1 in truth; A believes c = 0.5, so it expects M_B(2) = 0.5. */
export const SURPRISE = base(2, "  a:\n    values: { deliver: { b: -0.5 } }");

/** Fear: c = 0.5, the plan works; B believes A can bear only 2, so it expects A to balk at phase 3. */
export const FEAR = base(0.5, "  b:\n    parties: { a: { tolerance: 2 } }");

/** Credible: c = 0.5; A believes c = 0.8 (M_B(2) = 0.2 ≥ 0), B believes A's tolerance is 3.5. */
export const CREDIBLE = base(
  0.5,
  "  a:\n    values: { deliver: { b: -0.8 } }\n  b:\n    parties: { a: { tolerance: 3.5 } }",
);
