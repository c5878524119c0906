// Does nothing: the floor of the benchmark is the cost of starting the runner and one test.
import { test } from '@playwright/test';

test('empty', () => {});
