import { Alert, Button, Code, Group, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type ChannelKind,
  type CopyDraft,
  type CopyProblem,
  checkCopy,
  draftCopy,
} from '../../api/campaigns.ts';
import { LANGUAGES } from '../../i18n/index.ts';
import { CopyProblems, WriterNote } from './CopyProblems.tsx';
import { useDebouncedQuery } from './useDebouncedQuery.ts';

/**
 * The personalisation variables a message may use on a channel (the server's
 * campaigns/copy/variables.ts; its check names any other as unknown).
 */
export function copyVariables(channel: ChannelKind): string[] {
  const all = ['first_name', 'name', 'segment', 'store', 'location', 'customer_id'];
  return channel === 'email' ? [...all, 'unsubscribe_url'] : all;
}

export interface CopyState {
  subject: string;
  body: string;
  language: string;
  /** Who wrote the last draft, null before the first one. */
  draft: CopyDraft | null;
}

/**
 * The copy: an instruction in plain words sent to the writer (the LLM, or the offline templates),
 * the draft to edit, the variables it may use, and the problems the server finds while typing.
 */
export function CopyEditor({
  datasetId,
  channel,
  segmentId,
  segmentation,
  copy,
  onChange,
  onChecked,
  mayWrite,
}: {
  datasetId: string;
  channel: ChannelKind;
  segmentId: number | undefined;
  /** The segmentation segmentId is in (the one the segment list was read from). */
  segmentation?: string;
  copy: CopyState;
  onChange: (copy: CopyState) => void;
  /** The problems of the copy on screen; null while it is being checked or empty. */
  onChecked: (problems: CopyProblem[] | null) => void;
  mayWrite: boolean;
}) {
  const { t } = useTranslation();
  const [instruction, setInstruction] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const check = useDebouncedQuery(
    copy.body.trim() === ''
      ? null
      : {
          channel,
          body: copy.body,
          language: copy.language,
          ...(channel === 'email' ? { subject: copy.subject } : {}),
        },
    (q, signal) => checkCopy(q, signal),
    400,
  );
  const settled = copy.body.trim() !== '' && !check.loading && check.data !== null && check.error === null;
  const problems = settled ? check.data!.problems : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reported when the answer changes.
  useEffect(() => onChecked(problems), [problems]);

  const write = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await draftCopy({
        datasetId,
        channel,
        language: copy.language,
        instruction: instruction.trim(),
        ...(segmentId === undefined ? {} : { segmentId, ...(segmentation ? { segmentation } : {}) }),
      });
      onChange({
        ...copy,
        subject: answer.draft.subject ?? '',
        body: answer.draft.body,
        draft: answer.draft,
      });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const edited =
    copy.draft !== null && (copy.draft.body !== copy.body || (copy.draft.subject ?? '') !== copy.subject);

  return (
    <Stack gap="sm" data-testid="copy-editor">
      <Textarea
        label={t('copy.instruction')}
        description={t('copy.instructionHint')}
        placeholder={t('copy.instructionExample')}
        value={instruction}
        onChange={(e) => setInstruction(e.currentTarget.value)}
        autosize
        minRows={2}
      />
      <Group align="flex-end">
        <Select
          label={t('copy.language')}
          data={LANGUAGES.map((l) => ({ value: l, label: t(`copy.languages.${l}`) }))}
          value={copy.language}
          onChange={(v) => v && onChange({ ...copy, language: v })}
          allowDeselect={false}
          w={180}
        />
        <Button onClick={() => void write()} loading={busy} disabled={!mayWrite || instruction.trim() === ''}>
          {t('copy.write')}
        </Button>
      </Group>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {copy.draft && <WriterNote writer={copy.draft.writer} model={copy.draft.model} edited={edited} />}
      {channel === 'email' && (
        <TextInput
          label={t('copy.subject')}
          value={copy.subject}
          onChange={(e) => onChange({ ...copy, subject: e.currentTarget.value })}
        />
      )}
      <Textarea
        label={t('copy.body')}
        value={copy.body}
        onChange={(e) => onChange({ ...copy, body: e.currentTarget.value })}
        autosize
        minRows={5}
        data-testid="copy-body"
      />
      <Text size="xs" c="dimmed">
        {t('copy.variablesHelp')}{' '}
        {copyVariables(channel).map((v) => (
          <Code key={v} mr={4}>{`{${v}}`}</Code>
        ))}
      </Text>
      {check.data && check.data.variables.length > 0 && (
        <Text size="xs" c="dimmed" data-testid="copy-variables">
          {t('copy.variablesUsed')} {check.data.variables.map((v) => `{${v}}`).join(', ')}
        </Text>
      )}
      {copy.body.trim() !== '' &&
        (check.error ? (
          <Alert color="red" role="alert">
            {check.error.message}
          </Alert>
        ) : (
          <CopyProblems
            problems={check.data?.problems ?? []}
            checking={check.loading || check.data === null}
          />
        ))}
    </Stack>
  );
}
