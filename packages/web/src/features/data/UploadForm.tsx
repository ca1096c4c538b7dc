import { Alert, Button, Card, FileInput, Group, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Dataset } from '../../api/types.ts';

/** Upload a CSV as a new dataset (POST /api/datasets?name=..., the file as the body). */
export function UploadForm({ onUploaded }: { onUploaded: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const label = name.trim() || file.name.replace(/\.[^.]+$/, '');
      const dataset = await api<Dataset>(`/api/datasets?name=${encodeURIComponent(label)}`, {
        method: 'POST',
        body: file,
        contentType: 'text/csv',
      });
      setDone(dataset.name);
      setFile(null);
      setName('');
      onUploaded();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder>
      <form onSubmit={submit}>
        <Stack>
          <Title order={4}>{t('data.upload')}</Title>
          <Group align="flex-end">
            <FileInput
              label={t('data.file')}
              placeholder={t('data.pickFile')}
              accept=".csv,text/csv"
              value={file}
              onChange={setFile}
              w={280}
              clearable
            />
            <TextInput label={t('data.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <Button type="submit" loading={busy} disabled={!file}>
              {t('data.uploadButton')}
            </Button>
          </Group>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          {done && <Alert color="green">{t('data.uploadDone', { name: done })}</Alert>}
        </Stack>
      </form>
    </Card>
  );
}
