import { Stack, Text, Title } from '@mantine/core';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Segment, Segmentations } from '../../api/types.ts';
import { useSession } from '../../app/session.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { DatasetScope } from '../datasets/DatasetScope.tsx';
import { useDatasets } from '../datasets/useDatasets.ts';
import type { Report, ReportSegment } from '../results/types.ts';
import { useResults } from '../results/useResults.ts';
import { RenameSegment } from './RenameSegment.tsx';
import { SegmentationComparison } from './SegmentationComparison.tsx';
import { SegmentationCrossPanel } from './SegmentationCross.tsx';
import { SegmentationPicker } from './SegmentationPicker.tsx';
import { SegmentReport } from './SegmentReport.tsx';
import { SegmentTable } from './SegmentTable.tsx';
import { chooseSegmentation, listSegmentations, segmentsOf } from './segmentationsApi.ts';

/** The report's statistics of a segment of one segmentation ("main" or an alternative). */
export function reportSegment(
  report: Report | null | undefined,
  segmentation: string,
  id: number,
): ReportSegment | null {
  if (!report) return null;
  const alternatives = (report as { alternatives?: { id: string; segments: ReportSegment[] }[] })
    .alternatives;
  const segments =
    segmentation === 'main'
      ? report.segmentation.segments
      : alternatives?.find((a) => a.id === segmentation)?.segments;
  return segments?.find((s) => s.id === id) ?? null;
}

export function SegmentsPage() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const { datasets, selected, select } = useDatasets();
  const datasetId = selected?.id ?? null;

  // The dataset's segmentations; the last answer stays shown while it reloads (after a choice).
  const list = useApi(datasetId, (signal) => listSegmentations(datasetId!, signal));
  const lastList = useRef<{ datasetId: string; data: Segmentations } | null>(null);
  if (list.state === 'ready' && datasetId) lastList.current = { datasetId, data: list.data };
  const shown =
    list.state === 'ready'
      ? list.data
      : lastList.current?.datasetId === datasetId
        ? lastList.current.data
        : null;

  // The segmentation looked at: picked in the select, else the team's (the server's default).
  const [picked, setPicked] = useState<{ datasetId: string; id: string } | null>(null);
  const pickedId =
    picked &&
    picked.datasetId === datasetId &&
    (!shown || shown.segmentations.some((s) => s.id === picked.id))
      ? picked.id
      : null;
  const segments = useApi(datasetId ? `${datasetId}|${pickedId ?? ''}` : null, (signal) =>
    segmentsOf(datasetId!, pickedId, signal),
  );
  const viewing = pickedId ?? shown?.chosen ?? 'main';

  const [choosing, setChoosing] = useState(false);
  const [chooseError, setChooseError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const use = async (id: string) => {
    if (!datasetId) return;
    setChoosing(true);
    setChooseError(null);
    setNotice(null);
    try {
      const choice = await chooseSegmentation(datasetId, id);
      const name = shown?.segmentations.find((s) => s.id === id)?.name ?? id;
      setNotice(t('segmentations.used', { team: choice.team, name }));
      list.reload();
    } catch (err) {
      setChooseError(err instanceof Error ? err.message : String(err));
    } finally {
      setChoosing(false);
    }
  };

  const [renaming, setRenaming] = useState<Segment | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  // The report's statistics per segment, for the segment report (loaded only once one is opened).
  const results = useResults(open !== null && selected ? selected.id : null);
  const opened = segments.state === 'ready' ? segments.data.segments.find((s) => s.id === open) : undefined;
  const segmentation = segments.state === 'ready' ? (segments.data.segmentation ?? viewing) : viewing;
  const several = shown && shown.segmentations.length > 1 ? shown : null;

  return (
    <Stack>
      <Title order={2}>{t('segments.title')}</Title>
      <DatasetScope
        datasets={datasets}
        selected={selected}
        select={(id) => {
          setNotice(null);
          setChooseError(null);
          select(id);
        }}
      >
        {() => (
          <>
            {several && datasetId && (
              <SegmentationPicker
                segmentations={several.segmentations}
                chosen={several.chosen}
                value={viewing}
                onChange={(id) => {
                  setNotice(null);
                  setChooseError(null);
                  setPicked({ datasetId, id });
                }}
                mayChoose={can('rename_segments')}
                onUse={(id) => void use(id)}
                busy={choosing}
                error={chooseError}
                notice={notice}
              />
            )}
            {list.state === 'error' && list.error.status !== 404 && (
              <ErrorState error={list.error} onRetry={list.reload} />
            )}
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
            {several && datasetId && (
              <>
                <SegmentationComparison
                  segmentations={several.segmentations}
                  chosen={several.chosen}
                  locale={i18n.language}
                />
                <SegmentationCrossPanel
                  key={`${datasetId}|${several.runId}`}
                  datasetId={datasetId}
                  segmentations={several.segmentations}
                  chosen={several.chosen}
                  locale={i18n.language}
                />
              </>
            )}
          </>
        )}
      </DatasetScope>
      {opened && (
        <SegmentReport
          segment={opened}
          details={
            results.state === 'ready'
              ? reportSegment(results.data.results.report, segmentation, opened.id)
              : null
          }
          onClose={() => setOpen(null)}
        />
      )}
      {renaming && selected && (
        <RenameSegment
          datasetId={selected.id}
          segmentation={segmentation}
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
