import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../ui/States.tsx';

export function InsidersPage() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={2}>{t('nav.insiders')}</Title>
      <EmptyState title={t('common.comingSoon')} />
    </Stack>
  );
}
