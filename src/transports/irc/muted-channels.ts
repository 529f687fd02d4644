import type { CaseFold } from './casemapping.ts';

// Channels where okrbot may not speak: moderated (+m) without its voice, a quiet or a ban on
// it. The server says so once per refused line (404 ERR_CANNOTSENDTOCHAN); the first refusal
// marks the channel, the answers that were on their way there are sent to their askers
// instead, and later answers go to the asker directly, until the channel's modes change (a
// voice, -m, a quiet lifted: then the next refusal says whether it still holds).

/** How long an answer sent to a channel can still meet a refusal and be re-sent. */
const RECENT_MS = 60_000;

export class MutedChannels {
  private readonly muted = new Set<string>();
  /** Folded channel → answers sent there lately: how to send each to its asker instead. */
  private readonly recent = new Map<string, { at: number; toAsker: () => void }[]>();

  constructor(
    private readonly fold: () => CaseFold,
    private readonly now: () => number = Date.now,
  ) {}

  isMuted(channel: string): boolean {
    return this.muted.has(this.fold()(channel));
  }

  /** An answer goes to `channel`; should it be refused, `toAsker` sends it privately. */
  sent(channel: string, toAsker: () => void): void {
    const key = this.fold()(channel);
    const cutoff = this.now() - RECENT_MS;
    const kept = (this.recent.get(key) ?? []).filter((answer) => answer.at > cutoff);
    kept.push({ at: this.now(), toAsker });
    this.recent.set(key, kept);
  }

  /**
   * The server refused a line to `channel`. The first refusal marks it and returns how to
   * re-send the answers that were on their way; later ones (lines already written) return
   * undefined.
   */
  refused(channel: string): (() => void)[] | undefined {
    const key = this.fold()(channel);
    if (this.muted.has(key)) return undefined;
    this.muted.add(key);
    const answers = this.recent.get(key) ?? [];
    this.recent.delete(key);
    return answers.map((answer) => answer.toAsker);
  }

  /** The channel's modes changed, or okrbot (re)joined it: it may speak again. */
  changed(channel: string): void {
    this.muted.delete(this.fold()(channel));
  }

  clear(): void {
    this.muted.clear();
    this.recent.clear();
  }
}
