// The chat transports okrbot speaks, as data: everything outside a transport's own folder
// (src/transports/<id>/) learns about it from this table, so a fourth network is one more row
// here, its folder, its entry in app/transports.ts, and a migration adding its id to the
// `transport` and `change_source` enums (`npm run db:generate` writes the ALTER TYPE).

interface IdShape {
  /** What people call it: `Slack user`, `IRC services account`. */
  noun: string;
  /** `a` or `an`, for the noun. */
  article: 'a' | 'an';
  /** An id okrbot can store and write to (checked before it is stored). */
  pattern: RegExp;
  example: string;
  /** Said when a value does not match: what one looks like. */
  hint: string;
}

export interface TransportInfo {
  id: string;
  /** As people write it in sentences: `Slack`, `IRC`. */
  name: string;
  /**
   * The local terminal chat: its one user is the operator, nothing is delivered to it, and it
   * has neither accounts nor channels.
   */
  local: boolean;
  /** A person's account on it, as stored in `identities.external_id`. */
  account?: IdShape;
  /** A channel on it, as stored in `channels.external_id`. */
  channel?: IdShape;
}

/**
 * The transports, in order of preference for a message to a person: the first of their linked
 * accounts on a transport this instance sends on is used (Slack first: it has DMs and threads).
 */
export const TRANSPORTS = [
  { id: 'shell', name: 'the shell', local: true },
  {
    id: 'slack',
    name: 'Slack',
    local: false,
    account: {
      noun: 'Slack user',
      article: 'a',
      pattern: /^[UW][A-Z0-9]{6,}$/,
      example: 'U0123ABCD',
      hint: "an id like U0123ABCD: the profile's ⋮ menu, Copy member ID",
    },
    channel: {
      noun: 'Slack channel id',
      article: 'a',
      pattern: /^[CG][A-Z0-9]{6,}$/,
      example: 'C0123ABCD',
      hint: 'like C0123ABCD',
    },
  },
  {
    id: 'irc',
    name: 'IRC',
    local: false,
    account: {
      noun: 'IRC services account',
      article: 'an',
      // Services account names follow the nick rules; never a nick itself (anyone can take one).
      pattern: /^[A-Za-z0-9_\-[\]\\^{}|`]{1,50}$/,
      example: 'nuria',
      hint: 'the name the person identifies to NickServ with',
    },
    channel: {
      noun: 'IRC channel name',
      article: 'an',
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
      pattern: /^[#&][^\s,\x00-\x1f]{1,49}$/,
      example: '#okr',
      hint: 'it starts with # and has no spaces or commas',
    },
  },
] as const satisfies readonly TransportInfo[];

type Row = (typeof TRANSPORTS)[number];

/** Every transport id (the database's `transport` enum). */
export type TransportId = Row['id'];

/** A transport that reaches people over a network (has accounts, channels and deliveries). */
export type ChatTransport = Extract<Row, { local: false }>['id'];

export const TRANSPORT_IDS = TRANSPORTS.map((t) => t.id) as [TransportId, ...TransportId[]];

export const CHAT_TRANSPORTS = TRANSPORTS.filter((t) => !t.local).map((t) => t.id) as [
  ChatTransport,
  ...ChatTransport[],
];

/** The local transport's id (the shell). */
export const LOCAL_TRANSPORT = (TRANSPORTS.find((t) => t.local) as Row).id;

export function transportInfo(id: TransportId): TransportInfo {
  return TRANSPORTS.find((t) => t.id === id) as TransportInfo;
}

/** A chat transport's row: it has both accounts and channels. */
export type ChatTransportInfo = TransportInfo & { account: IdShape; channel: IdShape };

export function chatTransportInfo(id: ChatTransport): ChatTransportInfo {
  return transportInfo(id) as ChatTransportInfo;
}

/** The chat transport a user typed (`slack`, `IRC`), if it is one. */
export function parseChatTransport(text: string): ChatTransport | undefined {
  const wanted = text.trim().toLowerCase();
  return CHAT_TRANSPORTS.find((id) => id === wanted);
}

/** `slack|irc`, for usage texts. */
export const CHAT_TRANSPORT_CHOICES = CHAT_TRANSPORTS.join('|');

/** `Slack or IRC`, for sentences. */
export const CHAT_TRANSPORT_NAMES = CHAT_TRANSPORTS.map((id) => transportInfo(id).name).join(
  ' or ',
);

/** Why `account` cannot be an account on `transport` (undefined when it can). */
export function accountProblem(transport: ChatTransport, account: string): string | undefined {
  const shape = chatTransportInfo(transport).account;
  return shape.pattern.test(account)
    ? undefined
    : `"${account}" is not ${shape.article} ${shape.noun} (${shape.hint}).`;
}

/** Why `channel` cannot be a channel on `transport` (undefined when it can). */
export function channelProblem(transport: ChatTransport, channel: string): string | undefined {
  const shape = chatTransportInfo(transport).channel;
  return shape.pattern.test(channel)
    ? undefined
    : `"${channel}" is not ${shape.article} ${shape.noun} (${shape.hint}).`;
}

export function isChatTransport(id: TransportId): id is ChatTransport {
  return !transportInfo(id).local;
}
