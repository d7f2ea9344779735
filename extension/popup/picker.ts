import type { Candidate } from '../../shared/index.js';
import type { RecentUser } from '../lib/index.js';

export const SEARCH_DEBOUNCE_MS = 200;

export interface PickerOptions {
  input: HTMLInputElement;
  list: HTMLUListElement;
  label: HTMLElement;
  error: HTMLElement;
  recent: RecentUser[];
  search: (q: string) => Promise<Candidate[]>;
  onPick: (user: Candidate | RecentUser) => void;
  onEscape: () => void;
}

type Entry = { user: Candidate | RecentUser; eligible: boolean; message?: string; email?: string };

/**
 * The user picker: a combobox with a listbox (WAI-ARIA pattern). Typing searches after a
 * debounce (stale answers are dropped), ↑/↓ move, Enter picks, Esc clears then closes.
 * Ineligible users are listed, greyed, with the reason in words, and can't be picked.
 */
export function picker(o: PickerOptions) {
  let entries: Entry[] = [];
  let active = -1;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function render(title: string, list: Entry[], emptyText: string) {
    entries = list;
    o.label.textContent = title;
    o.list.replaceChildren();
    if (!list.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = emptyText;
      o.list.append(li);
    }
    list.forEach((entry, i) => {
      const li = document.createElement('li');
      li.id = `option-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      if (!entry.eligible) li.setAttribute('aria-disabled', 'true');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = entry.user.name;
      li.append(name);
      if (entry.email) {
        const email = document.createElement('span');
        email.className = 'email';
        email.textContent = entry.email;
        li.append(email);
      }
      if (!entry.eligible) {
        const why = document.createElement('span');
        why.className = 'why';
        why.textContent = entry.message ?? 'Not eligible.';
        li.append(why);
      }
      li.addEventListener('mousemove', () => setActive(i));
      li.addEventListener('click', () => pick(i));
      o.list.append(li);
    });
    o.input.setAttribute('aria-expanded', String(list.length > 0));
    setActive(list.findIndex((e) => e.eligible));
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
    const entry = entries[i];
    if (!entry) return;
    if (!entry.eligible) {
      showError(`${entry.user.name}: ${entry.message ?? 'not eligible.'}`);
      return;
    }
    o.onPick(entry.user);
  }

  function showError(text: string) {
    o.error.textContent = text;
    o.error.hidden = !text;
  }

  function showRecent() {
    render('Recent', o.recent.map((user) => ({ user, eligible: true })), 'Type a name or an email to search.');
  }

  async function search(q: string) {
    const mine = ++seq;
    try {
      const users = await o.search(q);
      if (mine !== seq) return;
      showError('');
      render(
        'Results',
        users.map((user) => ({ user, eligible: user.eligible, message: user.message, email: user.email })),
        'No user matches.',
      );
    } catch (e) {
      if (mine === seq) showError(e instanceof Error ? e.message : 'Search failed.');
    }
  }

  o.input.addEventListener('input', () => {
    clearTimeout(timer);
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
        if (o.input.value) {
          o.input.value = '';
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
  return { focus: () => o.input.focus() };
}
