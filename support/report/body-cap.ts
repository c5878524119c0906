// What a report keeps of a body: at most REPORT_BODY_LIMIT characters, with the full size and a note
// that it was cut, so a broken gateway's 300 MB error page cannot fill the disk or crash a reporter.
export const REPORT_BODY_LIMIT = 64 * 1024;

export function capForReport(text: string, limit = REPORT_BODY_LIMIT): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n[cut: ${text.length} characters in all, the first ${limit} kept]`;
}

/** A value for a report: itself when its JSON is small, else its JSON text, cut. */
export function capValueForReport(value: unknown, limit = REPORT_BODY_LIMIT): unknown {
  const json = JSON.stringify(value) ?? '';
  return json.length <= limit ? value : capForReport(json, limit);
}
