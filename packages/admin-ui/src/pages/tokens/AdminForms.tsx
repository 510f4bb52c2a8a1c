// The administrators' forms: add one (POST /api/v1/admins) and set one's password (PUT
// /api/v1/admins/{name}/password). The gateway holds the rules for names and passwords, so its errors
// are shown at their field; the form itself only checks that the two passwords were typed alike.
import { useState, type SyntheticEvent } from 'react';
import { ApiFailure, api, messageOf, unwrap } from '../../api/client';
import { CheckField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n';
import { problemOf, repeatProblem, type AdminItem, type Problem, type Role } from './model';
import { ModalDialog, RoleField } from './parts';

const addFields = ['/name', '/password', '/role', '/must_change_password'];
const resetFields = ['/password', '/must_change_password'];

function failureOf(error: unknown, fields: readonly string[]): Problem {
  return error instanceof ApiFailure
    ? problemOf(error, fields, error.message)
    : { field: null, text: messageOf(error) };
}

function FormProblem({ problem }: { problem: Problem | null }) {
  const { t } = useI18n();
  if (problem === null) return null;
  return (
    <span role="alert" className="problem">
      {problem.field === null ? t('tkFailed', { message: problem.text }) : t('tkFailedField')}
    </span>
  );
}

export function AddAdminForm({ onAdded }: { onAdded: (name: string) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const [mustChange, setMustChange] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const mismatch = repeatProblem(password, repeat, t('tkAdminPasswordsDiffer'));
    setProblem(mismatch);
    if (mismatch !== null) return;
    setBusy(true);
    try {
      const admin = unwrap(
        await api.POST('/api/v1/admins', {
          body: { name, password, role, must_change_password: mustChange },
        }),
      );
      setName('');
      setPassword('');
      setRepeat('');
      setRole('admin');
      setMustChange(true);
      onAdded(admin.name);
    } catch (error) {
      setProblem(failureOf(error, addFields));
    } finally {
      setBusy(false);
    }
  };

  const errorAt = (field: string) => (problem?.field === field ? problem.text : null);
  return (
    <form
      className="card tokens-form"
      aria-labelledby="add-admin-title"
      noValidate
      onSubmit={(event) => void submit(event)}
    >
      <h3 id="add-admin-title">{t('tkAddAdminSection')}</h3>
      <TextField
        id="admin-name"
        label={t('tkAdminName')}
        hint={t('tkAdminNameHint')}
        value={name}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        error={errorAt('/name')}
        onChange={(event) => {
          setName(event.target.value);
        }}
      />
      <TextField
        id="admin-password"
        label={t('tkAdminPassword')}
        hint={t('tkAdminPasswordHint')}
        type="password"
        autoComplete="new-password"
        value={password}
        error={errorAt('/password')}
        onChange={(event) => {
          setPassword(event.target.value);
        }}
      />
      <TextField
        id="admin-repeat"
        label={t('tkAdminRepeat')}
        type="password"
        autoComplete="new-password"
        value={repeat}
        error={errorAt('/repeat')}
        onChange={(event) => {
          setRepeat(event.target.value);
        }}
      />
      <RoleField
        id="admin-role"
        label={t('tkAdminRole')}
        value={role}
        error={errorAt('/role')}
        onChange={setRole}
      />
      <CheckField
        id="admin-must-change"
        label={t('tkMustChangeFirst')}
        hint={t('tkMustChangeFirstHint')}
        checked={mustChange}
        error={errorAt('/must_change_password')}
        onChange={(event) => {
          setMustChange(event.target.checked);
        }}
      />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('tkAddingAdmin') : t('tkAddAdmin')}
        </button>
        <FormProblem problem={problem} />
      </div>
    </form>
  );
}

/** A new password for `admin`; it ends their console sessions (yours too when `you`). */
export function ResetPasswordDialog({
  admin,
  you,
  onDone,
  onCancel,
}: {
  admin: AdminItem;
  you: boolean;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mustChange, setMustChange] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const mismatch = repeatProblem(password, repeat, t('tkAdminPasswordsDiffer'));
    setProblem(mismatch);
    if (mismatch !== null) return;
    setBusy(true);
    try {
      unwrap(
        await api.PUT('/api/v1/admins/{name}/password', {
          params: { path: { name: admin.name } },
          body: { password, must_change_password: mustChange },
        }),
      );
      onDone();
    } catch (error) {
      setProblem(failureOf(error, resetFields));
      setBusy(false);
    }
  };

  const errorAt = (field: string) => (problem?.field === field ? problem.text : null);
  return (
    <ModalDialog
      title={t('tkResetPasswordTitle', { name: admin.name })}
      onEscape={onCancel}
      onClosed={onCancel}
    >
      <form noValidate onSubmit={(event) => void submit(event)}>
        <p className={you ? 'note' : 'muted'}>{you ? t('tkResetOwnPassword') : t('tkResetPasswordWhy')}</p>
        <TextField
          id="reset-password"
          label={t('tkNewAdminPassword')}
          type="password"
          autoComplete="new-password"
          autoFocus
          value={password}
          error={errorAt('/password')}
          onChange={(event) => {
            setPassword(event.target.value);
          }}
        />
        <TextField
          id="reset-repeat"
          label={t('tkRepeatAdminPassword')}
          type="password"
          autoComplete="new-password"
          value={repeat}
          error={errorAt('/repeat')}
          onChange={(event) => {
            setRepeat(event.target.value);
          }}
        />
        <CheckField
          id="reset-must-change"
          label={t('tkMustChangeFirst')}
          hint={t('tkMustChangeFirstHint')}
          checked={mustChange}
          error={errorAt('/must_change_password')}
          onChange={(event) => {
            setMustChange(event.target.checked);
          }}
        />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('tkSettingPassword') : t('tkSetPassword')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('cancel')}
          </button>
        </div>
        <FormProblem problem={problem} />
      </form>
    </ModalDialog>
  );
}
