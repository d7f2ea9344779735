import { afterEach, describe, expect, it } from 'vitest';
import { memoryAudit, type AuditEvent, type AuditSink } from '../../../server/index.js';
import { startHost, type TestHost } from '../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

/** An audit sink that can be taken down and brought back, keeping what it took. */
function flakySink() {
  const inner = memoryAudit();
  const sink = {
    down: false,
    events: inner.events as readonly AuditEvent[],
    /** What the host's write handler had done when each record was taken. */
    notesAtWrite: [] as Array<[AuditEvent['type'], number]>,
    write: async (e: AuditEvent) => {
      if (sink.down) throw new Error('ENOSPC: no space left on device');
      sink.notesAtWrite.push([e.type, host?.notesSaved ?? 0]);
      return inner.write(e);
    },
    query: inner.query,
  } satisfies AuditSink & Record<string, unknown>;
  return sink;
}
const types = (events: readonly AuditEvent[]) => events.map((e) => e.type);

describe('no unaudited change', () => {
  it('writes the action record before the host handler runs, and its outcome after', async () => {
    const sink = flakySink();
    host = await startHost({ audit: sink });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    expect((await avery.post('/notes', { text: 'x' })).status).toBe(201);
    expect(sink.notesAtWrite.slice(-2)).toEqual([['action', 0], ['outcome', 1]]);
    const [action, outcome] = sink.events.slice(-2);
    expect(outcome).toMatchObject({ type: 'outcome', actionId: action.id, status: 201, method: 'POST', path: '/notes' });
  });

  it('with the audit down, every write answers 503 AUDIT_UNAVAILABLE and the host handler never runs', async () => {
    const sink = flakySink();
    host = await startHost({ audit: sink });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    sink.down = true;
    for (let i = 0; i < 20; i++) {
      const r = await avery.post('/notes', { text: `x${i}` });
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('AUDIT_UNAVAILABLE');
    }
    // A plain form post gets a page, not JSON.
    const form = await avery.request('POST', '/notes', { form: { text: 'x', _csrf: await avery.csrf() }, headers: { accept: 'text/html' } });
    expect(form.status).toBe(503);
    expect(form.headers.get('content-type')).toMatch(/text\/html/);
    expect(host.notesSaved).toBe(0);
    // Reads still work: nothing to record.
    expect((await avery.get('/whoami')).json.onBehalf.userId).toBe('ashley');
  });

  it('an Exit during an outage ends at once; its ended record is kept and written when the audit is back', async () => {
    const sink = flakySink();
    host = await startHost({ audit: sink });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    sink.down = true;
    expect((await avery.stop()).status).toBe(200);
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'avery' });
    expect(types(sink.events)).toEqual(['started']);
    // Logged in full, so it is never silently lost even if the process dies before the audit is back.
    expect(host.warnings.join('\n')).toMatch(/"type":"ended".*"cause":"exit"/);
    // While the audit is down nothing can start (it would be unaudited too).
    expect((await avery.start('bob')).json.error.code).toBe('AUDIT_UNAVAILABLE');
    sink.down = false;
    await host.ob.sweep();
    expect(types(sink.events)).toEqual(['started', 'ended']);
    expect(sink.events[1]).toMatchObject({ cause: 'exit', actor: { id: 'avery' }, subject: { id: 'ashley' } });
    await host.ob.sweep();
    expect(types(sink.events)).toEqual(['started', 'ended']);
  });

  it('writes kept records before any later record, in order', async () => {
    const sink = flakySink();
    host = await startHost({ audit: sink });
    const avery = await host.signIn('avery');
    const { sessionId } = (await avery.start('ashley')).json.session;
    sink.down = true;
    await host.ob.revoke({ sessionId });
    sink.down = false;
    const again = await avery.start('bob');
    expect(again.status).toBe(200);
    expect(types(sink.events)).toEqual(['started', 'ended', 'started']);
    expect(sink.events[1]).toMatchObject({ cause: 'revoked', sessionId });
  });

  it('a denied start is on the record before its 403; with the audit down it is 503 and still changes nothing', async () => {
    const sink = flakySink();
    host = await startHost({ audit: sink });
    const bob = await host.signIn('bob');
    expect((await bob.start('ashley')).status).toBe(403);
    expect(types(sink.events)).toEqual(['denied']);
    const avery = await host.signIn('avery');
    sink.down = true;
    const r = await avery.start('tess');
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('AUDIT_UNAVAILABLE');
    expect((await avery.status()).active).toBe(false);
    expect(types(sink.events)).toEqual(['denied']);
  });
});
