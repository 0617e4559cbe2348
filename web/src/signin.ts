// The sign-in page: after a failed sign-in (?failed=1) the one failure message the
// server gives for every failure; the page to come back to (?next=) into the form.
import 'govuk-frontend/dist/govuk/govuk-frontend.min.css';
import './styles.css';
import { h } from './dom.js';

/** The server's one failure message (server/auth/password.ts signInFailed). */
const FAILED = 'Name or password not recognised';

const q = new URLSearchParams(location.search);
const next = q.get('next');
if (next?.startsWith('/') && !next.startsWith('//')) (document.getElementById('sign-in-next') as HTMLInputElement).value = next;
if (q.get('failed') === '1') {
  const box = h(
    'div',
    { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary', tabindex: '-1', id: 'sign-in-failed' },
    h(
      'div',
      { role: 'alert' },
      h('h2', { class: 'govuk-error-summary__title' }, 'You could not be signed in'),
      h(
        'div',
        { class: 'govuk-error-summary__body' },
        h('ul', { class: 'govuk-list govuk-error-summary__list' }, h('li', {}, h('a', { href: '#sign-in-name' }, FAILED))),
      ),
    ),
  );
  document.getElementById('sign-in-error')!.replaceChildren(box);
  document.title = `Error: ${document.title}`;
  box.focus();
} else {
  document.getElementById('sign-in-name')?.focus();
}

// Single sign-on, when the server has it configured (server/auth/oidc.ts): its button, with the page to come back to.
void fetch('/auth/oidc/available')
  .then((r) => (r.ok ? (r.json() as Promise<{ oidc?: boolean }>) : null))
  .then((a) => {
    if (a?.oidc !== true) return;
    const link = document.getElementById('sign-in-oidc-button') as HTMLAnchorElement;
    if (next?.startsWith('/') && !next.startsWith('//')) link.href = `/auth/oidc/start?next=${encodeURIComponent(next)}`;
    document.getElementById('sign-in-oidc')!.hidden = false;
  })
  .catch(() => {
    // the server could not say: the button stays hidden
  });
