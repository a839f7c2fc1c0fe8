// Flash messages (dashboard.md §1 layout, checklist item 49): a stack at the bottom of every page. A message
// closes on click, on Esc (the newest one) or by itself after 10 s. Messages outlive navigation, which is how a
// redirect carries its reason ("Please log in using your credentials.") to the next screen.

export const FLASH_TIMEOUT_MS = 10_000;

export interface FlashMessage {
  id: number;
  text: string;
}

interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class FlashStore {
  private messages: FlashMessage[] = [];
  private readonly handles = new Map<number, unknown>();
  private readonly listeners = new Set<(messages: readonly FlashMessage[]) => void>();
  private nextId = 1;

  constructor(private readonly timers: Timers = defaultTimers) {}

  get current(): readonly FlashMessage[] {
    return this.messages;
  }

  add(text: string): number {
    const id = this.nextId++;
    this.messages = [...this.messages, { id, text }];
    this.handles.set(id, this.timers.setTimeout(() => this.dismiss(id), FLASH_TIMEOUT_MS));
    this.emit();
    return id;
  }

  dismiss(id: number): void {
    if (!this.messages.some((message) => message.id === id)) return;
    const handle = this.handles.get(id);
    if (handle !== undefined) this.timers.clearTimeout(handle);
    this.handles.delete(id);
    this.messages = this.messages.filter((message) => message.id !== id);
    this.emit();
  }

  /** Esc closes the newest message; returns whether there was one. */
  dismissNewest(): boolean {
    const newest = this.messages[this.messages.length - 1];
    if (!newest) return false;
    this.dismiss(newest.id);
    return true;
  }

  subscribe(listener: (messages: readonly FlashMessage[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.messages);
  }
}
