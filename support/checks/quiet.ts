// A quiet client: the recording layer (recorder.ts) makes each request a report step with its request
// and response attached; requests sent through a quiet client are no step of their own and attach
// nothing: each exchange goes to the caller's summary instead (the 429 probe sends hundreds, and
// reports each burst as one step with one table). The fixtures still observe every exchange (the
// state tracker, the transport breaker), and the client keeps its budget, deadline and headers.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Exchange, StorageConnectionsClient } from '../client/client';

export type Summarise = (exchange: Exchange) => void;

const summaries = new AsyncLocalStorage<Summarise>();

/** The summary of the quiet client the exchange being recorded was sent through, if any. */
export const quietSummary = (): Summarise | undefined => summaries.getStore();

/** The same client without a report step per request; each exchange goes to `summarise` instead of the report. */
export function quietClient(client: StorageConnectionsClient, summarise: Summarise): StorageConnectionsClient {
  return client.withHooks({ around: (_title, send) => summaries.run(summarise, send) });
}
