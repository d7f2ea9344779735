// The toolbar popup: the picker (not acting) or the session and its Exit (acting).
import '../lib/jitless.js';
import browser from 'webextension-polyfill';
import { BANNER, DEFAULT_REASON_RULES, ELIGIBILITY_MESSAGES, formatTimeLeft, reasonSchema, ticketSchema, type Candidate, type SessionView } from '../../shared/index.js';
import { originPattern, parseHost, DEFAULT_BASE_PATH, hostFor, loadHosts, recentUsers, rememberUser, saveHosts, type RecentUser, type TabStatus } from '../lib/index.js';
import { picker } from './picker.js';
import { connect, tabOrigin, targetTab, type TabLink } from './tab-link.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const VIEWS = ['loading', 'notice', 'picker', 'confirm', 'acting'] as const;
// Inside a tab (tests, or opened by hand) the popup must not close itself.
const inTab = new URLSearchParams(location.search).has('tabId');

function showView(view: (typeof VIEWS)[number]) {
  for (const v of VIEWS) $(v).hidden = v !== view;
}

function setError(id: string, text: string) {
  const el = $(id);
  el.textContent = text;
  el.hidden = !text;
}

const done = () => {
  if (!inTab) window.close();
};

function notice(text: string, enableOrigin?: string) {
  $('notice-text').textContent = text;
  const enable = $<HTMLButtonElement>('enable');
  enable.hidden = !enableOrigin;
  if (enableOrigin) {
    enable.onclick = () => {
      // permissions.request must be the first call in the click handler (user gesture).
      void browser.permissions.request({ origins: [originPattern(enableOrigin)] }).then(async (granted) => {
        if (!granted) return;
        const hosts = await loadHosts();
        if (!hosts.some((h) => h.origin === enableOrigin)) await saveHosts([...hosts, parseHost(enableOrigin, DEFAULT_BASE_PATH)]);
        void init();
      });
    };
  }
  showView('notice');
}

function showActing(link: TabLink, session: SessionView, serverNow: number) {
  const offset = serverNow - Date.now();
  $('acting-title').textContent = BANNER.title(session.subject.name);
  $('acting-since').textContent = new Date(session.startedAt - offset).toLocaleTimeString();
  $('acting-reason').textContent = session.reason;
  $('acting-ticket').textContent = session.ticket ?? '';
  $('acting-ticket').hidden = $('acting-ticket-label').hidden = !session.ticket;
  $('acting-ro').hidden = !session.readOnly;
  const tick = () => ($('acting-left').textContent = formatTimeLeft(session.expiresAt - (Date.now() + offset)));
  tick();
  setInterval(tick, 1000);
  const exit = $<HTMLButtonElement>('exit');
  exit.onclick = async () => {
    exit.disabled = true;
    try {
      await link.send({ type: 'stop' });
      done();
    } catch (e) {
      setError('stop-error', e instanceof Error ? e.message : 'Exit failed.');
      exit.disabled = false;
    }
  };
  showView('acting');
  exit.focus();
}

function showConfirm(link: TabLink, origin: string, user: Candidate | RecentUser, back: () => void) {
  $('confirm-title').textContent = `Work on behalf of ${user.name}?`;
  $('confirm-email').textContent = 'email' in user && user.email ? user.email : '';
  setError('reason-error', '');
  setError('start-error', '');
  const form = $<HTMLFormElement>('confirm');
  const startButton = $<HTMLButtonElement>('start');
  $('back').onclick = back;
  form.onkeydown = (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      back();
    }
  };
  form.onsubmit = async (e) => {
    e.preventDefault();
    // The same rules the server applies (shared/protocol.ts); the server checks again.
    const reason = reasonSchema(DEFAULT_REASON_RULES).safeParse($<HTMLTextAreaElement>('reason').value);
    const ticket = ticketSchema.safeParse($<HTMLInputElement>('ticket').value);
    setError('reason-error', reason.success ? '' : (reason.error.issues[0]?.message ?? 'Invalid reason.'));
    setError('start-error', ticket.success ? '' : (ticket.error.issues[0]?.message ?? 'Invalid ticket.'));
    if (!reason.success) return $('reason').focus();
    if (!ticket.success) return $('ticket').focus();
    startButton.disabled = true;
    try {
      await link.send({
        type: 'start',
        userId: String(user.id),
        reason: reason.data,
        ticket: ticket.data || undefined,
        readOnly: $<HTMLInputElement>('read-only').checked,
      });
      await rememberUser(origin, { id: String(user.id), name: user.name });
      if (inTab) notice(`Started: ${BANNER.title(user.name)}.`);
      done();
    } catch (err) {
      const code = (err as { code?: string }).code;
      setError(code === 'INVALID_REASON' ? 'reason-error' : 'start-error', err instanceof Error ? err.message : 'Could not start.');
    } finally {
      startButton.disabled = false;
    }
  };
  showView('confirm');
  $('reason').focus();
}

async function showPicker(link: TabLink, origin: string) {
  const p = picker({
    input: $<HTMLInputElement>('search'),
    list: $<HTMLUListElement>('results'),
    label: $('results-label'),
    error: $('picker-error'),
    recent: await recentUsers(origin),
    search: async (q) => (await link.send<{ users: Candidate[] }>({ type: 'users', q, limit: 20 })).users,
    onPick: (user) =>
      showConfirm(link, origin, user, () => {
        showView('picker');
        p.focus();
      }),
    onEscape: done,
  });
  showView('picker');
  p.focus();
}

function render(link: TabLink, status: TabStatus) {
  if (status.active) return showActing(link, status.session, status.now);
  if (!status.signedIn) return notice(`Sign in to ${status.origin} first, then open onbehalf again.`);
  if (!status.canImpersonate) return notice(ELIGIBILITY_MESSAGES.NOT_ALLOWED);
  return showPicker(link, status.origin);
}

async function init() {
  showView('loading');
  const tab = await targetTab();
  if (!tab?.id) return notice('No tab to work in.');
  try {
    const connected = await connect(tab);
    if (connected) return render(connected.link, connected.status);
  } catch (e) {
    return notice(e instanceof Error ? e.message : 'The host app did not answer.');
  }
  const origin = tabOrigin(tab);
  if (origin && !(await hostFor(origin))) return notice(`onbehalf is not enabled on ${origin}.`, origin);
  notice('onbehalf is not enabled on this page.');
}

$('open-options').onclick = () => void browser.runtime.openOptionsPage().then(done);
void init();
