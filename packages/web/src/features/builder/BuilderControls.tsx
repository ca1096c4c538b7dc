import { Group, NumberInput, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { BuilderForm, FieldChoices, Measure } from './builderForm.ts';
import { CHART_KINDS, type ChartKind } from './types.ts';

/** The chart's kind and the fields it reads; only what the chosen kind needs is shown. */
export function BuilderControls({
  form,
  choices,
  onChange,
}: {
  form: BuilderForm;
  choices: FieldChoices;
  onChange: (form: BuilderForm) => void;
}) {
  const { t } = useTranslation();
  const set = <K extends keyof BuilderForm>(key: K, value: BuilderForm[K]) =>
    onChange({ ...form, [key]: value });
  const numericSelect = (key: 'field' | 'x' | 'y', label: string) => (
    <Select
      label={label}
      data={choices.numeric}
      value={form[key]}
      onChange={(v) => set(key, v)}
      searchable
      allowDeselect={false}
      maw={260}
      data-testid={`builder-${key}`}
    />
  );
  const measureSelect = (measures: Measure[]) => (
    <Select
      label={t('builder.measure')}
      data={measures.map((m) => ({ value: m, label: t(`builder.measures.${m}`) }))}
      value={measures.includes(form.measure) ? form.measure : 'count'}
      onChange={(v) => set('measure', (v ?? 'count') as Measure)}
      allowDeselect={false}
      maw={220}
      data-testid="builder-measure"
    />
  );
  const both = [...choices.categories, ...choices.numeric];
  return (
    <Stack gap="sm">
      <SegmentedControl
        aria-label={t('builder.kind')}
        data={CHART_KINDS.map((k) => ({ value: k, label: t(`builder.kinds.${k}`) }))}
        value={form.kind}
        onChange={(v) => set('kind', v as ChartKind)}
        data-testid="builder-kind"
      />
      <Group align="flex-end" gap="sm">
        {form.kind === 'histogram' && (
          <>
            {numericSelect('field', t('builder.field'))}
            <NumberInput
              label={t('builder.bins')}
              value={form.bins}
              onChange={(v) => set('bins', Math.min(100, Math.max(2, Number(v) || 20)))}
              min={2}
              max={100}
              maw={120}
            />
          </>
        )}
        {form.kind === 'box' && numericSelect('field', t('builder.field'))}
        {form.kind === 'bar' && (
          <>
            <Select
              label={t('builder.category')}
              data={choices.categories}
              value={form.category}
              onChange={(v) => set('category', v)}
              searchable
              allowDeselect={false}
              maw={260}
              data-testid="builder-category"
            />
            {measureSelect(['count', 'mean', 'churn_rate'])}
            {form.measure === 'mean' && numericSelect('field', t('builder.meanField'))}
          </>
        )}
        {form.kind === 'scatter' && (
          <>
            {numericSelect('x', t('builder.x'))}
            {numericSelect('y', t('builder.y'))}
            <NumberInput
              label={t('builder.seed')}
              description={t('builder.seedHint')}
              value={form.seed}
              onChange={(v) => set('seed', Math.max(0, Math.floor(Number(v) || 0)))}
              min={0}
              maw={160}
            />
          </>
        )}
        {form.kind === 'heatmap' &&
          (['x', 'y'] as const).map((key) => (
            <Group key={key} align="flex-end" gap="xs">
              <Select
                label={key === 'x' ? t('builder.x') : t('builder.y')}
                data={both}
                value={form[key]}
                onChange={(v) => set(key, v)}
                searchable
                allowDeselect={false}
                maw={240}
                data-testid={`builder-${key}`}
              />
              {form[key] !== null && choices.numeric.includes(form[key]!) && (
                <NumberInput
                  label={t('builder.bins')}
                  value={(key === 'x' ? form.xBins : form.yBins) || 10}
                  onChange={(v) =>
                    set(key === 'x' ? 'xBins' : 'yBins', Math.min(100, Math.max(2, Number(v) || 10)))
                  }
                  min={2}
                  max={100}
                  maw={100}
                />
              )}
            </Group>
          ))}
        {form.kind === 'line' &&
          (choices.dates.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('builder.noDates')}
            </Text>
          ) : (
            <>
              <Select
                label={t('builder.date')}
                data={choices.dates}
                value={form.date}
                onChange={(v) => set('date', v)}
                allowDeselect={false}
                maw={260}
              />
              {measureSelect(['count', 'mean'])}
              {form.measure === 'mean' && numericSelect('field', t('builder.meanField'))}
            </>
          ))}
      </Group>
    </Stack>
  );
}
