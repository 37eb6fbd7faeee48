import { describe, expect, it } from 'vitest';
import { SAE_MODEL_IMPLS } from '../experiments/sae/registry';
import { MODEL_LABELS } from '../experiments/sae/views-data';
import { defaultConfig } from '../reference/sae/model';
import { saeSpec } from './sae';
import { SAE_MODEL_INFO, SAE_MODELS, type SaeModelField } from './sae-models';

const MODEL_FIELDS: SaeModelField[] = [
  'k',
  'l1',
  'auxK',
  'auxCoeff',
  'threshold',
  'bandwidth',
  'l0Coeff',
  'rank',
  'rank2',
  'decoder',
];

describe('the SAE registry', () => {
  it('shows exactly the fields a model lists, and every model field is read by some model', () => {
    const fields = saeSpec.fields as Record<string, { show?: (v: Record<string, unknown>) => boolean }>;
    for (const model of SAE_MODELS) {
      const values = { ...saeSpec.defaults, model } as Record<string, unknown>;
      const shown = MODEL_FIELDS.filter((name) => fields[name].show?.(values) ?? true);
      expect(shown, model).toEqual(MODEL_FIELDS.filter((f) => SAE_MODEL_INFO[model].fields.includes(f)));
    }
    for (const field of MODEL_FIELDS) {
      expect(
        SAE_MODELS.some((m) => SAE_MODEL_INFO[m].fields.includes(field)),
        field,
      ).toBe(true);
    }
  });

  it('has one label, docs anchor and implementation per model, read by the spec and the views', () => {
    const model = saeSpec.fields.model as {
      optionDocs?: Record<string, string>;
      optionLabels?: Record<string, string>;
    };
    for (const m of SAE_MODELS) {
      expect(MODEL_LABELS[m]).toBe(SAE_MODEL_INFO[m].label);
      expect(model.optionDocs?.[m]).toBe(SAE_MODEL_INFO[m].docs);
      expect(model.optionLabels?.[m]).toBe(SAE_MODEL_INFO[m].optionLabel);
      // The encoder unit's behaviour matches the descriptor's encoder kind.
      const { encoder, decoder } = SAE_MODEL_IMPLS[m].gpu;
      expect(encoder.exactK, m).toBe(SAE_MODEL_INFO[m].encoder === 'rowTopK');
      expect(encoder.batchTheta, m).toBe(SAE_MODEL_INFO[m].encoder === 'batchTopK');
      expect(encoder.setTheta !== undefined, m).toBe(SAE_MODEL_INFO[m].encoder === 'batchTopK');
      expect(Object.keys(decoder.buffers(defaultConfig({ model: m, d: 8, m: 16 }), 4)).length > 0, m).toBe(
        SAE_MODEL_INFO[m].decoder === 'polyShared',
      );
    }
  });
});
