/** Appends one reference token to an RFC 6901 JSON Pointer ("~" → "~0", "/" → "~1"). */
export function childPointer(pointer: string, token: string | number): string {
  if (typeof token === 'number') return `${pointer}/${token}`;
  if (!token.includes('~') && !token.includes('/')) return `${pointer}/${token}`;
  return `${pointer}/${token.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}
