import type { AccessRequest, ApprovalState, Candidate } from '../../shared/index.js';
import type { TabLink } from './tab-link.js';

/** How often the confirm step asks whether a pending request was decided, while it is open. */
export const APPROVAL_POLL_MS = 2_000;

export interface ApprovalStepOptions {
  link: TabLink;
  user: Candidate;
  note: HTMLElement;
  button: HTMLButtonElement;
  reason: HTMLTextAreaElement;
  ticket: HTMLInputElement;
}

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * Four-eyes in the confirm step (docs/subject.md): for a protected user the button asks for
 * approval instead of starting; once asked, it waits (polling while open, or on reopening) and
 * becomes Start when a second admin has approved. A pending or approved request shows its own
 * reason and ticket, read-only: the session starts with what was approved.
 */
export function approvalStep(o: ApprovalStepOptions) {
  let timer: ReturnType<typeof setInterval> | undefined;
  let state: ApprovalState | undefined;

  function say(text: string) {
    o.note.textContent = text;
    o.note.hidden = !text;
  }

  function show(next: ApprovalState | undefined, request?: AccessRequest, why = '') {
    state = next;
    const name = o.user.name;
    // Fixed to the request's own words once it is known (if the host can't say, the admin may type them).
    o.reason.readOnly = o.ticket.readOnly = (next === 'pending' || next === 'approved') && request !== undefined;
    if (request) {
      o.reason.value = request.reason;
      o.ticket.value = request.ticket ?? '';
    }
    o.button.disabled = next === 'pending';
    o.button.textContent = next === 'required' ? 'Request approval' : next === 'pending' ? 'Waiting for approval…' : 'Start';
    if (next === 'required') say(`${why}Working on behalf of ${name} needs a second admin’s approval. Request approval sends your reason and ticket to the admins who approve.`);
    else if (next === 'pending')
      say(`Approval requested${request ? ` at ${time(request.createdAt)}` : ''}: waiting for a second admin. This updates by itself; you can also close this and pick ${name} again later.`);
    else if (next === 'approved')
      say(`Approved${request?.approver ? ` by ${request.approver.name}` : ''}. You can start now${request ? `, until ${time(request.expiresAt)}` : ''}.`);
    else say('');
    clearInterval(timer);
    timer = next === 'pending' ? setInterval(() => void check(), APPROVAL_POLL_MS) : undefined;
  }

  /** The admin's open approval request for this user, as the host has it now. */
  async function current(): Promise<AccessRequest | undefined> {
    const { requests } = await o.link.send<{ requests: AccessRequest[] }>({ type: 'requests' });
    return requests.find((r) => r.kind === 'approval' && String(r.subject.id) === String(o.user.id));
  }

  async function check() {
    try {
      const r = await current();
      if (state !== 'pending' && state !== 'approved') return;
      if (!r) show('required', undefined, 'The request was declined or has expired. ');
      else show(r.status === 'approved' ? 'approved' : 'pending', r);
    } catch {
      // The host did not answer this time: the next poll asks again.
    }
  }

  return {
    /** Start from what the user list said (`approval`), then read the request itself if there is one. */
    init() {
      show(o.user.approval);
      if (state === 'pending' || state === 'approved') void check();
    },
    /** The host answered APPROVAL_REQUIRED / APPROVAL_PENDING to a start: a request waits now. */
    requested() {
      show('pending');
      void check();
    },
    stop() {
      clearInterval(timer);
      o.reason.readOnly = o.ticket.readOnly = false;
    },
  };
}
