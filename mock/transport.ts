// Misbehaviour below the contract, for the faults of mock/faults-transport.ts: a target that stops
// answering, trickles its body, sends a huge one or drops the connection mid-body. A behaviour returns
// a MockResponse with `transport` set; the server hands it to sendMisbehaving instead of answering.
import type http from 'node:http';
import type { Behaviour, Transport } from './operation';

export type { Transport };

/** Sockets kept open by a hang, closed when the mock stops. */
const hanging = new Set<http.ServerResponse>();

export function releaseHanging(): void {
  for (const res of hanging) res.destroy();
  hanging.clear();
}

export function sendMisbehaving(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
  transport: Transport,
): void {
  switch (transport.kind) {
    case 'hang':
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    case 'trickle': {
      res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
      const bytes = Buffer.from(body);
      let at = 0;
      const timer = setInterval(() => {
        if (res.destroyed || at >= bytes.length) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(bytes.subarray(at, ++at));
      }, transport.intervalMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'huge': {
      // The documented 404 error, with a message of whatever length makes the body `bytes` long.
      const head = '{"error":{"code":"StorageConnectionNotFound","message":"';
      const tail = '"}}';
      const fill = Math.max(0, transport.bytes - head.length - tail.length);
      res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(head.length + fill + tail.length) });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let left = fill;
      res.write(head);
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= part.length;
          if (!res.write(part)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end(tail);
      };
      pump();
      return;
    }
    case 'reset-mid-body': {
      res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
      res.write(body.slice(0, Math.floor(body.length / 2)));
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
  }
}

/** Answers `answers` requests to a connection, then misbehaves on every one after. */
export function afterAnswers(answers: number, transport: Transport): Behaviour {
  let count = 0;
  return async (request, next) => {
    const response = next();
    if (request.connectionId === undefined) return response;
    count += 1;
    return count > answers ? { ...response, transport } : response;
  };
}

/** Every 404 carries a JSON error body of `bytes` bytes. */
export function hugeNotFound(bytes: number): Behaviour {
  return async (_request, next) => {
    const response = next();
    return response.status === 404 ? { ...response, transport: { kind: 'huge', bytes } } : response;
  };
}
