// The names of the annotations a check carries beyond its tags: what the checks write and every report
// reads (the findings' own are in support/report/findings.ts).

/** What the document does not state but good APIs do, noted and never failing (support/checks/advisory.ts). */
export const ADVISORY_ANNOTATION = 'advisory';
/** The clause a failed check broke (support/report/allure-labels.ts notes it). */
export const BROKEN_CLAUSE_ANNOTATION = 'broken clause';
/** A request that met a 429 and was sent again after its retry-after. */
export const THROTTLED_ANNOTATION = 'throttled';
/** A request that met a 503 with retry-after and was sent again. */
export const UNAVAILABLE_ANNOTATION = 'service unavailable';
