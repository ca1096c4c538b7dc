import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FIELD_OPS, type FieldOp } from '../../api/campaigns.ts';
import { type Dataset, RISK_TIERS, type RiskTier, type Segment } from '../../api/types.ts';
import type { AudienceForm, FieldRow, InsidersChoice } from './audienceFilter.ts';

/** A segment's option: its name for your team, with every team's name under it. */
function segmentOptions(segments: Segment[]) {
  return segments.map((s) => ({ value: String(s.id), label: s.name }));
}

function SegmentOption({ segment }: { segment: Segment | undefined }) {
  if (!segment) return null;
  const others = segment.names.filter((n) => n.name !== segment.name);
  return (
    <Stack gap={0}>
      <Text size="sm">{segment.name}</Text>
      {others.length > 0 && (
        <Text size="xs" c="dimmed">
          {others.map((n) => `${n.team}: ${n.name}`).join(' · ')}
        </Text>
      )}
    </Stack>
  );
}

/**
 * Who a campaign addresses: segments (with the names teams gave them), risk tiers, stores,
 * locations, Insiders and filters on any column of the dataset.
 */
export function AudienceBuilder({
  dataset,
  segments,
  storeOptions,
  locationOptions,
  form,
  onChange,
}: {
  dataset: Dataset;
  segments: Segment[];
  storeOptions: string[];
  locationOptions: string[];
  form: AudienceForm;
  onChange: (form: AudienceForm) => void;
}) {
  const { t } = useTranslation();
  const set = <K extends keyof AudienceForm>(key: K, value: AudienceForm[K]) =>
    onChange({ ...form, [key]: value });
  const setField = (i: number, row: Partial<FieldRow>) =>
    set(
      'fields',
      form.fields.map((f, j) => (j === i ? { ...f, ...row } : f)),
    );
  const columns = dataset.columns.filter((c) => c.role !== 'id').map((c) => c.name);
  const byId = new Map(segments.map((s) => [String(s.id), s]));

  return (
    <Stack gap="sm" data-testid="audience-builder">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <MultiSelect
          label={t('distribution.segments')}
          placeholder={form.segments.length === 0 ? t('distribution.allSegments') : undefined}
          data={segmentOptions(segments)}
          value={form.segments}
          onChange={(v) => set('segments', v)}
          renderOption={({ option }) => <SegmentOption segment={byId.get(option.value)} />}
          searchable
          clearable
          data-testid="audience-segments"
        />
        <Checkbox.Group
          label={t('distribution.riskTiers')}
          value={form.riskTiers}
          onChange={(v) => set('riskTiers', v as RiskTier[])}
        >
          <Group mt={6}>
            {RISK_TIERS.map((tier) => (
              <Checkbox key={tier} value={tier} label={t(`tiers.${tier}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        <TagsInput
          label={t('distribution.stores')}
          placeholder={form.stores.length === 0 ? t('distribution.anyStore') : undefined}
          data={storeOptions}
          value={form.stores}
          onChange={(v) => set('stores', v)}
          clearable
        />
        <TagsInput
          label={t('distribution.locations')}
          placeholder={form.locations.length === 0 ? t('distribution.anyLocation') : undefined}
          data={locationOptions}
          value={form.locations}
          onChange={(v) => set('locations', v)}
          clearable
        />
      </SimpleGrid>
      <Stack gap={4}>
        <Text size="sm" fw={500} id="insiders-label">
          {t('distribution.insiders')}
        </Text>
        <SegmentedControl
          aria-labelledby="insiders-label"
          value={form.insiders}
          onChange={(v) => set('insiders', v as InsidersChoice)}
          data={[
            { value: 'any', label: t('distribution.insidersAny') },
            { value: 'only', label: t('distribution.insidersOnly') },
            { value: 'none', label: t('distribution.insidersNone') },
          ]}
          w="fit-content"
        />
      </Stack>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {t('distribution.fields')}
        </Text>
        {form.fields.map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; they are edited in place.
          <Group key={i} align="flex-end" gap="xs" wrap="wrap">
            <Select
              label={t('distribution.field')}
              data={columns}
              value={row.field || null}
              onChange={(v) => setField(i, { field: v ?? '' })}
              searchable
              w={220}
            />
            <Select
              label={t('distribution.op')}
              data={FIELD_OPS.map((op) => ({ value: op, label: t(`distribution.ops.${op}`) }))}
              value={row.op}
              onChange={(v) => v && setField(i, { op: v as FieldOp })}
              allowDeselect={false}
              w={170}
            />
            <TextInput
              label={t('distribution.value')}
              placeholder={row.op === 'in' ? t('distribution.valuesHint') : undefined}
              value={row.value}
              onChange={(e) => setField(i, { value: e.currentTarget.value })}
              w={200}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              size="lg"
              aria-label={t('distribution.removeField')}
              onClick={() =>
                set(
                  'fields',
                  form.fields.filter((_, j) => j !== i),
                )
              }
            >
              ×
            </ActionIcon>
          </Group>
        ))}
        <Button
          variant="light"
          size="xs"
          w="fit-content"
          onClick={() => set('fields', [...form.fields, { field: columns[0] ?? '', op: 'eq', value: '' }])}
        >
          {t('distribution.addField')}
        </Button>
      </Stack>
    </Stack>
  );
}
