/**
 * Provider logs: JSON lines on stderr in hclog's shape, which Terraform's
 * plugin client parses and re-emits at their level. The level comes from
 * TF_LOG_PROVIDER or TF_LOG (TRACE, DEBUG, INFO, WARN, ERROR; JSON means
 * TRACE; OFF or unset means no logs). Secrets registered with `redact` are
 * replaced wherever they appear.
 */
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];

export interface Logger {
  trace(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Never print this string again (a token). */
  redact(secret: string): void;
}

export function levelFromEnv(env: NodeJS.ProcessEnv): Level | null {
  const raw = (env.TF_LOG_PROVIDER || env.TF_LOG || '').trim().toLowerCase();
  if (raw === 'json') return 'trace';
  return (LEVELS as readonly string[]).includes(raw) ? (raw as Level) : null;
}

export function createLogger(
  level: Level | null,
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const secrets = new Set<string>();
  const scrub = (s: string): string => {
    let out = s;
    for (const secret of secrets) out = out.split(secret).join('<redacted>');
    return out;
  };
  const min = level === null ? Infinity : LEVELS.indexOf(level);
  const emit =
    (lvl: Level) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS.indexOf(lvl) < min) return;
      // go-plugin parses the timestamp with microseconds ("…05.000000Z"); another shape makes it log the raw line.
      const record = {
        '@level': lvl,
        '@message': msg,
        '@module': 'provider.microseg',
        '@timestamp': new Date().toISOString().replace(/Z$/, '000Z'),
        ...fields,
      };
      write(`${scrub(JSON.stringify(record))}\n`);
    };
  return {
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    redact: (secret: string) => {
      if (secret.length >= 4) secrets.add(secret);
    },
  };
}
