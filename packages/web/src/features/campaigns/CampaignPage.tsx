import { Alert, Anchor, Card, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type Campaign, type CampaignCounts, getResults } from '../../api/campaigns.ts';
import { api } from '../../api/client.ts';
import type { Segment } from '../../api/types.ts';
import { linkClick } from '../../app/router.ts';
import { useSession } from '../../app/session.ts';
import { formatDateTime, formatInteger, formatPercent } from '../../ui/format.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { CampaignAttachment } from './CampaignAttachment.tsx';
import { CampaignStatusBadge } from './CampaignStatusBadge.tsx';
import { DeliveryList } from './DeliveryList.tsx';
import { FilterSummary } from './FilterSummary.tsx';
import { OutcomesImport } from './OutcomesImport.tsx';
import { ResultsView } from './ResultsView.tsx';
import { SendButton } from './SendPanel.tsx';
import { useCampaign } from './useCampaign.ts';

const COUNT_KEYS: (keyof CampaignCounts)[] = [
  'audience',
  'heldOut',
  'queued',
  'sent',
  'delivered',
  'failed',
  'uncertain',
];

/** One campaign: its copy, audience, counts, deliveries and results against the control group. */
export function CampaignPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const campaign = useCampaign(id);
  return (
    <Stack>
      <Anchor href="/campaigns" onClick={linkClick('/campaigns')} size="sm">
        {t('campaigns.back')}
      </Anchor>
      {campaign.state === 'loading' && <Loading />}
      {campaign.state === 'error' &&
        (campaign.error.status === 404 ? (
          <EmptyState title={t('campaigns.notFound')} />
        ) : (
          <ErrorState error={campaign.error} onRetry={campaign.reload} />
        ))}
      {campaign.state === 'ready' && <CampaignView campaign={campaign.data} onChanged={campaign.reload} />}
    </Stack>
  );
}

/**
 * What the send said about where the messages went, in the reader's language when it is the
 * outbox fallback (the server's notice is in English), else as the server wrote it.
 */
export function CampaignNotice({
  campaign,
}: {
  campaign: Pick<Campaign, 'notice' | 'provider' | 'channel'>;
}) {
  const { t } = useTranslation();
  if (!campaign.notice) return null;
  const outbox = campaign.provider === 'outbox';
  return (
    <Alert color={outbox ? 'yellow' : 'blue'} data-testid="campaign-notice">
      {outbox
        ? t('distribution.outbox', { channel: t(`channels.kinds.${campaign.channel}`) })
        : campaign.notice}
    </Alert>
  );
}

/**
 * Where a campaign's segment names come from: the segmentation its audience was drawn in (the
 * filter says which), not the one the team works with today.
 */
export function campaignSegmentsUrl(campaign: Pick<Campaign, 'datasetId' | 'filter'>): string {
  const segmentation = campaign.filter.segmentation;
  const query = segmentation ? `?segmentation=${encodeURIComponent(segmentation)}` : '';
  return `/api/datasets/${encodeURIComponent(campaign.datasetId)}/segments${query}`;
}

function CampaignView({ campaign, onChanged }: { campaign: Campaign; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const { can } = useSession();
  const segmentsUrl = campaignSegmentsUrl(campaign);
  const segments = useApi(segmentsUrl, (signal) =>
    api<{ segments: Segment[] }>(segmentsUrl, { signal }).then((r) => r.segments),
  );
  const segmentNames = new Map(segments.state === 'ready' ? segments.data.map((s) => [s.id, s.name]) : []);
  const results = useApi(`results:${campaign.id}`, (signal) => getResults(campaign.id, signal));
  const version = JSON.stringify(campaign.counts);

  return (
    <Stack data-testid="campaign-page">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2}>{campaign.name}</Title>
          <Text size="sm" c="dimmed">
            {t('campaigns.byline', {
              author: campaign.author.name,
              team: campaign.team?.name ?? '—',
              channel: t(`channels.kinds.${campaign.channel}`),
              date: formatDateTime(lng, campaign.createdAt),
            })}
          </Text>
        </Stack>
        <Group gap="xs">
          <CampaignStatusBadge status={campaign.status} />
          {campaign.status === 'draft' && can('send_campaigns') && (
            <SendButton campaign={campaign} onSent={onChanged} />
          )}
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} data-testid="campaign-counts">
        {COUNT_KEYS.map((k) => (
          <Paper withBorder p="xs" key={k}>
            <Text size="xs" c="dimmed">
              {t(`campaigns.counts.${k}`)}
            </Text>
            <Text fw={700} data-testid={`count-${k}`}>
              {formatInteger(lng, campaign.counts[k])}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <CampaignNotice campaign={campaign} />
      {campaign.provider && (
        <Text size="sm" data-testid="campaign-provider">
          {t('campaigns.provider', { provider: t(`campaigns.providers.${campaign.provider}`) })}{' '}
          {t('campaigns.leftOut', {
            optedOut: formatInteger(lng, campaign.optedOut),
            missing: formatInteger(lng, campaign.missingContact),
          })}
        </Text>
      )}
      <Text size="sm" c="dimmed">
        {t('campaigns.schedule', {
          sent: formatDateTime(lng, campaign.sentAt),
          share: formatPercent(lng, campaign.holdoutShare),
          days: formatInteger(lng, campaign.outcomeWindowDays),
          due: formatDateTime(lng, campaign.outcomeDueAt),
        })}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={4} mb="xs">
            {t('copy.title')}
          </Title>
          {campaign.subject && (
            <Text size="sm" fw={600} mb="xs">
              {campaign.subject}
            </Text>
          )}
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="campaign-body">
            {campaign.body}
          </Text>
        </Card>
        <Card withBorder>
          <Title order={4} mb="xs">
            {t('distribution.audience')}
          </Title>
          <FilterSummary filter={campaign.filter} segmentNames={segmentNames} />
        </Card>
      </SimpleGrid>
      <CampaignAttachment campaign={campaign} canEdit={can('send_campaigns')} onChanged={onChanged} />
      <Card withBorder>
        <Title order={4} mb="xs">
          {t('deliveries.title')}
        </Title>
        <DeliveryList campaignId={campaign.id} version={version} />
      </Card>
      <Card withBorder>
        <Stack>
          <Title order={4}>{t('results.title')}</Title>
          {results.state === 'loading' && <Loading />}
          {results.state === 'error' &&
            (results.error.status === 404 || results.error.status === 409 ? (
              <EmptyState title={t('results.none')}>{t('results.noneHint')}</EmptyState>
            ) : (
              <ErrorState error={results.error} onRetry={results.reload} />
            ))}
          {results.state === 'ready' && (
            <ResultsView
              results={results.data}
              locale={lng}
              outcomeDueAt={campaign.outcomeDueAt}
              segmentNames={segmentNames}
            />
          )}
          {can('send_campaigns') && campaign.status !== 'draft' && (
            <OutcomesImport campaignId={campaign.id} onImported={results.reload} />
          )}
        </Stack>
      </Card>
    </Stack>
  );
}
