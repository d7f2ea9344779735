import type { Candidate } from '../../shared/index.js';
import type { RecentUser } from '../lib/index.js';

export const SEARCH_DEBOUNCE_MS = 200;

export interface PickerOptions {
  input: HTMLInputElement;
  list: HTMLUListElement;
  label: HTMLElement;
  /** Shown instead of the list when it has no entry. */
  empty: HTMLElement;
  error: HTMLElement;
  /** The recently picked users as the host sees them now (see {@link currentRecent}). */
  recent: Promise<Candidate[]>;
  search: (q: string) => Promise<Candidate[]>;
  onPick: (user: Candidate) => void;
  onEscape: () => void;
}

/** Eligible users first, each group in the host's order. */
const eligibleFirst = (users: Candidate[]) => [...users.filter((u) => u.eligible), ...users.filter((u) => !u.eligible)];

/** What an entry says under the name: why it can't be picked, or where its approval stands. */
function note(user: Candidate): { text: string; className: string } | undefined {
  if (!user.eligible) return { text: user.message ?? 'Not eligible.', className: 'why' };
  if (user.approval === 'pending') return { text: 'Approval requested: waiting for a second admin.', className: 'state' };
  if (user.approval === 'approved') return { text: 'Approved: you can start.', className: 'state' };
  if (user.approval === 'required') return { text: 'Needs a second admin’s approval.', className: 'state' };
  return undefined;
}

/**
 * Recently picked users, checked again with the host (by e-mail, else name): what they can be
 * now, not what they were. One not found, or not checkable now, can't be picked.
 */
export async function currentRecent(recent: RecentUser[], search: (q: string) => Promise<Candidate[]>): Promise<Candidate[]> {
  return Promise.all(
    recent.map(async (u): Promise<Candidate> => {
      const stale = { id: u.id, name: u.name, ...(u.email && { email: u.email }), eligible: false };
      try {
        const found = (await search(u.email ?? u.name)).find((c) => String(c.id) === u.id);
        return found ?? { ...stale, message: 'Not found in the directory any more.' };
      } catch {
        return { ...stale, message: 'Could not be checked just now: search for them by name.' };
      }
    }),
  );
}

/**
 * The user picker: a combobox with a listbox (WAI-ARIA pattern; the input keeps focus). Typing
 * searches after a debounce (stale answers are dropped), ↑/↓ move, Enter picks, Esc clears the
 * search and any message, then closes. Eligible users come first; the others are listed greyed
 * with the reason in words, and Enter on one says that reason.
 */
export function picker(o: PickerOptions) {
  let entries: Candidate[] = [];
  let active = -1;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let recent: Candidate[] | undefined;

  function render(title: string, list: Candidate[], emptyText: string) {
    entries = eligibleFirst(list);
    o.label.textContent = title;
    o.list.replaceChildren();
    // A listbox holds options only: with none, it goes and the text says why.
    o.list.hidden = !entries.length;
    o.empty.hidden = !!entries.length;
    o.empty.textContent = entries.length ? '' : emptyText;
    entries.forEach((user, i) => {
      const li = document.createElement('li');
      li.id = `option-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      if (!user.eligible) li.setAttribute('aria-disabled', 'true');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = user.name;
      li.append(name);
      if (user.email) {
        const email = document.createElement('span');
        email.className = 'email';
        email.textContent = user.email;
        li.append(email);
      }
      const n = note(user);
      if (n) {
        const span = document.createElement('span');
        span.className = n.className;
        span.textContent = n.text;
        li.append(span);
      }
      li.addEventListener('mousemove', () => setActive(i));
      li.addEventListener('click', () => pick(i));
      o.list.append(li);
    });
    o.input.setAttribute('aria-expanded', String(entries.length > 0));
    // The first entry: eligible if anyone is (they come first); else one whose reason Enter says.
    setActive(entries.length ? 0 : -1);
  }

  function setActive(i: number) {
    active = i;
    o.list.querySelectorAll('li[role="option"]').forEach((li, j) => {
      li.classList.toggle('active', j === i);
      li.setAttribute('aria-selected', String(j === i));
      if (j === i) li.scrollIntoView({ block: 'nearest' });
    });
    if (i >= 0) o.input.setAttribute('aria-activedescendant', `option-${i}`);
    else o.input.removeAttribute('aria-activedescendant');
  }

  function pick(i: number) {
    const user = entries[i];
    if (!user) return;
    if (!user.eligible) return showError(`You can’t work on behalf of ${user.name}: ${user.message ?? 'not eligible.'}`);
    o.onPick(user);
  }

  function showError(text: string) {
    o.error.textContent = text;
    o.error.hidden = !text;
  }

  function showRecent() {
    if (recent) render('Recent users', recent, 'Type a name or an email to search.');
    else render('Recent users', [], 'Checking recent users…');
  }

  async function search(q: string) {
    const mine = ++seq;
    try {
      const users = await o.search(q);
      if (mine !== seq) return;
      showError('');
      render(`Users matching “${q}”`, users, 'No user matches.');
    } catch (e) {
      if (mine === seq) showError(e instanceof Error ? e.message : 'The search failed. Try again.');
    }
  }

  o.input.addEventListener('input', () => {
    clearTimeout(timer);
    // A message about the previous list no longer applies.
    showError('');
    const q = o.input.value.trim();
    if (!q) {
      seq++;
      showRecent();
      return;
    }
    timer = setTimeout(() => void search(q), SEARCH_DEBOUNCE_MS);
  });

  o.input.addEventListener('keydown', (e) => {
    const step = (d: number) => {
      if (!entries.length) return;
      setActive((active + d + entries.length) % entries.length);
    };
    switch (e.key) {
      case 'ArrowDown':
        step(1);
        break;
      case 'ArrowUp':
        step(-1);
        break;
      case 'Enter':
        pick(active);
        break;
      case 'Escape':
        if (o.input.value || !o.error.hidden) {
          clearTimeout(timer);
          o.input.value = '';
          showError('');
          seq++;
          showRecent();
        } else o.onEscape();
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  showRecent();
  void o.recent.then((users) => {
    recent = users;
    if (!o.input.value.trim()) showRecent();
  });
  return { focus: () => o.input.focus() };
}
