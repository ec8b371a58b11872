/**
 * @module Starting an experiment from the console (admin): the form, and its POST, which builds the
 * definition and starts it through `startExperiment`, the same function `POST /v1/experiments`
 * calls. A refusal re-renders the form with what was typed and the field at fault marked.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { startExperiment } from '../../http/experiment-routes.ts';
import type { BundleInfo } from '../../registry/model-registry.ts';
import type { ConsoleDeps } from '../console-deps.ts';
import { definitionFromForm, FIELD_LABELS, formFieldOf } from '../experiment-form.ts';
import { type FormFields, refuse } from '../form.ts';
import { Csrf, Layout } from '../layout.tsx';
import { type ConsoleUser, may } from '../session.ts';

/** `/experiments/new?from=thresholds&policy=…`: the Thresholds page hands over the policy it built. */
const newQuery = z.object({
  from: z.enum(['thresholds'], { error: () => "must be 'thresholds' or absent" }).optional(),
  policy: z.string().max(60_000, 'must be at most 60,000 characters').optional(),
});

/** GET /experiments/new (admin). */
export async function newExperimentPage(c: Context, deps: ConsoleDeps) {
  const user = c.get('consoleUser');
  if (!may(user, 'admin')) return refuse(c, 403, `'${user.name}' lacks the 'admin' scope starting an experiment needs`);
  if (!deps.experiments) return refuse(c, 404, 'this server runs without experiments');
  const query = newQuery.safeParse({ from: c.req.query('from'), policy: c.req.query('policy') });
  if (!query.success) return refuse(c, 400, `${String(query.error.issues[0].path[0])}: ${query.error.issues[0].message}`);
  const values: Record<string, string> = { id: `exp-${deps.now().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}`, rule: 'thresholds', weight: '1' };
  if (query.data.policy !== undefined) {
    values.rule = 'policy';
    values.policy = pretty(query.data.policy);
    if (query.data.from === 'thresholds') values.description = 'Policy chosen on the Thresholds page';
  }
  return c.html(await formPage(c, deps, user, values));
}

/** POST /experiments (admin, through formAction). */
export async function startFromForm(c: Context, deps: ConsoleDeps) {
  const user = c.get('consoleUser');
  const form = c.get('form');
  if (!deps.experiments) return refuse(c, 404, 'this server runs without experiments');
  const built = definitionFromForm(form);
  if (!built.ok) return c.html(await formPage(c, deps, user, form, { field: built.field, message: built.message }), 400);
  const outcome = await startExperiment(deps.experiments, built.definition, user.name);
  if (outcome.ok) {
    const id = outcome.experiment.id;
    return c.redirect(`/experiments/${encodeURIComponent(id)}?done=${encodeURIComponent(`Started experiment ${id}.`)}`, 303);
  }
  const field = formFieldOf(outcome.path, form.shadow === 'on');
  const message = field ? `${FIELD_LABELS[field]}: ${outcome.message.replace(/^invalid experiment: /, '')}` : outcome.message;
  return c.html(await formPage(c, deps, user, form, { field, message, conflict: outcome.status === 409 }), outcome.status);
}

function pretty(policy: string): string {
  try {
    return JSON.stringify(JSON.parse(policy), null, 2);
  } catch {
    return policy;
  }
}

interface Problem {
  field?: string;
  message: string;
  conflict?: boolean;
}

