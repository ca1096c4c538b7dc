import { Badge, Group, Progress, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Run } from '../../api/types.ts';
import { formatPercent } from '../../ui/format.ts';

const COLOR: Record<Run['status'], string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'yellow',
};

/** A run's status badge, with its progress and step while it runs. */
export function RunStatus({ run }: { run: Run }) {
  const { t, i18n } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap">
      <Badge color={COLOR[run.status]} variant="light" data-testid="run-status">
        {t(`runs.status.${run.status}`)}
      </Badge>
      {run.status === 'running' && (
        <>
          <Progress value={run.progress * 100} w={100} aria-label={t('runs.progress')} />
          <Text size="xs" c="dimmed">
            {formatPercent(i18n.language, run.progress, 0)}
            {run.step ? ` · ${run.step}` : ''}
          </Text>
        </>
      )}
    </Group>
  );
}
