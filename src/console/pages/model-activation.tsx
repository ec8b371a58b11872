/**
 * @module Promote and roll back from the console (admin): a confirmation page says what changes,
 * from which model to which, with their figures side by side; the form then acts through the
 * admin API's own functions (activateModel, rollbackModel), conditional on the log entry the page
 * showed, so what was confirmed is what is recorded.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { activateModel, modelActionFailure, rollbackModel } from '../../http/model-routes.ts';
import type { Manifest } from '../../model/index.ts';
import { NothingToRollBackError, rollbackTarget } from '../../registry/activation-commands.ts';
import { type ActivationEntry, MAX_NOTE_LENGTH, type ModelRef, refName } from '../../store/activation-log.ts';
import type { ConsoleDeps } from '../console-deps.ts';
import { refuse } from '../form.ts';
import { count, pct, when } from '../format.ts';
import { Csrf, Flash, Layout } from '../layout.tsx';
import { keyMetrics, modelRefField, readManifest } from '../model-bundles.ts';
import { type ConsoleUser, may } from '../session.ts';

const noteField = z.string().max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`).transform((s) => s.trim() || undefined).optional();
/** The log's latest seq the confirmation showed; empty: the log was empty (or there is none). */
const seqField = z.string({ error: 'is missing: reload the confirmation page' }).regex(/^\d{0,15}$/, 'must be the number of a log entry').transform((s) => (s === '' ? null : Number(s)));
const promoteForm = z.object({ model: modelRefField, seq: seqField, note: noteField });
const rollbackForm = z.object({ seq: seqField.refine((s) => s !== null, 'is missing: reload the confirmation page'), note: noteField });

/** GET /models/promote?model=name/version: what promoting it changes, and the form that does it. */
export async function promotePage(c: Context, deps: ConsoleDeps) {
  const user = c.get('consoleUser');
  if (!may(user, 'admin')) return refuse(c, 403, `'${user.name}' lacks the 'admin' scope promoting a model needs`);
  const raw = c.req.query('model');
  if (raw === undefined) return refuse(c, 400, "query 'model' is missing: name the bundle to promote, e.g. /models/promote?model=default/2");
  const parsed = modelRefField.safeParse(raw);
  if (!parsed.success) return refuse(c, 400, `query 'model' ${parsed.error.issues[0].message}`);
  const target = parsed.data;
  const bundles = await deps.registry.list();
  if (!bundles.some((b) => b.name === target.name && b.version === target.version)) {
    return refuse(c, 404, `query 'model': no bundle ${refName(target)} in the models folder (have ${bundles.map((b) => `${b.name}/${b.version}`).join(', ') || 'none'})`);
  }
  let latest: ActivationEntry | undefined;
  try {
    latest = await deps.activations?.current();
  } catch (err) {
    return refuse(c, 503, `the activation log cannot be read (${(err as Error).message}); nothing can be promoted until it can`);
  }
  const serving = { name: deps.registry.active.name, version: deps.registry.active.version };
  const from = latest?.model ?? serving;
  const already = refName(from) === refName(target) && refName(serving) === refName(target);
  const [fromManifest, toManifest] = await Promise.all([manifestOrNull(deps, from), manifestOrNull(deps, target)]);
  return c.html(
    <Layout title={`Promote ${refName(target)}?`} active="/models" user={user}>
      <div class="card confirm" data-testid="confirm">
        {already ? <p><strong>{refName(target)}</strong> is already the active model: there is nothing to change.</p> : (
          <>
            <p data-testid="change">Every replica will serve <strong>{refName(target)}</strong> instead of <strong>{refName(from)}</strong>.</p>
            <WhatHappens log={Boolean(deps.activations)} latest={latest} serving={serving} />
          </>
        )}
        <Compare from={{ ref: from, manifest: fromManifest }} to={{ ref: target, manifest: toManifest }} />
        {already ? <p><a href="/models">Back to the models</a></p> : (
          <ConfirmForm action="/models/promote" user={user} fields={{ model: refName(target), seq: latest ? String(latest.seq) : '' }} why="the retrain of March passed its review">
            <button type="submit" data-testid="confirm-promote">Promote {refName(target)}</button>
          </ConfirmForm>
        )}
      </div>
    </Layout>,
  );
}

