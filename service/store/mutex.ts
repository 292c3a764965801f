/**
 * Many readers or one writer at a time, in arrival order (a waiting writer
 * holds back later readers, so writers are not starved). Writes are checked
 * against the whole model, so they must not interleave; on SQLite all
 * statements share one connection, so a read must not run inside a write's
 * open transaction either, or it would see what may yet roll back.
 * Not re-entrant: a task must not take the lock again.
 */
export class ReadWriteLock {
  private readers = 0;
  private writing = false;
  private readonly waiting: { write: boolean; start: () => void }[] = [];

  read<T>(task: () => Promise<T>): Promise<T> {
    return this.run(false, task);
  }

  write<T>(task: () => Promise<T>): Promise<T> {
    return this.run(true, task);
  }

  private run<T>(write: boolean, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        write,
        start: () => {
          Promise.resolve()
            .then(task)
            .then(resolve, reject)
            .finally(() => {
              if (write) this.writing = false;
              else this.readers--;
              this.grant();
            });
        },
      });
      this.grant();
    });
  }

  private grant(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0];
      if (this.writing || (next.write && this.readers > 0)) return;
      if (next.write) this.writing = true;
      else this.readers++;
      this.waiting.shift();
      next.start();
    }
  }
}
