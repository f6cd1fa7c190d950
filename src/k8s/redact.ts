// Credentials out of text that may be logged or shown: a URL's user and password (a kubeconfig may carry
// the token there, and client errors quote the request URL), bearer and basic Authorization values, and
// token-like query parameters. Used on error messages and stacks, and on every string a log line holds.

export const REDACTED = 'REDACTED';

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi;
const AUTH_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const TOKEN_PARAM = /([?&](?:access_token|token|password)=)[^&\s"]*/gi;

/** `text` with credentials replaced by REDACTED (the same string when it holds none). */
export function redactSecrets(text: string): string {
  if (!text.includes('@') && !text.includes('Bearer') && !text.includes('Basic') && !text.includes('='))
    return text;
  return text
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(AUTH_VALUE, `$1 ${REDACTED}`)
    .replace(TOKEN_PARAM, `$1${REDACTED}`);
}

/** The error with its message and stack redacted, in place (client errors quote the URL they failed on). */
export function redactError<E>(err: E): E {
  if (err instanceof Error) {
    const redacted = redactSecrets(err.message);
    if (redacted !== err.message) err.message = redacted;
    if (err.stack) err.stack = redactSecrets(err.stack);
  }
  return err;
}