/** POST /models/promote (admin, through formAction). */
export async function promoteModel(c: Context, deps: ConsoleDeps) {
  const form = promoteForm.safeParse(c.get('form'));
  if (!form.success) return refuse(c, 400, fieldProblem(form.error));
  const { model, seq, note } = form.data;
  try {
    const done = await activateModel(model, {
      registry: deps.registry, activations: deps.activations, actor: c.get('consoleUser').name, note,
      ...(deps.activations ? { expectedLatestSeq: seq } : {}),
    });
    const was = done.activation?.from ? ` (was ${refName(done.activation.from)})` : '';
    const logged = done.activation ? `; activation #${done.activation.seq} is in the log, every replica follows it` : '; no activation log: only this replica changed';
    return c.redirect(`/models?done=${encodeURIComponent(`${refName(done.active)} is now active${was}${logged}.`)}`, 303);
  } catch (err) {
    return failurePage(c, deps, `Promoting ${refName(model)} failed`, err as Error);
  }
}

/** GET /models/rollback: the model before the log's latest entry, what changes, and the form. */
export async function rollbackPage(c: Context, deps: ConsoleDeps) {
  const user = c.get('consoleUser');
  if (!may(user, 'admin')) return refuse(c, 403, `'${user.name}' lacks the 'admin' scope rolling back a model needs`);
  const log = deps.activations;
  if (!log) return refuse(c, 404, 'this server keeps no activation log (it runs without a store): there is nothing to roll back to');
  let current: ActivationEntry;
  let target: ModelRef;
  try {
    ({ current, target } = await rollbackTarget(log));
  } catch (err) {
    if (err instanceof NothingToRollBackError) return failurePage(c, deps, 'Nothing to roll back', err);
    return refuse(c, 503, `the activation log cannot be read (${(err as Error).message}); nothing can be rolled back until it can`);
  }
  const [fromManifest, toManifest] = await Promise.all([manifestOrNull(deps, current.model), manifestOrNull(deps, target)]);
  const serving = { name: deps.registry.active.name, version: deps.registry.active.version };
  return c.html(
    <Layout title={`Roll back to ${refName(target)}?`} active="/models" user={user}>
      <div class="card confirm" data-testid="confirm">
        <p data-testid="change">Every replica will go back to <strong>{refName(target)}</strong>, from <strong>{refName(current.model)}</strong> (log entry #{current.seq}: {current.action} by {current.actor}, {when(current.activatedAt)}{current.note ? `, "${current.note}"` : ''}).</p>
        <WhatHappens log latest={current} serving={serving} />
        <Compare from={{ ref: current.model, manifest: fromManifest }} to={{ ref: target, manifest: toManifest }} />
        <ConfirmForm action="/models/rollback" user={user} fields={{ seq: String(current.seq) }} why="the review queue doubled after the promotion">
          <button type="submit" class="danger" data-testid="confirm-rollback">Roll back to {refName(target)}</button>
        </ConfirmForm>
      </div>
    </Layout>,
  );
}

/** POST /models/rollback (admin, through formAction). */
export async function rollbackModelForm(c: Context, deps: ConsoleDeps) {
  const form = rollbackForm.safeParse(c.get('form'));
  if (!form.success) return refuse(c, 400, fieldProblem(form.error));
  const log = deps.activations;
  if (!log) return refuse(c, 404, 'this server keeps no activation log (it runs without a store): there is nothing to roll back to');
  try {
    const done = await rollbackModel({ registry: deps.registry, activations: log, actor: c.get('consoleUser').name, note: form.data.note, expectedLatestSeq: form.data.seq });
    const was = done.activation?.from ? ` (was ${refName(done.activation.from)})` : '';
    return c.redirect(`/models?done=${encodeURIComponent(`Rolled back: ${refName(done.active)} is now active${was}; activation #${done.activation?.seq} is in the log, every replica follows it.`)}`, 303);
  } catch (err) {
    return failurePage(c, deps, 'Rolling back failed', err as Error);
  }
}

/** The confirmation's form: the CSRF token, what was confirmed (hidden), a note, the button and a way out. */
function ConfirmForm({ action, user, fields, why, children }: { action: string; user: ConsoleUser; fields: Record<string, string>; why: string; children: Child }) {
  return (
    <form method="post" action={action} class="stack" data-testid="confirm-form">
      <Csrf user={user} />
      {Object.entries(fields).map(([name, value]) => <input type="hidden" name={name} value={value} />)}
      <label>Note (kept in the activation log)<textarea name="note" rows={2} maxlength={MAX_NOTE_LENGTH} placeholder={`why, e.g. ${why}`}></textarea></label>
      <div>{children} <a href="/models">Cancel</a></div>
    </form>
  );
}

/** What confirming does, in the terms of this deployment (log or not, replica behind or not). */
function WhatHappens({ log, latest, serving }: { log: boolean; latest?: ActivationEntry; serving: ModelRef }) {
  if (!log) return <p class="muted">This server keeps no activation log: only this process changes model; other replicas are not told.</p>;
  return (
    <p class="muted">
      The bundle is loaded and probed here first; only if it passes is an entry recorded in the activation log, which every replica follows
      (each loads the bundle from its own models folder), and this replica switches at once. Requests already running finish on the old model.
      {latest && refName(latest.model) !== refName(serving) ? ` Note: this replica serves ${refName(serving)}, not the log's ${refName(latest.model)}.` : ''}
    </p>
  );
}

/** The two models' key figures side by side. */
function Compare({ from, to }: { from: { ref: ModelRef; manifest: Manifest | null }; to: { ref: ModelRef; manifest: Manifest | null } }) {
  const a = from.manifest && keyMetrics(from.manifest);
  const b = to.manifest && keyMetrics(to.manifest);
  const row = (label: string, f: (m: NonNullable<typeof a>) => string) => (
    <tr><th scope="row">{label}</th><td class="num">{a ? f(a) : '—'}</td><td class="num">{b ? f(b) : '—'}</td></tr>
  );
  return (
    <table data-testid="compare">
      <thead><tr><th></th><th class="num">now: {refName(from.ref)}</th><th class="num">after: {refName(to.ref)}</th></tr></thead>
      <tbody>
        {row('kind', (m) => m.algo)}
        {row('trained', (m) => when(m.trainedAt))}
        {row('training rows (true positives)', (m) => `${count(m.rows)} (${count(m.positives)})`)}
        {row('measured on', (m) => m.measuredOn)}
        {row('AUC', (m) => m.auc.toFixed(4))}
        {row('PR AUC', (m) => m.prAuc.toFixed(4))}
        {row('FP reduction at 95% recall', (m) => pct(m.fpReduction95))}
        {row('FP reduction at 99% recall', (m) => pct(m.fpReduction99))}
        {row('threshold for 95% recall', (m) => m.threshold95.toPrecision(4))}
        {row('feature spec', (m) => `${m.specHash.slice(7, 19)}…`)}
      </tbody>
      {a && b && a.specHash !== b.specHash ? (
        <tfoot><tr><td colspan={3} class="flash bad">The feature specs differ: check that callers send every attribute {refName(to.ref)} reads before promoting.</td></tr></tfoot>
      ) : null}
    </table>
  );
}

async function manifestOrNull(deps: ConsoleDeps, ref: ModelRef): Promise<Manifest | null> {
  return readManifest(deps.registry.modelsDir, ref).catch(() => null);
}

/** A refused promote or rollback: the status the API answers for the same failure, and what to do. */
function failurePage(c: Context, deps: ConsoleDeps, title: string, err: Error) {
  const f = modelActionFailure(err);
  const message = f.code === 'conflict'
    ? `${err.message}. Someone else changed the active model since the confirmation was shown: open the models page and confirm again.`
    : f.message;
  return c.html(
    <Layout title={title} active="/models" user={c.get('consoleUser')}>
      <Flash error={message} />
      <p>{deps.registry.active.name}/{deps.registry.active.version} keeps serving on this replica. <a href="/models">Back to the models</a></p>
    </Layout>,
    f.status,
  );
}

function fieldProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `field '${issue.path.join('.') || '(form)'}' ${issue.message}`;
}
