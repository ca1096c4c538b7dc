import type { ChannelKind, ChannelSettings } from '../../api/campaigns.ts';

/**
 * Where a channel's messages go: its provider, or the outbox when none is configured. Null when
 * the settings cannot be read (only managers may read them).
 */
export function channelDestination(
  settings: ChannelSettings | null,
  channel: ChannelKind,
): { kind: 'provider'; provider: string; from: string | null } | { kind: 'outbox' } | null {
  if (!settings) return null;
  const state = settings[channel];
  if (!state.configured) return { kind: 'outbox' };
  return { kind: 'provider', provider: state.provider ?? channel, from: state.from };
}
