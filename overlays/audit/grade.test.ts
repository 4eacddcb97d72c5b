import { describe, it, expect } from 'vitest';
import { grade, type CheckResult, type Severity } from './grade.js';

const r = (severity: Severity, passed: boolean): CheckResult => ({ id: 'x', title: 'x', severity, passed, reason: '' });

describe('audit grade', () => {
  it('is decided by the worst failed check', () => {
    expect(grade([r('critical', true), r('low', true)])).toBe('A');
    expect(grade([r('low', false)])).toBe('B');
    expect(grade([r('low', false), r('medium', false)])).toBe('C');
    expect(grade([r('high', false), r('medium', false)])).toBe('D');
    expect(grade([r('critical', false), r('low', true)])).toBe('F');
  });
});
