// The one entry point of the project's own tests: Playwright's `test`, and `expect` with the suite's
// matchers (the self-tests check them too). The conformance fixtures (a published target, a client
// restoring the connection) are for the checks only; self-tests start what they need themselves.
export { test } from '@playwright/test';
export { expect } from '../../support/checks/matchers';
