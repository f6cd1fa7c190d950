// `teams-device-operator local` (npm start) in a terminal: tmux plays the terminal (its own server socket,
// removed afterwards), the test reads the screen as a user sees it and presses keys.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { BAR } from '../../src/local/view/render.js';
import { eventually } from '../support/async.js';
import { allGone, descendants, LOCAL_COMMAND, REPO } from './support/local-process.js';

const run = promisify(execFile);
/** One phase of one release: its name, the phase, the bar, the counts. */
const RELEASE_ROW = new RegExp(
  ` \\S+ +(Test|General|Final) +[${Object.values(BAR).join('')}]+ \\d+ updated, \\d+ in flight, \\d+ failed, \\d+ waiting`,
);
const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

describe('local: npm start in a terminal', function () {
  this.timeout(90_000);
  const stateDir = mkdtempSync(join(tmpdir(), 'tdo-local-tty-'));
  const socket = `tdo-test-${process.pid}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { cwd: REPO });
  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'local')).stdout;
  const exitFile = join(stateDir, 'exit-code');

  after(async () => {
    await tmux('kill-server').catch(() => {});
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('should show the clock, a progress bar per release and the 36 devices, and quit on q leaving no process', async () => {
    const command = [...LOCAL_COMMAND, '--state-dir', stateDir, '--clock-speed', '36000']
      .map(quote)
      .join(' ');
    await tmux(
      'new-session',
      '-d',
      '-s',
      'local',
      '-x',
      '160',
      '-y',
      '60',
      `${command}; echo $? > ${quote(exitFile)}`,
    );
    const pane = Number((await tmux('display-message', '-p', '-t', 'local', '#{pane_pid}')).stdout.trim());
    let text = '';
    await eventually(
      async () => {
        text = await screen();
        return /Devices: 36 /.test(text) && RELEASE_ROW.test(text);
      },
      'the live view shows the fleet',
      60_000,
    );
    expect(text).to.match(/Simulated time \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC {3}speed ×36000/);
    expect(text).to.match(/Releases \(/);
    expect(text).to.match(
      / (Test|General|Final) +[█▓✗░]+ \d+ updated, \d+ in flight, \d+ failed, \d+ waiting/,
    );
    expect(text).to.match(/contoso-emea +Europe\/Berlin/);
    expect(text).to.include('export KUBECONFIG=');

    await tmux('send-keys', '-t', 'local', 'p');
    await eventually(async () => (await screen()).includes('PAUSED'), 'the clock shows it is paused', 10_000);
    await tmux('send-keys', '-t', 'local', 'p', '+');
    await eventually(async () => (await screen()).includes('speed ×72000'), 'the speed doubled', 10_000);

    // The shell of the pane, local, and one proxy per example pool.
    let started: number[] = [];
    await eventually(
      () => {
        started = descendants(pane);
        return started.length >= 4;
      },
      'the proxies run',
      30_000,
    );
    await tmux('send-keys', '-t', 'local', 'q');
    await eventually(() => existsSync(exitFile), 'local exited', 30_000);
    expect(readFileSync(exitFile, 'utf8').trim()).to.equal('0');
    await allGone(started);
  });
});
