import { Alert, Button, Code, FileInput, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { importOutcomes } from '../../api/campaigns.ts';
import { formatInteger } from '../../ui/format.ts';

/** Import what happened to the audience (churned or not, revenue) as a CSV file. */
export function OutcomesImport({ campaignId, onImported }: { campaignId: string; onImported: () => void }) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [received, setReceived] = useState<{ received: number; ignored?: number } | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReceived(null);
    try {
      const answer = await importOutcomes(campaignId, file);
      setReceived(answer);
      setFile(null);
      onImported();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit}>
      <Stack gap="xs">
        <Text size="sm">
          {t('results.importHint')} <Code>customer_id,churned,revenue</Code>
        </Text>
        <Group align="flex-end">
          <FileInput
            label={t('results.importFile')}
            placeholder={t('data.pickFile')}
            accept=".csv,text/csv"
            value={file}
            onChange={setFile}
            clearable
            w={300}
            data-testid="outcomes-file"
          />
          <Button type="submit" loading={busy} disabled={!file}>
            {t('results.import')}
          </Button>
        </Group>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        {received !== null && (
          <Alert color="green" data-testid="outcomes-received">
            {t('results.imported', { n: formatInteger(i18n.language, received.received) })}
            {received.ignored
              ? ` ${t('results.ignored', { n: formatInteger(i18n.language, received.ignored) })}`
              : ''}
          </Alert>
        )}
      </Stack>
    </form>
  );
}
