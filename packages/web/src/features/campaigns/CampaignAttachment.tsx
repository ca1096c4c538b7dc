import { Alert, Button, Card, FileInput, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ATTACHMENT_LIMIT,
  ATTACHMENT_TYPES,
  type Campaign,
  removeAttachment,
  uploadAttachment,
} from '../../api/campaigns.ts';
import { formatBytes } from '../../ui/format.ts';

/** The file types the picker offers (the server checks the bytes again). */
const ACCEPT = [...ATTACHMENT_TYPES, '.png', '.jpg', '.jpeg', '.gif', '.pdf'].join(',');

/**
 * A campaign's one attachment: what it carries (name, size), and, on a draft for someone who may
 * send campaigns, a file input to attach an image or a PDF (or replace it) and Remove. Says the
 * limits, and that SMS goes without it. Nothing on a sent campaign without one.
 */
export function CampaignAttachment({
  campaign,
  canEdit,
  onChanged,
}: {
  campaign: Pick<Campaign, 'id' | 'status' | 'channel' | 'attachment'>;
  canEdit: boolean;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const attachment = campaign.attachment ?? null;
  const editable = canEdit && campaign.status === 'draft';
  if (!attachment && !editable) return null;

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const pick = (file: File | null) => {
    if (!file) return;
    if (file.size > ATTACHMENT_LIMIT) {
      setError(
        t('attachments.tooLarge', {
          size: formatBytes(i18n.language, file.size),
          limit: formatBytes(i18n.language, ATTACHMENT_LIMIT),
        }),
      );
      return;
    }
    void run(() => uploadAttachment(campaign.id, file));
  };

  return (
    <Card withBorder data-testid="campaign-attachment">
      <Stack gap="xs">
        <Title order={4}>{t('attachments.title')}</Title>
        {attachment ? (
          <Group justify="space-between" align="center">
            <Text size="sm" data-testid="attachment-current">
              {t('attachments.current', {
                name: attachment.name,
                size: formatBytes(i18n.language, attachment.bytes),
              })}
            </Text>
            {editable && (
              <Button
                variant="light"
                color="red"
                size="xs"
                loading={busy}
                onClick={() => void run(() => removeAttachment(campaign.id))}
                data-testid="attachment-remove"
              >
                {t('attachments.remove')}
              </Button>
            )}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('attachments.none')}
          </Text>
        )}
        {editable && (
          <FileInput
            label={attachment ? t('attachments.replace') : t('attachments.attach')}
            description={t('attachments.limits', { limit: formatBytes(i18n.language, ATTACHMENT_LIMIT) })}
            placeholder={t('attachments.pick')}
            accept={ACCEPT}
            value={null}
            onChange={pick}
            disabled={busy}
            w={{ base: '100%', sm: 420 }}
            data-testid="attachment-file"
          />
        )}
        {attachment && campaign.channel === 'sms' && (
          <Alert color="yellow" data-testid="attachment-sms">
            {t('attachments.smsWithout')}
          </Alert>
        )}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
