/**
 * An open-loop latency sampler, in its own process so the service's event loop
 * cannot delay the clock: `sampler <url> <everyMs>` (the bearer token in
 * MICROSEG_TOKEN), driven over IPC by the bench. On `{ start }` it sends one GET
 * every `everyMs` whether or not the previous one has answered; on `{ stop }` it
 * stops sending, waits for the answers and sends back `{ latencies, errors }`.
 * Each latency runs from the moment the request was due, so a service that
 * stalls for a second shows a second on every request it held up, not one
 * slow sample (no coordinated omission). Before it answers ready it sends one
 * untimed GET: a fresh process's first fetch loads and compiles its HTTP client
 * (≈ 30 ms here, quiet; more under load), which is this process's cost, not the
 * service's, and would otherwise land on the first request of the first window.
 */
const [url, every] = [process.argv[2], Number(process.argv[3])];
const token = process.env.MICROSEG_TOKEN ?? '';

let timer: NodeJS.Timeout | null = null;
let inflight: Promise<void>[] = [];
let latencies: number[] = [];
let errors = 0;

async function once(due: number): Promise<void> {
  try {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(120_000),
    });
    await res.arrayBuffer();
    if (res.status !== 200) errors++;
    else latencies.push(performance.now() - due);
  } catch {
    errors++;
  }
}

process.on('message', (m: { start?: true; stop?: true }) => {
  if (m.start && !timer) {
    latencies = [];
    errors = 0;
    inflight = [];
    let due = performance.now();
    const tick = () => {
      // Catch up on every request that fell due while this process was descheduled.
      while (due <= performance.now()) {
        inflight.push(once(due));
        due += every;
      }
      timer = setTimeout(tick, Math.max(0, due - performance.now()));
    };
    tick();
  }
  if (m.stop && timer) {
    clearTimeout(timer);
    timer = null;
    void Promise.all(inflight).then(() => process.send!({ latencies, errors }));
  }
});
process.on('disconnect', () => process.exit(0));

void fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(120_000) })
  .then((res) => res.arrayBuffer())
  .catch(() => undefined)
  .then(() => process.send!({ ready: true }));
