import type { ChatTransport } from '../domain/transports.ts';

// Whether okrbot can really use a channel an admin is about to store (a team's channel, a
// digest channel): only the running adapter can tell (Slack asks conversations.info and looks
// for okrbot among the members). A transport not running in this process checks nothing; its
// adapter reports a bad channel when it sends there.

/** Why okrbot cannot use the channel, with what to do about it; undefined when it can. */
export type ChannelCheck = (channel: string) => Promise<string | undefined>;

export interface ChannelChecks {
  /** An adapter's check, once it is connected. */
  register(transport: ChatTransport, check: ChannelCheck): void;
  problem(transport: ChatTransport, channel: string): Promise<string | undefined>;
}

export function createChannelChecks(): ChannelChecks {
  const checks = new Map<ChatTransport, ChannelCheck>();
  return {
    register: (transport, check) => {
      checks.set(transport, check);
    },
    problem: async (transport, channel) => checks.get(transport)?.(channel),
  };
}
