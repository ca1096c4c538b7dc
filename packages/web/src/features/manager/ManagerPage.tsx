import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { type InvitationCreated, type Member, ROLES, type Role } from '../../api/types.ts';
import { useSession } from '../../app/session.ts';
import { formatDateTime, formatInteger } from '../../ui/format.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/States.tsx';
import { useApi } from '../../ui/useApi.ts';
import { RemoveMember } from './RemoveMember.tsx';

export function ManagerPage() {
  const { t } = useTranslation();
  const members = useApi('members', (signal) =>
    api<{ members: Member[] }>('/api/members', { signal }).then((r) => r.members),
  );
  return (
    <Stack>
      <Title order={2}>{t('manager.title')}</Title>
      {members.state === 'loading' && <Loading />}
      {members.state === 'error' &&
        (members.error.status === 403 ? (
          <Alert color="orange" title={t('manager.notAllowedTitle')} data-testid="not-allowed">
            {t('manager.notAllowed')}
          </Alert>
        ) : (
          <ErrorState error={members.error} onRetry={members.reload} />
        ))}
      {members.state === 'ready' && (
        <>
          {members.data.length === 0 ? (
            <EmptyState title={t('manager.none')} />
          ) : (
            <MemberTable members={members.data} onChanged={members.reload} />
          )}
          <InviteForm teams={[...new Set(members.data.map((m) => m.team))]} />
        </>
      )}
    </Stack>
  );
}

function RoleSelect({ member, onChanged }: { member: Member; onChanged: () => void }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const change = async (role: string | null) => {
    if (!role || role === member.role) return;
    setBusy(true);
    setError(null);
    try {
      await api(`/api/members/${encodeURIComponent(member.userId)}`, {
        method: 'PATCH',
        body: { teamId: member.teamId, role },
      });
      onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap={2}>
      <Select
        size="xs"
        aria-label={t('manager.changeRole', { name: member.name })}
        data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
        value={member.role}
        onChange={(r) => void change(r)}
        disabled={busy || member.userId === me.user.id}
        allowDeselect={false}
        w={170}
      />
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

function MemberTable({ members, onChanged }: { members: Member[]; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const [removing, setRemoving] = useState<Member | null>(null);
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped data-testid="member-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('manager.name')}</Table.Th>
            <Table.Th>{t('auth.email')}</Table.Th>
            <Table.Th>{t('manager.team')}</Table.Th>
            <Table.Th>{t('manager.teamId')}</Table.Th>
            <Table.Th>{t('manager.role')}</Table.Th>
            <Table.Th ta="right">{t('manager.posts')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((m) => (
            <Table.Tr key={`${m.userId}|${m.teamId}`}>
              <Table.Td>{m.name}</Table.Td>
              <Table.Td>{m.email}</Table.Td>
              <Table.Td>{m.team}</Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {m.teamId}
                </Text>
              </Table.Td>
              <Table.Td>
                <RoleSelect member={m} onChanged={onChanged} />
              </Table.Td>
              <Table.Td ta="right">
                {m.posts === undefined ? '—' : formatInteger(i18n.language, m.posts)}
              </Table.Td>
              <Table.Td>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  color="red"
                  onClick={() => setRemoving(m)}
                  aria-label={t('manager.removeLabel', { name: m.name, team: m.team })}
                >
                  {t('manager.remove')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {removing && (
        <RemoveMember
          member={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            setRemoving(null);
            onChanged();
          }}
        />
      )}
    </Table.ScrollContainer>
  );
}

function InviteForm({ teams }: { teams: string[] }) {
  const { t, i18n } = useTranslation();
  const [email, setEmail] = useState('');
  const [team, setTeam] = useState(teams[0] ?? '');
  const [role, setRole] = useState<Role>('marketing');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<InvitationCreated | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      setCreated(
        await api<InvitationCreated>('/api/invitations', { method: 'POST', body: { email, team, role } }),
      );
      setEmail('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const link = created
    ? `${window.location.origin}/invitation?token=${encodeURIComponent(created.token)}`
    : '';

  return (
    <Card withBorder>
      <form onSubmit={submit}>
        <Stack>
          <Title order={4}>{t('manager.invite')}</Title>
          <Group align="flex-end">
            <TextInput
              label={t('auth.email')}
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <TextInput
              label={t('manager.team')}
              required
              value={team}
              onChange={(e) => setTeam(e.currentTarget.value)}
            />
            <Select
              label={t('manager.role')}
              data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
              value={role}
              onChange={(r) => r && setRole(r as Role)}
              allowDeselect={false}
            />
            <Button type="submit" loading={busy}>
              {t('manager.sendInvite')}
            </Button>
          </Group>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          {created && (
            <Alert
              color="green"
              title={t('manager.invited', { email: created.email })}
              data-testid="invitation-created"
            >
              <Text size="sm">
                {t('manager.inviteLink', { date: formatDateTime(i18n.language, created.expiresAt) })}
              </Text>
              <Code block>{link}</Code>
            </Alert>
          )}
        </Stack>
      </form>
    </Card>
  );
}
