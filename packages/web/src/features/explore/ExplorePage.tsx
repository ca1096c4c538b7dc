import { Alert, Grid, Stack, Text, Title } from '@mantine/core';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { DatasetScope } from '../datasets/DatasetScope.tsx';
import { useDatasets } from '../datasets/useDatasets.ts';
import { useResults } from '../results/useResults.ts';
import { AskPanel } from './AskPanel.tsx';
import { SchemaPanel } from './SchemaPanel.tsx';
import { SqlConsole } from './SqlConsole.tsx';
import type { RunSchema } from './types.ts';

/** A first statement to edit: the first table's opening rows. */
export function firstQuery(tables: { name: string }[]): string {
  const first = tables[0];
  return first ? `SELECT *\nFROM ${first.name}\nLIMIT 20` : '';
}

/** The question box (with a model) and the SQL console, over one run's tables. */
function RunExplorer({ schema }: { schema: RunSchema }) {
  const { t } = useTranslation();
  const [sql, setSql] = useState(() => firstQuery(schema.tables));
  const editor = useRef<HTMLTextAreaElement | null>(null);
  const openQuery = (text: string) => {
    setSql(text);
    editor.current?.focus();
    editor.current?.scrollIntoView({ block: 'center' });
  };
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="lg">
          {schema.llm.configured ? (
            <AskPanel runId={schema.runId} onOpenQuery={openQuery} />
          ) : (
            <Alert color="gray" title={t('explore.noModel')} data-testid="no-model">
              {schema.message}
            </Alert>
          )}
          <SqlConsole runId={schema.runId} sql={sql} onSqlChange={setSql} editorRef={editor} />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <SchemaPanel tables={schema.tables} />
      </Grid.Col>
    </Grid>
  );
}

/** Ask the data (E10): a dataset's published run, its schema, questions and SQL. */
export function ExplorePage() {
  const { t } = useTranslation();
  const { datasets, selected, select } = useDatasets();
  const results = useResults(selected?.id ?? null);
  const runId = results.state === 'ready' ? results.data.runId : null;
  const schema = useApi(runId, (signal) =>
    api<RunSchema>(`/api/runs/${encodeURIComponent(runId!)}/schema`, { signal }),
  );
  return (
    <Stack>
      <Title order={2}>{t('explore.title')}</Title>
      <Text c="dimmed" size="sm">
        {t('explore.intro')}
      </Text>
      <DatasetScope datasets={datasets} selected={selected} select={select}>
        {() => (
          <>
            {results.state === 'loading' && <Loading />}
            {results.state === 'error' &&
              (results.error.status === 404 ? (
                <EmptyState title={t('segments.noResults')}>{t('segments.noResultsHint')}</EmptyState>
              ) : (
                <ErrorState error={results.error} onRetry={results.reload} />
              ))}
            {runId !== null && schema.state === 'loading' && <Loading />}
            {runId !== null && schema.state === 'error' && (
              <ErrorState error={schema.error} onRetry={schema.reload} />
            )}
            {runId !== null && schema.state === 'ready' && (
              <RunExplorer key={schema.data.runId} schema={schema.data} />
            )}
          </>
        )}
      </DatasetScope>
    </Stack>
  );
}
