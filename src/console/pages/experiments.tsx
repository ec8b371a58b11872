/**
 * @module The experiments pages: the running experiment's report (verdicts, intervals, chart),
 * updated live by a small script that swaps in the report fragment; past experiments; one
 * experiment's page; start (experiment-new.tsx) and stop for admins. Reports, starts and stops go
 * through the functions the `/v1/experiments` routes use.
 */
import type { Context, Hono } from 'hono';
import type { ExperimentState } from '../../experiments/experiment-schema.ts';
import { experimentSchema } from '../../experiments/experiment-schema.ts';
import type { ExperimentReport } from '../../experiments/report.ts';
import { failed, reportOfExperiment, reportQuery, stopBodySchema, stopRunningExperiment } from '../../http/experiment-routes.ts';
import type { ConsoleDeps } from '../console-deps.ts';
import { formAction, refuse } from '../form.ts';
import { when } from '../format.ts';
import { Csrf, Flash, Layout } from '../layout.tsx';
import { type ConsoleUser, may } from '../session.ts';
import { newExperimentPage, startFromForm } from './experiment-new.tsx';
import { describeArm, ReportView } from './experiment-report-view.tsx';

/** How often the page's script fetches the report again (ms); the page says so. */
export const LIVE_REFRESH_MS = 5000;
const SCRIPT = 'experiments.js';

type Experiments = NonNullable<ConsoleDeps['experiments']>;

/** Registers the experiments pages on the console. */
export function addExperimentPages(app: Hono, deps: ConsoleDeps): void {
  app.get('/experiments', (c) => withExperiments(c, deps, (x) => experimentsPage(c, x, deps)));
  app.get('/experiments/new', (c) => newExperimentPage(c, deps));
  app.post('/experiments', formAction('admin', (c) => startFromForm(c, deps)));
  app.get('/experiments/:id', (c) => withExperiments(c, deps, (x) => experimentPage(c, x, deps)));
  app.get('/experiments/:id/report.html', (c) => withExperiments(c, deps, (x) => reportFragment(c, x, deps)));
  app.post('/experiments/:id/stop', formAction('admin', (c) => withExperiments(c, deps, (x) => stopFromForm(c, x))));
}

function withExperiments(c: Context, deps: ConsoleDeps, page: (x: Experiments) => Promise<Response>) {
  if (!deps.experiments) {
    return c.html(
      <Layout title="Experiments" active="/experiments" user={c.get('consoleUser')}>
        <p class="empty">This server runs without experiments (it keeps no experiment store).</p>
      </Layout>,
      404,
    );
  }
  return page(deps.experiments);
}

/** The `:id` path parameter, checked as the experiment schema checks ids; undefined when it could be no experiment's. */
function experimentId(c: Context): string | undefined {
  const parsed = experimentSchema.shape.id.safeParse(c.req.param('id'));
  return parsed.success ? parsed.data : undefined;
}

/** `?minutesPerAlert=`, as the report API reads it. */
function minutesPerAlert(c: Context): { ok: true; value?: number } | { ok: false; message: string } {
  const q = reportQuery.safeParse({ minutesPerAlert: c.req.query('minutesPerAlert') });
  return q.success ? { ok: true, value: q.data.minutesPerAlert } : { ok: false, message: `minutesPerAlert: ${q.error.issues[0].message}` };
}

/** The report of one experiment, or the refusal (404 unknown, 503 store) as a console answer. */
async function readReport(c: Context, x: Experiments, id: string, minutes?: number): Promise<{ state: ExperimentState; report: ExperimentReport } | Response> {
  try {
    const report = await reportOfExperiment(x, id, minutes);
    // Read after the report: a guardrail stop made while reporting shows in both.
    const state = await x.store.getExperiment(id);
    if (!state) return refuse(c, 404, `no experiment '${id}'`);
    return { state, report };
  } catch (err) {
    const f = failed(err as Error);
    return refuse(c, f.status === 404 ? 404 : 503, f.message);
  }
}

