// The options page: the host apps the extension runs on (origin + onbehalf path).
import browser from 'webextension-polyfill';
import { loadHosts, originPattern, parseHost, saveHosts, type HostConfig } from '../lib/index.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function say(text: string) {
  $('saved').textContent = text;
}

function setError(text: string) {
  const el = $('add-error');
  el.textContent = text;
  el.hidden = !text;
}

async function remove(host: HostConfig) {
  const rest = (await loadHosts()).filter((h) => h.origin !== host.origin);
  await saveHosts(rest);
  // Another enabled origin on the same host name (another port) still needs the permission.
  const pattern = originPattern(host.origin);
  if (!rest.some((h) => originPattern(h.origin) === pattern)) await browser.permissions.remove({ origins: [pattern] });
  say(`Removed ${host.origin}.`);
  await list();
}

async function list() {
  const hosts = await loadHosts();
  const rows = $('host-rows');
  rows.replaceChildren(
    ...hosts.map((host) => {
      const tr = document.createElement('tr');
      const origin = document.createElement('td');
      origin.textContent = host.origin;
      const path = document.createElement('td');
      path.textContent = host.basePath;
      const actions = document.createElement('td');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Remove';
      button.setAttribute('aria-label', `Remove ${host.origin}`);
      button.addEventListener('click', () => void remove(host));
      actions.append(button);
      tr.append(origin, path, actions);
      return tr;
    }),
  );
  $('hosts').hidden = hosts.length === 0;
  $('no-hosts').hidden = hosts.length > 0;
}

$('add').addEventListener('submit', (e) => {
  e.preventDefault();
  setError('');
  let host: HostConfig;
  try {
    host = parseHost($<HTMLInputElement>('origin').value, $<HTMLInputElement>('base-path').value);
  } catch (err) {
    setError((err as Error).message);
    return;
  }
  // permissions.request must run in the submit handler itself (user gesture), before any await.
  void browser.permissions.request({ origins: [originPattern(host.origin)] }).then(async (granted) => {
    if (!granted) return setError(`Access to ${host.origin} was not granted, so it was not added.`);
    const hosts = (await loadHosts()).filter((h) => h.origin !== host.origin);
    await saveHosts([...hosts, host]);
    $<HTMLInputElement>('origin').value = '';
    say(`Added ${host.origin}. Reload its open tabs.`);
    await list();
  });
});

void list();
