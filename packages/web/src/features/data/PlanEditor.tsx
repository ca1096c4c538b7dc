import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Drawer,
  Group,
  JsonInput,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Dataset, Run } from '../../api/types.ts';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { useReturnFocus } from '../../ui/useReturnFocus.ts';
import {
  type EditableStep,
  initialSteps,
  type PlanStep,
  parameters,
  parsePlanJson,
  planJson,
  planToSend,
  type SuggestedPlan,
  setParameter,
  shownParameter,
} from './planSteps.ts';

/** One parameter as typed (kept as text while typing, so "a," can become "a, b"). */
function ParameterInput({
  field,
  value,
  disabled,
  onChange,
}: {
  field: string;
  value: unknown;
  disabled: boolean;
  onChange: (typed: string) => void;
}) {
  const [text, setText] = useState(() => shownParameter(value));
  return (
    <TextInput
      size="xs"
      label={field}
      disabled={disabled}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        onChange(e.currentTarget.value);
      }}
      miw={160}
      style={{ flex: typeof value === 'object' ? 1 : undefined }}
    />
  );
}

/** The steps of a plan: a switch each, the warning that asked for it, its parameters as text boxes. */
export function PlanStepList({
  steps,
  onChange,
}: {
  steps: readonly EditableStep[];
  onChange: (index: number, next: EditableStep) => void;
}) {
  const { t } = useTranslation();
  if (steps.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {t('plan.noSteps')}
      </Text>
    );
  }
  return (
    <Stack gap="sm" data-testid="plan-steps">
      {steps.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: steps are a list in order; two can be alike.
        <Card withBorder padding="sm" key={i} data-enabled={s.enabled}>
          <Group justify="space-between" wrap="nowrap">
            <Switch
              checked={s.enabled}
              onChange={(e) => onChange(i, { ...s, enabled: e.currentTarget.checked, offBecause: undefined })}
              label={
                <Group gap={6}>
                  <Text size="sm" c="dimmed">
                    {i + 1}.
                  </Text>
                  <Code>{s.step.op}</Code>
                  <Text size="sm">{t(`plan.ops.${s.step.op}`, { defaultValue: '' })}</Text>
                </Group>
              }
            />
            <Badge variant="light" color={s.enabled ? 'teal' : 'gray'}>
              {s.enabled ? t('plan.on') : t('plan.off.label')}
            </Badge>
          </Group>
          {s.step.note && (
            <Text size="xs" c="orange.8" mt={4}>
              {t('plan.because')} {s.step.note}
            </Text>
          )}
          {s.offBecause && (
            <Text size="xs" c="red" mt={2}>
              {t(`plan.off.${s.offBecause}`)}
            </Text>
          )}
          {parameters(s.step).length > 0 && (
            <Group gap="xs" mt={6} align="flex-end">
              {parameters(s.step).map(([field, value]) => (
                <ParameterInput
                  key={field}
                  field={field}
                  value={value}
                  disabled={!s.enabled}
                  onChange={(typed) => onChange(i, { ...s, step: setParameter(s.step, field, typed) })}
                />
              ))}
            </Group>
          )}
        </Card>
      ))}
    </Stack>
  );
}

