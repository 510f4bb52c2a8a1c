// The console speaks English or Russian: chosen in the header, remembered in this browser
// (localStorage), at first the browser's language.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en';
import { fill, formatBytes, formatDateTime } from './format';
import { ru } from './ru';

export type Language = 'en' | 'ru';
export const languages: readonly { id: Language; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'ru', name: 'Русский' },
];
const storageKey = 'kordon.language';
const dictionaries: Record<Language, Record<MessageKey, string>> = { en, ru };

function stored(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

function initialLanguage(): Language {
  const remembered = stored();
  if (remembered === 'en' || remembered === 'ru') return remembered;
  const asked = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return asked
    .find((tag) => /^(en|ru)\b/i.test(tag))
    ?.slice(0, 2)
    .toLowerCase() === 'ru'
    ? 'ru'
    : 'en';
}

export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
  /** A date and time in this browser's time zone, to the second. */
  dateTime: (iso: string | Date) => string;
  bytes: (value: number) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const value = useMemo<I18n>(() => {
    const dictionary = dictionaries[language];
    return {
      language,
      setLanguage: (next) => {
        try {
          localStorage.setItem(storageKey, next);
        } catch {
          // Storage refused (private mode): the choice lasts until the page is reloaded.
        }
        setLanguageState(next);
      },
      t: (key, values) => fill(dictionary[key], values),
      dateTime: (at) => formatDateTime(typeof at === 'string' ? new Date(at) : at),
      bytes: (amount) => formatBytes(amount, dictionary.byteUnits, language),
    };
  }, [language]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return <I18nContext value={value}>{children}</I18nContext>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (value === null) throw new Error('useI18n outside I18nProvider');
  return value;
}
