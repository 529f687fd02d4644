import type { Client } from 'irc-framework';
import type { CaseFold } from './casemapping.ts';
import { channelTypes, isSafeTarget } from './names.ts';
import { TokenBucket } from './token-bucket.ts';

// CTCP requests, answered as a well-behaved bot does: VERSION (with okrbot's), PING, TIME,
// CLIENTINFO and SOURCE. Each answer costs a line of okrbot's flood allowance, ahead of people's
// answers, so a CTCP flood is answered a few times and then ignored.

const CLIENTINFO = 'CLIENTINFO PING SOURCE TIME VERSION';

/** CTCP answers to one nick at most: three at once, then one every ten seconds. */
const PER_NICK = { burst: 3, ratePerSecond: 0.1 };
/** And to everyone together: five at once, then one every five seconds. */
const OVERALL = { burst: 5, ratePerSecond: 0.2 };
/** Nicks whose allowance is remembered (the oldest is forgotten first). */
const NICKS = 500;

export interface CtcpRequest {
  nick: string;
  type: string | null;
  /** The request without its \x01 delimiters: `PING 12345`. */
  message: string;
}

export function createCtcpResponder(
  client: Client,
  version: string,
  fold: () => CaseFold,
  now: () => Date = () => new Date(),
): (request: CtcpRequest) => void {
  const overall = new TokenBucket(OVERALL);
  const perNick = new Map<string, TokenBucket>();
  const allowed = (nick: string): boolean => {
    const key = fold()(nick);
    let bucket = perNick.get(key);
    if (!bucket) {
      bucket = new TokenBucket(PER_NICK);
      perNick.set(key, bucket);
      if (perNick.size > NICKS) perNick.delete(perNick.keys().next().value as string);
    }
    return bucket.take() === 0 && overall.take() === 0;
  };
  const answers: Record<string, (args: string) => string> = {
    VERSION: () => `okrbot ${version}`,
    PING: (args) => args,
    TIME: () => now().toUTCString(),
    CLIENTINFO: () => CLIENTINFO,
    SOURCE: () => `okrbot ${version}, an open-source chat-ops bot for goal status updates`,
  };
  return ({ nick, type, message }) => {
    const answer = type ? answers[type] : undefined;
    if (!answer || !isSafeTarget(nick, channelTypes(client.network)) || !allowed(nick)) return;
    const args = message.slice((type as string).length).trim();
    // Only what fits a notice: a PING's argument is echoed, never a line break.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
    const text = answer(args.replace(/[\x00-\x1f]/g, '').slice(0, 100));
    client.raw(`NOTICE ${nick} :\x01${type}${text ? ` ${text}` : ''}\x01`);
  };
}
