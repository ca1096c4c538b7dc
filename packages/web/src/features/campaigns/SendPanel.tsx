import { Alert, Button, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type Campaign,
  type ChannelKind,
  type ChannelSettings,
  previewAudience,
  sendCampaign,
} from '../../api/campaigns.ts';
import { formatInteger, formatPercent } from '../../ui/format.ts';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { channelDestination } from './channelNotice.ts';

export interface SendOptions {
  name: string;
  holdoutPercent: number;
  outcomeWindowDays: number;
}

/** Where the messages go: the configured provider, or the outbox kept in the store. */
export function ChannelNotice({
  settings,
  channel,
}: {
  settings: ChannelSettings | null;
  channel: ChannelKind;
}) {
  const { t } = useTranslation();
  const where = channelDestination(settings, channel);
  const label = t(`channels.kinds.${channel}`);
  if (where === null)
    return (
      <Text size="sm" c="dimmed" data-testid="channel-notice">
        {t('distribution.outboxMaybe', { channel: label })}
      </Text>
    );
  if (where.kind === 'outbox')
    return (
      <Alert color="yellow" data-testid="channel-notice">
        {t('distribution.outbox', { channel: label })}
      </Alert>
    );
  return (
    <Text size="sm" data-testid="channel-notice">
      {t('distribution.provider', { channel: label, provider: where.provider, from: where.from ?? '—' })}
    </Text>
  );
}

/**
 * How many receive the message once the control group is held out. A draft has no delivery rows
 * yet (they are written when it is queued), so its audience is counted live and its control group
 * is the share asked for, as the holdout will round it.
 */
export function recipients(
  campaign: Campaign,
  liveCount: number | null,
): { audience: number; heldOut: number; toSend: number } | null {
  const drawn = campaign.counts.audience > 0;
  const audience = drawn ? campaign.counts.audience : liveCount;
  if (audience === null) return null;
  const heldOut = drawn ? campaign.counts.heldOut : Math.round(audience * campaign.holdoutShare);
  return { audience, heldOut, toSend: Math.max(0, audience - heldOut) };
}

/** Send, after a confirmation that says how many receive the message and how many are held out. */
export function SendButton({
  campaign,
  onSent,
}: {
  campaign: Campaign;
  onSent: (campaign: Campaign) => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const live = useApi(
    confirming && campaign.counts.audience === 0 ? `count:${campaign.id}` : null,
    (signal) =>
      previewAudience(
        { datasetId: campaign.datasetId, channel: campaign.channel, filter: campaign.filter },
        signal,
      ),
  );
  const counts = recipients(campaign, live.state === 'ready' ? live.data.count : null);

  const send = async () => {
    setSending(true);
    setError(null);
    try {
      await sendCampaign(campaign.id);
      setConfirming(false);
      onSent(campaign);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <Button onClick={() => setConfirming(true)}>{t('distribution.send')}</Button>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('distribution.confirmTitle')}>
        <Stack data-testid="confirm-send">
          {counts === null && live.state === 'error' && (
            <ErrorState error={live.error} onRetry={live.reload} />
          )}
          {counts === null && live.state !== 'error' && <Loading />}
          {counts && (
            <>
              <Text data-testid="confirm-count">
                {t('distribution.confirm', {
                  n: formatInteger(lng, counts.toSend),
                  channel: t(`channels.kinds.${campaign.channel}`),
                })}
              </Text>
              <Text size="sm" c="dimmed">
                {t('distribution.confirmHeldOut', {
                  n: formatInteger(lng, counts.heldOut),
                  share: formatPercent(lng, campaign.holdoutShare),
                })}
              </Text>
            </>
          )}
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => void send()} loading={sending} disabled={counts === null}>
              {counts
                ? t('distribution.sendNow', { n: formatInteger(lng, counts.toSend) })
                : t('distribution.send')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** The campaign's name, control group and outcome window; create, then send after a confirmation. */
export function SendPanel({
  options,
  onOptions,
  canCreate,
  blockers,
  creating,
  created,
  audience,
  onCreate,
  onSent,
}: {
  options: SendOptions;
  onOptions: (o: SendOptions) => void;
  canCreate: boolean;
  /** Why the campaign cannot be created yet, in words. */
  blockers: string[];
  creating: boolean;
  created: Campaign | null;
  /** The audience counted live on this screen. */
  audience: number | null;
  onCreate: () => void;
  onSent: (campaign: Campaign) => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return (
    <Stack gap="sm">
      <Group align="flex-end">
        <TextInput
          label={t('distribution.name')}
          required
          value={options.name}
          onChange={(e) => onOptions({ ...options, name: e.currentTarget.value })}
          disabled={created !== null}
          w={320}
        />
        <NumberInput
          label={t('distribution.holdout')}
          description={t('distribution.holdoutHint')}
          value={options.holdoutPercent}
          onChange={(v) => onOptions({ ...options, holdoutPercent: typeof v === 'number' ? v : 0 })}
          min={0}
          max={50}
          suffix=" %"
          disabled={created !== null}
          w={200}
        />
        <NumberInput
          label={t('distribution.window')}
          description={t('distribution.windowHint')}
          value={options.outcomeWindowDays}
          onChange={(v) => onOptions({ ...options, outcomeWindowDays: typeof v === 'number' ? v : 30 })}
          min={1}
          max={365}
          disabled={created !== null}
          w={200}
        />
      </Group>
      {blockers.length > 0 && created === null && (
        <Text size="sm" c="dimmed" data-testid="create-blockers">
          {blockers.join(' ')}
        </Text>
      )}
      {created === null ? (
        <Button w="fit-content" onClick={onCreate} loading={creating} disabled={!canCreate}>
          {t('distribution.create')}
        </Button>
      ) : (
        <Alert
          color="blue"
          title={t('distribution.created', { name: created.name })}
          data-testid="campaign-created"
        >
          <Stack gap="xs" align="flex-start">
            <Text size="sm">
              {t('distribution.createdHint', { n: formatInteger(lng, audience ?? created.counts.audience) })}
            </Text>
            <SendButton campaign={created} onSent={onSent} />
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
