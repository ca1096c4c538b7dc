import { Alert, Anchor, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { linkClick } from '../../app/router.ts';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api<Me>('/api/auth/sign-in', { method: 'POST', body: { email, password } }));
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t('auth.wrongPassword')
          : err instanceof ApiError && err.status === 429
            ? t('auth.tooMany')
            : err instanceof Error
              ? err.message
              : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="xl" maw={420} mx="auto" mt={80} radius="md">
      <form onSubmit={submit} aria-label={t('auth.signIn')}>
        <Stack>
          <Title order={2}>{t('auth.signInTitle')}</Title>
          <TextInput
            label={t('auth.email')}
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            name="email"
          />
          <PasswordInput
            label={t('auth.password')}
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            name="password"
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            {t('auth.signIn')}
          </Button>
          <Text size="sm" c="dimmed">
            {t('auth.haveInvitation')}{' '}
            <Anchor href="/invitation" onClick={linkClick('/invitation')}>
              {t('auth.acceptInvitation')}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}
