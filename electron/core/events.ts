/** The core's typed event bus: services emit contract events, shells forward them (IPC, SSE). */
import type { EventName, EventPayload } from '../../shared/contract/index.js';

/** A listener that receives every event with its name (what the shells forward). */
export type AnyEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Delivers contract events to whoever listens; a throwing listener never breaks the emitter. */
export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  /** Sends an event to every listener. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event, payload);
      } catch (error) {
        console.error(`lathe: a listener of ${event} failed:`, error);
      }
    }
  }

  /** Listens to every event; returns the function that stops listening. */
  onDidEmit(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops every listener. */
  dispose(): void {
    this.listeners.clear();
  }
}
