// The line about administrators from a directory (GET /api/v1/directory): they sign in with the
// directory's password, by the membership of its admin and viewer groups, and are managed there.
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useI18n } from '../../i18n';
import { directoryLine, type Directory } from './model';

export function DirectoryNote() {
  const { t } = useI18n();
  // undefined until the gateway has answered; a failure leaves the line out (the lists say the rest).
  const [directory, setDirectory] = useState<{ value: Directory } | undefined>(undefined);
  useEffect(() => {
    let current = true;
    api
      .GET('/api/v1/directory')
      .then((result) => {
        if (current) setDirectory({ value: unwrap(result) });
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);
  if (directory === undefined) return null;
  const line = directoryLine(directory.value);
  const noGroup = t('tkDirectoryNoGroup');
  return (
    <p className="hint directory-note">
      {line.kind === 'none' && t('tkDirectoryNone')}
      {line.kind === 'no-groups' && t('tkDirectoryNoGroups')}
      {line.kind === 'groups' &&
        t('tkDirectoryGroups', {
          adminGroup: line.adminGroup ?? noGroup,
          viewerGroup: line.viewerGroup ?? noGroup,
        })}
    </p>
  );
}
