/**
 * The standalone agent's link over several service URLs, against small real
 * HTTP servers: a replica that refuses connections or answers 5xx is skipped at
 * once and later requests stay on the one that answered; a 4xx (a bad token)
 * is the answer, not a reason to try another; with none answering the error
 * names each.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { httpLink, parseServices } from '../../service/agent/http-link';

interface Replica {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

async function replica(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<Replica> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    answer(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}
const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const snapshot = { generation: 7, hosts: [] };

test('a replica answering 503 or refusing connections is skipped, and requests stay on the next', async () => {
  const down = await replica(json(503, { error: 'unavailable', message: 'the database is unavailable' }));
  const up = await replica(json(200, snapshot));
  const gone = await replica(json(200, snapshot));
  await gone.close(); // its port now refuses connections
  const moves: string[] = [];
  const link = httpLink({
    services: [`${gone.url},${down.url}`, up.url],
    token: 'agent-secret',
    onFailover: (from, to, reason) => moves.push(`${from} → ${to}: ${reason}`),
  });
  try {
    expect((await link.fetchPolicy()).generation).toBe(7);
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatch(
      new RegExp(
        `^${gone.url} → ${up.url}: ${gone.url}: connect ECONNREFUSED [^;]+; ${down.url}: 503 unavailable: the database is unavailable$`,
      ),
    );
    expect(down.hits).toEqual(['GET /v1/agents/policy']);
    await link.fetchPolicy();
    expect(up.hits).toEqual(['GET /v1/agents/policy', 'GET /v1/agents/policy']);
    expect(down.hits).toHaveLength(1); // not asked again
  } finally {
    await down.close();
    await up.close();
  }
});

test('a 4xx is the answer (no failover); with no replica answering, the error names each (a reused connection to a closed one: socket hang up)', async () => {
  const refusing = await replica(json(401, { error: 'unauthorized', message: 'missing or unknown bearer token' }));
  const other = await replica(json(200, snapshot));
  try {
    const link = httpLink({ services: [refusing.url, other.url], token: 'wrong' });
    await expect(link.fetchPolicy()).rejects.toMatchObject({
      message: 'GET /v1/agents/policy: 401 unauthorized: missing or unknown bearer token',
      status: 401,
    });
    expect(other.hits).toEqual([]);
  } finally {
    await refusing.close();
    await other.close();
  }
  const none = httpLink({ services: [refusing.url, other.url], token: 't' });
  await expect(none.fetchPolicy()).rejects.toThrow(
    new RegExp(`^GET /v1/agents/policy: no service answered \\(${refusing.url}: [^;]+; ${other.url}: [^)]+\\)$`),
  );
});

test('--service values: comma-separated or repeated, each an http(s) URL', () => {
  expect(parseServices(['https://a:7480, https://b:7480', 'http://c:1']).map((u) => u.origin)).toEqual([
    'https://a:7480',
    'https://b:7480',
    'http://c:1',
  ]);
  expect(() => parseServices(['https://a:7480,nope'])).toThrow('--service: "nope" is not a URL');
  expect(() => parseServices(['ftp://a'])).toThrow('--service: "ftp://a" must start with http:// or https://');
  expect(() => parseServices([' , '])).toThrow('--service: missing');
});
