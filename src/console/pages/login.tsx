/** @module The sign-in form: asked once, when the server has API keys; the key becomes a server-side session. */
import { BarePage } from '../layout.tsx';

export function loginPage({ next, error }: { next: string; error?: string }) {
  return (
    <BarePage title="Sign in">
      <h1>Sign in</h1>
      {error ? <p class="flash bad" role="alert">{error}</p> : null}
      <form method="post" action="/login" class="stack card">
        <input type="hidden" name="next" value={next} />
        <label>API key
          <input type="password" name="key" autocomplete="current-password" required autofocus />
        </label>
        <p class="muted">The key stays on the server: your browser keeps only a session cookie, for 12 hours or until you sign out. What you may see and do follows the key's scopes.</p>
        <div><button type="submit">Sign in</button></div>
      </form>
    </BarePage>
  );
}
