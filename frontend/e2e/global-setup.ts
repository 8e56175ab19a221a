import type { FullConfig } from '@playwright/test';
import { join } from 'node:path';
import { frontendDir, readState, startStack, stopStack } from './stack.ts';

// Starts the whole stack once for the run and returns the teardown. With E2E_BASE_URL set, the
// tests run against an existing stack instead (e.g. `boutique up`); the test that stops and
// restarts the API is then skipped.
export default async function globalSetup(_config: FullConfig) {
  if (process.env.E2E_BASE_URL) return undefined;
  let state;
  try {
    state = await startStack();
  } catch (error) {
    const partial = readState();
    if (partial)
      await stopStack(partial, join(frontendDir, 'test-results', 'stack-logs')).catch(() => {});
    throw error;
  }
  process.env.E2E_BASE_URL = state.baseURL;
  return async () => {
    // The API may have been restarted by a test: its pid is in the state file.
    await stopStack(readState() ?? state, join(frontendDir, 'test-results', 'stack-logs'));
  };
}
