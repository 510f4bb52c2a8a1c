// Where a token or administrator form's failure is shown: at one of its fields when the API names one
// the form has, else for the whole form; and the line by the form's button that says which.
import { ApiFailure, messageOf } from '../../api/client';
import { useI18n } from '../../i18n';
import { problemOf, type Problem } from './model';

export function failureOf(error: unknown, fields: readonly string[]): Problem {
  return error instanceof ApiFailure
    ? problemOf(error, fields, error.message)
    : { field: null, text: messageOf(error) };
}

export function FormProblem({ problem }: { problem: Problem | null }) {
  const { t } = useI18n();
  if (problem === null) return null;
  return (
    <span role="alert" className="problem">
      {problem.field === null ? t('tkFailed', { message: problem.text }) : t('tkFailedField')}
    </span>
  );
}
