/**
 * One OVSDB JSON-RPC `transact` (RFC 7047) on the instance's `db.sock`, on a fresh
 * connection closed at once: what `ovs-vsctl get` does, without its process. Only
 * reads go this way; a write that ovs-vswitchd must apply before we go on (the
 * fail mode, which flushes the bridge) stays with `ovs-vsctl`, which waits for it.
 */
import { connect } from 'node:net';
import { OvsCommandError } from './exec';

/** An OVSDB optional string column: a string atom, or `["set", []]` when unset. Pure. */
export function optionalString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value[0] === 'set' && Array.isArray(value[1]) && value[1].length === 0) return null;
  throw new Error(`not an optional string: ${JSON.stringify(value)}`);
}

/** The bridge's `fail_mode` column (null: unset), or an error naming the socket when it cannot be read. */
export async function bridgeFailMode(dbSock: string, bridge: string, timeoutMs = 5000): Promise<string | null> {
  const [result] = await transact(
    dbSock,
    [{ op: 'select', table: 'Bridge', where: [['name', '==', bridge]], columns: ['fail_mode'] }],
    timeoutMs,
  );
  const rows = (result as { rows?: { fail_mode: unknown }[] }).rows;
  if (!rows || rows.length !== 1)
    throw new OvsCommandError('ovsdb select Bridge', `${dbSock}: no bridge named ${bridge}`);
  return optionalString(rows[0].fail_mode);
}

function transact(dbSock: string, ops: object[], timeoutMs: number): Promise<unknown[]> {
  const fail = (detail: string) => new OvsCommandError('ovsdb transact', `${dbSock}: ${detail}`);
  return new Promise((resolve, reject) => {
    const socket = connect(dbSock);
    let text = '';
    let done = false;
    const finish = (err: Error | null, value?: unknown[]) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    socket.setTimeout(timeoutMs, () => finish(fail(`timed out after ${timeoutMs} ms`)));
    socket.on('error', (e) => finish(fail(e.message)));
    socket.on('close', () => finish(fail('closed before the reply (ovsdb-server gone?)')));
    socket.on('connect', () =>
      socket.write(JSON.stringify({ method: 'transact', params: ['Open_vSwitch', ...ops], id: 1 })),
    );
    socket.on('data', (chunk: Buffer) => {
      text += String(chunk);
      // The reply is one JSON object; until it is whole it does not parse.
      let msg: { id?: unknown; result?: unknown[]; error?: unknown };
      try {
        msg = JSON.parse(text) as typeof msg;
      } catch {
        return;
      }
      text = '';
      if (msg.id !== 1) return;
      if (msg.error) return finish(fail(JSON.stringify(msg.error)));
      const failedOp = msg.result?.find((r) => r && typeof r === 'object' && 'error' in r);
      if (failedOp) return finish(fail(JSON.stringify(failedOp)));
      finish(null, msg.result ?? []);
    });
  });
}
