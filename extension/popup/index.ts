// The toolbar popup: the picker (not acting) or the session and its Exit (acting).
import '../lib/jitless.js';
import browser from 'webextension-polyfill';
import { BANNER, DEFAULT_REASON_RULES, ELIGIBILITY_MESSAGES, formatTimeLeft, reasonSchema, ticketSchema, type Candidate, type SessionView } from '../../shared/index.js';
import { originPattern, parseHost, DEFAULT_BASE_PATH, hostFor, loadHosts, recentUsers, rememberUser, saveHosts, type TabStatus } from '../lib/index.js';
import { approvalStep } from './approval.js';
import { currentRecent, picker } from './picker.js';
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

/** Show or clear a field's error beside it, and mark the field invalid (aria-invalid) while it has one. */
function fieldError(fieldId: string, errorId: string, text: string) {
  setError(errorId, text);
  if (text) $(fieldId).setAttribute('aria-invalid', 'true');
  else $(fieldId).removeAttribute('aria-invalid');
}

/** Which field a refusal of the server is about, if any. */
const FIELD_OF: Record<string, [string, string]> = { INVALID_REASON: ['reason', 'reason-error'], INVALID_TICKET: ['ticket', 'ticket-error'] };

function showConfirm(link: TabLink, origin: string, user: Candidate, back: () => void) {
  $('confirm-title').textContent = `Work on behalf of ${user.name}?`;
  $('confirm-email').textContent = user.email ?? '';
  fieldError('reason', 'reason-error', '');
  fieldError('ticket', 'ticket-error', '');
  setError('start-error', '');
  const form = $<HTMLFormElement>('confirm');
  const startButton = $<HTMLButtonElement>('start');
  const reasonField = $<HTMLTextAreaElement>('reason');
  const ticketField = $<HTMLInputElement>('ticket');
  reasonField.value = ticketField.value = '';
  const four = approvalStep({ link, user, note: $('approval-note'), button: startButton, reason: reasonField, ticket: ticketField });
  four.init();
  const leave = () => {
    four.stop();
    back();
  };
  $('back').onclick = leave;
  form.onkeydown = (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      leave();
    }
  };
  form.onsubmit = async (e) => {
    e.preventDefault();
    // The same rules the server applies (shared/protocol.ts); the server checks again.
    const reason = reasonSchema(DEFAULT_REASON_RULES).safeParse(reasonField.value);
    const ticket = ticketSchema.safeParse(ticketField.value);
    fieldError('reason', 'reason-error', reason.success ? '' : (reason.error.issues[0]?.message ?? 'Check the reason.'));
    fieldError('ticket', 'ticket-error', ticket.success ? '' : (ticket.error.issues[0]?.message ?? 'Check the ticket.'));
    setError('start-error', '');
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
      four.stop();
      await rememberUser(origin, { id: String(user.id), name: user.name, email: user.email });
      if (inTab) notice(`Started: ${BANNER.title(user.name)}.`);
      done();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const message = err instanceof Error ? err.message : 'Could not start. Try again.';
      const field = FIELD_OF[code];
      if (code === 'APPROVAL_REQUIRED' || code === 'APPROVAL_PENDING') {
        // The request is on its way (or was already): wait for a second admin here.
        await rememberUser(origin, { id: String(user.id), name: user.name, email: user.email });
        return four.requested();
      }
      if (field) {
        fieldError(field[0], field[1], message);
        $(field[0]).focus();
      } else setError('start-error', message);
    }
    startButton.disabled = false;
  };
  showView('confirm');
  reasonField.focus();
}

async function showPicker(link: TabLink, origin: string) {
  const search = async (q: string) => (await link.send<{ users: Candidate[] }>({ type: 'users', q, limit: 20 })).users;
  const p = picker({
    input: $<HTMLInputElement>('search'),
    list: $<HTMLUListElement>('results'),
    label: $('results-label'),
    empty: $('results-empty'),
    error: $('picker-error'),
    recent: recentUsers(origin).then((users) => currentRecent(users, search)),
    search,
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
