import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Actor } from '../platform/access/access.ts';
import { translate, type Locale, type Message } from '../platform/i18n/i18n.ts';

/** What every component may know about the request: no database, only these facts. */
export interface PageContextValue {
  locale: Locale;
  theme: 'standard' | 'contrast';
  csrfToken: string;
  actor: Actor;
  /** Path of the current page (for the language switch and "current" links). */
  path: string;
  demoMode: boolean;
  /** Whether the audit log link is shown (the audit policy decides). */
  canReadAudit: boolean;
}

export const PageContext = createContext<PageContextValue>({
  locale: 'ru',
  theme: 'standard',
  csrfToken: '',
  actor: { kind: 'anonymous' },
  path: '/',
  demoMode: false,
  canReadAudit: false,
});

export function usePage(): PageContextValue {
  return useContext(PageContext);
}

/** Translation bound to the page's locale. */
export function useT(): (message: Message | string, params?: Record<string, string | number>) => string {
  const { locale } = usePage();
  return (message, params) => translate(locale, message, params);
}
