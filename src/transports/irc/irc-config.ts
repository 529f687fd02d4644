import { defineConfigSection } from '../../runtime/config-section.ts';
import { flag, optionalText, positiveNumber, wholeNumber } from '../../runtime/env-fields.ts';
import { IRC_ACCOUNT, IRC_CHANNEL, IRC_NICK } from './names.ts';

// IRC's variables. IRC_HOST turns IRC on; a SASL password logs okrbot in to services.

/**
 * Flood control by default as Libera.Chat asks of bots: a small burst, then one line every two
 * seconds.
 */
export const DEFAULT_FLOOD = { burst: 4, ratePerSecond: 0.5 } as const;

export interface IrcConfig {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** Verify the server's certificate (on unless explicitly turned off). */
  readonly tlsVerify: boolean;
  readonly nick: string;
  /** SASL PLAIN login; with a password, a failed login stops the adapter. */
  readonly sasl: { readonly account: string; readonly password: string } | undefined;
  readonly channels: readonly string[];
  /** Bold headings and coloured status badges (mIRC codes); off: plain text. */
  readonly formatting: boolean;
  /** Flood control: lines sent at once, then lines per second. */
  readonly floodBurst: number;
  readonly floodRate: number;
}

export const ircConfig = defineConfigSection({
  fields: {
    IRC_HOST: optionalText.refine(
      (value) => value === undefined || /^[A-Za-z0-9.:_-]+$/.test(value),
      {
        message: 'expected a host name or address such as irc.libera.chat',
      },
    ),
    IRC_PORT: wholeNumber(1, 65535, undefined, 'expected a TCP port from 1 to 65535'),
    IRC_TLS: flag(true),
    IRC_TLS_VERIFY: flag(true),
    IRC_NICK: optionalText
      .transform((value) => value ?? 'okrbot')
      .refine((value) => IRC_NICK.test(value), {
        message:
          'expected an IRC nick: letters, digits and []\\`_^{|}-, not starting with a digit or -',
      }),
    IRC_SASL_ACCOUNT: optionalText.refine(
      (value) => value === undefined || IRC_ACCOUNT.test(value),
      {
        message: 'expected a services account name without spaces',
      },
    ),
    IRC_SASL_PASSWORD: optionalText,
    IRC_CHANNELS: optionalText
      .transform((value) =>
        (value ?? '')
          .split(',')
          .map((channel) => channel.trim())
          .filter(Boolean),
      )
      .refine((channels) => channels.every((channel) => IRC_CHANNEL.test(channel)), {
        message: 'expected comma-separated channel names such as #okr,#analytics',
      }),
    IRC_FORMATTING: flag(true),
    IRC_FLOOD_BURST: wholeNumber(
      1,
      100,
      DEFAULT_FLOOD.burst,
      'expected a whole number of lines from 1 to 100',
    ),
    IRC_FLOOD_RATE: positiveNumber(
      DEFAULT_FLOOD.ratePerSecond,
      100,
      'expected lines per second, a number above 0 (e.g. 1 or 0.5)',
    ),
  },

  problems(env) {
    const set = (name: string) => Boolean(env[name]?.trim());
    if (!set('IRC_HOST'))
      return ['IRC_SASL_ACCOUNT', 'IRC_SASL_PASSWORD', 'IRC_CHANNELS']
        .filter(set)
        .map((name) => `${name}: is set but IRC_HOST is not; IRC needs a server`);
    if (set('IRC_SASL_ACCOUNT') && !set('IRC_SASL_PASSWORD'))
      return ['IRC_SASL_PASSWORD: is required with IRC_SASL_ACCOUNT to log in'];
    return [];
  },

  read(values): IrcConfig | undefined {
    if (!values.IRC_HOST) return undefined;
    return Object.freeze({
      host: values.IRC_HOST,
      port: values.IRC_PORT ?? (values.IRC_TLS ? 6697 : 6667),
      tls: values.IRC_TLS,
      tlsVerify: values.IRC_TLS_VERIFY,
      nick: values.IRC_NICK,
      sasl: values.IRC_SASL_PASSWORD
        ? Object.freeze({
            account: values.IRC_SASL_ACCOUNT ?? values.IRC_NICK,
            password: values.IRC_SASL_PASSWORD,
          })
        : undefined,
      channels: Object.freeze(values.IRC_CHANNELS),
      formatting: values.IRC_FORMATTING,
      floodBurst: values.IRC_FLOOD_BURST,
      floodRate: values.IRC_FLOOD_RATE,
    });
  },

  describe: (config) => ({
    server: `${config.host}:${config.port}${config.tls ? ' (TLS)' : ''}`,
    nick: config.nick,
    account: config.sasl?.account ?? '(none)',
    channels: config.channels,
  }),
});
