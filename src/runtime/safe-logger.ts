// The operator's logger, made unable to print a credential whatever a caller logs: every string of a log
// line (messages, fields, serialized errors and their stacks) goes through redactSecrets, and the header
// and config fields that hold credentials are censored by pino's redaction. Wrapping the logger the
// operator is given, not only the one `run` builds, keeps tests and embedders as safe as production.
import pino, { type Logger } from 'pino';
import { REDACTED, redactSecrets } from '../k8s/redact.js';

const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  '*.headers.authorization',
  'token',
  'password',
  '*.password',
  '*.token',
  'config.mqtt.password',
];

function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  // Message and stack are not enumerable: serialized first, as pino would, so they are redacted too.
  if (value instanceof Error) return redactDeep(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  let copy: Record<string, unknown> | undefined;
  for (const [key, v] of Object.entries(value)) {
    const clean = redactDeep(v, depth + 1);
    if (clean !== v) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = clean;
    }
  }
  return copy ?? value;
}

/** A child of `logger` that redacts credentials from every line. */
export function safeLogger(logger: Logger): Logger {
  return logger.child(
    {},
    {
      // formatters.log has already serialized and redacted an Error; an err logged otherwise is redacted here.
      serializers: { err: (err: unknown) => redactDeep(err) },
      formatters: { log: (object) => redactDeep(object) as Record<string, unknown> },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
  );
}
