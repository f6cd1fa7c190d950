// How long planTimeline takes for a big fleet: `npx tsx bench/core-timeline.ts`.
// 10,000 devices over four namespaces and five zones, five firmware releases and a Teams app plan.
import { type Fleet, planTimeline } from '../src/core/rules/timeline.js';
import { device, plan, policy, release } from '../test/core/fixtures.js';

const DEVICES = 10_000;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
const PHASES = ['Test', 'General', 'Final'] as const;
const FIRMWARE = ['122.15.0.36', '122.15.0.38', '122.15.0.40', '122.15.0.42', '122.15.0.46'];

const fleet: Fleet = {
  devices: Array.from({ length: DEVICES }, (_, i) =>
    device({
      name: `phone-${i}`,
      namespace: `site-${i % 4}`,
      timeZone: ZONES[i % ZONES.length],
      phase: PHASES[i % 3],
      firmware: i % 50 === 0 ? '1.0-custom' : '122.15.0.36',
      teamsApp: '1449/1.0.94.2023071702',
    }),
  ),
  releases: [
    ...FIRMWARE.map((version, i) =>
      release({
        version,
        releaseDate: new Date(Date.parse('2026-09-01T10:00:00Z') + i * 21 * 86_400_000).toISOString(),
      }),
    ),
    release({ component: 'TeamsApp', version: '1452/1.0.94.2023080101' }),
  ],
  policies: [0, 1, 2, 3].map((i) => policy({}, { namespace: `site-${i}` })),
  plans: [plan('all', { devices: { selector: {} }, updates: [{ component: 'TeamsApp' }] }, 'site-1')],
};

for (const run of ['cold', 'warm']) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const entries = planTimeline(fleet, new Date('2026-12-01T00:00:00Z'), new Date('2027-03-31T00:00:00Z'));
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  console.log(
    `planTimeline ${run}: ${DEVICES} devices, ${fleet.releases.length} releases -> ${entries.length} entries ` +
      `in ${wall.toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`,
  );
}
