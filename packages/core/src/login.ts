// Login names (DECISIONS 14): `CORP\alice`, `alice@corp.example` and `alice` are one account,
// compared case-insensitively. For a local user the domain part is ignored.

/** What a local user's name may be: a login without a domain, compared in lower case. */
const localName = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface ParsedLogin {
  /** The user part, lower case. */
  user: string;
  /** The domain part as given (upper-cased), or null when the login had none. */
  domain: string | null;
}

/** Splits a login into user and domain; undefined when it is not a login at all. */
export function parseLogin(login: string): ParsedLogin | undefined {
  const trimmed = login.trim();
  let user = trimmed;
  let domain: string | null = null;
  const backslash = trimmed.indexOf('\\');
  if (backslash >= 0) {
    domain = trimmed.slice(0, backslash);
    user = trimmed.slice(backslash + 1);
  } else {
    const at = trimmed.lastIndexOf('@');
    if (at >= 0) {
      user = trimmed.slice(0, at);
      domain = trimmed.slice(at + 1);
    }
  }
  if (user === '' || domain === '' || user.includes('\\') || user.includes('@')) return undefined;
  return { user: user.toLowerCase(), domain: domain === null ? null : domain.toUpperCase() };
}

/** The account key of a local user for any accepted spelling of the login, or undefined. */
export function normalizeLocalLogin(login: string): string | undefined {
  const parsed = parseLogin(login);
  if (!parsed || !localName.test(parsed.user)) return undefined;
  return parsed.user;
}

/**
 * Checks a name an administrator gives to a new local user. Returns the normalized name,
 * or the reason it is refused (in words for the administrator).
 */
export function validateLocalUserName(
  name: string,
): { ok: true; name: string } | { ok: false; message: string } {
  if (name.includes('\\') || name.includes('@')) {
    return {
      ok: false,
      message:
        'a local user name has no domain part: give "alice", not "CORP\\alice" or "alice@corp.example"',
    };
  }
  const lower = name.toLowerCase();
  if (!localName.test(lower)) {
    return {
      ok: false,
      message:
        'a user name is 1 to 64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit',
    };
  }
  return { ok: true, name: lower };
}
