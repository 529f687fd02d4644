// What may stand where on an IRC line. A nick, channel or account that could carry a space,
// comma, colon or control character would let text from elsewhere inject IRC commands.

/** RFC 2812 nick characters, not starting with a digit or `-`: the bot's own nick. */
export const IRC_NICK = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]{0,29}$/;
/** Services account names (Atheme follows the nick rules; other services allow a little more). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
export const IRC_ACCOUNT = /^[^\s\x00-\x1f:,*?!@]{1,50}$/;
/** A channel name can carry neither spaces, commas, BEL nor line breaks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
export const IRC_CHANNEL = /^[#&][^\s,\x00-\x1f]{1,49}$/;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const UNSAFE = /[\s,\x00-\x1f\x7f]/;

/**
 * Whether `target` can be written as the target of a PRIVMSG: a channel (its first character
 * in the server's CHANTYPES) or a nick as the server reported it (which may be UTF-8 on some
 * networks), never anything that would split the line.
 */
export function isSafeTarget(target: string, channelTypes: string): boolean {
  if (target.length === 0 || target.length > 64 || UNSAFE.test(target)) return false;
  if (target.startsWith(':')) return false;
  return isChannel(target, channelTypes) ? target.length > 1 : !/^[0-9-]/.test(target);
}

export function isChannel(target: string, channelTypes: string): boolean {
  return channelTypes.includes(target.charAt(0));
}

/** The channel prefixes a server announces (ISUPPORT CHANTYPES), `#&` until it has. */
export function channelTypes(network: { options: Record<string, unknown> }): string {
  const types = network.options.CHANTYPES;
  return Array.isArray(types) ? types.join('') : '#&';
}
