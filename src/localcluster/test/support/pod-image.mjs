// The "image" of the local-pod tests: a tiny server. Args: --listen HOST:PORT --config DIR --state DIR.
// It logs its name and greeting, answers /healthz, logs each new content of DIR/greeting, counts its starts
// in DIR(state)/starts, and exits with CRASH_CODE after CRASH_AFTER_MS when CRASH_CODE is set.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const [host, port] = arg('--listen').split(':');
const config = arg('--config');
const state = arg('--state');
const startsFile = join(state, 'starts');
const starts = (existsSync(startsFile) ? Number(readFileSync(startsFile, 'utf8')) : 0) + 1;
writeFileSync(startsFile, String(starts));
console.log(
  `started ${process.env.POD_NAME} in ${process.env.POD_NAMESPACE} start ${starts} secret ${process.env.SECRET_WORD}`,
);
console.error(`listening on ${host}:${port}`);
let last = '';
setInterval(() => {
  const text = readFileSync(join(config, 'greeting'), 'utf8');
  if (text !== last) console.log(`greeting: ${text}`);
  last = text;
}, 100);
createServer((_req, res) => res.end('ok')).listen(Number(port), host);
if (process.env.CRASH_CODE)
  setTimeout(() => process.exit(Number(process.env.CRASH_CODE)), Number(process.env.CRASH_AFTER_MS ?? 0));
process.on('SIGTERM', () => {
  console.log('terminating');
  process.exit(0);
});
