// The SPA: signs in with the app's own cookie session, and calls the notes API (another origin)
// with an acting token from the typed client. Text only: nothing from the server becomes HTML.
import { OnBehalfClientError, onBehalfClient } from 'onbehalf/client';

const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const API = meta('notes-api');
const ob = onBehalfClient();
const token = ob.tokenFor(meta('notes-audience'));
const $ = (id) => document.getElementById(id);

function show(text) {
  $('result').textContent = text;
}

/** Call the API with the acting token; show its answer, or why there is none. */
async function callApi(path, init) {
  try {
    const res = await token.fetch(API + path, init);
    const body = await res.json();
    show(`${res.status} ${JSON.stringify(body)}`);
  } catch (e) {
    // No token: the session is over (exited in another tab, revoked, expired).
    show(e instanceof OnBehalfClientError ? `refused: ${e.code}` : `failed: ${e.message}`);
  }
}

async function render() {
  const s = await ob.status();
  $('login').hidden = s.active || s.signedIn;
  $('start').hidden = s.active || !s.signedIn || !s.canImpersonate;
  $('acting').hidden = !s.active;
  $('notes-ui').hidden = !s.active;
  if (s.active) {
    $('who').textContent = `Signed in as ${s.session.subject.name}`;
    $('acting-text').textContent = `You are working on behalf of ${s.session.subject.name} (you are ${s.session.actor.name}). Reason: ${s.session.reason}`;
  } else {
    token.clear();
    $('who').textContent = s.signedIn ? 'Signed in (not acting)' : 'Signed out';
  }
}

$('start').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  try {
    await ob.start({ userId: String(f.get('userId')), reason: String(f.get('reason')) });
  } catch (err) {
    show(`refused: ${err.code ?? err.message}`);
  }
  await render();
});
$('exit').addEventListener('click', async () => {
  await ob.stop().catch(() => undefined);
  await render();
});
$('load').addEventListener('click', () => callApi('/notes'));
$('add').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = String(new FormData(e.target).get('text'));
  callApi('/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
});

render().catch((e) => show(`failed: ${e.message}`));
