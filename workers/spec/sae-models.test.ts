import { describe, expect, it } from 'vitest';
import { SAE_MODEL_IMPLS, saeGpuPath } from '../experiments/sae/registry';
import { MODEL_LABELS } from '../experiments/sae/views-data';
import { defaultConfig } from '../reference/sae/model';
import { saeSpec } from './sae';
import { SAE_MODEL_INFO, SAE_MODELS, type SaeModelField, saeForm } from './sae-models';

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
  'rank3',
  'polyShared',
  'decoder',
];

describe('the SAE registry', () => {
  it('shows exactly the fields a model lists, and every model field is read by some model', () => {
    const fields = saeSpec.fields as Record<string, { show?: (v: Record<string, unknown>) => boolean }>;
    const forms: Array<{ model: (typeof SAE_MODELS)[number]; values: Record<string, unknown> }> = [];
    for (const model of SAE_MODELS) {
      forms.push({ model, values: { ...saeSpec.defaults, model } });
      const alt = SAE_MODEL_INFO[model].altForm;
      if (alt) forms.push({ model, values: { ...saeSpec.defaults, model, [alt.flag]: true } });
    }
    expect(forms.length).toBe(SAE_MODELS.length + 1); // PolySAE's shared form
    for (const { model, values } of forms) {
      const shown = MODEL_FIELDS.filter((name) => fields[name].show?.(values) ?? true);
      const form = saeForm(model, values);
      expect(shown, `${model} ${form.decoder}`).toEqual(MODEL_FIELDS.filter((f) => form.fields.includes(f)));
    }
    for (const field of MODEL_FIELDS) {
      expect(
        forms.some(({ model, values }) => saeForm(model, values).fields.includes(field)),
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
      // Every form has a GPU path; GpuSae's units match the descriptor's encoder and decoder kind, and only the
      // general PolySAE form (decoder kind polyGeneral) has a trainer of its own.
      expect(SAE_MODEL_INFO[m].altForm !== undefined, m).toBe(SAE_MODEL_IMPLS[m].altForm !== undefined);
      for (const polyShared of [false, true]) {
        const cfg = defaultConfig({ model: m, d: 8, m: 16, polyShared });
        const form = saeForm(m, cfg);
        const path = saeGpuPath(cfg);
        expect(path.kind, `${m} ${form.decoder}`).toBe(form.decoder === 'polyGeneral' ? 'own' : 'units');
        if (path.kind !== 'units') continue;
        const { encoder, decoder } = path.units;
        expect(encoder.exactK, m).toBe(form.encoder === 'rowTopK');
        expect(encoder.batchTheta, m).toBe(form.encoder === 'batchTopK');
        expect(encoder.setTheta !== undefined, m).toBe(form.encoder === 'batchTopK');
        expect(Object.keys(decoder.buffers(cfg, 4)).length > 0, m).toBe(form.decoder === 'polyShared');
      }
    }
  });
});
