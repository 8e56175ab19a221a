import { useSyncExternalStore } from 'react';

/** A JSON value kept in localStorage, shared by every component through useSyncExternalStore. */
export interface StoredValue<T> {
  get(): T;
  set(value: T | null): void;
  subscribe(listener: () => void): () => void;
}

export function createStoredValue<T>(key: string, parse: (raw: unknown) => T): StoredValue<T> {
  const listeners = new Set<() => void>();
  let lastRaw: string | null | undefined;
  let cached: T = parse(null);

  function read(): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  }

  return {
    get() {
      const raw = read();
      if (raw !== lastRaw) {
        lastRaw = raw;
        let value: unknown = null;
        try {
          value = raw === null ? null : JSON.parse(raw);
        } catch {
          value = null;
        }
        cached = parse(value);
      }
      return cached;
    },
    set(value) {
      try {
        if (value === null) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify(value));
      } catch {
        // storage full or disabled: the value lives until the page reloads
      }
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      const onStorage = (event: StorageEvent) => {
        if (event.key === key || event.key === null) listener();
      };
      window.addEventListener('storage', onStorage);
      return () => {
        listeners.delete(listener);
        window.removeEventListener('storage', onStorage);
      };
    },
  };
}

export function useStoredValue<T>(store: StoredValue<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