async function formPage(c: Context, deps: ConsoleDeps, user: ConsoleUser, values: FormFields, problem?: Problem) {
  const [models, running] = await Promise.all([
    deps.registry.list().catch((): BundleInfo[] => []),
    deps.experiments!.store.listExperiments({ status: 'running' }).catch(() => []),
  ]);
  const active = deps.registry.active;
  const v = (name: string, fallback = '') => values[name] ?? fallback;
  const bad = (name: string) => (problem?.field === name ? { class: 'invalid', 'aria-invalid': 'true' } : {});
  const ModelSelect = ({ name }: { name: string }) => (
    <select name={name} {...bad(name)}>
      <option value="">the active model ({active.name}/{active.version})</option>
      {models.map((m) => {
        const ref = `${m.name}/${m.version}`;
        return <option value={ref} selected={v(name) === ref}>{ref}{m.active ? ' (active)' : ''}</option>;
      })}
    </select>
  );
  const rule = v('rule', 'thresholds');
  return (
    <Layout title="Start an experiment" active="/experiments" user={user}>
      <p><a href="/experiments">← Experiments</a></p>
      {problem ? (
        <p class="flash bad" role="alert" data-testid="form-error">
          {problem.message}
          {problem.conflict ? <> (<a href="/experiments">see the running experiment</a>)</> : null}
        </p>
      ) : null}
      {running.length > 0 && !problem?.conflict ? (
        <p class="flash bad" role="status">Experiment <a href={`/experiments/${encodeURIComponent(running[0].id)}`}>{running[0].id}</a> is running: one runs at a time, so stop it before starting another.</p>
      ) : null}
      <form method="post" action="/experiments" class="experiment-form" data-testid="experiment-form">
        <Csrf user={user} />
        <fieldset>
          <legend>Experiment</legend>
          <label>{FIELD_LABELS.id}<input name="id" value={v('id')} required maxlength={64} {...bad('id')} /></label>
          <label>{FIELD_LABELS.description}<textarea name="description" rows={2} maxlength={2000} {...bad('description')}>{v('description')}</textarea></label>
          <label>{FIELD_LABELS.unit}
            <select name="unit" {...bad('unit')}>
              <option value="alert" selected={v('unit', 'alert') === 'alert'}>alert (each alert hashed to an arm)</option>
              <option value="entity" selected={v('unit') === 'entity'}>entity (all of an entity's alerts in one arm)</option>
            </select>
          </label>
        </fieldset>
        <fieldset>
          <legend>Control arm</legend>
          <label>{FIELD_LABELS.controlName}<input name="controlName" value={v('controlName', 'control')} maxlength={64} {...bad('controlName')} /></label>
          <p class="muted">Decides as the service does today: the active model ({active.name}/{active.version}) under the service's policy.</p>
        </fieldset>
        <fieldset>
          <legend>Treatment arm</legend>
          <label>{FIELD_LABELS.treatmentName}<input name="treatmentName" value={v('treatmentName', 'treatment')} maxlength={64} {...bad('treatmentName')} /></label>
          <label>{FIELD_LABELS.treatmentModel}<ModelSelect name="treatmentModel" /></label>
          <div class={problem?.field === 'rule' ? 'choice invalid' : 'choice'} aria-invalid={problem?.field === 'rule' ? 'true' : undefined}>
            <span class="label">{FIELD_LABELS.rule}</span>
            <label class="row"><input type="radio" name="rule" value="thresholds" checked={rule === 'thresholds'} /> thresholds</label>
            <label class="row"><input type="radio" name="rule" value="policy" checked={rule === 'policy'} /> a policy (JSON)</label>
            <label class="row"><input type="radio" name="rule" value="service" checked={rule === 'service'} /> the service's policy (compare models only)</label>
          </div>
          <div class="row-fields">
            <label>{FIELD_LABELS.closeBelow}<input name="closeBelow" value={v('closeBelow')} inputmode="decimal" placeholder="e.g. 0.05" {...bad('closeBelow')} /></label>
            <label>{FIELD_LABELS.escalateAt}<input name="escalateAt" value={v('escalateAt')} inputmode="decimal" placeholder="default 0.5" {...bad('escalateAt')} /></label>
            <label>{FIELD_LABELS.sampleRate}<input name="sampleRate" value={v('sampleRate')} inputmode="decimal" placeholder="default: the service's" {...bad('sampleRate')} /></label>
          </div>
          <label>{FIELD_LABELS.policy}<textarea name="policy" rows={8} class="code" {...bad('policy')}>{v('policy')}</textarea></label>
          <label>{FIELD_LABELS.weight}<input name="weight" value={v('weight', '1')} inputmode="decimal" {...bad('weight')} /></label>
          <p class="muted">Weights are relative: control 1 and treatment 1 split live traffic in half.</p>
        </fieldset>
        <fieldset>
          <legend>Shadow arm (optional)</legend>
          <label class="row"><input type="checkbox" name="shadow" value="on" checked={v('shadow') === 'on'} {...bad('shadow')} /> {FIELD_LABELS.shadow}: scores and records every alert, never decides one</label>
          <div class="row-fields">
            <label>{FIELD_LABELS.shadowName}<input name="shadowName" value={v('shadowName', 'shadow')} maxlength={64} {...bad('shadowName')} /></label>
            <label>{FIELD_LABELS.shadowModel}<ModelSelect name="shadowModel" /></label>
            <label>{FIELD_LABELS.shadowCloseBelow}<input name="shadowCloseBelow" value={v('shadowCloseBelow')} inputmode="decimal" placeholder="default: service policy" {...bad('shadowCloseBelow')} /></label>
            <label>{FIELD_LABELS.shadowEscalateAt}<input name="shadowEscalateAt" value={v('shadowEscalateAt')} inputmode="decimal" {...bad('shadowEscalateAt')} /></label>
          </div>
        </fieldset>
        <fieldset>
          <legend>Guardrail and schedule</legend>
          <div class="row-fields">
            <label>{FIELD_LABELS.maxMissedRate}<input name="maxMissedRate" value={v('maxMissedRate')} inputmode="decimal" placeholder="e.g. 0.10 (none if empty)" {...bad('maxMissedRate')} /></label>
            <label>{FIELD_LABELS.stopAt}<input name="stopAt" type="datetime-local" value={v('stopAt')} {...bad('stopAt')} /></label>
          </div>
          <p class="muted">An arm whose missed-true-positive rate is confidently above the guardrail is stopped, and its traffic goes back to the control. Without a stop time the experiment runs until stopped.</p>
        </fieldset>
        <div><button type="submit" data-testid="start">Start experiment</button></div>
      </form>
    </Layout>
  );
}
