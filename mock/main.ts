// `npm run mock`: starts the embedded mock alone and prints how to reach it; Ctrl-C stops it.
// MOCK_PORT chooses the port (default: a free one); MOCK_BEHAVIOUR one of the named faults or variants
// of mock/behaviours.ts, or a comma-separated list of them composed in order; MOCK_LATENCY_MS a delay
// in milliseconds before each answer of the operation (default 0). The token printed is a JWT the mock signed, valid for a day; the mock validates
// every token like the platform (mock/tokens.ts). MOCK_TOKEN gives a fixed token to accept as it is
// instead, for clients that need a known value.
import { behaviourNamed } from './behaviours';
import { StorageConnectionMock } from './server';
import { DISCOVERY_PATH, MOCK_TOKEN_LIFETIME_SECONDS, MOCK_TOKENS_PATH } from './tokens';
import { LOWEST_TIER_CLIENT_ID, MOCK_RATE_LIMIT } from './rate-limit';

async function main(): Promise<void> {
  const port = process.env.MOCK_PORT ? Number(process.env.MOCK_PORT) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`MOCK_PORT "${process.env.MOCK_PORT}" is not a port number: set it to 0-65535 or unset it.`);
    process.exit(2);
  }
  const latency = process.env.MOCK_LATENCY_MS || '0';
  if (!/^\d+$/.test(latency) || Number(latency) > 10_000) {
    console.error(
      `MOCK_LATENCY_MS "${latency}" is not a whole number from 0 to 10000: set it to the delay before each answer, in milliseconds.`,
    );
    process.exit(2);
  }
  let behaviour;
  try {
    behaviour = behaviourNamed(process.env.MOCK_BEHAVIOUR);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  let mock: StorageConnectionMock;
  try {
    mock = await StorageConnectionMock.create({
      port,
      token: process.env.MOCK_TOKEN || undefined,
      behaviour: behaviour?.behaviour,
      latencyMs: Number(latency),
    });
  } catch (error) {
    console.error(listenFailure(port, error as NodeJS.ErrnoException));
    process.exit(2);
  }
  const lifetime = process.env.MOCK_TOKEN ? 'a fixed token (MOCK_TOKEN)' : `valid for ${MOCK_TOKEN_LIFETIME_SECONDS / 3600} hours`;
  console.log(`Update StorageConnection mock listening${behaviour ? ` with ${behaviour.kind} ${process.env.MOCK_BEHAVIOUR}: ${behaviour.description}` : ''}
  its tokens' issuer (OpenID discovery): ${mock.url}${DISCOVERY_PATH}; the token below: ${lifetime};
  POST ${mock.url}${MOCK_TOKENS_PATH} issues others, e.g. {"scope":"other"} or {"lifetimeSeconds":60,"issuedSecondsAgo":120}
  ${Number(latency) ? `each answer of the operation is delayed by ${latency} ms (MOCK_LATENCY_MS)\n  ` : ''}rate limit per client: ${tier(MOCK_RATE_LIMIT)}; a token for {"clientId":"${LOWEST_TIER_CLIENT_ID}"}, the lowest tier: ${tier(lowest)}
  API_BASE_URL=${mock.url}
  API_ACCESS_TOKEN=${mock.token}
  STORAGE_CONNECTION_ID=${mock.connectionId}
  try: curl -X PUT -H "Authorization: Bearer ${mock.token}" -H "Content-Type: application/json" \\
         -d '{"displayName":"renamed"}' ${mock.url}/synchronization/imodels/storageconnections/${mock.connectionId}`);
  const stop = () => void mock.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const lowest = MOCK_RATE_LIMIT.tiers![LOWEST_TIER_CLIENT_ID]!;
const tier = ({ limit, windowSeconds }: { limit: number; windowSeconds: number }) => `${limit} requests in ${windowSeconds} s`;

/** One line saying why the mock could not listen and what to do about it. */
function listenFailure(port: number, error: NodeJS.ErrnoException): string {
  const where = port ? `MOCK_PORT ${port}` : 'a free port on 127.0.0.1';
  if (error.code === 'EADDRINUSE') return `${where} is already in use: choose another port or unset MOCK_PORT for a free one.`;
  if (error.code === 'EACCES')
    return `${where} may not be listened on by this user: choose a port above 1023 or unset MOCK_PORT for a free one.`;
  const reason = error.code ? `${error.code}: ${error.message}` : String(error.message ?? error);
  return port
    ? `The mock could not listen on MOCK_PORT ${port} (${reason}): choose another port or unset MOCK_PORT for a free one.`
    : `The mock could not listen on ${where} (${reason}).`;
}

void main();
