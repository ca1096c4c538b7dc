import { Alert, Button, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, api } from '../../api/client.ts';
import { asApiError } from '../../ui/useApi.ts';
import { ResultTable } from './ResultTable.tsx';
import type { SqlResult } from './types.ts';

type Outcome =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; result: SqlResult }
  | { state: 'error'; error: ApiError };

/** Ctrl+Enter (Cmd+Enter on a Mac) runs the statement, as in most SQL consoles. */
export function isRunShortcut(e: { key: string; ctrlKey: boolean; metaKey: boolean }): boolean {
  return e.key === 'Enter' && (e.ctrlKey || e.metaKey);
}

/**
 * One read-only SELECT over the run's tables (POST /api/runs/:runId/sql). A refused statement
 * shows the server's reason; the SQL text is the page's, so a query from an answer can be opened here.
 */
export function SqlConsole({
  runId,
  sql,
  onSqlChange,
  editorRef,
}: {
  runId: string;
  sql: string;
  onSqlChange: (sql: string) => void;
  editorRef?: React.RefObject<HTMLTextAreaElement | null>;
}) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const running = useRef(false);
  const run = async () => {
    if (running.current || sql.trim() === '') return;
    running.current = true;
    setOutcome({ state: 'running' });
    try {
      const result = await api<SqlResult>(`/api/runs/${encodeURIComponent(runId)}/sql`, {
        method: 'POST',
        body: { sql },
      });
      setOutcome({ state: 'done', result });
    } catch (err) {
      setOutcome({ state: 'error', error: asApiError(err) });
    } finally {
      running.current = false;
    }
  };
  return (
    <Stack gap="xs" component="section" aria-labelledby="sql-console-title">
      <Title order={4} id="sql-console-title">
        {t('explore.console')}
      </Title>
      <Textarea
        ref={editorRef}
        label={t('explore.sqlLabel')}
        description={t('explore.sqlHint')}
        value={sql}
        onChange={(e) => onSqlChange(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (isRunShortcut(e)) {
            e.preventDefault();
            void run();
          }
        }}
        autosize
        minRows={5}
        maxRows={16}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        data-testid="sql-editor"
      />
      <Group>
        <Button onClick={() => void run()} loading={outcome.state === 'running'} disabled={sql.trim() === ''}>
          {t('explore.run')}
        </Button>
        {outcome.state === 'done' && (
          <Text size="xs" c="dimmed">
            {t('explore.took', { ms: Math.round(outcome.result.ms) })}
          </Text>
        )}
      </Group>
      <div aria-live="polite">
        {outcome.state === 'error' && (
          <Alert
            color={outcome.error.code === 'SQL_REFUSED' ? 'orange' : 'red'}
            title={
              outcome.error.code === 'SQL_REFUSED'
                ? t('explore.refused')
                : outcome.error.code === 'SQL_FAILED'
                  ? t('explore.failed')
                  : t('errors.title')
            }
            role="alert"
            data-testid="sql-error"
          >
            {outcome.error.message}
          </Alert>
        )}
        {outcome.state === 'done' && (
          <ResultTable
            columns={outcome.result.columns}
            rows={outcome.result.rows}
            truncated={outcome.result.truncated}
            testId="sql-result"
          />
        )}
      </div>
    </Stack>
  );
}
