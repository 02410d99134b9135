/** Calls every listener with an event; one that throws cannot stop the others or the emulator. */
export function notifyAll<T>(listeners: Iterable<(event: T) => void>, event: T): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      // Rethrown outside the emulator's own work, where the test runner reports it.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
