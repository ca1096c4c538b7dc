import { Alert, Anchor, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { linkClick } from '../../app/router.ts';

const MIN_PASSWORD = 10;

/** Sign up with an invitation token (the manager passes it on with the link /invitation?token=...). */
export function AcceptInvitation({
  token: initial,
  onSignedIn,
}: {
  token: string;
  onSignedIn: (me: Me) => void;
}) {
  const { t } = useTranslation();
  const [token, setToken] = useState(initial);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api<Me>('/api/auth/sign-up', {
        method: 'POST',
        body: { email, name, password, invitation: token.trim() },
      });
      onSignedIn(me);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="xl" maw={460} mx="auto" mt={60} radius="md">
      <form onSubmit={submit}>
        <Stack>
          <Title order={2}>{t('invitation.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('invitation.intro')}
          </Text>
          <TextInput
            label={t('invitation.token')}
            required
            value={token}
            onChange={(e) => setToken(e.currentTarget.value)}
          />
          <TextInput
            label={t('auth.email')}
            type="email"
            required
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <TextInput
            label={t('invitation.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <PasswordInput
            label={t('auth.password')}
            description={t('invitation.passwordHint', { n: MIN_PASSWORD })}
            required
            minLength={MIN_PASSWORD}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            {t('invitation.submit')}
          </Button>
          <Anchor href="/" onClick={linkClick('/')} size="sm">
            {t('invitation.back')}
          </Anchor>
        </Stack>
      </form>
    </Paper>
  );
}
