// The one place that knows which values are secret: the configured token and client secret, every
// token the run obtains, and the Basic header built from client credentials. Whoever learns a secret
// registers it here; every redaction (recorded exchanges, failure messages, the redacting reporter,
// setup errors) asks secretValues().
const registered = new Set<string>();

/** Values shorter than this are not treated as secrets (they would blank out ordinary words). */
const MIN_SECRET_LENGTH = 8;

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) registered.add(value);
}

/** The secrets of this process, in the forms they may appear in. */
export function secretValues(): string[] {
  const values = [...registered];
  return [...values, ...values.map(value => Buffer.from(value).toString('base64')), ...values.map(value => encodeURIComponent(value))];
}
