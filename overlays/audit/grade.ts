export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface CheckResult {
  id: string;
  title: string;
  severity: Severity;
  passed: boolean;
  reason: string;
}

/** A: nothing failed; B: only low; C: a medium; D: a high; F: a critical failure. */
export function grade(results: CheckResult[]): 'A' | 'B' | 'C' | 'D' | 'F' {
  const failed = new Set(results.filter((r) => !r.passed).map((r) => r.severity));
  if (failed.has('critical')) return 'F';
  if (failed.has('high')) return 'D';
  if (failed.has('medium')) return 'C';
  if (failed.has('low')) return 'B';
  return 'A';
}
