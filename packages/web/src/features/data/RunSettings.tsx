import {
  Alert,
  Button,
  Code,
  Drawer,
  Fieldset,
  Group,
  MultiSelect,
  NumberInput,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client.ts';
import type { Dataset, Run } from '../../api/types.ts';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { useReturnFocus } from '../../ui/useReturnFocus.ts';
import {
  addSegmentation,
  checkSettings,
  DEFAULT_COMPONENTS,
  draftId,
  emptyDraft,
  type FormProblem,
  featureChoice,
  MAX_SEGMENTATIONS,
  type ModelForm,
  OFFERED_ALGORITHMS,
  readSettings,
  removeSegmentation,
  type SegmentationDraft,
  type SegmentationSummary,
  type SettingsForm,
  SPACES,
  type Space,
  summaries,
  takenIds,
  writeSettings,
} from './runConfigForm.ts';

/** POST /api/datasets/:id/runs with a config; a 400 comes back as an ApiError naming the key. */
export function startRunWithConfig(datasetId: string, config: Record<string, unknown>): Promise<Run> {
  return api<Run>(`/api/datasets/${encodeURIComponent(datasetId)}/runs`, {
    method: 'POST',
    body: { config },
  });
}

/** The config of the dataset's latest run (GET /api/runs?datasetId=, newest first); null: no run yet. */
export async function latestConfig(
  datasetId: string,
  signal?: AbortSignal,
): Promise<Record<string, unknown> | null> {
  const r = await api<{ runs: { config?: Record<string, unknown> }[] }>(
    `/api/runs?datasetId=${encodeURIComponent(datasetId)}`,
    { signal },
  );
  return r.runs[0]?.config ?? null;
}

/** The features the published run's segments were found on; null when there is none (404). */
export async function publishedFeatures(datasetId: string, signal?: AbortSignal): Promise<string[] | null> {
  try {
    const r = await api<{ results: { report?: { segmentation?: { features?: unknown } } } }>(
      `/api/datasets/${encodeURIComponent(datasetId)}/results`,
      { signal },
    );
    const features = r.results.report?.segmentation?.features;
    return Array.isArray(features) ? features.map(String) : null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

const num = (v: number | string) => (typeof v === 'number' ? v : Number.NaN);
const shown = (v: number) => (Number.isNaN(v) ? '' : v);

function useAlgorithmName() {
  const { t } = useTranslation();
  return (a: string) => t(`runSettings.algorithms.${a}`, { defaultValue: a });
}

/** Algorithm (one, or the best) and k (a number, or the best within a range). */
export function ModelFields({
  model,
  onChange,
  legend,
}: {
  model: ModelForm;
  onChange: (next: ModelForm) => void;
  legend: string;
}) {
  const { t } = useTranslation();
  const algorithmName = useAlgorithmName();
  const offered =
    OFFERED_ALGORITHMS.includes(model.algorithm as never) || model.algorithm === 'best'
      ? [...OFFERED_ALGORITHMS]
      : [...OFFERED_ALGORITHMS, model.algorithm];
  return (
    <Fieldset legend={legend} variant="unstyled">
      <Group align="flex-start" gap="md">
        <Select
          label={t('runSettings.algorithm')}
          data={[
            ...offered.map((a) => ({ value: a, label: algorithmName(a) })),
            {
              value: 'best',
              label: t('runSettings.best', { among: model.among.map(algorithmName).join(', ') }),
            },
          ]}
          value={model.algorithm}
          onChange={(v) => v && onChange({ ...model, algorithm: v as ModelForm['algorithm'] })}
          allowDeselect={false}
          w={300}
        />
        <Radio.Group
          label={t('runSettings.kMode')}
          value={model.kMode}
          onChange={(v) => onChange({ ...model, kMode: v as ModelForm['kMode'] })}
        >
          <Group gap="sm" mt={6}>
            <Radio value="fixed" label={t('runSettings.kFixed')} />
            <Radio value="range" label={t('runSettings.kRange')} />
          </Group>
        </Radio.Group>
        {model.kMode === 'fixed' ? (
          <NumberInput
            label={t('runSettings.k')}
            value={shown(model.k)}
            onChange={(v) => onChange({ ...model, k: num(v) })}
            min={2}
            max={50}
            allowDecimal={false}
            w={120}
          />
        ) : (
          <>
            <NumberInput
              label={t('runSettings.kMin')}
              value={shown(model.kMin)}
              onChange={(v) => onChange({ ...model, kMin: num(v) })}
              min={2}
              max={50}
              allowDecimal={false}
              w={120}
            />
            <NumberInput
              label={t('runSettings.kMax')}
              value={shown(model.kMax)}
              onChange={(v) => onChange({ ...model, kMax: num(v) })}
              min={2}
              max={50}
              allowDecimal={false}
              w={120}
            />
          </>
        )}
      </Group>
    </Fieldset>
  );
}

/** A model in words: "k-means, k = 4", "the best of ..., k from 2 to 8". */
export function useModelWords() {
  const { t } = useTranslation();
  const algorithmName = useAlgorithmName();
  return (m: ModelForm) => {
    const algorithm =
      m.algorithm === 'best'
        ? t('runSettings.best', { among: m.among.map(algorithmName).join(', ') })
        : algorithmName(m.algorithm);
    return m.kMode === 'fixed'
      ? t('runSettings.modelFixed', { algorithm, k: m.k })
      : t('runSettings.modelRange', { algorithm, kMin: m.kMin, kMax: m.kMax });
  };
}

/** The other segmentations the run will find, each with Remove. */
export function SegmentationList({
  items,
  allFeatures,
  onRemove,
}: {
  items: SegmentationSummary[];
  /** The published run's features (null: not known): "all but ..." when a few are left out. */
  allFeatures: string[] | null;
  onRemove: (id: string) => void;
}) {
  const { t } = useTranslation();
  const words = useModelWords();
  const featureWords = (features: string[] | null) => {
    const choice = featureChoice(features, allFeatures);
    if (choice.kind === 'all') return t('runSettings.allFeatures');
    if (choice.kind === 'allBut') return t('runSettings.allBut', { features: choice.left.join(', ') });
    return choice.features.join(', ');
  };
  if (items.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('runSettings.noOthers')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table data-testid="run-settings-segmentations">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('runSettings.name')}</Table.Th>
            <Table.Th>{t('runSettings.id')}</Table.Th>
            <Table.Th>{t('runSettings.space')}</Table.Th>
            <Table.Th>{t('runSettings.model')}</Table.Th>
            <Table.Th>{t('runSettings.features')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>{s.name ?? '—'}</Table.Td>
              <Table.Td>
                <Code>{s.id}</Code>
              </Table.Td>
              <Table.Td>
                {s.components === null
                  ? t(`runSettings.spaces.${s.space}`)
                  : t('runSettings.spaceComponents', {
                      space: t(`runSettings.spaces.${s.space}`),
                      count: s.components,
                    })}
              </Table.Td>
              <Table.Td>
                {words(s.model)}
                {s.halfFixed && (
                  <Text size="xs" c="red">
                    {t('runSettings.errors.halfFixed', { id: s.id })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{featureWords(s.features)}</Table.Td>
              <Table.Td>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  color="red"
                  onClick={() => onRemove(s.id)}
                  aria-label={t('runSettings.removeLabel', { name: s.name ?? s.id })}
                >
                  {t('runSettings.remove')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** "Add a segmentation": name (its id shown), space, components, model, features. */
export function AddSegmentationFields({
  draft,
  taken,
  features,
  onChange,
}: {
  draft: SegmentationDraft;
  taken: readonly string[];
  /** The published run's features; null: not known (no published run), the draft uses all. */
  features: string[] | null | 'loading';
  onChange: (next: SegmentationDraft) => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Group align="flex-start">
        <TextInput
          label={t('runSettings.name')}
          description={t('runSettings.idIs', { id: draftId(draft, taken) })}
          value={draft.name}
          onChange={(e) => onChange({ ...draft, name: e.currentTarget.value })}
          maxLength={80}
          w={300}
        />
        <Select
          label={t('runSettings.space')}
          data={SPACES.map((s) => ({ value: s, label: t(`runSettings.spaceOptions.${s}`) }))}
          value={draft.space}
          onChange={(v) => {
            if (!v || v === draft.space) return;
            const space = v as Space;
            onChange({
              ...draft,
              space,
              components: space === 'features' ? draft.components : DEFAULT_COMPONENTS[space],
            });
          }}
          allowDeselect={false}
          w={260}
        />
        {draft.space !== 'features' && (
          <NumberInput
            label={t('runSettings.components')}
            value={shown(draft.components)}
            onChange={(v) => onChange({ ...draft, components: num(v) })}
            min={2}
            max={20}
            allowDecimal={false}
            w={140}
          />
        )}
      </Group>
      <ModelFields
        legend={t('runSettings.newModel')}
        model={draft.model}
        onChange={(model) => onChange({ ...draft, model })}
      />
      {features === 'loading' ? (
        <Loading />
      ) : features === null ? (
        <Text size="sm" c="dimmed">
          {t('runSettings.featuresUnknown')}
        </Text>
      ) : (
        <MultiSelect
          label={t('runSettings.features')}
          description={t('runSettings.featuresHint')}
          data={features}
          value={draft.features ?? features}
          onChange={(v) => onChange({ ...draft, features: v })}
          searchable
          hidePickedOptions={false}
        />
      )}
    </Stack>
  );
}

/** What the settings form shows, every value given (the state lives in RunSettingsForm). */
export interface RunSettingsViewProps {
  form: SettingsForm;
  draft: SegmentationDraft;
  features: string[] | null | 'loading';
  /** Why the draft was not added. */
  draftProblem: FormProblem | null;
  /** Why the run did not start: a FormProblem, or the server's message. */
  problem: FormProblem | string | null;
  busy: boolean;
  onMain: (model: ModelForm) => void;
  onRemove: (id: string) => void;
  onDraft: (draft: SegmentationDraft) => void;
  onAdd: () => void;
  onStart: () => void;
}

export function RunSettingsView(p: RunSettingsViewProps) {
  const { t } = useTranslation();
  const say = (problem: FormProblem) => t(`runSettings.errors.${problem.key}`, problem.values ?? {});
  const full = p.form.others.length >= MAX_SEGMENTATIONS;
  return (
    <Stack data-testid="run-settings">
      <Text size="sm" c="dimmed">
        {t('runSettings.intro')}
      </Text>
      <Title order={4}>{t('runSettings.main')}</Title>
      <ModelFields legend={t('runSettings.mainModel')} model={p.form.main} onChange={p.onMain} />
      <Title order={4}>{t('runSettings.others')}</Title>
      <SegmentationList
        items={summaries(p.form)}
        allFeatures={Array.isArray(p.features) ? p.features : null}
        onRemove={p.onRemove}
      />
      <Fieldset legend={t('runSettings.add')} data-testid="add-segmentation">
        <Stack gap="sm">
          <AddSegmentationFields
            draft={p.draft}
            taken={takenIds(p.form)}
            features={p.features}
            onChange={p.onDraft}
          />
          {p.draftProblem && (
            <Text c="red" size="sm" role="alert">
              {say(p.draftProblem)}
            </Text>
          )}
          {full && (
            <Text c="dimmed" size="sm">
              {t('runSettings.errors.tooMany', { max: MAX_SEGMENTATIONS })}
            </Text>
          )}
          <Group>
            <Button variant="light" onClick={p.onAdd} disabled={full || p.features === 'loading'}>
              {t('runSettings.addButton')}
            </Button>
          </Group>
        </Stack>
      </Fieldset>
      {p.problem !== null && (
        <Alert color="red" role="alert" data-testid="run-settings-problem">
          {typeof p.problem === 'string' ? p.problem : say(p.problem)}
        </Alert>
      )}
      <Group>
        <Button onClick={p.onStart} loading={p.busy}>
          {t('runSettings.start')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The settings of the next run, starting from `config` (the latest run's), started with onStart. */
export function RunSettingsForm({
  config,
  features,
  onStart,
}: {
  config: unknown;
  features: string[] | null | 'loading';
  onStart: (config: Record<string, unknown>) => Promise<void>;
}) {
  const [form, setForm] = useState<SettingsForm>(() => readSettings(config));
  const [draft, setDraft] = useState<SegmentationDraft>(() => emptyDraft(form));
  const [draftProblem, setDraftProblem] = useState<FormProblem | null>(null);
  const [problem, setProblem] = useState<FormProblem | string | null>(null);
  const [busy, setBusy] = useState(false);
  const allFeatures = Array.isArray(features) ? features : [];

  const add = () => {
    const added = addSegmentation(form, draft, allFeatures);
    if ('problem' in added) {
      setDraftProblem(added.problem);
      return;
    }
    setForm(added.form);
    setDraft(emptyDraft(added.form));
    setDraftProblem(null);
  };
  const start = async () => {
    const wrong = checkSettings(form);
    if (wrong) {
      setProblem(wrong);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await onStart(writeSettings(form));
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <RunSettingsView
      form={form}
      draft={draft}
      features={features}
      draftProblem={draftProblem}
      problem={problem}
      busy={busy}
      onMain={(main) => setForm({ ...form, main })}
      onRemove={(id) => setForm(removeSegmentation(form, id))}
      onDraft={setDraft}
      onAdd={add}
      onStart={() => void start()}
    />
  );
}

/** "Run settings": the next run's parameters for a dataset, from its latest run's config. */
export function RunSettings({
  dataset,
  onClose,
  onStarted,
}: {
  dataset: Dataset;
  onClose: () => void;
  onStarted: (run: Run) => void;
}) {
  const { t } = useTranslation();
  useReturnFocus();
  const config = useApi(`config:${dataset.id}`, (signal) => latestConfig(dataset.id, signal));
  const features = useApi(`features:${dataset.id}`, (signal) => publishedFeatures(dataset.id, signal));
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="xl"
      title={<Title order={3}>{t('runSettings.title', { name: dataset.name })}</Title>}
    >
      {config.state === 'loading' && <Loading />}
      {config.state === 'error' && <ErrorState error={config.error} onRetry={config.reload} />}
      {config.state === 'ready' && (
        <RunSettingsForm
          config={config.data}
          features={
            features.state === 'ready' ? features.data : features.state === 'error' ? null : 'loading'
          }
          onStart={async (next) => {
            onStarted(await startRunWithConfig(dataset.id, next));
          }}
        />
      )}
    </Drawer>
  );
}
