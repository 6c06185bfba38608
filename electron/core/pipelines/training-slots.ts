/**
 * One training at a time by default (per executor process): a training step waits for a slot and gives
 * it back when done, so two pipelines never fight over the two cores with two trainings.
 */

/** A counting gate for trainings. */
export class TrainingSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /** How many trainings may run at once (the executor sets it when it starts). */
  limit = 1;

  /** Waits for a free slot; the returned function gives it back (once, however often it is called). */
  async acquire(): Promise<() => void> {
    if (this.running >= this.limit) await new Promise<void>((go) => this.waiting.push(go));
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.waiting.shift()?.();
    };
  }
}