/** GET /experiments: the running experiment (if any) with its live report, then the past ones. */
async function experimentsPage(c: Context, x: Experiments, deps: ConsoleDeps) {
  const user = c.get('consoleUser');
  const minutes = minutesPerAlert(c);
  if (!minutes.ok) return refuse(c, 400, minutes.message);
  let all: ExperimentState[];
  try {
    all = await x.store.listExperiments();
  } catch (err) {
    return refuse(c, 503, failed(err as Error).message);
  }
  const running = all.find((e) => e.status === 'running');
  const shown = running ? await readReport(c, x, running.id, minutes.value) : undefined;
  if (shown instanceof Response) return shown;
  const past = all.filter((e) => e.id !== running?.id);
  return c.html(
    <Layout title="Experiments" active="/experiments" user={user} script={shown ? SCRIPT : undefined}>
      <Flash done={c.req.query('done')} error={c.req.query('error')} />
      {shown ? (
        <ExperimentBlock state={shown.state} report={shown.report} user={user} minutes={minutes.value} heading asOf={deps.now()} />
      ) : (
        <div class="empty" data-testid="none-running">
          <p><strong>No experiment is running.</strong> An experiment splits live traffic between the service's model and policy (the control) and a challenger, and reports what each closes and misses.</p>
          {may(user, 'admin')
            ? <p><a class="button" href="/experiments/new" data-testid="new-experiment">Start an experiment</a></p>
            : <p class="muted">Starting one needs the admin scope.</p>}
        </div>
      )}
      <h2>Past experiments</h2>
      {past.length === 0 ? <p class="muted">None yet.</p> : <ExperimentList experiments={past} />}
    </Layout>,
  );
}

/** GET /experiments/:id */
async function experimentPage(c: Context, x: Experiments, deps: ConsoleDeps) {
  const id = experimentId(c);
  if (id === undefined) return refuse(c, 400, 'id: not an experiment id (1–64 letters, digits, ".", "_" or "-")');
  const minutes = minutesPerAlert(c);
  if (!minutes.ok) return refuse(c, 400, minutes.message);
  const shown = await readReport(c, x, id, minutes.value);
  if (shown instanceof Response) return shown;
  const user = c.get('consoleUser');
  return c.html(
    <Layout title={`Experiment ${id}`} active="/experiments" user={user} script={shown.state.status === 'running' ? SCRIPT : undefined}>
      <p><a href="/experiments">← Experiments</a></p>
      <Flash done={c.req.query('done')} error={c.req.query('error')} />
      <ExperimentBlock state={shown.state} report={shown.report} user={user} minutes={minutes.value} asOf={deps.now()} />
    </Layout>,
  );
}

/** GET /experiments/:id/report.html: the report alone, for the page's live update. */
async function reportFragment(c: Context, x: Experiments, deps: ConsoleDeps) {
  const id = experimentId(c);
  if (id === undefined) return refuse(c, 400, 'id: not an experiment id');
  const minutes = minutesPerAlert(c);
  if (!minutes.ok) return refuse(c, 400, minutes.message);
  const shown = await readReport(c, x, id, minutes.value);
  if (shown instanceof Response) return shown;
  return c.html(<ReportView state={shown.state} report={shown.report} asOf={deps.now()} />);
}

/** POST /experiments/:id/stop (admin, through formAction). */
async function stopFromForm(c: Context, x: Experiments) {
  const id = experimentId(c);
  if (id === undefined) return refuse(c, 400, 'id: not an experiment id');
  const reason = c.get('form').reason?.trim();
  const parsed = stopBodySchema.safeParse({ reason: reason || undefined });
  if (!parsed.success) return refuse(c, 400, `reason: ${parsed.error.issues[0].message}`);
  const outcome = await stopRunningExperiment(x, id, parsed.data.reason, c.get('consoleUser').name);
  if (!outcome.ok) return refuse(c, outcome.status === 404 ? 404 : outcome.status === 409 ? 409 : 503, outcome.message);
  return c.redirect(`/experiments/${encodeURIComponent(id)}?done=${encodeURIComponent(`Stopped experiment ${id}.`)}`, 303);
}

