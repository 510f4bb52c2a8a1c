// A CA certificate (or several) as PEM: pasted, dropped or uploaded, and shown (subject, issuer,
// validity, CA or not) before it is saved, with what cannot be read said in words. The gateway checks
// it again when it is saved; its error is shown at the field.
import { useMemo } from 'react';
import { useI18n, type Translate } from '../i18n';
import { readPem, validAt, type PemBlock } from '../pem/certificates';
import { TextAreaField } from './Field';

function certificateProblems(blocks: readonly PemBlock[], t: Translate): string[] {
  const problems: string[] = [];
  blocks.forEach((block, index) => {
    if (block.kind === 'unreadable')
      problems.push(t('unreadableCertificate', { index: index + 1, reason: block.reason }));
    if (block.kind === 'other') problems.push(t('otherBlock', { label: block.label }));
  });
  return problems;
}

export function CertificateField({
  id,
  label,
  hint,
  value,
  error,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  /** The PEM text, or null for none. */
  value: string | null;
  error: string | null | undefined;
  onChange: (pem: string | null) => void;
}) {
  const { t, dateTime } = useI18n();
  const pem = value ?? '';
  const blocks = useMemo(() => readPem(pem), [pem]);
  const certificates = blocks.flatMap((block) => (block.kind === 'certificate' ? [block.certificate] : []));
  const problems = certificateProblems(blocks, t);
  const now = new Date();
  const readFile = (file: File) => {
    void file.text().then((text) => {
      onChange(text.trim() === '' ? null : text);
    });
  };

  return (
    <>
      <TextAreaField
        id={id}
        label={label}
        hint={hint}
        rows={7}
        spellCheck={false}
        value={pem}
        placeholder="-----BEGIN CERTIFICATE-----"
        error={error}
        onChange={(event) => {
          onChange(event.target.value.trim() === '' ? null : event.target.value);
        }}
        onDragOver={(event) => {
          event.preventDefault();
        }}
        onDrop={(event) => {
          const file = event.dataTransfer.files[0];
          if (file === undefined) return;
          event.preventDefault();
          readFile(file);
        }}
      />
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('uploadPem')}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".pem,.crt,.cer,application/x-pem-file,application/x-x509-ca-cert"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file !== undefined) readFile(file);
            // The same file chosen again is read again.
            event.target.value = '';
          }}
        />
      </div>
      {pem.trim() !== '' && blocks.length === 0 && <p className="problem">{t('noCertificate')}</p>}
      {problems.map((problem) => (
        <p className="problem" key={problem}>
          {problem}
        </p>
      ))}
      {certificates.length > 0 && (
        <div className="table-wrap">
          <table className="grid certificates" aria-label={t('certificates')}>
            <thead>
              <tr>
                <th scope="col">{t('subject')}</th>
                <th scope="col">{t('issuer')}</th>
                <th scope="col">{t('validity')}</th>
                <th scope="col">{t('isCa')}</th>
                <th scope="col">{t('serialNumber')}</th>
              </tr>
            </thead>
            <tbody>
              {certificates.map((certificate, index) => {
                const valid = validAt(certificate, now);
                return (
                  <tr key={index}>
                    <td>{certificate.subject}</td>
                    <td>{certificate.issuer}</td>
                    <td>
                      <span className="nowrap">{dateTime(certificate.notBefore)}</span> –{' '}
                      <span className="nowrap">{dateTime(certificate.notAfter)}</span>
                      {!valid && (
                        <span className="problem">
                          {' '}
                          ({certificate.notAfter < now ? t('expired') : t('notYetValid')})
                        </span>
                      )}
                    </td>
                    <td>
                      {certificate.ca === true ? t('yes') : <span className="problem">{t('notCa')}</span>}
                    </td>
                    <td className="mono serial">{certificate.serialNumber}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
