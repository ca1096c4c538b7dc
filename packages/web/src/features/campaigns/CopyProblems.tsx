import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CopyProblem } from '../../api/campaigns.ts';

/** What stops a message from being sent (length, unknown variables, a missing unsubscribe or STOP line). */
export function CopyProblems({
  problems,
  checking = false,
}: {
  problems: CopyProblem[];
  checking?: boolean;
}) {
  const { t } = useTranslation();
  if (problems.length === 0)
    return (
      <Text size="sm" c={checking ? 'dimmed' : 'green'} role="status" data-testid="copy-problems">
        {checking ? t('copy.checking') : t('copy.noProblems')}
      </Text>
    );
  return (
    <Alert color="orange" title={t('copy.problems', { count: problems.length })} data-testid="copy-problems">
      <List size="sm">
        {problems.map((p) => (
          <List.Item key={`${p.code}|${p.message}`}>{p.message}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** Who wrote the draft: the configured model, or the offline templates. */
export function WriterNote({
  writer,
  model,
  edited,
}: {
  writer: 'llm' | 'template';
  model?: string;
  edited: boolean;
}) {
  const { t } = useTranslation();
  const who = writer === 'llm' ? t('copy.byLlm', { model: model ?? '?' }) : t('copy.byTemplates');
  return (
    <Text size="xs" c="dimmed" data-testid="copy-writer">
      {who}
      {edited ? ` ${t('copy.edited')}` : ''}
    </Text>
  );
}
