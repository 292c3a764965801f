/**
 * The embedded agents' helper process (ovs-helper-client.ts starts it): runs
 * the Open vSwitch programs it is asked to, here, with localCommands, and
 * answers over IPC. A fork of this small process costs a fraction of a fork of
 * the service's. It and its programs run 5 nice levels below the service:
 * comparing or loading tens of thousands of flows (`ovs-ofctl` parses them all)
 * takes seconds of CPU, which on a busy machine must not starve the service's
 * event loop (the API). It ends with the service (the IPC channel closes), and
 * ends the monitors it started first.
 */
import { getPriority, setPriority } from 'node:os';
import { localCommands, OvsCommandError } from './exec';
import type { HelperReply, HelperRequest } from './ovs-helper-client';

try {
  // The programs it starts inherit it.
  setPriority(Math.min(19, getPriority() + 5));
} catch {
  /* not permitted here: they run at the service's priority */
}

const started = new Map<number, { kill(): void }>();

function send(reply: HelperReply): void {
  // The service may close the channel before this process sees 'disconnect' (a monitor's last lines at its
  // shutdown): that write fails with EPIPE, which must not crash the helper before 'disconnect' cleans up.
  if (process.connected) process.send!(reply, undefined, undefined, () => undefined);
}

process.on('message', (req: HelperRequest) => {
  if (req.kind === 'run') {
    localCommands.run(req.program, req.args, req.timeoutMs, req.okExit, req.file).then(
      (stdout) => send({ id: req.id, stdout }),
      (e: Error) =>
        send({
          id: req.id,
          error: e instanceof OvsCommandError ? { program: e.program, detail: e.detail } : { detail: e.message },
        }),
    );
  } else if (req.kind === 'start') {
    started.set(
      req.id,
      localCommands.start(req.program, req.args, req.env, {
        out: (chunk) => send({ id: req.id, out: chunk }),
        err: (chunk) => send({ id: req.id, err: chunk }),
        exit: () => {
          if (started.delete(req.id)) send({ id: req.id, exit: true });
        },
      }),
    );
  } else {
    started.get(req.id)?.kill();
    started.delete(req.id);
  }
});

process.on('disconnect', () => {
  for (const p of started.values()) p.kill();
  process.exit(0);
});
