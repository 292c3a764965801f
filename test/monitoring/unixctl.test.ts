/**
 * The unixctl client's pure parts (splitting the JSON stream, reading a reply) and its
 * failure modes against sockets of this test's own: a daemon that never answers (timeout,
 * then a new connection) and one that is gone (an error naming the socket). The real
 * ovs-vswitchd is in test/enforcement/unixctl-lab.test.ts and the agents' suites.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonSplitter, readReply, UnixctlClient } from '../../service/agent/unixctl';
import { margin } from '../../lab/eventually';

test('the JSON stream splits into replies however it is cut, strings with braces and escapes included', () => {
  const a = JSON.stringify({ result: 'Flow: {x} "quoted" \\ [y]\n', error: null, id: 1 });
  const b = JSON.stringify({ result: null, error: 'bad } flow', id: 2 });
  const stream = a + b;
  for (let cut = 0; cut <= stream.length; cut++) {
    const s = new JsonSplitter();
    expect([...s.push(stream.slice(0, cut)), ...s.push(stream.slice(cut))]).toEqual([a, b]);
  }
  expect(() => new JsonSplitter().push('}')).toThrow(/unbalanced/);
});

test('a reply gives its result or its error; another id or garbage is an error', () => {
  expect(readReply('{"result":"ok\\n","error":null,"id":3}', 3)).toEqual({ result: 'ok\n' });
  expect(readReply('{"result":null,"error":"no such bridge\\n","id":3}', 3)).toEqual({ error: 'no such bridge' });
  expect(readReply('{"result":"x","error":null,"id":4}', 3)).toEqual({ error: 'reply for id 4 while waiting for 3' });
  expect(readReply('{oops', 3)).toEqual({ error: 'unreadable reply: {oops' });
});

describe('failure modes', () => {
  const dir = mkdtempSync(join(tmpdir(), `ms-unixctl-${process.pid}-`));
  const path = join(dir, 'fake.ctl');
  let server: Server;
  const conns: Socket[] = [];
  let silent = true;

  beforeAll(async () => {
    server = createServer((c) => {
      conns.push(c);
      c.setEncoding('utf8');
      c.on('data', (text: string) => {
        if (silent) return;
        const { id, method } = JSON.parse(text) as { id: number; method: string };
        c.write(JSON.stringify({ result: `did ${method}`, error: null, id }));
      });
    });
    await new Promise<void>((r) => server.listen(path, r));
  });
  afterAll(async () => {
    for (const c of conns) c.destroy();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('a daemon that does not answer times out; the next call gets a new connection', async () => {
    const client = new UnixctlClient({ target: path, timeoutMs: 200 });
    const t0 = Date.now();
    await expect(client.call('ofproto/trace', ['br0', 'in_port=1'])).rejects.toThrow(
      'unixctl ofproto/trace: timed out after 200 ms',
    );
    const ms = Date.now() - t0;
    console.log(`timed out after ${ms} ms (timeout 200, bound ${margin(200)})`);
    expect(ms).toBeLessThan(margin(200));
    silent = false;
    // The late reply of the first call cannot be taken for this one: it was on the closed connection.
    expect(await client.call('version')).toBe('did version');
    expect(conns.length).toBe(2);
    expect(client.calls).toEqual(
      new Map([
        ['ofproto/trace', 1],
        ['version', 1],
      ]),
    );
    client.close();
  });

  test('a socket that is not there is an error naming it (fail closed: the caller reports it)', async () => {
    const client = new UnixctlClient({ target: join(dir, 'gone.ctl'), timeoutMs: 1000 });
    await expect(client.call('dpctl/dump-conntrack', ['-m'])).rejects.toThrow(
      /^unixctl dpctl\/dump-conntrack: cannot connect to .*gone\.ctl/,
    );
    const noPid = new UnixctlClient({
      target: () => {
        throw new Error('ENOENT: no such file or directory, open /x/ovs-vswitchd.pid');
      },
    });
    await expect(noPid.call('version')).rejects.toThrow(/cannot find the ovs-vswitchd control socket: ENOENT/);
  });
});
