// Named behaviours of the embedded mock, chosen at start with MOCK_BEHAVIOUR=<name>:
//   faults   break the documented contract; the conformance suite must fail on each of them;
//   variants keep the contract in a way the document allows but the default mock does not; the suite
//            must pass on each of them.
import type { Behaviour } from './server';

export interface NamedBehaviour {
  kind: 'fault' | 'variant';
  /** What it changes, and why that matters. */
  description: string;
  behaviour: Behaviour;
}

export const BEHAVIOURS: Record<string, NamedBehaviour> = {};

export function behaviourNamed(name: string | undefined): NamedBehaviour | undefined {
  if (!name) return undefined;
  const found = BEHAVIOURS[name];
  if (!found) throw new Error(`MOCK_BEHAVIOUR "${name}" is not a behaviour of the mock: use one of ${Object.keys(BEHAVIOURS).join(', ')}, or unset it.`);
  return found;
}
