// A new password typed twice. The form checks only that the two are alike (repeatDiffers); every
// other rule is the gateway's, whose refusal the form shows at the first field.
import { TextField } from './Field';

export interface NewPassword {
  password: string;
  repeat: string;
}

export const noNewPassword: NewPassword = { password: '', repeat: '' };

export function repeatDiffers({ password, repeat }: NewPassword): boolean {
  return password !== repeat;
}

export function NewPasswordFields({
  ids,
  labels,
  hint,
  value,
  errors,
  autoFocus,
  required,
  onChange,
}: {
  ids: { password: string; repeat: string };
  labels: { password: string; repeat: string };
  /** Shown under the first field. */
  hint?: string;
  value: NewPassword;
  errors: { password: string | null | undefined; repeat: string | null | undefined };
  autoFocus?: boolean;
  required?: boolean;
  onChange: (value: NewPassword) => void;
}) {
  return (
    <>
      <TextField
        id={ids.password}
        label={labels.password}
        hint={hint}
        type="password"
        autoComplete="new-password"
        required={required}
        autoFocus={autoFocus}
        value={value.password}
        error={errors.password}
        onChange={(event) => {
          onChange({ ...value, password: event.target.value });
        }}
      />
      <TextField
        id={ids.repeat}
        label={labels.repeat}
        type="password"
        autoComplete="new-password"
        required={required}
        value={value.repeat}
        error={errors.repeat}
        onChange={(event) => {
          onChange({ ...value, repeat: event.target.value });
        }}
      />
    </>
  );
}
