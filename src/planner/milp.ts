/**
 * A mixed-integer linear programme as plain data: columns with bounds and costs, rows as sparse
 * sums with lower and upper limits. The formulation writes into this; the solver adapter reads it.
 * Keeping the model solver-neutral lets tests inspect it and keeps HiGHS behind one door.
 */

export interface Term {
  col: number;
  coef: number;
}

export interface Milp {
  maximize: boolean;
  colLower: number[];
  colUpper: number[];
  colCost: number[];
  integer: boolean[];
  colNames: string[];
  rowLower: number[];
  rowUpper: number[];
  /** Row names for exported models ("" or missing: unnamed, exported as r<index>). */
  rowNames?: string[];
  /** CSR layout: row r holds entries starts[r] .. starts[r+1]. */
  starts: number[];
  indices: number[];
  values: number[];
}

export class MilpBuilder {
  readonly model: Milp = {
    maximize: false,
    colLower: [],
    colUpper: [],
    colCost: [],
    integer: [],
    colNames: [],
    rowLower: [],
    rowUpper: [],
    rowNames: [],
    starts: [0],
    indices: [],
    values: [],
  };

  get columns(): number {
    return this.model.colLower.length;
  }

  get rows(): number {
    return this.model.rowLower.length;
  }

  addColumn(name: string, lower: number, upper: number, integer = false, cost = 0): number {
    const m = this.model;
    m.colNames.push(name);
    m.colLower.push(lower);
    m.colUpper.push(upper);
    m.integer.push(integer);
    m.colCost.push(cost);
    return m.colLower.length - 1;
  }

  /**
   * Adds lower ≤ Σ coef·col ≤ upper, merging repeated columns and dropping zero coefficients.
   * `name` is only for exported models (export.ts), e.g. `exposure_us_3`.
   */
  addRow(terms: Term[], lower: number, upper: number, name = ""): number {
    const merged = new Map<number, number>();
    for (const { col, coef } of terms) merged.set(col, (merged.get(col) ?? 0) + coef);
    const m = this.model;
    for (const [col, coef] of merged) {
      if (coef === 0) continue;
      m.indices.push(col);
      m.values.push(coef);
    }
    m.starts.push(m.indices.length);
    m.rowLower.push(lower);
    m.rowUpper.push(upper);
    m.rowNames?.push(name);
    return m.rowLower.length - 1;
  }

  atLeast(terms: Term[], lower: number, name?: string): number {
    return this.addRow(terms, lower, Number.POSITIVE_INFINITY, name);
  }

  atMost(terms: Term[], upper: number, name?: string): number {
    return this.addRow(terms, Number.NEGATIVE_INFINITY, upper, name);
  }

  equal(terms: Term[], value: number, name?: string): number {
    return this.addRow(terms, value, value, name);
  }
}
