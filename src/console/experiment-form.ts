/**
 * @module The console's start-experiment form as an experiment definition: a control arm (the active
 * model under the service's policy), a treatment arm (a model, and thresholds or a policy), an
 * optional shadow arm, a guardrail and a stop time. Pure: fields in, definition (or the field at
 * fault) out. The definition itself is validated where the API validates it (startExperiment).
 */
import { z } from 'zod';
import type { FormFields } from './form.ts';

/** How the treatment arm decides. */
export const TREATMENT_RULES = ['thresholds', 'policy', 'service'] as const;

/** What each form field is called on the page, for messages that name it. */
export const FIELD_LABELS: Record<string, string> = {
  id: 'Experiment id', description: 'Description', unit: 'Assign by',
  controlName: 'Control arm name',
  treatmentName: 'Treatment arm name', treatmentModel: 'Treatment model', rule: 'Treatment decides by',
  closeBelow: 'Treatment close below', escalateAt: 'Treatment escalate at', sampleRate: 'Treatment below-the-line sample rate',
  policy: 'Treatment policy (JSON)', weight: 'Treatment weight',
  shadow: 'Add a shadow arm', shadowName: 'Shadow arm name', shadowModel: 'Shadow model', shadowCloseBelow: 'Shadow close below', shadowEscalateAt: 'Shadow escalate at',
  maxMissedRate: 'Guardrail: max missed rate', stopAt: 'Stop at (UTC)',
};

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).optional().transform((v) => v?.trim() ?? '');
const fieldsSchema = z.object({
  id: text(64), description: text(2000), unit: text(16),
  controlName: text(64), treatmentName: text(64), treatmentModel: text(200),
  rule: z.enum(TREATMENT_RULES, { error: () => `must be one of ${TREATMENT_RULES.join(', ')}` }).optional().transform((v) => v ?? 'thresholds'),
  closeBelow: text(32), escalateAt: text(32), sampleRate: text(32), policy: text(60_000), weight: text(32),
  shadow: text(8), shadowName: text(64), shadowModel: text(200), shadowCloseBelow: text(32), shadowEscalateAt: text(32),
  maxMissedRate: text(32), stopAt: text(40),
});

/** A definition built from the form, or the field that stopped it. */
export type FormDefinition = { ok: true; definition: Record<string, unknown> } | { ok: false; field: string; message: string };

/** Builds the experiment definition the form describes; numbers and JSON are read here, everything else is left to the experiment schema. */
export function definitionFromForm(form: FormFields): FormDefinition {
  const parsed = fieldsSchema.safeParse(form);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(String(issue.path[0] ?? 'id'), issue.message);
  }
  const f = parsed.data;
  const numbers: Record<string, number | undefined> = {};
  for (const name of ['closeBelow', 'escalateAt', 'sampleRate', 'weight', 'shadowCloseBelow', 'shadowEscalateAt', 'maxMissedRate'] as const) {
    const raw = f[name];
    if (raw === '') continue;
    const n = Number(raw);
    if (!Number.isFinite(n)) return fail(name, `must be a number (got ${JSON.stringify(raw)})`);
    numbers[name] = n;
  }
  const treatment: Record<string, unknown> = { name: f.treatmentName || 'treatment' };
  if (f.treatmentModel) treatment.model = f.treatmentModel;
  if (f.rule === 'thresholds') {
    if (numbers.closeBelow === undefined) return fail('closeBelow', 'is required when the treatment decides by thresholds');
    treatment.thresholds = thresholds(numbers.closeBelow, numbers.escalateAt, numbers.sampleRate);
  } else if (f.rule === 'policy') {
    if (!f.policy) return fail('policy', 'is required when the treatment decides by a policy: paste a policy file (JSON)');
    try {
      treatment.policy = JSON.parse(f.policy) as unknown;
    } catch (err) {
      return fail('policy', `is not valid JSON (${(err as Error).message})`);
    }
  }
  if (numbers.weight !== undefined) treatment.weight = numbers.weight;
  const arms: Record<string, unknown>[] = [{ name: f.controlName || 'control' }, treatment];
  if (f.shadow === 'on') {
    const shadow: Record<string, unknown> = { name: f.shadowName || 'shadow', shadow: true };
    if (f.shadowModel) shadow.model = f.shadowModel;
    if (numbers.shadowCloseBelow !== undefined) shadow.thresholds = thresholds(numbers.shadowCloseBelow, numbers.shadowEscalateAt);
    else if (numbers.shadowEscalateAt !== undefined) return fail('shadowCloseBelow', 'is required when a shadow escalate-at is given');
    arms.push(shadow);
  }
  const definition: Record<string, unknown> = { id: f.id, unit: f.unit || 'alert', arms };
  if (f.description) definition.description = f.description;
  if (numbers.maxMissedRate !== undefined) definition.guardrail = { maxMissedRate: numbers.maxMissedRate };
  // <input type="datetime-local"> sends no zone: the form says UTC, so it is read as UTC.
  if (f.stopAt) definition.stopAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(f.stopAt) ? `${f.stopAt}Z` : f.stopAt;
  return { ok: true, definition };
}

function thresholds(closeBelow: number, escalateAt?: number, belowTheLineSampleRate?: number) {
  return { closeBelow, ...(escalateAt !== undefined ? { escalateAt } : {}), ...(belowTheLineSampleRate !== undefined ? { belowTheLineSampleRate } : {}) };
}

function fail(field: string, message: string): FormDefinition {
  return { ok: false, field, message: `${FIELD_LABELS[field] ?? field}: ${message}` };
}

/**
 * The form field behind a path of the definition (`arms.1.thresholds.closeBelow` → `closeBelow`),
 * so a refusal from the experiment schema points at what the user typed.
 */
export function formFieldOf(path: string | undefined, shadowArm: boolean): string | undefined {
  if (!path) return undefined;
  const [head, index, key, sub] = path.split('.');
  if (head !== 'arms') return head === 'guardrail' ? 'maxMissedRate' : head in FIELD_LABELS ? head : undefined;
  if (index === '0') return 'controlName';
  const shadow = index === '2' && shadowArm;
  if (index !== '1' && !shadow) return undefined;
  if (key === 'name') return shadow ? 'shadowName' : 'treatmentName';
  if (key === 'model') return shadow ? 'shadowModel' : 'treatmentModel';
  if (key === 'policy') return 'policy';
  if (key === 'weight') return shadow ? 'shadow' : 'weight';
  if (key === 'thresholds') {
    const field = sub === 'escalateAt' ? 'EscalateAt' : sub === 'belowTheLineSampleRate' && !shadow ? 'sampleRate' : 'CloseBelow';
    if (field === 'sampleRate') return field;
    return shadow ? `shadow${field}` : `${field[0].toLowerCase()}${field.slice(1)}`;
  }
  return undefined;
}
