import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Member } from '../../api/types.ts';
import { useReturnFocus } from '../../ui/useReturnFocus.ts';

/** "Remove from the team": a confirmation first; the server refuses the organisation's last manager. */
export function RemoveMember({
  member,
  onClose,
  onRemoved,
}: {
  member: Member;
  onClose: () => void;
  onRemoved: () => void;
}) {
  const { t } = useTranslation();
  useReturnFocus();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api(
        `/api/teams/${encodeURIComponent(member.teamId)}/members/${encodeURIComponent(member.userId)}`,
        { method: 'DELETE' },
      );
      onRemoved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('manager.removeTitle', { name: member.name, team: member.team })}
    >
      <Stack>
        <Text size="sm">{t('manager.removeText', { name: member.name, team: member.team })}</Text>
        {error && (
          <Alert color="orange" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={busy} onClick={() => void remove()}>
            {t('manager.removeConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
