import { Alert, Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import type { Segment } from '../../api/types.ts';
import { useSession } from '../../app/session.ts';
import { useReturnFocus } from '../../ui/useReturnFocus.ts';
import { renameSegment } from './segmentationsApi.ts';

/** Name and describe a segment for one of your teams (PUT .../segments/:id/name). */
export function RenameSegment({
  datasetId,
  segmentation,
  segment,
  onClose,
  onSaved,
}: {
  datasetId: string;
  /** The segmentation the segment belongs to (the server's default: the team's). */
  segmentation?: string;
  segment: Segment;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { me } = useSession();
  useReturnFocus();
  const teams = me.memberships.filter((m) => m.role !== 'support');
  const [teamId, setTeamId] = useState<string | null>(teams[0]?.teamId ?? null);
  const own = segment.names.find((n) => n.teamId === teamId);
  const [name, setName] = useState(own?.name ?? segment.name);
  const [description, setDescription] = useState(own?.description ?? segment.description);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await renameSegment(datasetId, segment.id, { name, description, teamId, segmentation });
      onSaved();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 403
          ? t('segments.renameForbidden')
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('segments.renameTitle', { name: segment.suggested.name })}>
      <form onSubmit={save}>
        <Stack>
          {teams.length > 1 && (
            <Select
              label={t('segments.team')}
              data={teams.map((m) => ({ value: m.teamId, label: m.team }))}
              value={teamId}
              onChange={setTeamId}
              allowDeselect={false}
            />
          )}
          <TextInput
            label={t('segments.name')}
            required
            maxLength={80}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
            name="segment-name"
          />
          <Textarea
            label={t('segments.description')}
            maxLength={500}
            autosize
            minRows={2}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          {error && (
            <Alert color="orange" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
