// How long nextAllowedInstant takes for a fleet: `npx tsx bench/core-windows.ts`.
import { nextAllowedInstant, type WindowRules } from '../src/core/rules/windows.js';

const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata'];
const DEVICES = 10_000;

function rules(zone: string): WindowRules {
  return {
    zone,
    businessHours: {
      days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
      start: '08:00',
      end: '18:00',
    },
    blackouts: [{ from: '2026-12-24', to: '2026-12-26', reason: 'Holidays' }],
  };
}

const base = Date.parse('2026-12-14T00:00:00Z');
const started = performance.now();
for (let device = 0; device < DEVICES; device++) {
  const from = new Date(base + ((device * 7_919 * 60_000) % (14 * 86_400_000)));
  nextAllowedInstant(from, rules(ZONES[device % ZONES.length] as string));
}
const ms = performance.now() - started;
console.log(
  `nextAllowedInstant: ${DEVICES} devices in ${ms.toFixed(0)} ms (${((ms * 1000) / DEVICES).toFixed(1)} µs each)`,
);
