/** A figure measured over several runs. */
export interface Sample {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median: how far apart the runs were. */
  readonly spread: number;
}

export function sample(values: number[]): Sample {
  if (values.length === 0) throw new Error("a sample needs at least one run");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  return { runs: values.length, median, min, max, spread: median === 0 ? 0 : (max - min) / median };
}

/** A limit a figure must stay within for `npm run bench` to pass. */
export interface Budget {
  readonly name: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: string;
}

export interface BudgetResult extends Budget {
  readonly pass: boolean;
}

export function checkBudgets(budgets: Budget[]): BudgetResult[] {
  return budgets.map((budget) => ({ ...budget, pass: budget.value <= budget.limit }));
}
