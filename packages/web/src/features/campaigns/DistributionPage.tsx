import { Alert, Card, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type AudiencePreview,
  type Campaign,
  CHANNELS,
  type ChannelKind,
  type CopyProblem,
  createCampaign,
  getChannelSettings,
  previewAudience,
} from '../../api/campaigns.ts';
import { api } from '../../api/client.ts';
import type { Dataset, Segment } from '../../api/types.ts';
import { navigate } from '../../app/router.ts';
import { useSession } from '../../app/session.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { DatasetScope } from '../datasets/DatasetScope.tsx';
import { useDatasets } from '../datasets/useDatasets.ts';
import { useResults } from '../results/useResults.ts';
import { AudienceBuilder } from './AudienceBuilder.tsx';
import { AudienceSummary } from './AudienceSummary.tsx';
import { type AudienceForm, EMPTY_AUDIENCE, toFilter } from './audienceFilter.ts';
import { CopyEditor, type CopyState } from './CopyEditor.tsx';
import { storeOptions } from './groupOptions.ts';
import { ChannelNotice, type SendOptions, SendPanel } from './SendPanel.tsx';
import { useDebouncedQuery } from './useDebouncedQuery.ts';

/** The distribution screen: dataset and channel, the audience, the copy, then create and send. */
export function DistributionPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { datasets, selected, select } = useDatasets();
  return (
    <Stack>
      <Title order={2}>{t('distribution.title')}</Title>
      {!can('send_campaigns') ? (
        <Alert color="orange" title={t('errors.forbiddenTitle')} data-testid="not-allowed">
          {t('distribution.forbidden')}
        </Alert>
      ) : (
        <DatasetScope datasets={datasets} selected={selected} select={select}>
          {(dataset) => (
            // A new dataset starts a new campaign: the filter names its segments and columns.
            <Distribution key={dataset.id} dataset={dataset} />
          )}
        </DatasetScope>
      )}
    </Stack>
  );
}

function Distribution({ dataset }: { dataset: Dataset }) {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  // The segments of the segmentation the team works with; the audience names that segmentation,
  // so its segment numbers keep their meaning whatever the team chooses later.
  const segments = useApi(`segments:${dataset.id}`, (signal) =>
    api<{ segmentation: string; segments: Segment[] }>(
      `/api/datasets/${encodeURIComponent(dataset.id)}/segments`,
      { signal },
    ),
  );
  if (segments.state === 'loading') return <Loading />;
  if (segments.state === 'error')
    return segments.error.status === 404 ? (
      <EmptyState title={t('segments.noResults')}>{t('distribution.noResultsHint')}</EmptyState>
    ) : (
      <ErrorState error={segments.error} onRetry={segments.reload} />
    );
  return (
    <Composer
      dataset={dataset}
      segments={segments.data.segments}
      segmentation={segments.data.segmentation}
      language={i18n.resolvedLanguage ?? 'en'}
      readSettings={can('manage_members')}
    />
  );
}

