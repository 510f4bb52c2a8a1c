// An operating system's name in the page's language.
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/en';
import type { OsName } from './model';

const osLabels = { windows: 'osWindows', macos: 'osMacos', linux: 'osLinux' } satisfies Record<
  OsName,
  MessageKey
>;

export function useOsName(): (os: OsName) => string {
  const { t } = useI18n();
  return (os) => t(osLabels[os]);
}
