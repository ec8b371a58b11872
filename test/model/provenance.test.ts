/** @module The manifest's optional provenance (models made by other tools) and how the model card shows it. */
import { describe, expect, it } from 'vitest';
import { completeManifest, renderModelCard } from '../../src/model/index.ts';
import { fakeOnnx, sampleDraft } from './fixtures.ts';

const provenance = {
  tool: 'xgboost' as const, file: 'model.json', sha256: 'a'.repeat(64), formatVersion: '1.7.4', importedAt: '2026-01-02T03:04:05.000Z',
};

describe('manifest provenance', () => {
  it('is optional: a manifest without it (every bundle winnow trained) stays valid', () => {
    expect(completeManifest(sampleDraft(), fakeOnnx(), 'manifest.json').provenance).toBeUndefined();
  });

  it('keeps the source tool, file, sha256, format version and extra notes', () => {
    const m = completeManifest({ ...sampleDraft(), provenance: { ...provenance, notes: ['removed ZipMap'] } }, fakeOnnx(), 'manifest.json');
    expect(m.provenance).toEqual({ ...provenance, notes: ['removed ZipMap'] });
  });

  it.each([
    { name: 'an unknown tool', edit: { tool: 'catboost' }, want: /provenance\.tool/ },
    { name: 'a short sha256', edit: { sha256: 'abc' }, want: /^manifest\.json: invalid manifest: provenance\.sha256: must be 64 lowercase hex digits$/ },
  ])('refuses $name, naming the field', ({ edit, want }) => {
    const draft = { ...sampleDraft(), provenance: { ...provenance, ...edit } } as never;
    expect(() => completeManifest(draft, fakeOnnx(), 'manifest.json')).toThrow(want);
  });

  it('the model card says the model was trained elsewhere and names the exact file', () => {
    const card = renderModelCard(completeManifest({ ...sampleDraft(), provenance, training: { ...sampleDraft().training, validationSource: 'alerts.csv', labelColumn: 'y' } }, fakeOnnx(), 'manifest.json'));
    expect(card).toContain('- Trained outside winnow with **xgboost** and imported by `winnow import` on 2026-01-02T03:04:05.000Z. winnow does not know the data it was trained on.');
    expect(card).toContain(`- Source file: \`model.json\` (format 1.7.4), sha256 \`${'a'.repeat(64)}\``);
    expect(card).toContain('- Metrics and thresholds below come from `alerts.csv` (label `y`), scored through ONNX Runtime after import');
  });
});
