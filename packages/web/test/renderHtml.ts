import { MantineProvider } from '@mantine/core';
import { createElement, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { initI18n, type Language } from '../src/i18n/index.ts';

/** Renders a component in a language, inside the providers the app gives it, to HTML (no DOM needed). */
export function renderHtml(element: ReactElement, language: Language = 'en'): string {
  const i18n = initI18n(language);
  return renderToString(
    createElement(I18nextProvider, { i18n }, createElement(MantineProvider, null, element)),
  );
}

/** The text a reader sees in rendered HTML: tags out, entities read, every kind of space one space. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/&nbsp;|\u00a0|\u202f/g, ' ')
    .replace(/\s+/g, ' ');
}
