// `npm run openapi`: assembles schemas/openapi.json, the operation's OpenAPI 3.1 definition, from the
// contract's one source of truth: the JSON Schema files (embedded as components/schemas, their $refs
// pointed at components) and the document's examples (components/examples, referred to by the
// request body and each response). Never edit openapi.json by hand: tests/self/unit/openapi.spec.ts fails
// when it differs from what this script makes.
//
// Why embedded and not `$ref: "Link.schema.json"` by file: Prism 5 loads such refs, but only because
// its ref parser ignores $id; a resolver that follows JSON Schema 2020-12 (@readme/openapi-parser's,
// most generators') resolves the refs inside each file against the file's $id
// (https://conformance.local/...) and fails. Embedded, the definition stands alone for every tool.
import fs from 'node:fs';
import path from 'node:path';
import { loadSchema, MODELS, SCHEMA_DIR, type ModelName } from '../support/contract/schemas';

export const OPENAPI_FILE = path.join(SCHEMA_DIR, 'openapi.json');
export const EXAMPLES_DIR = path.join(SCHEMA_DIR, 'examples');

const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
export const RECOMMENDED_ACCEPT = 'application/vnd.bentley.itwin-platform.v1+json';
export const OPERATION_PATH = '/synchronization/imodels/storageconnections/{connectionId}';
/**
 * The media types of every response: plain JSON, and the one the recommended Accept asks for (a
 * mock that negotiates content, as Prism does, answers 406 to that Accept if only JSON is listed).
 */
export const RESPONSE_MEDIA_TYPES = ['application/json', RECOMMENDED_ACCEPT] as const;

type Json = Record<string, unknown>;

/** The component a schema file's `$ref` names: `Link.schema.json` -> `#/components/schemas/Link`. */
function componentRef(fileRef: string): string {
  const match = /^(?:\.\/)?([A-Za-z]+)\.schema\.json$/.exec(fileRef);
  if (!match || !(MODELS as readonly string[]).includes(match[1]!))
    throw new Error(`$ref ${JSON.stringify(fileRef)} names no schema in schemas/`);
  return `#/components/schemas/${match[1]}`;
}

/** A copy of `value` with every `$ref` to a schema file pointed at that schema's component. */
export function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' ? componentRef(inner) : rewriteRefs(inner),
    ]),
  );
}

/**
 * A schema file as a component: the same schema with its `$ref`s pointed at components, without
 * `$id` (an embedded `$id` would make `#/components/...` resolve inside the schema itself) and
 * without `$schema` (the definition's `jsonSchemaDialect` says the same).
 */
function asComponent(schema: Json): Json {
  const rest = { ...schema };
  delete rest['$id'];
  delete rest['$schema'];
  return rewriteRefs(rest) as Json;
}

