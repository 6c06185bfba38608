/** Server-Sent Events: forwards every core event to connected pages as `event: <name>` / `data: <json>`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus } from '../core/events.js';
import { baseHeaders } from './http-io.js';

/** Keeps track of open event streams so the server can end them on shutdown. */
export class EventStreams {
  private readonly open = new Set<ServerResponse>();
  private readonly stopListening: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(bus: EventBus) {
    this.stopListening = bus.onDidEmit((event, payload) => {
      const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const response of this.open) response.write(frame);
    });
    // A comment line every 15 s keeps proxies and idle timers from closing the stream.
    this.heartbeat = setInterval(() => {
      for (const response of this.open) response.write(': keep-alive\n\n');
    }, 15_000);
    this.heartbeat.unref();
  }

  /** Starts a stream on this response. */
  accept(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      ...baseHeaders,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    this.open.add(response);
    request.on('close', () => this.open.delete(response));
  }

  /** Ends every stream. */
  dispose(): void {
    this.stopListening();
    clearInterval(this.heartbeat);
    for (const response of this.open) response.end();
    this.open.clear();
  }
}
