// Named behaviours of the embedded mock, chosen at start with MOCK_BEHAVIOUR=<name>:
//   faults   (mock/faults.ts, and mock/faults-auth.ts for token validation, mock/faults-generated.ts
//            for what only generated requests reach) break the documented contract; the conformance
//            suite must fail on each;
//   variants (mock/variants.ts) keep the contract in a way the document allows but the default mock
//            does not; the suite must pass on each of them.
import { FAULTS } from './faults';
import { ACCEPT_FAULTS } from './faults-accept';
import { AUTH_FAULTS } from './faults-auth';
import { CREDENTIAL_FAULTS } from './faults-credentials';
import { CASCADE_FAULTS } from './faults-cascade';
import { GENERATED_FAULTS } from './faults-generated';
import { ID_FAULTS } from './faults-ids';
import { TRANSIENT_FAULTS } from './faults-transient';
import type { Behaviour } from './server';
import type { ClauseId } from '../support/contract/clauses';
import type { Tag } from '../support/contract/tags';
import { VARIANTS } from './variants';

export interface NamedBehaviour {
  kind: 'fault' | 'variant';
  /** What it changes, and why that matters. */
  description: string;
  behaviour: Behaviour;
  /** For a fault: the documented response path it breaks. */
  path?: 200 | 401 | 404 | 422 | 429;
  /** For a fault: the clause of the document it breaks (support/contract/clauses.ts). */
  breaks?: ClauseId;
  /** For a fault: the tags of the checks that should catch it (support/contract/tags.ts). */
  caughtBy?: Tag[];
}

function named(kind: NamedBehaviour['kind'], entries: Record<string, Omit<NamedBehaviour, 'kind'>>): [string, NamedBehaviour][] {
  return Object.entries(entries).map(([name, entry]) => [name, { kind, ...entry }]);
}

export const BEHAVIOURS: Record<string, NamedBehaviour> = Object.fromEntries([
  ...named('fault', FAULTS),
  ...named('fault', AUTH_FAULTS),
  ...named('fault', CASCADE_FAULTS),
  ...named('fault', GENERATED_FAULTS),
  ...named('fault', ID_FAULTS),
  ...named('fault', TRANSIENT_FAULTS),
  ...named('fault', ACCEPT_FAULTS),
  ...named('fault', CREDENTIAL_FAULTS),
  ...named('variant', VARIANTS),
]);

export function behaviourNamed(name: string | undefined): NamedBehaviour | undefined {
  if (!name) return undefined;
  const found = BEHAVIOURS[name];
  if (!found)
    throw new Error(
      `MOCK_BEHAVIOUR "${name}" is not a behaviour of the mock: use one of ${Object.keys(BEHAVIOURS).join(', ')}, or unset it.`,
    );
  return found;
}