function ExperimentBlock({ state, report, user, minutes, heading, asOf }: { state: ExperimentState; report: ExperimentReport; user: ConsoleUser; minutes?: number; heading?: boolean; asOf: Date }) {
  const d = state.definition;
  const running = state.status === 'running';
  const src = `/experiments/${encodeURIComponent(state.id)}/report.html${minutes !== undefined ? `?minutesPerAlert=${minutes}` : ''}`;
  return (
    <section data-testid="experiment" data-experiment={state.id}>
      {heading ? <h2>Running: <a href={`/experiments/${encodeURIComponent(state.id)}`}>{state.id}</a></h2> : null}
      <div class="grid2">
        <dl class="facts" data-testid="definition">
          <dt>status</dt><dd><span class={`pill ${running ? 'running' : 'stopped'}`}>{state.status}</span>{state.stopReason ? ` ${state.stopReason}` : ''}</dd>
          {d.description ? <><dt>description</dt><dd>{d.description}</dd></> : null}
          <dt>started</dt><dd>{when(state.createdAt)} by {state.createdBy}</dd>
          <dt>window</dt><dd>{d.startAt ? `from ${when(d.startAt)}` : 'from creation'}{d.stopAt ? ` until ${when(d.stopAt)}` : ' until stopped'}</dd>
          {state.stoppedAt ? <><dt>stopped</dt><dd>{when(state.stoppedAt)}</dd></> : null}
          <dt>arms</dt>
          <dd><ul class="plain">{d.arms.map((a, i) => <li><strong>{a.name}</strong> ({i === 0 ? 'control' : a.shadow ? 'shadow' : 'treatment'}): {describeArm(a)}</li>)}</ul></dd>
        </dl>
        {running && may(user, 'admin') ? (
          <form method="post" action={`/experiments/${encodeURIComponent(state.id)}/stop`} class="stack card" data-testid="stop-form">
            <Csrf user={user} />
            <label>Reason for stopping<input name="reason" maxlength={2000} placeholder={`stopped by ${user.name}`} /></label>
            <div><button type="submit" class="danger" data-testid="stop">Stop experiment</button></div>
            <p class="muted">Traffic goes back to the service's model and policy at once; the records and this report stay.</p>
          </form>
        ) : null}
      </div>
      {running ? (
        <p class="live" data-live-report={src} data-every={String(LIVE_REFRESH_MS)}>
          <span data-testid="updated" data-live-status>Live updates need JavaScript: reload the page to see new traffic and labels.</span>
        </p>
      ) : null}
      <div data-live-slot>
        <ReportView state={state} report={report} asOf={asOf} />
      </div>
    </section>
  );
}

function ExperimentList({ experiments }: { experiments: ExperimentState[] }) {
  return (
    <table data-testid="past">
      <thead><tr><th>experiment</th><th>status</th><th>started</th><th>by</th><th>stopped</th><th>why</th><th class="num">arms</th></tr></thead>
      <tbody>
        {experiments.map((e) => (
          <tr>
            <td><a href={`/experiments/${encodeURIComponent(e.id)}`}>{e.id}</a>{e.definition.description ? <div class="muted small">{e.definition.description}</div> : null}</td>
            <td><span class={`pill ${e.status}`}>{e.status}</span></td>
            <td>{when(e.createdAt)}</td>
            <td>{e.createdBy}</td>
            <td>{e.stoppedAt ? when(e.stoppedAt) : '—'}</td>
            <td>{e.stopReason ?? ''}</td>
            <td class="num">{e.definition.arms.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
