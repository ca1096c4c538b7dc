import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client.ts';

/** What every view shows while it loads. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader size="md" />
        <Text c="dimmed" size="sm">
          {label ?? t('common.loading')}
        </Text>
      </Stack>
    </Center>
  );
}

/** An error from the API, in words, with a retry when one makes sense. */
export function ErrorState({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useTranslation();
  const title =
    error.status === 403
      ? t('errors.forbiddenTitle')
      : error.status === 0
        ? t('errors.networkTitle')
        : t('errors.title');
  return (
    <Alert
      color={error.status === 403 ? 'orange' : 'red'}
      title={title}
      role="alert"
      data-testid="error-state"
    >
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{error.status === 403 ? t('errors.forbidden') : error.message}</Text>
        {onRetry && error.status !== 403 && (
          <Button size="xs" variant="light" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

/** Nothing to show yet, and what to do about it. */
export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <Center py="xl" data-testid="empty-state">
      <Stack align="center" gap={4} maw={480}>
        <Text fw={600}>{title}</Text>
        {children && (
          <Text c="dimmed" size="sm" ta="center">
            {children}
          </Text>
        )}
      </Stack>
    </Center>
  );
}
