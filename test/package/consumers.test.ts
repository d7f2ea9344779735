/**
 * The consumer matrix: the packed tarball installed into fresh projects, as a new user meets it.
 * Express 5 (with the optional Redis peers) and Express 4 (without them); in each, ESM,
 * CommonJS `require`, and TypeScript under nodenext (ESM and CJS), bundler and node10. Every
 * setup type-checks (TypeScript, strict, library types checked too), mounts onbehalf, and an
 * admin starts and exits an impersonation over HTTP through the installed `onbehalf/client`.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/http.js';
import { hostSource, SETUPS, type Setup } from './hosts.js';

const root = resolve(import.meta.dirname, '../..');
const exec = promisify(execFile);
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

const PROJECTS = [
  { name: 'express5', redis: true, dependencies: { express: '^5.1.0', 'express-session': '^1.18.0', redis: '^5.0.0', 'connect-redis': '^9.0.0', 'rate-limit-redis': '^6.0.0' } },
  { name: 'express4', redis: false, dependencies: { express: '^4.21.0', 'express-session': '^1.18.0' } },
];

let work: string;
let tarball: string;
let packedFiles: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onbehalf-package-'));
  // `npm pack` runs prepack (the build), as `npm publish` would.
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, maxBuffer: 16 << 20 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  tarball = join(work, packed.filename);
  packedFiles = packed.files.map((f: { path: string }) => f.path);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds only the library: compiled server and protocol, their types, LICENSE, README, CHANGELOG', () => {
    const strays = packedFiles.filter((f) => !/^(dist\/(server|shared)\/.+\.(js|d\.ts)|LICENSE|README\.md|CHANGELOG\.md|package\.json)$/.test(f));
    expect(strays).toEqual([]);
    expect(packedFiles).toContain('LICENSE');
    expect(packedFiles.some((f) => f.startsWith('dist/examples/') || f.startsWith('dist/extension/') || f.endsWith('.map'))).toBe(false);
  });

  it('holds every file package.json points at: exports, main/types, typesVersions, bin', () => {
    const targets = [
      pkg.main,
      pkg.types,
      ...Object.values(pkg.bin),
      ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e as Record<string, string>))),
      ...Object.values(pkg.typesVersions['*']).flat(),
    ].map((p) => String(p).replace(/^\.\//, ''));
    expect(targets.filter((t) => !packedFiles.includes(t))).toEqual([]);
  });
});

for (const project of PROJECTS) {
  describe(`a fresh ${project.name} project`, () => {
    let dir: string;

    beforeAll(async () => {
      dir = join(work, project.name);
      await mkdir(dir);
      const manifest = { name: `consumer-${project.name}`, private: true, dependencies: { onbehalf: `file:${tarball}`, ...project.dependencies } };
      await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
      await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, maxBuffer: 16 << 20 });
      for (const setup of SETUPS) await writeSetup(join(dir, setup.name), setup, project.redis);
    });

    it('has one Express, the host\'s own: onbehalf brings no copy of its own', async () => {
      const fromOnbehalf = createRequire(join(dir, 'node_modules/onbehalf/package.json')).resolve('express');
      expect(fromOnbehalf).toBe(join(dir, 'node_modules/express/index.js'));
      expect(existsSync(join(dir, 'node_modules/onbehalf/node_modules'))).toBe(false);
      const { version } = JSON.parse(await readFile(join(dir, 'node_modules/express/package.json'), 'utf8'));
      expect(`express${version.split('.')[0]}`).toBe(project.name);
    });

    it(project.redis ? 'loads onbehalf/redis with the optional peers installed' : 'runs without the Redis peers; only onbehalf/redis needs them', async () => {
      const load = exec(process.execPath, ['--input-type=module', '-e', "await import('onbehalf/redis')"], { cwd: dir });
      if (project.redis) await load;
      else await expect(load).rejects.toThrow(/Cannot find (package|module) '(redis|connect-redis|rate-limit-redis)'/);
    });

    for (const setup of SETUPS) {
      it(`${setup.name}: ${setup.tsconfig ? 'type-checks, ' : ''}mounts onbehalf, starts and exits an impersonation over HTTP`, async () => {
        const at = join(dir, setup.name);
        if (setup.tsconfig) await exec(process.execPath, [tsc, '-p', at], { cwd: at }).catch((e) => expect.fail(`tsc: ${e.stdout}${e.stderr}`));
        await withHost(join(at, setup.run), async (url) => {
          const browser = new Client(url);
          expect((await browser.request('POST', '/login', { body: { userId: 'avery' } })).status).toBe(200);
          const { onBehalfClient } = await installed<typeof import('../../shared/client.js')>(dir, 'onbehalf/client');
          const api = onBehalfClient({ origin: url, fetch: browser.fetch });
          const started = await api.start({ userId: 'ashley', reason: 'Checking the reported sync problem' });
          expect(started.session.subject.id).toBe('ashley');
          expect((await browser.get('/whoami')).json).toEqual({ userId: 'ashley', acting: true });
          await api.stop();
          expect((await browser.get('/whoami')).json).toEqual({ userId: 'avery', acting: false });
        });
      });
    }
  });
}

async function writeSetup(at: string, setup: Setup, redis: boolean) {
  await mkdir(at);
  await writeFile(join(at, setup.source), hostSource(setup, { redis }));
  if (setup.type) await writeFile(join(at, 'package.json'), JSON.stringify({ type: setup.type }));
  if (setup.tsconfig) await writeFile(join(at, 'tsconfig.json'), JSON.stringify({ compilerOptions: setup.tsconfig, files: [setup.source] }, null, 2));
}

/** A module of the installed package, resolved from the consumer project as its own code would. */
async function installed<T>(project: string, specifier: string): Promise<T> {
  const path = createRequire(join(project, 'package.json')).resolve(specifier);
  return import(pathToFileURL(path).href);
}

/** Run the host until `use` is done; it prints `listening PORT` once up. */
async function withHost(file: string, use: (url: string) => Promise<void>) {
  const child = spawn(process.execPath, [file], { cwd: resolve(file, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  try {
    const port = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`${file} did not start: ${output}`)), 20_000);
      const read = (d: Buffer) => {
        output += d.toString();
        const m = /listening (\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          ok(m[1]);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => fail(new Error(`${file} exited with ${code}: ${output}`)));
    });
    await use(`http://127.0.0.1:${port}`);
  } finally {
    child.kill();
  }
}
