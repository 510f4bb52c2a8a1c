// The console speaks English or Russian, chosen in the header and remembered in this browser.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en';
import { ru } from './ru';

export type Language = 'en' | 'ru';
const storageKey = 'kordon.language';
const dictionaries: Record<Language, Record<MessageKey, string>> = { en, ru };

function initialLanguage(): Language {
  const stored = localStorage.getItem(storageKey);
  if (stored === 'en' || stored === 'ru') return stored;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const value = useMemo<I18n>(() => {
    const dictionary = dictionaries[language];
    return {
      language,
      setLanguage: (next) => {
        localStorage.setItem(storageKey, next);
        document.documentElement.lang = next;
        setLanguageState(next);
      },
      t: (key, values = {}) =>
        dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole)),
    };
  }, [language]);
  return <I18nContext value={value}>{children}</I18nContext>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (value === null) throw new Error('useI18n outside I18nProvider');
  return value;
}
