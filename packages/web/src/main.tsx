import '@mantine/core/styles.css';
import './ui/focusRing.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app/App.tsx';
import { initI18n } from './i18n/index.ts';

const i18n = initI18n();
const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'sm' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme}>
        <App />
      </MantineProvider>
    </I18nextProvider>
  </StrictMode>,
);
