import { Alert, Button, Group, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SegmentationSummary } from '../../api/types.ts';

/**
 * Which segmentation the segment table shows (the team's one marked), and, for a person who may
 * rename segments, "Use for my team" on another one.
 */
export function SegmentationPicker({
  segmentations,
  chosen,
  value,
  onChange,
  mayChoose,
  onUse,
  busy = false,
  error = null,
  notice = null,
}: {
  segmentations: SegmentationSummary[];
  /** The id of the team's segmentation. */
  chosen: string;
  /** The id shown. */
  value: string;
  onChange: (id: string) => void;
  mayChoose: boolean;
  onUse: (id: string) => void;
  busy?: boolean;
  error?: string | null;
  /** Said once the team's choice was saved. */
  notice?: string | null;
}) {
  const { t } = useTranslation();
  const name = (id: string) => segmentations.find((s) => s.id === id)?.name ?? id;
  return (
    <Stack gap="xs" data-testid="segmentation-picker">
      <Group align="flex-end" gap="sm">
        <Select
          label={t('segmentations.pick')}
          data={segmentations.map((s) => ({
            value: s.id,
            label: s.id === chosen ? t('segmentations.yours', { name: s.name }) : s.name,
          }))}
          value={value}
          onChange={(id) => id && onChange(id)}
          allowDeselect={false}
          w={360}
          name="segmentation"
        />
        {mayChoose && value !== chosen && (
          <Button variant="light" loading={busy} onClick={() => onUse(value)}>
            {t('segmentations.use')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed" data-testid="segmentation-status">
        {value === chosen
          ? t('segmentations.using', { name: name(chosen) })
          : t('segmentations.viewing', { name: name(value), chosen: name(chosen) })}
      </Text>
      {notice && (
        <Text size="sm" role="status">
          {notice}
        </Text>
      )}
      {error && (
        <Alert color="orange" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
