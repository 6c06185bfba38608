import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Badge, MantineProvider, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { HashRouter } from 'react-router';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app/app.css';
import { App } from './app/App';
import { ClientContext } from './api/hooks';
import { createClient } from './api/client';
import { wireInvalidations } from './api/queries';

const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  // A badge is a word or two: a table column squeezing it would cut it to "NO …" (issue 15's sweep).
  components: { Badge: Badge.extend({ styles: { root: { minWidth: 'max-content' } } }) },
});
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

const client = createClient();
// Core events refresh the queries they make stale (one table: api/queries.ts).
wireInvalidations(client, queryClient);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* "auto" follows the operating system's light or dark setting. */}
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="bottom-right" />
      <ClientContext.Provider value={client}>
        <QueryClientProvider client={queryClient}>
          <HashRouter>
            <App />
          </HashRouter>
        </QueryClientProvider>
      </ClientContext.Provider>
    </MantineProvider>
  </StrictMode>,
);
