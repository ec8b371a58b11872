/** @module The console's page shell: header, navigation (only what the user may open), and the main column. */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { ConsoleUser } from './session.ts';
import { may } from './session.ts';
import { consoleAsset } from './assets.ts';

/** The console's pages, in navigation order. */
export const PAGES = [
  { path: '/', label: 'Overview' },
  { path: '/queue', label: 'Queue' },
  { path: '/thresholds', label: 'Thresholds' },
  { path: '/experiments', label: 'Experiments' },
  { path: '/models', label: 'Models' },
] as const;

export interface LayoutProps {
  title: string;
  /** Path of the page, to mark it in the navigation. */
  active: string;
  user: ConsoleUser;
  children?: Child;
  /** Extra script for the page: the name of a file in src/console/assets (served by winnow, never fetched elsewhere). */
  script?: string;
}

/** The document head every console page has: winnow's own stylesheet, no favicon request. */
export function Head({ title }: { title: string }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · winnow`}</title>
      <link rel="stylesheet" href={consoleAsset('console.css')} />
      <link rel="icon" href="data:," />
    </head>
  );
}

/** A page without navigation, for who is not signed in yet or cannot be served: sign-in, store down. */
export function BarePage({ title, children }: { title: string; children?: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <Head title={title} />
        <body>
          <header class="top"><span class="brand">winnow</span></header>
          <main>{children}</main>
        </body>
      </html>
    </>
  );
}

export function Layout({ title, active, user, children, script }: LayoutProps) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <Head title={title} />
        <body>
          <header class="top">
            <a class="brand" href="/">winnow</a>
            <nav>
              {PAGES.map((p) => (
                <a href={p.path} class={p.path === active ? 'on' : undefined} aria-current={p.path === active ? 'page' : undefined}>{p.label}</a>
              ))}
            </nav>
            <span class="who">
              {user.name}
              {may(user, 'admin') ? <span class="tag">admin</span> : null}
              {user.keyed ? (
                <form method="post" action="/logout" class="inline">
                  <input type="hidden" name="_csrf" value={user.csrf} />
                  <button type="submit" class="link">sign out</button>
                </form>
              ) : null}
            </span>
          </header>
          <main>
            <h1>{title}</h1>
            {children}
          </main>
          {script ? <script src={consoleAsset(script)} defer></script> : null}
        </body>
      </html>
    </>
  );
}

/** A labelled figure in the overview's tiles. */
export function Tile({ label, value, note, tone }: { label: string; value: Child; note?: Child; tone?: 'good' | 'warn' | 'bad' }) {
  return (
    <div class={`tile${tone ? ` ${tone}` : ''}`}>
      <div class="label">{label}</div>
      <div class="value">{value}</div>
      {note ? <div class="note">{note}</div> : null}
    </div>
  );
}

/** An SVG chart drawn by src/charts, inlined (it is built from escaped text only). */
export function Chart({ svg, caption }: { svg: string; caption?: string }) {
  return (
    <figure class="chart">
      {raw(svg.replace(/^<\?xml[^>]*>\s*/, ''))}
      {caption ? <figcaption>{caption}</figcaption> : null}
    </figure>
  );
}

/** Hidden CSRF field every console form carries. */
export function Csrf({ user }: { user: ConsoleUser }) {
  return <input type="hidden" name="_csrf" value={user.csrf} />;
}

/** A flash line after a redirect (`?done=…` or `?error=…`), shown once at the top of a page. */
export function Flash({ done, error }: { done?: string; error?: string }) {
  if (error) return <p class="flash bad" role="alert">{error}</p>;
  if (done) return <p class="flash good" role="status">{done}</p>;
  return null;
}
