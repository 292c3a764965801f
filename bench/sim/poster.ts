/**
 * A closed-loop POST client in its own process, so that neither its clock nor its
 * garbage (fetch keeps several objects per request alive past a scavenge) lands on
 * the event loop and heap of the services it measures. Driven over IPC by the bench
 * (bench/lib/sampler.ts): on `{ urls, bodies }` it POSTs each body to every URL in
 * turn, one request at a time, and sends back `{ ms }`, one list per URL, or
 * `{ error }` on the first answer that is not 201.
 */
export {}; // a module: its names do not meet those of the other scripts in bench/sim

const token = process.env.MICROSEG_TOKEN ?? '';

async function post(url: string, body: unknown): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`);
  return performance.now() - t0;
}

process.on('message', (m: { urls: string[]; bodies: unknown[] }) => {
  void (async () => {
    const ms = m.urls.map(() => [] as number[]);
    for (const body of m.bodies) for (let u = 0; u < m.urls.length; u++) ms[u].push(await post(m.urls[u], body));
    return ms;
  })().then(
    (ms) => process.send!({ ms }),
    (e: Error) => process.send!({ error: e.message }),
  );
});
process.on('disconnect', () => process.exit(0));
