import { Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Segment } from '../../api/types.ts';
import { useSession } from '../../app/session.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { DatasetPicker } from '../datasets/DatasetPicker.tsx';
import { useDatasets } from '../datasets/useDatasets.ts';
import { useResults } from '../results/useResults.ts';
import { RenameSegment } from './RenameSegment.tsx';
import { SegmentReport } from './SegmentReport.tsx';
import { SegmentTable } from './SegmentTable.tsx';

export function SegmentsPage() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const { datasets, selected, select } = useDatasets();
  const segments = useApi(selected?.id ?? null, (signal) =>
    api<{ runId: string; version: number; segments: Segment[] }>(
      `/api/datasets/${encodeURIComponent(selected!.id)}/segments`,
      { signal },
    ),
  );
  const [renaming, setRenaming] = useState<Segment | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  // The report's statistics per segment, for the segment report (loaded only once one is opened).
  const results = useResults(open !== null && selected ? selected.id : null);
  const opened = segments.state === 'ready' ? segments.data.segments.find((s) => s.id === open) : undefined;

  return (
    <Stack>
      <Title order={2}>{t('segments.title')}</Title>
      {datasets.state === 'loading' && <Loading />}
      {datasets.state === 'error' && <ErrorState error={datasets.error} onRetry={datasets.reload} />}
      {datasets.state === 'ready' && datasets.data.length === 0 && (
        <EmptyState title={t('datasets.none')}>{t('datasets.noneHint')}</EmptyState>
      )}
      {datasets.state === 'ready' && datasets.data.length > 0 && (
        <>
          <DatasetPicker datasets={datasets.data} selected={selected} onSelect={select} />
          {segments.state === 'loading' && <Loading />}
          {segments.state === 'error' &&
            (segments.error.status === 404 ? (
              <EmptyState title={t('segments.noResults')}>{t('segments.noResultsHint')}</EmptyState>
            ) : (
              <ErrorState error={segments.error} onRetry={segments.reload} />
            ))}
          {segments.state === 'ready' &&
            (segments.data.segments.length === 0 ? (
              <EmptyState title={t('segments.none')} />
            ) : (
              <>
                <Text size="sm" c="dimmed">
                  {t('segments.version', { version: segments.data.version })}
                </Text>
                <SegmentTable
                  segments={segments.data.segments}
                  locale={i18n.language}
                  onRename={setRenaming}
                  onOpen={(s) => setOpen(s.id)}
                  mayRename={can('rename_segments')}
                />
              </>
            ))}
        </>
      )}
      {opened && (
        <SegmentReport
          segment={opened}
          details={
            results.state === 'ready'
              ? (results.data.results.report?.segmentation.segments.find((s) => s.id === opened.id) ?? null)
              : null
          }
          onClose={() => setOpen(null)}
        />
      )}
      {renaming && selected && (
        <RenameSegment
          datasetId={selected.id}
          segment={renaming}
          onClose={() => setRenaming(null)}
          onSaved={() => {
            setRenaming(null);
            segments.reload();
          }}
        />
      )}
    </Stack>
  );
}