/** The document's examples, by file name without `.json`, e.g. `ErrorResponse.404`. */
function loadExamples(): Record<string, unknown> {
  return Object.fromEntries(
    fs
      .readdirSync(EXAMPLES_DIR)
      .filter(file => file.endsWith('.json'))
      .sort()
      .map(file => [file.slice(0, -'.json'.length), JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'))]),
  );
}

/** The documented responses: status, the document's description, body model, example. */
export const RESPONSES = [
  {
    status: 200,
    model: 'StorageConnectionResponse',
    example: 'StorageConnectionResponse.200',
    description: 'Connection successfully updated.',
  },
  {
    status: 401,
    model: 'ErrorResponse',
    example: 'ErrorResponse.401',
    description:
      'This response indicates that request lacks valid authentication credentials. Access token might not been provided, issued by the wrong issuer, does not have required scopes or request headers were malformed.',
  },
  {
    status: 404,
    model: 'ErrorResponse',
    example: 'ErrorResponse.404',
    description: 'This response indicates that the specified connection was not found.',
  },
  {
    status: 422,
    model: 'ErrorResponse',
    example: 'ErrorResponse.422',
    description: 'Invalid request to update connection. Request payload might be missing some of the required properties.',
  },
  {
    status: 429,
    model: 'ErrorResponse',
    example: 'ErrorResponse.429',
    description: 'This response indicates that the client sent more requests than allowed by this API for the current tier of the client.',
  },
] as const satisfies readonly { status: number; model: ModelName; example: string; description: string }[];

export const REQUEST = { model: 'StorageConnectionUpdate', example: 'StorageConnectionUpdate.request' } as const satisfies {
  model: ModelName;
  example: string;
};

/** A media type whose schema is the model's component and whose one example is the document's. */
function mediaType(model: ModelName, example: string): Json {
  return { schema: { $ref: `#/components/schemas/${model}` }, examples: { [example]: { $ref: `#/components/examples/${example}` } } };
}

function response({ status, model, example, description }: (typeof RESPONSES)[number]): Json {
  const retryAfter = {
    'retry-after': {
      description: 'Number of seconds to wait until client is allowed to make more requests.',
      schema: { type: 'integer', minimum: 0 },
      // Not from the document: what a mock sends, short so that a client that waits is not held up.
      example: 1,
    },
  };
  return {
    description,
    ...(status === 429 && { headers: retryAfter }),
    content: Object.fromEntries(RESPONSE_MEDIA_TYPES.map(type => [type, mediaType(model, example)])),
  };
}

/** The whole OpenAPI document, as `npm run openapi` writes it. */
export function buildOpenApi(): Json {
  const examples = loadExamples();
  for (const name of [REQUEST.example, ...RESPONSES.map(r => r.example)])
    if (!(name in examples)) throw new Error(`schemas/examples/${name}.json is missing`);
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: JSON_SCHEMA_2020_12,
    info: {
      title: 'Synchronization: Update StorageConnection',
      version: 'v1',
      description:
        'The one operation under test. Made by scripts/build-openapi.ts (npm run openapi) from schemas/*.schema.json and schemas/examples/. Do not edit by hand.',
    },
    servers: [
      { url: 'https://api.bentley.com', description: 'production' },
      { url: 'https://dev-api.bentley.com', description: 'development' },
    ],
    security: [{ bearer: [] }],
    tags: [{ name: 'Synchronization' }],
    paths: {
      [OPERATION_PATH]: {
        put: {
          operationId: 'update-storage-connection',
          summary: 'Update StorageConnection',
          description: 'Update an existing StorageConnection. A connection is linked with an iModel.',
          tags: ['Synchronization'],
          // The document lists Authorization and Accept as required request headers. OpenAPI says
          // tools ignore header parameters of these names (security and content negotiation cover
          // them); they are kept so the definition reads like the document.
          parameters: [
            { name: 'connectionId', in: 'path', required: true, description: 'Connection Id', schema: { type: 'string' } },
            {
              name: 'Authorization',
              in: 'header',
              required: true,
              description: 'OAuth access token with itwin-platform scope',
              schema: { type: 'string' },
            },
            {
              name: 'Accept',
              in: 'header',
              required: true,
              description: `Setting to ${RECOMMENDED_ACCEPT} is recommended.`,
              schema: { type: 'string' },
              example: RECOMMENDED_ACCEPT,
            },
          ],
          requestBody: {
            description: 'Storage Connection (update)',
            // The suite's reading: an update without a body is refused with 422.
            required: true,
            content: { 'application/json': mediaType(REQUEST.model, REQUEST.example) },
          },
          responses: Object.fromEntries(RESPONSES.map(r => [String(r.status), response(r)])),
        },
      },
    },
    components: {
      schemas: Object.fromEntries(MODELS.map(model => [model, asComponent(loadSchema(model))])),
      examples: Object.fromEntries(
        Object.entries(examples).map(([name, value]) => [
          name,
          { summary: `The document's example (schemas/examples/${name}.json).`, value },
        ]),
      ),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'Requires Authorization header with valid Bearer token for scope itwin-platform.',
        },
      },
    },
  };
}

/** The text of schemas/openapi.json: two-space JSON with a final newline. */
export function renderOpenApi(): string {
  return JSON.stringify(buildOpenApi(), null, 2) + '\n';
}

if (require.main === module) {
  fs.writeFileSync(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
}
