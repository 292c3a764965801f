/** Host realization status: defaults before any report, reports, and agents that fall silent. */
import { HostStatusBoard } from '../../service/store/host-status';

const report = { realized_generation: 4, flow_count: 10, reachable: true, last_error: null, drift_repairs: 2 };

test('before any report a host is unreachable and not realized', () => {
  expect(new HostStatusBoard().view('h', 3)).toEqual({ reachable: false, desired_generation: 3, realized_generation: null, flow_count: null, last_error: null, drift_repairs: 0, updated_at: null });
});

test('a report shows as sent, with the desired generation of now', () => {
  const board = new HostStatusBoard();
  board.report('h', report);
  expect(board.view('h', 5)).toEqual({ ...report, desired_generation: 5, updated_at: expect.any(String) });
  board.rename('h', 'h2');
  expect(board.view('h2', 5).realized_generation).toBe(4);
  expect(board.view('h', 5).realized_generation).toBeNull();
  board.forget('h2');
  expect(board.view('h2', 5).reachable).toBe(false);
});

test('an agent silent for longer than the stale time shows unreachable, keeping what it realized', async () => {
  const board = new HostStatusBoard(50);
  board.report('h', report);
  expect(board.view('h', 4).reachable).toBe(true);
  await new Promise((r) => setTimeout(r, 80));
  const view = board.view('h', 4);
  expect(view).toEqual({ ...report, reachable: false, last_error: expect.stringMatching(/^no report from the agent since /), desired_generation: 4, updated_at: expect.any(String) });
  board.report('h', report);
  expect(board.view('h', 4).reachable).toBe(true);
});
