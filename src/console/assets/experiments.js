// winnow console, experiments page: fetches the running experiment's report fragment every few
// seconds and swaps it in, saying when it last did. Without this script the page is a plain page.
(function liveReport() {
  'use strict';
  const live = document.querySelector('[data-live-report]');
  const slot = document.querySelector('[data-live-slot]');
  if (!live || !slot) return;
  const status = live.querySelector('[data-live-status]');
  const src = live.getAttribute('data-live-report');
  const every = Math.max(1000, Number(live.getAttribute('data-every')) || 5000);
  const clock = (d) => d.toTimeString().slice(0, 8);
  let timer;
  let busy = false;

  function say(text, bad) {
    status.textContent = text;
    status.classList.toggle('bad', Boolean(bad));
  }

  async function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const res = await fetch(src, { credentials: 'same-origin', headers: { accept: 'text/html' }, cache: 'no-store' });
      // A redirect here is the login page: the session ended.
      if (res.redirected || res.status === 401) {
        stop();
        say('Your session has ended: reload the page to sign in again.', true);
        return;
      }
      if (!res.ok) {
        say(`Update failed at ${clock(new Date())} (${res.status}: ${(await res.text()).slice(0, 200)}); retrying.`, true);
        return;
      }
      // Same-origin HTML rendered by winnow from escaped text; the CSP keeps any script in it inert.
      slot.innerHTML = await res.text();
      const report = slot.querySelector('[data-status]');
      if (report && report.getAttribute('data-status') !== 'running') {
        stop();
        say(`Updated ${clock(new Date())}: the experiment has stopped; no more updates.`);
        return;
      }
      say(`Updated ${clock(new Date())} · every ${Math.round(every / 1000)} s`);
    } catch (err) {
      say(`Update failed at ${clock(new Date())} (${err && err.message ? err.message : 'network error'}); retrying.`, true);
    } finally {
      busy = false;
    }
  }

  function stop() {
    clearInterval(timer);
    timer = undefined;
  }

  say(`Live: updating every ${Math.round(every / 1000)} s`);
  timer = setInterval(refresh, every);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && timer !== undefined) refresh();
  });
})();
