import { Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Dataset, Segment } from '../../api/types.ts';
import { useSession } from '../../app/session.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { asApiError, useApi } from '../../ui/useApi.ts';
import { AudienceBuilder } from '../campaigns/AudienceBuilder.tsx';
import { type AudienceForm, EMPTY_AUDIENCE, toFilter } from '../campaigns/audienceFilter.ts';
import { storeOptions } from '../campaigns/groupOptions.ts';
import { DatasetScope } from '../datasets/DatasetScope.tsx';
import { useDatasets } from '../datasets/useDatasets.ts';
import { useResults } from '../results/useResults.ts';
import { BuilderControls } from './BuilderControls.tsx';
import {
  type BuilderForm,
  defaultTitle,
  type FieldChoices,
  fieldChoices,
  initialForm,
  toSpec,
} from './builderForm.ts';
import { ChartView } from './ChartView.tsx';
import { loadChartData, loadChartFields, saveChart } from './chartsApi.ts';
import { SavedCharts } from './SavedCharts.tsx';

/** The builder over one dataset: kind, fields, segments and filters; the chart at once; save. */
function Builder({
  dataset,
  segments,
  choices,
  stores,
}: {
  dataset: Dataset;
  segments: Segment[];
  choices: FieldChoices;
  stores: string[];
}) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [form, setForm] = useState<BuilderForm>(() => initialForm(choices));
  const [audience, setAudience] = useState<AudienceForm>(EMPTY_AUDIENCE);
  const [title, setTitle] = useState('');
  const [saving, setSaving] = useState<
    { state: 'idle' | 'saving' | 'saved' } | { state: 'error'; message: string }
  >({ state: 'idle' });
  const [version, setVersion] = useState(0);
  const spec = useMemo(
    () => toSpec(form, toFilter(audience, dataset), choices.numeric),
    [form, audience, dataset, choices.numeric],
  );
  const key = spec ? JSON.stringify(spec) : null;
  const result = useApi(key, (signal) => loadChartData(dataset.id, spec!, signal));
  const save = async () => {
    if (!spec) return;
    setSaving({ state: 'saving' });
    try {
      await saveChart({ datasetId: dataset.id, title: title.trim() || defaultTitle(spec), spec });
      setSaving({ state: 'saved' });
      setTitle('');
      setVersion((v) => v + 1);
    } catch (err) {
      setSaving({ state: 'error', message: asApiError(err).message });
    }
  };
  return (
    <Stack gap="lg">
      <Card withBorder>
        <Stack>
          <BuilderControls form={form} choices={choices} onChange={setForm} />
          <details>
            <summary style={{ cursor: 'pointer' }}>
              <Text span size="sm" fw={500}>
                {t('builder.filters')}
              </Text>
            </summary>
            <Stack mt="sm">
              <AudienceBuilder
                dataset={dataset}
                segments={segments}
                storeOptions={stores}
                locationOptions={[]}
                form={audience}
                onChange={setAudience}
              />
            </Stack>
          </details>
        </Stack>
      </Card>
      <Card withBorder data-testid="builder-chart">
        {spec === null && <Text c="dimmed">{t('builder.chooseFields')}</Text>}
        {spec !== null && result.state === 'loading' && <Loading />}
        {spec !== null && result.state === 'error' && (
          <ErrorState error={result.error} onRetry={result.reload} />
        )}
        {spec !== null && result.state === 'ready' && (
          <ChartView result={result.data} spec={spec} label={title.trim() || defaultTitle(spec)} />
        )}
        {can('rename_segments') && (
          <Group align="flex-end" mt="md">
            <TextInput
              label={t('builder.title')}
              placeholder={spec ? defaultTitle(spec) : ''}
              value={title}
              onChange={(e) => setTitle(e.currentTarget.value)}
              maxLength={200}
              maw={360}
              style={{ flex: 1 }}
              data-testid="builder-title"
            />
            <Button
              onClick={() => void save()}
              disabled={spec === null || result.state !== 'ready'}
              loading={saving.state === 'saving'}
            >
              {t('builder.save')}
            </Button>
            <div aria-live="polite">
              {saving.state === 'saved' && (
                <Text size="sm" c="green">
                  {t('builder.savedNote')}
                </Text>
              )}
              {saving.state === 'error' && (
                <Text size="sm" c="red" role="alert">
                  {saving.message}
                </Text>
              )}
            </div>
          </Group>
        )}
      </Card>
      <SavedCharts datasetId={dataset.id} version={version} />
    </Stack>
  );
}

/** Loads what the builder offers for a dataset: its fields, its segments, its stores. */
function DatasetBuilder({ dataset }: { dataset: Dataset }) {
  const { t } = useTranslation();
  const fields = useApi(`chart-fields:${dataset.id}`, (signal) => loadChartFields(dataset.id, signal));
  const segments = useApi(`segments:${dataset.id}`, (signal) =>
    api<{ segments: Segment[] }>(`/api/datasets/${encodeURIComponent(dataset.id)}/segments`, { signal }).then(
      (r) => r.segments,
    ),
  );
  const results = useResults(dataset.id);
  if (segments.state === 'error')
    return segments.error.status === 404 ? (
      <EmptyState title={t('segments.noResults')}>{t('segments.noResultsHint')}</EmptyState>
    ) : (
      <ErrorState error={segments.error} onRetry={segments.reload} />
    );
  if (fields.state === 'error') return <ErrorState error={fields.error} onRetry={fields.reload} />;
  if (fields.state === 'loading' || segments.state === 'loading') return <Loading />;
  return (
    <Builder
      dataset={dataset}
      segments={segments.data}
      choices={fieldChoices(fields.data)}
      stores={storeOptions(results.state === 'ready' ? results.data.results.report : undefined)}
    />
  );
}

/** The chart builder (E11): any chart of a dataset's published run, saved to the team's page. */
export function ChartBuilderPage() {
  const { t } = useTranslation();
  const { datasets, selected, select } = useDatasets();
  return (
    <Stack>
      <Title order={2}>{t('builder.pageTitle')}</Title>
      <Text c="dimmed" size="sm">
        {t('builder.intro')}
      </Text>
      <DatasetScope datasets={datasets} selected={selected} select={select}>
        {(dataset) => <DatasetBuilder key={dataset.id} dataset={dataset} />}
      </DatasetScope>
    </Stack>
  );
}
