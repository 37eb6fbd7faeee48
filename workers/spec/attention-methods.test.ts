import { describe, expect, it } from 'vitest';
import { ATTENTION_METHOD_INFO, ATTENTION_METHODS, attentionSpec, causalityIssue } from './attention';

const fields = attentionSpec.fields as Record<string, { show?: (v: Record<string, unknown>) => boolean }>;
/** Fields whose visibility the method table decides (listed by some method). */
const methodFields = new Set(ATTENTION_METHODS.flatMap((m) => [...ATTENTION_METHOD_INFO[m].fields]));

describe('attention method table', () => {
  it('names only spec fields, and the options and labels come from it', () => {
    for (const f of methodFields) expect(fields[f], f).toBeDefined();
    const labels = attentionSpec.fields.method.optionLabels;
    for (const m of ATTENTION_METHODS) expect(labels?.[m]).toBe(ATTENTION_METHOD_INFO[m].label);
  });

  it('shows a method-specific control exactly for the methods listing it', () => {
    // Values that satisfy every secondary condition (top-k vs top-p is checked below).
    const base = {
      ...attentionSpec.defaults,
      simGuard: true,
      featureMap: 'favor',
      combine: 'sum',
      levelWeights: 'beta',
    };
    for (const m of ATTENTION_METHODS) {
      const v = { ...base, method: m, selection: 'topk' };
      const shown = [...methodFields].filter((f) => fields[f].show?.(v) ?? true).sort();
      const want = ATTENTION_METHOD_INFO[m].fields.filter((f) => f !== 'topP' || m !== 'blocksparse');
      expect(shown, m).toEqual([...want].sort());
    }
    const topp = { ...base, method: 'blocksparse', selection: 'topp' };
    expect(fields.topP.show?.(topp)).toBe(true);
    expect(fields.rho.show?.(topp)).toBe(false);
  });

  it('refuses the causality a method does not support, in the spec rules too', () => {
    expect(causalityIssue('llsa', true)).toMatch(/non-causal/);
    expect(causalityIssue('llsa', false)).toBeNull();
    expect(causalityIssue('loglinear', false)).toMatch(/causal only/);
    expect(causalityIssue('dense', false)).toBeNull();
    const issues = attentionSpec.rules?.({ ...attentionSpec.defaults, method: 'llsa', causal: true }) ?? [];
    expect(issues.some((i) => i.field === 'causal')).toBe(true);
  });
});
