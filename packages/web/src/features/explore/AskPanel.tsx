import { Alert, Badge, Button, Card, Code, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, api } from '../../api/client.ts';
import { asApiError } from '../../ui/useApi.ts';
import { ResultTable } from './ResultTable.tsx';
import { isRunShortcut } from './SqlConsole.tsx';
import type { AskAnswer, AskQuery } from './types.ts';

type Outcome =
  | { state: 'idle' }
  | { state: 'asking' }
  | { state: 'done'; answer: AskAnswer }
  | { state: 'error'; error: ApiError };

/** One query the model ran: its SQL, its rows or why it did not run, and a way into the console. */
function QueryCard({
  query,
  index,
  onOpen,
}: {
  query: AskQuery;
  index: number;
  onOpen: (sql: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="sm" data-testid="ask-query">
      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={600}>
          {t('explore.queryN', { n: index + 1 })}
        </Text>
        <Group gap="xs">
          {query.refused && <Badge color="orange">{t('explore.refused')}</Badge>}
          <Button size="xs" variant="light" onClick={() => onOpen(query.sql)}>
            {t('explore.openInConsole')}
          </Button>
        </Group>
      </Group>
      <Code block mb="xs">
        {query.sql}
      </Code>
      {query.ok ? (
        <ResultTable columns={query.columns} rows={query.rows} truncated={query.truncated} />
      ) : (
        <Text size="sm" c={query.refused ? 'orange' : 'red'}>
          {query.error}
        </Text>
      )}
    </Card>
  );
}

/** A question in plain words to the organisation's model; the answer and every query it ran. */
export function AskPanel({ runId, onOpenQuery }: { runId: string; onOpenQuery: (sql: string) => void }) {
  const { t } = useTranslation();
  const [question, setQuestion] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const ask = async () => {
    if (outcome.state === 'asking' || question.trim() === '') return;
    setOutcome({ state: 'asking' });
    try {
      const answer = await api<AskAnswer>(`/api/runs/${encodeURIComponent(runId)}/ask`, {
        method: 'POST',
        body: { question: question.trim() },
      });
      setOutcome({ state: 'done', answer });
    } catch (err) {
      setOutcome({ state: 'error', error: asApiError(err) });
    }
  };
  return (
    <Stack gap="xs" component="section" aria-labelledby="ask-title">
      <Title order={4} id="ask-title">
        {t('explore.ask')}
      </Title>
      <Textarea
        label={t('explore.question')}
        description={t('explore.questionHint')}
        placeholder={t('explore.questionPlaceholder')}
        value={question}
        onChange={(e) => setQuestion(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (isRunShortcut(e)) {
            e.preventDefault();
            void ask();
          }
        }}
        autosize
        minRows={2}
        maxLength={2000}
        data-testid="ask-question"
      />
      <Group>
        <Button
          onClick={() => void ask()}
          loading={outcome.state === 'asking'}
          disabled={question.trim() === ''}
        >
          {t('explore.askButton')}
        </Button>
      </Group>
      <div aria-live="polite">
        {outcome.state === 'error' && (
          <Alert color="red" title={t('errors.title')} role="alert">
            {outcome.error.message}
          </Alert>
        )}
        {outcome.state === 'done' && (
          <Stack gap="xs" data-testid="ask-answer">
            {outcome.answer.answer ? (
              <Alert color="blue" title={t('explore.answer')}>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {outcome.answer.answer}
                </Text>
              </Alert>
            ) : (
              <Alert color="orange" title={t(`explore.status.${outcome.answer.status}`)}>
                {outcome.answer.message}
              </Alert>
            )}
            {outcome.answer.queries.map((q, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the model's queries in the order it ran them
              <QueryCard key={i} query={q} index={i} onOpen={onOpenQuery} />
            ))}
          </Stack>
        )}
      </div>
    </Stack>
  );
}
