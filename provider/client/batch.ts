/**
 * Reads by id that arrive together become one request to the service
 * (`GET /v1/<collection>?ids=…`). Terraform's refresh sends one ReadResource
 * per resource, up to its parallelism (10) at a time; each was its own HTTP
 * request, the largest single cost of a plan in the provider. No timer: the
 * first read of a collection goes out at once, and those that arrive while a
 * request of that collection is under way go out together when it answers.
 */
import type { ApiClient } from './http';

/** Ids per request: Terraform's parallelism is 10 by default; the service takes up to 100 (service/api/crud.ts). */
const MAX_BATCH = 20;

interface Waiter {
  id: string;
  resolve(found: unknown | null): void;
  reject(e: unknown): void;
}

export class BatchReader {
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly busy = new Set<string>();

  constructor(private readonly client: ApiClient) {}

  /** The object of `collection` whose id is `id`, or null if there is none. */
  read(collection: string, id: string): Promise<unknown | null> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(collection) ?? [];
      queue.push({ id, resolve, reject });
      this.waiting.set(collection, queue);
      if (!this.busy.has(collection)) void this.drain(collection);
    });
  }

  private async drain(collection: string): Promise<void> {
    this.busy.add(collection);
    for (let queue = this.waiting.get(collection); queue && queue.length > 0;) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const ids = [...new Set(batch.map((w) => w.id))].map(encodeURIComponent).join(',');
        const { items } = await this.client.request<{ items: { id: string }[] }>('GET', `/v1/${collection}?ids=${ids}`);
        const byId = new Map(items.map((o) => [o.id, o]));
        for (const w of batch) w.resolve(byId.get(w.id) ?? null);
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.busy.delete(collection);
  }
}
