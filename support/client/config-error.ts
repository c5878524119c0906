// A configuration the suite cannot run with: its message is one line naming the variable and the fix.
export class ConfigError extends Error {
  override name = 'ConfigError';
}