/** The editor once the suggestion has loaded: steps or JSON, other warnings to add, start. */
export function PlanForm({
  suggested,
  idColumns,
  onStart,
}: {
  suggested: SuggestedPlan;
  idColumns: readonly string[];
  onStart: (plan: ReturnType<typeof planToSend>) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [steps, setSteps] = useState<EditableStep[]>(() => initialSteps(suggested.plan, idColumns));
  const [mode, setMode] = useState<'steps' | 'json'>('steps');
  const [json, setJson] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Warnings whose fix is not in the plan (outlier fences): offered, not applied.
  const inPlan = new Set(steps.map((s) => JSON.stringify({ ...s.step, note: undefined })));
  const others = suggested.warnings.filter(
    (w) => w.suggestion && !inPlan.has(JSON.stringify({ ...w.suggestion, note: undefined })),
  );

  const current = (): EditableStep[] | null => {
    if (mode === 'steps') return steps;
    const parsed = parsePlanJson(json);
    if (!parsed.ok) {
      setProblem(t('plan.badJson', { error: parsed.error }));
      return null;
    }
    return parsed.steps;
  };
  const switchMode = (next: string) => {
    if (next === 'json') {
      setJson(planJson(steps));
      setProblem(null);
      setMode('json');
      return;
    }
    const now = current();
    if (!now) return;
    setSteps(now);
    setProblem(null);
    setMode('steps');
  };
  const start = async () => {
    const now = current();
    if (!now) return;
    setBusy(true);
    setProblem(null);
    try {
      await onStart(planToSend(now));
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack data-testid="plan-editor">
      <Text size="sm" c="dimmed">
        {t('plan.intro', { automatic: suggested.automatic.join(', ') })}
      </Text>
      <SegmentedControl
        value={mode}
        onChange={switchMode}
        data={[
          { value: 'steps', label: t('plan.modeSteps') },
          { value: 'json', label: t('plan.modeJson') },
        ]}
        aria-label={t('plan.mode')}
        w={260}
      />
      {mode === 'steps' ? (
        <PlanStepList
          steps={steps}
          onChange={(i, next) => setSteps(steps.map((s, j) => (j === i ? next : s)))}
        />
      ) : (
        <JsonInput
          label={t('plan.json')}
          value={json}
          onChange={setJson}
          autosize
          minRows={10}
          maxRows={30}
          formatOnBlur
          validationError={t('plan.badJson', { error: '' })}
        />
      )}
      {mode === 'steps' && others.length > 0 && (
        <Stack gap={4}>
          <Title order={5}>{t('plan.otherWarnings')}</Title>
          {others.map((w, i) => (
            <Group key={`${w.code}:${w.column ?? ''}:${i}`} gap="xs" wrap="nowrap">
              <Button
                size="compact-xs"
                variant="light"
                onClick={() =>
                  setSteps([
                    ...steps,
                    { enabled: true, step: { ...(w.suggestion as PlanStep), note: w.message } },
                  ])
                }
                aria-label={t('plan.addFor', { message: w.message })}
              >
                {t('plan.add')}
              </Button>
              <Code>{w.suggestion?.op}</Code>
              <Text size="xs">{w.message}</Text>
            </Group>
          ))}
        </Stack>
      )}
      {problem && (
        <Alert color="red" role="alert" data-testid="plan-problem">
          {problem}
        </Alert>
      )}
      <Group>
        <Button onClick={() => void start()} loading={busy}>
          {t('plan.start')}
        </Button>
      </Group>
    </Stack>
  );
}

/** "Edit the cleaning plan": the dataset's suggested plan to edit, then a run started with it. */
export function PlanEditor({
  dataset,
  onClose,
  onStarted,
}: {
  dataset: Dataset;
  onClose: () => void;
  onStarted: (run: Run) => void;
}) {
  const { t } = useTranslation();
  const id = encodeURIComponent(dataset.id);
  useReturnFocus();
  const suggested = useApi(`plan:${dataset.id}`, (signal) =>
    api<SuggestedPlan>(`/api/datasets/${id}/plan`, { signal }),
  );
  const idColumns = dataset.columns.filter((c) => c.role === 'id').map((c) => c.name);
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="xl"
      title={<Title order={3}>{t('plan.title', { name: dataset.name })}</Title>}
    >
      {suggested.state === 'loading' && <Loading />}
      {suggested.state === 'error' && <ErrorState error={suggested.error} onRetry={suggested.reload} />}
      {suggested.state === 'ready' && (
        <PlanForm
          suggested={suggested.data}
          idColumns={idColumns}
          onStart={async (plan) => {
            const run = await api<Run>(`/api/datasets/${id}/runs`, { method: 'POST', body: { plan } });
            onStarted(run);
          }}
        />
      )}
    </Drawer>
  );
}
