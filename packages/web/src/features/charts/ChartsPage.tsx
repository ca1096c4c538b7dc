import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../ui/States.tsx';

export function ChartsPage() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={2}>{t('nav.charts')}</Title>
      <EmptyState title={t('common.comingSoon')} />
    </Stack>
  );
}
