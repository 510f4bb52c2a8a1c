// The administrators' forms: add one (POST /api/v1/admins) and set one's password (PUT
// /api/v1/admins/{name}/password). The gateway holds the rules for names and passwords, so its errors
// are shown at their field; the form itself only checks that the two passwords were typed alike.
import { useState, type SyntheticEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { CheckField, TextField } from '../../components/Field';
import { FormButtons } from '../../components/FormButtons';
import {
  NewPasswordFields,
  noNewPassword,
  repeatDiffers,
  type NewPassword,
} from '../../components/NewPasswordFields';
import { useI18n } from '../../i18n';
import { failureOf, FormProblem } from './FormProblem';
import type { AdminItem, Problem, Role } from './model';
import { RoleField } from './parts';

const addFields = ['/name', '/password', '/role', '/must_change_password'];
const resetFields = ['/password', '/must_change_password'];

/** The form's own check before it asks the gateway (the gateway holds every other rule). */
function repeatProblem(newPassword: NewPassword, differ: string): Problem | null {
  return repeatDiffers(newPassword) ? { field: '/repeat', text: differ } : null;
}

export function AddAdminForm({ onAdded }: { onAdded: (name: string) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [newPassword, setNewPassword] = useState(noNewPassword);
  const [role, setRole] = useState<Role>('admin');
  const [mustChange, setMustChange] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const mismatch = repeatProblem(newPassword, t('tkAdminPasswordsDiffer'));
    setProblem(mismatch);
    if (mismatch !== null) return;
    setBusy(true);
    try {
      const admin = unwrap(
        await api.POST('/api/v1/admins', {
          body: { name, password: newPassword.password, role, must_change_password: mustChange },
        }),
      );
      setName('');
      setNewPassword(noNewPassword);
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
      <NewPasswordFields
        ids={{ password: 'admin-password', repeat: 'admin-repeat' }}
        labels={{ password: t('tkAdminPassword'), repeat: t('tkAdminRepeat') }}
        hint={t('tkAdminPasswordHint')}
        value={newPassword}
        errors={{ password: errorAt('/password'), repeat: errorAt('/repeat') }}
        onChange={setNewPassword}
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
  const [newPassword, setNewPassword] = useState(noNewPassword);
  const [mustChange, setMustChange] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const mismatch = repeatProblem(newPassword, t('tkAdminPasswordsDiffer'));
    setProblem(mismatch);
    if (mismatch !== null) return;
    setBusy(true);
    try {
      unwrap(
        await api.PUT('/api/v1/admins/{name}/password', {
          params: { path: { name: admin.name } },
          body: { password: newPassword.password, must_change_password: mustChange },
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
    <Dialog title={t('tkResetPasswordTitle', { name: admin.name })} onEscape={onCancel} onClosed={onCancel}>
      <form noValidate onSubmit={(event) => void submit(event)}>
        <p className={you ? 'note' : 'muted'}>{you ? t('tkResetOwnPassword') : t('tkResetPasswordWhy')}</p>
        <NewPasswordFields
          ids={{ password: 'reset-password', repeat: 'reset-repeat' }}
          labels={{ password: t('tkNewAdminPassword'), repeat: t('tkRepeatAdminPassword') }}
          autoFocus
          value={newPassword}
          errors={{ password: errorAt('/password'), repeat: errorAt('/repeat') }}
          onChange={setNewPassword}
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
        <FormButtons
          label={t('tkSetPassword')}
          busyLabel={t('tkSettingPassword')}
          busy={busy}
          onCancel={onCancel}
        />
        <FormProblem problem={problem} />
      </form>
    </Dialog>
  );
}
