// IRC compares nicks, channels and (on Atheme networks) account names case-insensitively, by the
// rules the server announces in ISUPPORT CASEMAPPING. Under the default, rfc1459, `[]\~` are the
// upper case of `{}|^`: `Nuria[m]` and `nuria{M}` are one nick.

/** A function that maps names equal under the server's case mapping to one key. */
export type CaseFold = (name: string) => string;

/** The fold of a connected server (rfc1459 until its ISUPPORT arrived). */
export function serverFold(network: { options: Record<string, unknown> }): CaseFold {
  const mapping = network.options.CASEMAPPING;
  return caseFold(typeof mapping === 'string' ? mapping : undefined);
}

export function caseFold(mapping: string | undefined): CaseFold {
  switch (mapping?.toLowerCase()) {
    case 'ascii':
      return asciiLower;
    case 'strict-rfc1459':
      return (name) => asciiLower(name).replace(/[[\]\\]/g, (c) => STRICT[c] as string);
    case 'rfc7613':
    case 'precis':
      // UTF-8 nicks (Ergo, UnrealIRCd): PRECIS case mapping, close enough with NFKC + Unicode lower case.
      return (name) => name.normalize('NFKC').toLowerCase();
    default:
      // rfc1459 is the protocol's default when a server announces nothing.
      return (name) => asciiLower(name).replace(/[[\]\\~]/g, (c) => RFC1459[c] as string);
  }
}

const STRICT: Record<string, string> = { '[': '{', ']': '}', '\\': '|' };
const RFC1459: Record<string, string> = { ...STRICT, '~': '^' };

function asciiLower(name: string): string {
  return name.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}
