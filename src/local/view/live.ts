// Shows the system to the user from the operator's caches (informers, fed by watches; nothing polls the
// API): on a terminal, the view redrawn in place on the alternate screen at most REDRAW_MS apart, with keys
// (q / Ctrl-C quit, p pause, + / - speed); otherwise one line per state change (changes.ts).
import type { FirmwareRelease, TeamsDevice, UpdatePlan, UpdatePolicy } from '../../api/v1alpha1/index.js';
import type { KubeClient } from '../../k8s/client.js';
import { EVENTS } from '../../k8s/resource.js';
import { Informer } from '../../runtime/informer.js';
import type { LabClock } from '../lab-clock.js';
import { ChangeLog } from './changes.js';
import { renderView } from './render.js';
import { buildSnapshot, type EventObject } from './snapshot.js';

/** Redraws at most this often (a few times a second), and at least this often for the clock. */
const REDRAW_MS = 250;
const IDLE_REDRAW_MS = 1000;
/** The lowest and highest speed the keys reach. */
const MIN_SPEED = 1;
const MAX_SPEED = 10_000_000;

const ESC = '\u001b[';
const ENTER_SCREEN = `${ESC}?1049h${ESC}?25l`;
const LEAVE_SCREEN = `${ESC}?25h${ESC}?1049l`;

export interface ViewSources {
  devices: Informer<TeamsDevice>;
  releases: Informer<FirmwareRelease>;
  plans: Informer<UpdatePlan>;
  policies: Informer<UpdatePolicy>;
}

export interface LiveViewOptions {
  client: KubeClient;
  sources: ViewSources;
  clock: LabClock;
  out: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Keys come from here when the view is interactive. */
  input?: NodeJS.ReadStream;
  /** Redraw in place (a terminal and not --quiet); else log lines. */
  interactive: boolean;
  /** Lines shown under the view (the kubectl commands). */
  hints: readonly string[];
  /** The user pressed q or Ctrl-C. */
  onQuit: () => void;
}

export interface LiveView {
  stop(): Promise<void>;
}

export async function startLiveView(options: LiveViewOptions): Promise<LiveView> {
  const { sources, clock, out } = options;
  const events = new Informer<EventObject & { metadata: { name: string } }>({
    client: options.client,
    resource: EVENTS,
  });
  events.start();
  await events.waitForSync();

  const unsubscribe: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  let last = 0;

  if (!options.interactive) {
    const log = new ChangeLog();
    const write = (line: string | undefined) => {
      if (line !== undefined) out.write(`${line}\n`);
    };
    const follow = <K extends 'TeamsDevice' | 'UpdatePlan' | 'FirmwareRelease', T>(
      kind: K,
      informer: Informer<T & { metadata: object }>,
    ) =>
      informer.addEventHandler({
        add: (obj) => write(log.observe({ kind, obj } as never, clock.now())),
        update: (_old, obj) => write(log.observe({ kind, obj } as never, clock.now())),
      });
    unsubscribe.push(
      follow('FirmwareRelease', sources.releases),
      follow('UpdatePlan', sources.plans),
      follow('TeamsDevice', sources.devices),
    );
    return {
      async stop() {
        for (const off of unsubscribe) off();
        await events.stop();
      },
    };
  }

  const tty = out as NodeJS.WriteStream;
  let stopped = false;
  const draw = () => {
    // One timer at a time: a draw replaces whichever redraw was due (a second chain would outlive stop()).
    clearTimeout(timer);
    if (stopped) return;
    last = Date.now();
    const snapshot = buildSnapshot({
      now: clock.now(),
      speed: clock.speed,
      paused: clock.paused,
      devices: sources.devices.list(),
      releases: sources.releases.list(),
      plans: sources.plans.list(),
      policies: sources.policies.list(),
      events: events.list(),
    });
    const width = tty.columns || 100;
    const height = tty.rows || 40;
    const lines = renderView(snapshot, width, height - options.hints.length - 1);
    const body = [...lines, '', ...options.hints.map((h) => h.slice(0, width))];
    out.write(`${ESC}H${body.map((line) => `${line}${ESC}K`).join('\n')}${ESC}J`);
    timer = setTimeout(draw, IDLE_REDRAW_MS);
  };
  /** A change redraws soon, but never sooner than REDRAW_MS after the last redraw. */
  const schedule = () => {
    const due = Math.max(0, last + REDRAW_MS - Date.now());
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(draw, due);
  };
  const handlers = { add: schedule, update: schedule, delete: schedule };
  for (const informer of [sources.devices, sources.releases, sources.plans, sources.policies, events]) {
    unsubscribe.push((informer as unknown as Informer<never>).addEventHandler(handlers));
  }

  const input = options.input;
  const onKey = (data: Buffer) => {
    for (const key of data.toString('utf8')) {
      if (key === 'q' || key === '\u0003') options.onQuit();
      else if (key === 'p') clock.setPaused(!clock.paused);
      else if (key === '+' || key === '=') clock.setSpeed(Math.min(MAX_SPEED, clock.speed * 2));
      else if (key === '-' || key === '_') clock.setSpeed(Math.max(MIN_SPEED, clock.speed / 2));
      else continue;
      schedule();
    }
  };
  if (input?.isTTY) {
    input.setRawMode(true);
    input.resume();
    input.on('data', onKey);
  }
  const restore = () => out.write(LEAVE_SCREEN);
  process.once('exit', restore);
  out.write(ENTER_SCREEN);
  draw();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const off of unsubscribe) off();
      if (input?.isTTY) {
        input.off('data', onKey);
        input.setRawMode(false);
        input.pause();
      }
      process.off('exit', restore);
      restore();
      await events.stop();
    },
  };
}