function Composer({
  dataset,
  segments,
  segmentation,
  language,
  readSettings,
}: {
  dataset: Dataset;
  segments: Segment[];
  segmentation: string;
  language: string;
  readSettings: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const [channel, setChannel] = useState<ChannelKind>('email');
  const [audience, setAudience] = useState<AudienceForm>(EMPTY_AUDIENCE);
  const [copy, setCopy] = useState<CopyState>({ subject: '', body: '', language, draft: null });
  const [problems, setProblems] = useState<CopyProblem[] | null>(null);
  const [options, setOptions] = useState<SendOptions>({
    name: '',
    holdoutPercent: 10,
    outcomeWindowDays: 30,
  });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Campaign | null>(null);
  const [error, setError] = useState<string | null>(null);

  const results = useResults(dataset.id);
  const stores = storeOptions(results.state === 'ready' ? results.data.results.report : undefined);
  // Only managers may read the channel settings; others are told where messages may go.
  const settings = useApi(readSettings ? 'channel-settings' : null, (signal) => getChannelSettings(signal));
  const filter = { ...toFilter(audience, dataset), segmentation };
  const preview = useDebouncedQuery({ datasetId: dataset.id, channel, filter }, (q, signal) =>
    previewAudience(q, signal),
  );
  const segmentId = filter.segments?.length === 1 ? filter.segments[0] : undefined;
  const locations = useSeenLocations(preview.data);

  const blockers: string[] = [];
  if (options.name.trim() === '') blockers.push(t('distribution.needName'));
  if (copy.body.trim() === '') blockers.push(t('distribution.needCopy'));
  else if (problems === null) blockers.push(t('distribution.needCheck'));
  else if (problems.length > 0) blockers.push(t('distribution.needFixes'));
  if (preview.data && preview.data.count === 0) blockers.push(t('distribution.needAudience'));

  const create = async () => {
    setCreating(true);
    setError(null);
    try {
      setCreated(
        await createCampaign({
          name: options.name.trim(),
          datasetId: dataset.id,
          channel,
          filter,
          body: copy.body,
          language: copy.language,
          holdoutShare: options.holdoutPercent / 100,
          outcomeWindowDays: options.outcomeWindowDays,
          ...(channel === 'email' ? { subject: copy.subject } : {}),
        }),
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setCreating(false);
    }
  };

  return (
    <Stack>
      <Card withBorder>
        <Stack gap="xs">
          <Title order={4}>{t('distribution.channel')}</Title>
          <SegmentedControl
            aria-label={t('distribution.channel')}
            value={channel}
            onChange={(v) => setChannel(v as ChannelKind)}
            data={CHANNELS.map((c) => ({ value: c, label: t(`channels.kinds.${c}`) }))}
            disabled={created !== null}
            w="fit-content"
            data-testid="channel-picker"
          />
          <ChannelNotice settings={settings.state === 'ready' ? settings.data : null} channel={channel} />
        </Stack>
      </Card>
      <Card withBorder>
        <Stack>
          <Title order={4}>{t('distribution.audience')}</Title>
          <AudienceBuilder
            dataset={dataset}
            segments={segments}
            storeOptions={stores}
            locationOptions={locations}
            form={audience}
            onChange={(f) => {
              setAudience(f);
              setCreated(null);
            }}
          />
          {preview.error && <ErrorState error={preview.error} />}
          {!preview.error && preview.data === null && <Loading label={t('distribution.counting')} />}
          {!preview.error && preview.data && (
            <AudienceSummary preview={preview.data} locale={lng} refreshing={preview.loading} />
          )}
        </Stack>
      </Card>
      <Card withBorder>
        <Stack>
          <Title order={4}>{t('copy.title')}</Title>
          <CopyEditor
            datasetId={dataset.id}
            channel={channel}
            segmentId={segmentId}
            segmentation={segmentation}
            copy={copy}
            onChange={(c) => {
              setCopy(c);
              setCreated(null);
            }}
            onChecked={setProblems}
            mayWrite
          />
        </Stack>
      </Card>
      <Card withBorder>
        <Stack>
          <Title order={4}>{t('distribution.sendTitle')}</Title>
          <SendPanel
            options={options}
            onOptions={setOptions}
            canCreate={blockers.length === 0}
            blockers={blockers}
            creating={creating}
            created={created}
            audience={preview.data?.count ?? null}
            onCreate={() => void create()}
            onSent={(c) => navigate(`/campaigns/${encodeURIComponent(c.id)}`)}
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Text size="xs" c="dimmed">
            {t('distribution.afterSend')}
          </Text>
        </Stack>
      </Card>
    </Stack>
  );
}

/** The locations of the customers the previews have shown so far: suggestions for the filter. */
function useSeenLocations(preview: AudiencePreview | null): string[] {
  const [seen, setSeen] = useState<string[]>([]);
  useEffect(() => {
    if (!preview) return;
    setSeen((before) => {
      const next = new Set(before);
      for (const r of preview.preview) if (r.location) next.add(r.location);
      return next.size === before.length ? before : [...next].sort((a, b) => a.localeCompare(b));
    });
  }, [preview]);
  return seen;
}
