/** Disposables gathered in one store and released together (VS Code's `DisposableStore`, async-aware). */

/** Something that releases a resource; it may finish asynchronously (a process exiting). */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/**
 * Holds the disposables of one lifetime (e.g. one launch of a server). `dispose()` releases them
 * newest first and resolves when all have finished; anything added afterwards is released at once.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposing?: Promise<void>;

  get isDisposed(): boolean {
    return this.disposing !== undefined;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposing) void Promise.resolve(item.dispose()).catch(() => undefined);
    else this.items.push(item);
    return item;
  }

  /** A one-shot timer released with the store; it leaves the store once it has fired. */
  timeout(run: () => void, ms: number): void {
    const entry: Disposable = { dispose: () => clearTimeout(timer) };
    const timer = setTimeout(() => {
      this.remove(entry);
      run();
    }, ms);
    timer.unref?.();
    this.add(entry);
  }

  /** An interval released with the store. */
  interval(run: () => void, ms: number): void {
    const timer = setInterval(run, ms);
    timer.unref?.();
    this.add({ dispose: () => clearInterval(timer) });
  }

  private remove(item: Disposable): void {
    const i = this.items.indexOf(item);
    if (i >= 0) this.items.splice(i, 1);
  }

  dispose(): Promise<void> {
    this.disposing ??= Promise.all(
      this.items.splice(0).reverse().map((item) => Promise.resolve().then(() => item.dispose()).catch(() => undefined)),
    ).then(() => undefined);
    return this.disposing;
  }
}
