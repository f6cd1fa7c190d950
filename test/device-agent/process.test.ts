import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { poolDevice } from './support.js';

const CLI = ['--import', 'tsx', 'src/cli/bin.ts', 'device-agent'];

/** Starts the agent and resolves with its base URL once it prints its listening line. */
function start(args: string[]): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /device-agent listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(limit);
        resolve({ child, url: match[1], stderr: () => err });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

describe('teams-device-operator device-agent as a process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdo-agent-'));
  const devicesFile = join(dir, 'devices.json');
  writeFileSync(devicesFile, JSON.stringify([poolDevice('room-1'), poolDevice('room 2')]));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'tok-123\n');
  let running: ChildProcess | undefined;

  afterEach(() => {
    if (running && running.exitCode === null) running.kill('SIGKILL');
    running = undefined;
  });

  it('should serve each device at /devices/{deviceId} on 127.0.0.1 and exit 0 on SIGTERM', async () => {
    const agent = await start([
      '--devices',
      devicesFile,
      '--listen',
      '127.0.0.1:0',
      '--token-file',
      tokenFile,
    ]);
    running = agent.child;
    expect(agent.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${agent.url}/devices/${encodeURIComponent('room 2')}/v1/status`, {
      headers: { Authorization: 'Bearer tok-123' },
    });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({
      online: true,
      manufacturer: 'Yealink',
      model: 'MP56',
      firmwareVersion: '1.0.0',
      teamsAppVersion: '1449/1.0.94.2024',
      autoUpdateSupported: true,
    });
    expect((await fetch(`${agent.url}/devices/room-1/v1/status`)).status).to.equal(401);
    const exited = new Promise<number | null>((resolve) => agent.child.once('exit', resolve));
    agent.child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    expect(agent.stderr()).not.to.contain('tok-123');
  });

  it('should exit 2 naming the file and the field when devices.json is wrong', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ deviceId: 'a/b', manufacturer: 'X', model: 'Y' }]));
    const run = spawnSync(process.execPath, [...CLI, '--devices', bad], { encoding: 'utf8' });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.contain(`${bad}: [0].deviceId: must be a device id (one MQTT topic level)`);
  });

  it('should exit 2 with the usage when --devices is missing', () => {
    const run = spawnSync(process.execPath, CLI, { encoding: 'utf8' });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.contain('--devices FILE is required');
  });
});
