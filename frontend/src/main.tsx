import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client';
import { ApiContext } from './api/context';
import App from './App';
import { currentSession, sessionStore } from './state/session';
import './styles.css';

const api = createApiClient({
  getToken: () => currentSession()?.token ?? null,
  onUnauthorized: () => sessionStore.set(null),
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiContext.Provider value={api}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
);
