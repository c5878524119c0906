// Does nothing: the floor of the benchmark is the cost of starting the runner and one test. With
// BENCH_FLOOR_FAILING=N it is N empty tests that each fail: what Playwright itself pays for N failed
// checks (a new worker after each), the floor of a failing run.
import { test, expect } from '@playwright/test';

const failing = Number(process.env.BENCH_FLOOR_FAILING ?? 0);

if (failing === 0) test('empty', () => {});
for (let index = 0; index < failing; index++) test(`fails ${index + 1}`, () => expect(index, 'an empty test that fails').toBe(-1));
