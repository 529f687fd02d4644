/** Why `channel` cannot be a channel on `transport` (undefined when it can). */
export function channelProblem(transport: 'slack' | 'irc', channel: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: IRC forbids BEL (^G) in channel names.
  if (transport === 'irc' && !/^[#&][^\s,\u0007]{1,49}$/.test(channel))
    return `"${channel}" is not an IRC channel name (it starts with # and has no spaces or commas).`;
  if (transport === 'slack' && !/^[CG][A-Z0-9]{6,}$/.test(channel))
    return `"${channel}" is not a Slack channel id (like C0123ABCD).`;
  return undefined;
}
